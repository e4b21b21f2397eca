/**
 * The bundle's record references, read from their JSON array only when a
 * finding needs one. A million-record bundle holds a million short strings:
 * parsed up front they took ~0.4-0.5 s of every load and ~30 MB of heap;
 * here loading checks the JSON in one pass over its bytes and keeps where each
 * string starts (4 bytes a string; its end is the last quote before the next
 * string's start, as only a comma and white space lie between them).
 */
import { readSync } from 'node:fs';
import { LeakwatchError } from '../errors.js';
import { doubled } from '../matcher/growable.js';

/** What the matcher needs of a list of strings; a plain array is one too. */
export interface StringList {
  readonly length: number;
  at(index: number): string | undefined;
  [Symbol.iterator](): Iterator<string>;
}

/** A JsonStringList as plain data (for a worker thread): the JSON bytes and where each string starts. */
export interface JsonStringListParts {
  json: Uint8Array;
  /** Offset of each string's opening quote, then that of the array's closing bracket (n + 1 entries). */
  starts: Uint32Array;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/**
 * Just past the closing quote of the string that starts at bytes[from]: the
 * last quote before `to`, the next string's start (or the closing bracket),
 * since only a comma and white space follow a string's closing quote.
 */
function stringEnd(bytes: Uint8Array, from: number, to: number): number {
  let q = to - 1;
  while (q > from && bytes[q] !== QUOTE) q--;
  return q + 1;
}

/** The string whose opening quote is at bytes[start], the next string (or the closing bracket) starting at `next`. */
function stringAt(bytes: Buffer, start: number, next: number): string {
  const end = stringEnd(bytes, start, next);
  const inner = bytes.toString('utf8', start + 1, end - 1);
  return inner.includes('\\') ? (JSON.parse(bytes.toString('utf8', start, end)) as string) : inner;
}

/** Strings of a JSON array of strings, decoded one at a time. */
export class JsonStringList implements StringList {
  readonly length: number;
  readonly #json: Buffer;
  /** Offset of each string's opening quote, then of the closing bracket. */
  readonly #starts: Uint32Array;

  /** A list over another list's parts (nothing is checked or copied). */
  constructor(parts: JsonStringListParts) {
    this.#json = Buffer.from(parts.json.buffer, parts.json.byteOffset, parts.json.byteLength);
    this.#starts = parts.starts;
    this.length = parts.starts.length - 1;
  }

  /**
   * Checks that `json` is a JSON array of strings and finds each string; the
   * bytes are kept, not copied. Throws a plain Error naming the offset of the
   * first thing that is not (the caller words it for its file).
   */
  static parse(json: Uint8Array, options: { shared?: boolean } = {}): JsonStringList {
    const n = json.length;
    let starts = new Uint32Array(64);
    let count = 0;
    let i = 0;
    const fail = (what: string): never => {
      throw new Error(`${what} at byte ${i}`);
    };
    const skipSpace = () => {
      while (i < n && isSpace(json[i]!)) i++;
    };
    skipSpace();
    if (json[i] !== 0x5b) fail('expected [');
    i++;
    skipSpace();
    if (json[i] === 0x5d) starts[0] = i++;
    else {
      for (;;) {
        if (json[i] !== QUOTE) fail('expected a string');
        const start = i++;
        let escaped = false;
        for (;;) {
          if (i >= n) fail('unterminated string');
          const c = json[i]!;
          if (c === QUOTE) break;
          if (c < 0x20) fail('control character in a string');
          if (c === BACKSLASH) {
            escaped = true;
            i++;
          }
          i++;
        }
        i++;
        // Escapes are rare (JSON.stringify of an id with a quote or a control character): check them here.
        if (escaped) {
          try {
            JSON.parse(Buffer.from(json.buffer, json.byteOffset + start, i - start).toString('utf8'));
          } catch {
            fail('bad escape in a string');
          }
        }
        // Room for this start and the closing bracket's.
        if (count + 2 > starts.length) starts = doubled(starts);
        starts[count++] = start;
        skipSpace();
        if (json[i] === COMMA) {
          i++;
          skipSpace();
          continue;
        }
        if (json[i] === 0x5d) {
          starts[count] = i++;
          break;
        }
        fail('expected , or ]');
      }
    }
    skipSpace();
    if (i !== n) fail('trailing bytes');
    const exact = new Uint32Array(options.shared ? new SharedArrayBuffer(4 * (count + 1)) : new ArrayBuffer(4 * (count + 1)));
    exact.set(starts.subarray(0, count + 1));
    return new JsonStringList({ json, starts: exact });
  }

