/**
 * One document's raw bytes as a single-pass stream that can be peeked at
 * (for type detection), hashes and counts every byte it hands out, and stops
 * with LW_ABORTED as soon as the signal fires.
 */
import { createHash, type Hash } from 'node:crypto';
import { LeakwatchError } from '../errors.js';

/** A document's bytes: peekable, hashed, counted and abortable. */
export class ByteSource implements AsyncIterable<Uint8Array> {
  private readonly it: AsyncIterator<Uint8Array>;
  private readonly pending: Uint8Array[] = [];
  private readonly hash: Hash = createHash('sha256');
  private done = false;
  private taken = false;
  /** Bytes read from the underlying stream so far. */
  size = 0;

  constructor(
    input: AsyncIterable<Uint8Array>,
    private readonly signal: AbortSignal | undefined,
  ) {
    this.it = input[Symbol.asyncIterator]();
  }

  /** Reads the next chunk from the underlying stream, racing the abort signal. */
  private async pull(): Promise<Uint8Array | undefined> {
    const signal = this.signal;
    if (signal?.aborted) throw aborted();
    if (this.done) return undefined;
    let result: IteratorResult<Uint8Array>;
    if (signal === undefined) {
      result = await this.next();
    } else {
      let onAbort: (() => void) | undefined;
      const stop = new Promise<never>((_, reject) => {
        onAbort = () => reject(aborted());
        signal.addEventListener('abort', onAbort, { once: true });
      });
      try {
        result = await Promise.race([this.next(), stop]);
      } finally {
        if (onAbort) signal.removeEventListener('abort', onAbort);
      }
    }
    if (result.done) {
      this.done = true;
      return undefined;
    }
    const chunk = result.value;
    this.size += chunk.length;
    this.hash.update(chunk);
    return chunk;
  }

  /** The underlying next(), with its failures marked as the input's own. */
  private async next(): Promise<IteratorResult<Uint8Array>> {
    try {
      return await this.it.next();
    } catch (err) {
      throw new InputFailure(err);
    }
  }

  /** Up to `n` leading bytes (fewer only at end of stream), without consuming them. */
  async peek(n: number): Promise<Uint8Array> {
    let have = this.pending.reduce((s, c) => s + c.length, 0);
    while (have < n) {
      const chunk = await this.pull();
      if (chunk === undefined) break;
      if (chunk.length === 0) continue;
      this.pending.push(chunk);
      have += chunk.length;
    }
    const out = concat(this.pending);
    return out.length > n ? out.subarray(0, n) : out;
  }

  /** Reads everything still unread (so that the hash covers the whole document). */
  async drain(): Promise<void> {
    this.pending.length = 0;
    while ((await this.pull()) !== undefined) this.pending.length = 0;
  }

  /** SHA-256 (hex) and size of all bytes read; call once, after drain(). */
  digest(): { sha256: string; size: number } {
    return { sha256: this.hash.digest('hex'), size: this.size };
  }

  /** Iterates once; breaking out early leaves the rest for drain(). */
  [Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    if (this.taken) throw new LeakwatchError('LW_INTERNAL', 'byte source iterated twice');
    this.taken = true;
    return {
      next: async () => {
        const queued = this.pending.shift();
        if (queued !== undefined) return { value: queued, done: false };
        const chunk = await this.pull();
        return chunk === undefined ? { value: undefined, done: true } : { value: chunk, done: false };
      },
      return: async () => ({ value: undefined, done: true }),
    };
  }

  /** Stops the underlying stream early (best effort; used when aborting). */
  cancel(): void {
    if (this.done) return;
    this.done = true;
    this.it.return?.().catch(() => undefined);
  }
}

/**
 * Wraps an exception thrown by the input stream itself (a network error, a
 * file read error): it is not a property of the document and must reach the
 * caller unchanged instead of becoming an issue.
 */
export class InputFailure extends Error {
  constructor(cause: unknown) {
    super('input stream failed', { cause });
    this.name = 'InputFailure';
  }
}

function aborted(): LeakwatchError {
  return new LeakwatchError('LW_ABORTED', 'extraction aborted');
}

/** Concatenates chunks into one array (returns the only chunk as is). */
export function concat(chunks: readonly Uint8Array[]): Uint8Array {
  if (chunks.length === 1) return chunks[0] as Uint8Array;
  const total = chunks.reduce((s, c) => s + c.length, 0);
  const out = new Uint8Array(total);
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}

/**
 * Collects a whole stream into memory if it fits in `max` bytes; otherwise
 * returns undefined and leaves the rest unread (the caller drains it).
 */
export async function bufferUpTo(src: AsyncIterable<Uint8Array>, max: number): Promise<Uint8Array | undefined> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of src) {
    total += chunk.length;
    if (total > max) return undefined;
    chunks.push(chunk);
  }
  return concat(chunks);
}

/** Splits a chunk into views of at most `size` bytes (no copying). */
export function* slices(chunk: Uint8Array, size: number): Generator<Uint8Array> {
  for (let o = 0; o < chunk.length; o += size) yield chunk.subarray(o, Math.min(chunk.length, o + size));
}
