/**
 * Deflate and gzip streams inflated by the platform's zlib, synchronously:
 * push compressed bytes, get the bytes they inflate to, in the same call.
 *
 * The zip and gzip extractors first used fflate's streaming `Inflate`, which
 * is pure JavaScript and copies its 32 KiB window into a new array on every
 * push. Inflating the benchmark's 303 MB zip (1 GB of text) in the
 * extractor's 4 KiB steps took 12.0 s with array buffers peaking at 96 MB;
 * zlib through minizlib took 2.07 s and 35 MB (docs/performance.md, seventh
 * session). Node's public API offers synchronous zlib only for whole buffers;
 * minizlib (by npm's author) runs a zlib stream's handle synchronously through
 * Node's internal `_processChunk`, which is why it is pinned to a major
 * version and covered by this module's tests: a Node upgrade that breaks it
 * fails them.
 */
import { Buffer } from 'node:buffer';
import { Gunzip, InflateRaw } from 'minizlib';

/** Thrown by `push` when the compressed bytes are corrupt or end too early. */
export class InflateError extends Error {
  override readonly name = 'InflateError';
}

/** One compressed stream; see the module comment. */
export class Inflater {
  readonly #z: InflateRaw | Gunzip;
  #out: Uint8Array[] = [];
  #failed = false;
  #ended = false;
  /** Whether any compressed byte came: a stream of none is an empty entry, as fflate read it, not a truncated one. */
  #started = false;

  /** `raw`: a deflate stream as zip stores it; `gzip`: one or more gzip members. */
  constructor(format: 'raw' | 'gzip') {
    this.#z = format === 'raw' ? new InflateRaw({}) : new Gunzip({});
    this.#z.on('data', (d: Buffer) => this.#out.push(d));
    // The error is reported by the push that caused it; its message (zlib's) names no content.
    this.#z.on('error', () => {
      this.#failed = true;
    });
  }

  /**
   * Inflates the next compressed bytes; `final` says none follow (a stream
   * that has not ended by then is truncated; one that got no bytes at all
   * is empty). Returns the output in order,
   * fresh arrays the caller may keep. Throws InflateError on corrupt or
   * truncated data, and for every push after that.
   */
  push(chunk: Uint8Array, final: boolean): Uint8Array[] {
    if (this.#ended) throw new InflateError('push after the final one');
    if (!this.#failed && chunk.length > 0) {
      this.#started = true;
      this.#z.write(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    }
    if (!this.#failed && final) {
      this.#ended = true;
      if (this.#started) this.#z.end();
      else this.#z.close();
    }
    const out = this.#out;
    this.#out = [];
    if (this.#failed) {
      this.close();
      throw new InflateError('compressed data is corrupt or truncated');
    }
    return out;
  }

  /** Frees the native stream (also after an error or a cut); pushes after this throw. */
  close(): void {
    this.#ended = true;
    this.#z.close();
  }
}
