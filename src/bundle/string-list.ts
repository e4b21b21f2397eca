/**
 * The bundle's record references, read from their JSON array only when a
 * finding needs one. A million-record bundle holds a million short strings:
 * parsed up front they took ~0.4-0.5 s of every load and ~30 MB of heap;
 * here loading checks the JSON in one pass over its bytes and keeps where each
 * string lies (8 bytes a string).
 */
import { readSync } from 'node:fs';
import { LeakwatchError } from '../errors.js';

/** What the matcher needs of a list of strings; a plain array is one too. */
export interface StringList {
  readonly length: number;
  at(index: number): string | undefined;
  [Symbol.iterator](): Iterator<string>;
}

/** A JsonStringList as plain data (for a worker thread): the JSON bytes and each string's bounds. */
export interface JsonStringListParts {
  json: Uint8Array;
  bounds: Uint32Array;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/** Strings of a JSON array of strings, decoded one at a time. */
export class JsonStringList implements StringList {
  readonly length: number;
  readonly #json: Buffer;
  /** Per string: offset of its opening quote, offset just past its closing quote. */
  readonly #bounds: Uint32Array;

  /** A list over another list's parts (nothing is checked or copied). */
  constructor(parts: JsonStringListParts) {
    this.#json = Buffer.from(parts.json.buffer, parts.json.byteOffset, parts.json.byteLength);
    this.#bounds = parts.bounds;
    this.length = parts.bounds.length / 2;
  }

  /**
   * Checks that `json` is a JSON array of strings and finds each string; the
   * bytes are kept, not copied. Throws a plain Error naming the offset of the
   * first thing that is not (the caller words it for its file).
   */
  static parse(json: Uint8Array, options: { shared?: boolean } = {}): JsonStringList {
    const n = json.length;
    let bounds = new Uint32Array(64);
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
    if (json[i] === 0x5d) i++;
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
        if (2 * count + 2 > bounds.length) {
          const grown = new Uint32Array(bounds.length * 2);
          grown.set(bounds);
          bounds = grown;
        }
        bounds[2 * count] = start;
        bounds[2 * count + 1] = i;
        count++;
        skipSpace();
        if (json[i] === COMMA) {
          i++;
          skipSpace();
          continue;
        }
        if (json[i] === 0x5d) {
          i++;
          break;
        }
        fail('expected , or ]');
      }
    }
    skipSpace();
    if (i !== n) fail('trailing bytes');
    const exact = new Uint32Array(options.shared ? new SharedArrayBuffer(8 * count) : new ArrayBuffer(8 * count));
    exact.set(bounds.subarray(0, 2 * count));
    return new JsonStringList({ json, bounds: exact });
  }

  /** The string at `index` (negative counts from the end, as Array's `at`), or undefined. */
  at(index: number): string | undefined {
    const i = index < 0 ? index + this.length : index;
    if (!(i >= 0 && i < this.length)) return undefined;
    const start = this.#bounds[2 * i]!;
    const end = this.#bounds[2 * i + 1]!;
    const inner = this.#json.toString('utf8', start + 1, end - 1);
    return inner.includes('\\') ? (JSON.parse(this.#json.toString('utf8', start, end)) as string) : inner;
  }

  *[Symbol.iterator](): Iterator<string> {
    for (let i = 0; i < this.length; i++) yield this.at(i)!;
  }

  /** The arrays behind the list, to rebuild it elsewhere with the constructor. */
  get parts(): JsonStringListParts {
    return { json: this.#json, bounds: this.#bounds };
  }
}

/** `list` as a JSON array's bytes: a JsonStringList's own bytes, a FileStringList's read from its file, anything else through JSON.stringify. */
export function stringListJson(list: StringList): Uint8Array {
  if (list instanceof FileStringList) return list.json();
  return list instanceof JsonStringList ? list.parts.json : Buffer.from(JSON.stringify([...list]), 'utf8');
}

/** A FileStringList as plain data (for a worker thread, which reads the same open file). */
export interface FileStringListParts {
  /** The open bundle file and its name for errors. */
  fd: number;
  where: string;
  /** File offset of the JSON array's first byte, and its length. */
  at: number;
  length: number;
  /** Per string: offsets of its opening quote and just past its closing quote, within the JSON. */
  bounds: Uint32Array;
}

/**
 * The record references of a bundle left in its file (decodeBundleFile): the
 * JSON is checked and each string found when the bundle loads, as
 * JsonStringList does, and then only the bounds stay in memory; a reference is
 * read from the file when a finding needs it. At a million records that keeps
 * the 10.9 MB of JSON out of the process.
 */
export class FileStringList implements StringList {
  readonly length: number;
  readonly #parts: FileStringListParts;
  #scratch = Buffer.alloc(64);

  constructor(parts: FileStringListParts) {
    this.#parts = parts;
    this.length = parts.bounds.length / 2;
  }

  at(index: number): string | undefined {
    const i = index < 0 ? index + this.length : index;
    if (!(i >= 0 && i < this.length)) return undefined;
    const start = this.#parts.bounds[2 * i]!;
    const size = this.#parts.bounds[2 * i + 1]! - start;
    if (size > this.#scratch.length) this.#scratch = Buffer.alloc(Math.max(size, 2 * this.#scratch.length));
    this.#read(this.#scratch, size, this.#parts.at + start);
    const inner = this.#scratch.toString('utf8', 1, size - 1);
    return inner.includes('\\') ? (JSON.parse(this.#scratch.toString('utf8', 0, size)) as string) : inner;
  }

  *[Symbol.iterator](): Iterator<string> {
    for (let i = 0; i < this.length; i++) yield this.at(i)!;
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