  /** The string at `index` (negative counts from the end, as Array's `at`), or undefined. */
  at(index: number): string | undefined {
    const i = index < 0 ? index + this.length : index;
    if (!(i >= 0 && i < this.length)) return undefined;
    return stringAt(this.#json, this.#starts[i]!, this.#starts[i + 1]!);
  }

  *[Symbol.iterator](): Iterator<string> {
    for (let i = 0; i < this.length; i++) yield this.at(i)!;
  }

  /** The arrays behind the list, to rebuild it elsewhere with the constructor. */
  get parts(): JsonStringListParts {
    return { json: this.#json, starts: this.#starts };
  }
}

/** `list` as a JSON array's bytes: a JsonStringList's own bytes, a FileStringList's read from its file, anything else through JSON.stringify. */
export function stringListJson(list: StringList): Uint8Array {
  if (list instanceof FileStringList) return list.json();
  return list instanceof JsonStringList ? list.parts.json : Buffer.from(JSON.stringify([...list]), 'utf8');
}

/** Bytes a FileStringList reads at once when it looks up many strings (see `many`). */
const READ_SPAN = 64 * 1024;

/**
 * Positions 0..n-1 of `indexes` ordered by their value. Packed as
 * value·n + position into a Float64Array, a typed (comparator-free) sort
 * does it while the products stay exact; a million positions sort in tens of
 * milliseconds instead of hundreds with a comparator.
 */
function sortedOrder(indexes: ArrayLike<number>): ArrayLike<number> {
  const n = indexes.length;
  let max = 0;
  for (let k = 0; k < n; k++) max = Math.max(max, indexes[k]!);
  if ((max + 1) * n > Number.MAX_SAFE_INTEGER) return Array.from({ length: n }, (_, k) => k).sort((a, b) => indexes[a]! - indexes[b]!);
  const keys = new Float64Array(n);
  for (let k = 0; k < n; k++) keys[k] = indexes[k]! * n + k;
  keys.sort();
  const order = new Int32Array(n);
  for (let k = 0; k < n; k++) order[k] = keys[k]! % n;
  return order;
}

/** The strings of `list` at `indexes`, in their order: a FileStringList reads them in few reads. */
export function stringsAt(list: StringList, indexes: ArrayLike<number>): string[] {
  if (list instanceof FileStringList) return list.many(indexes);
  return Array.from({ length: indexes.length }, (_, k) => list.at(indexes[k]!)!);
}

/** A FileStringList as plain data (for a worker thread, which reads the same open file). */
export interface FileStringListParts {
  /** The open bundle file and its name for errors. */
  fd: number;
  where: string;
  /** File offset of the JSON array's first byte, and its length. */
  at: number;
  length: number;
  /** Within the JSON, as JsonStringListParts.starts. */
  starts: Uint32Array;
}

/**
 * The record references of a bundle left in its file (decodeBundleFile): the
 * JSON is checked and each string found when the bundle loads, as
 * JsonStringList does, and then only the starts stay in memory; a reference is
 * read from the file when a finding needs it. At a million records that keeps
 * the 10.9 MB of JSON out of the process.
 */
export class FileStringList implements StringList {
  readonly length: number;
  readonly #parts: FileStringListParts;
  #scratch = Buffer.alloc(64);

  constructor(parts: FileStringListParts) {
    this.#parts = parts;
    this.length = parts.starts.length - 1;
  }

  at(index: number): string | undefined {
    const i = index < 0 ? index + this.length : index;
    if (!(i >= 0 && i < this.length)) return undefined;
    const start = this.#parts.starts[i]!;
    const span = this.#parts.starts[i + 1]! - start;
    if (span > this.#scratch.length) this.#scratch = Buffer.alloc(Math.max(span, 2 * this.#scratch.length));
    this.#read(this.#scratch, span, this.#parts.at + start);
    return stringAt(this.#scratch, 0, span);
  }

  *[Symbol.iterator](): Iterator<string> {
    for (let i = 0; i < this.length; i++) yield this.at(i)!;
  }

  /**
   * The strings at `indexes` (each in range), in their order. The bundle
   * keeps the strings in index order, so the indexes are sorted and strings
   * lying close together come from one read of up to READ_SPAN bytes: a
   * leaked table hits thousands of records per document, and one read per
   * reference cost about 4 µs each (348 ms of a 2.6 s scan of the benchmark's
   * 50 MB CSV; docs/performance.md).
   */
  many(indexes: ArrayLike<number>): string[] {
    const n = indexes.length;
    const out = new Array<string>(n);
    const order = sortedOrder(indexes);
    const starts = this.#parts.starts;
    for (let k = 0; k < n; ) {
      const first = indexes[order[k]!]!;
      if (!(first >= 0 && first < this.length)) throw new RangeError(`record reference ${first} out of range`);
      const from = starts[first]!;
      // The run of sorted indexes whose strings (up to the next one's start) lie within one span from `from` (at least one string).
      let end = k + 1;
      while (end < n) {
        const i = indexes[order[end]!]!;
        if (!(i >= 0 && i < this.length) || starts[i + 1]! - from > READ_SPAN) break;
        end++;
      }
      const last = indexes[order[end - 1]!]!;
      const size = starts[last + 1]! - from;
      if (size > this.#scratch.length) this.#scratch = Buffer.alloc(Math.max(size, READ_SPAN));
      const buf = this.#scratch;
      this.#read(buf, size, this.#parts.at + from);
      for (let j = k; j < end; j++) {
        const i = indexes[order[j]!]!;
        out[order[j]!] = stringAt(buf, starts[i]! - from, starts[i + 1]! - from);
      }
      k = end;
    }
    return out;
  }

  get parts(): FileStringListParts {
    return this.#parts;
  }

  /** The whole JSON array, read from the file (to encode the bundle again). */
  json(): Uint8Array {
    const out = Buffer.alloc(this.#parts.length);
    this.#read(out, out.length, this.#parts.at);
    return out;
  }

  #read(into: Buffer, length: number, at: number): void {
    let n = 0;
    try {
      while (n < length) {
        const r = readSync(this.#parts.fd, into, n, length - n, at + n);
        if (r === 0) break;
        n += r;
      }
    } catch (err) {
      throw new LeakwatchError('LW_BUNDLE_INVALID', `${this.#parts.where}: cannot read the bundle's record references (${(err as NodeJS.ErrnoException).code ?? 'error'})`, { cause: err });
    }
    if (n < length) throw new LeakwatchError('LW_BUNDLE_INVALID', `${this.#parts.where}: the bundle file was truncated while in use`);
  }
}
