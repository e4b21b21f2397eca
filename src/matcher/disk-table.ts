/**
 * A fingerprint table whose entries stay in the bundle file: only its probe
 * filter and bucket directory are in memory, and a key that passes the filter
 * is looked up with reads of its bucket from the file.
 *
 * For the text fingerprints of a bundle loaded from a file (decodeBundleFile
 * with `winnowOnDisk`): at a million records and 100,000 notes they are
 * 5.6 million entries of 12 bytes, a third of the loaded organization, while
 * a scan looks few of them up past the filter (0.62 million of 29 million
 * lookups in the benchmark's 1 GB corpus; docs/performance.md). The file's
 * pages are the kernel's page cache, which the system can reclaim, not the
 * process's memory.
 *
 * Layout is that of FingerprintTable (same bucket function): the sections
 * hold the entries in key order, as enrollment writes them. The filter is the
 * stronger one (strongFilterAdd: 14 bits and five probes per key), because a
 * false pass here costs a system call: with FingerprintTable's filter, 2.1 %
 * of the benchmark corpus's text lookups passed, nearly all falsely, and
 * their reads took 200 ms of a 2.6 s scan of its 50 MB CSV. The directory
 * has a bucket per DISK_BUCKET_ENTRIES entries, not per four: a read of
 * sixteen words costs what a read of four does (the system call), and the directory takes a quarter of the memory (1.4 MB
 * instead of 5.6 MB at 5.6 million entries). A lookup that passes the filter
 * reads the low halves of its bucket (one read); only when one equals the
 * key's low half it reads the high halves too. A value is read when asked for.
 * The matcher looks a document's keys up many at a time (findMany, valuesOf):
 * buckets in file order, neighbouring ones in one read.
 */
import { readSync } from 'node:fs';
import { LeakwatchError } from '../errors.js';
import type { WinnowOnDisk } from '../bundle/format.js';
import {
  BLOCK_WORDS,
  bucketOf,
  bucketsFor,
  filterBlocksFor,
  frontAdd,
  frontHas,
  frontPass,
  frontShift,
  frontWordsFor,
  STRONG_FILTER_BITS_PER_KEY,
  strongFilterAdd,
  strongFilterHas,
  type FingerprintLookup,
} from './fingerprint-table.js';
import { doubled } from './growable.js';

/** Average entries per directory bucket (see the module comment). */
const DISK_BUCKET_ENTRIES = 16;

/** Entries read at a time while building the directory and the filter (4 MiB of each half). */
const BUILD_CHUNK = 1 << 20;

/**
 * Looking up many keys at once (findMany, valuesOf): ranges of a section that
 * lie within GAP_WORDS of each other are read in one read of up to READ_WORDS.
 * Measured here (random reads of the benchmark's bundle, page cache): a read
 * costs about 2.7 us plus 0.13 us per KiB (64 B 2.7 us, 16 KiB 5.1 us, 64 KiB
 * 10.9 us), so reading a gap of 16 KiB costs about what another read does.
 */
const READ_WORDS = (64 * 1024) / 4;
const GAP_WORDS = (16 * 1024) / 4;
/** Keys sorted by bucket at a time in findMany (the key's index rides in the sort key's low bits). */
const MANY_KEYS = 1 << 16;

/** Everything a DiskTable is made of, as plain data (shared memory when built with `shared`): a worker thread uses the same descriptor. */
export interface DiskTableParts {
  source: WinnowOnDisk;
  dir: Uint32Array;
  filter: Int32Array;
  /** The front filter (fingerprint-table.ts frontAdd) over the same keys. */
  front: Int32Array;
}

/** Reads `length` bytes at file offset `at` into `into`; a short read means the file changed under the index. */
function readExact(source: WinnowOnDisk, into: Uint8Array, length: number, at: number): void {
  let n = 0;
  try {
    while (n < length) {
      const r = readSync(source.fd, into, n, length - n, at + n);
      if (r === 0) break;
      n += r;
    }
  } catch (err) {
    throw new LeakwatchError('LW_BUNDLE_INVALID', `${source.where}: cannot read the bundle's text fingerprints (${(err as NodeJS.ErrnoException).code ?? 'error'})`, { cause: err });
  }
  if (n < length) throw new LeakwatchError('LW_BUNDLE_INVALID', `${source.where}: the bundle file was truncated while in use`);
}

/** Growable scratch words with a byte view for reads. */
class Scratch {
  words = new Uint32Array(16);
  bytes = new Uint8Array(this.words.buffer);

  fit(n: number): void {
    if (n <= this.words.length) return;
    let size = this.words.length;
    while (size < n) size *= 2;
    this.words = new Uint32Array(size);
    this.bytes = new Uint8Array(this.words.buffer);
  }
}

/** See the module comment. */
export class DiskTable implements FingerprintLookup {
  readonly size: number;
  readonly #source: WinnowOnDisk;
  readonly #dir: Uint32Array;
  readonly #buckets: number;
  readonly #filter: Int32Array;
  readonly #blocks: number;
  readonly #front: Int32Array;
  readonly #frontShift: number;
  /** The halves of the bucket the last `find` read: entries #from .. #from + #count - 1 (#count 0: none). */
  readonly #lo = new Scratch();
  readonly #hi = new Scratch();
  #from = 0;
  #count = 0;
  /** Whether #hi holds the bucket's high halves too. */
  #haveHi = false;
  readonly #word = new Uint32Array(1);
  readonly #wordBytes = new Uint8Array(this.#word.buffer);

  /** A table over the arrays of one `build` made (in this thread or another); nothing is checked or read. */
  constructor(parts: DiskTableParts) {
    this.size = parts.source.count;
    this.#source = parts.source;
    this.#dir = parts.dir;
    this.#buckets = parts.dir.length - 1;
    this.#filter = parts.filter;
    this.#blocks = parts.filter.length / BLOCK_WORDS;
    this.#front = parts.front;
    this.#frontShift = frontShift(parts.front);
  }

  /**
   * Builds the directory and the filter from two sequential passes over the
   * file's key sections. Returns null when the keys are not in key order (a
   * bundle from an earlier enrollment): such a table cannot be read by bucket,
   * and the caller loads the sections into memory instead.
   */
  static build(source: WinnowOnDisk, options: { shared?: boolean } = {}): DiskTable | null {
    const n = source.count;
    const words = (count: number): ArrayBuffer | SharedArrayBuffer => (options.shared ? new SharedArrayBuffer(4 * count) : new ArrayBuffer(4 * count));
    const dir = new Uint32Array(words(bucketsFor(n, DISK_BUCKET_ENTRIES) + 1));
    const buckets = dir.length - 1;
    const hi = new Uint32Array(Math.min(n, BUILD_CHUNK));
    const lo = new Uint32Array(hi.length);
    const pass = (visit: (h: number, l: number) => void): void => {
      for (let from = 0; from < n; from += hi.length) {
        const k = Math.min(hi.length, n - from);
        readExact(source, new Uint8Array(hi.buffer), 4 * k, source.hiAt + 4 * from);
        readExact(source, new Uint8Array(lo.buffer), 4 * k, source.loAt + 4 * from);
        for (let i = 0; i < k; i++) visit(hi[i]!, lo[i]!);
      }
    };
    let distinct = 0;
    let sorted = true;
    let ph = -1;
    let pl = -1;
    pass((h, l) => {
      if (h < ph || (h === ph && l < pl)) sorted = false;
      if (h !== ph || l !== pl) distinct++;
      ph = h;
      pl = l;
      dir[bucketOf(h, buckets) + 1]!++;
    });
    if (!sorted) return null;
    for (let b = 0; b < buckets; b++) dir[b + 1]! += dir[b]!;
    const blocks = filterBlocksFor(distinct, STRONG_FILTER_BITS_PER_KEY);
    const filter = new Int32Array(words(blocks * BLOCK_WORDS));
    const front = new Int32Array(words(frontWordsFor(n)));
    const shift = frontShift(front);
    pass((h, l) => {
      strongFilterAdd(filter, blocks, h, l);
      frontAdd(front, shift, h, l);
    });
    return new DiskTable({ source, dir, filter, front });
  }

  /** What this table is made of (for a worker thread, which reads the same open file). */
  get parts(): DiskTableParts {
    return { source: this.#source, dir: this.#dir, filter: this.#filter, front: this.#front };
  }

  find(hi: number, lo: number): number {
    if (!strongFilterHas(this.#filter, this.#blocks, hi, lo)) return -1;
    const b = bucketOf(hi, this.#buckets);
    const from = this.#dir[b]!;
    const count = this.#dir[b + 1]! - from;
    if (count === 0) return -1;
    const s = this.#source;
    this.#lo.fit(count);
    readExact(s, this.#lo.bytes, 4 * count, s.loAt + 4 * from);
    this.#from = from;
    this.#count = count;
    this.#haveHi = false;
    const los = this.#lo.words;
    let seen = false;
    for (let i = 0; i < count && !seen; i++) seen = los[i] === lo;
    if (!seen) return -1;
    this.#hi.fit(count);
    readExact(s, this.#hi.bytes, 4 * count, s.hiAt + 4 * from);
    this.#haveHi = true;
    const his = this.#hi.words;
    for (let i = 0; i < count; i++) if (his[i] === hi && los[i] === lo) return from + i;
    return -1;
  }

  mayContain(hi: number, lo: number): boolean {
    return frontHas(this.#front, this.#frontShift, hi, lo) && strongFilterHas(this.#filter, this.#blocks, hi, lo);
  }

  mayContainMany(hi: Uint32Array, lo: Uint32Array, n: number, out: Int32Array): number {
    const filter = this.#filter;
    const blocks = this.#blocks;
    // The front filter over all keys, then the stronger filter over those that passed it (as FingerprintTable does).
    const m = frontPass(this.#front, hi, lo, n, out);
    let k = 0;
    for (let j = 0; j < m; j++) {
      const i = out[j]!;
      if (strongFilterHas(filter, blocks, hi[i]!, lo[i]!)) out[k++] = i;
    }
    return k;
  }

  /**
   * `find` and `nextOf` for many keys with far fewer reads: the keys' buckets
   * in file order, neighbouring buckets' low halves in one read, then the high
   * halves of the entries whose low half matched, likewise. A text
   * fingerprint found costs one read of each half one at a time, and a
   * document with many of them (an excerpted note) thousands of reads.
   */
  findMany(hi: Uint32Array, lo: Uint32Array, n: number, onEntry: (entry: number, key: number) => void): void {
    for (let at = 0; at < n; at += MANY_KEYS) this.#findChunk(hi.subarray(at), lo.subarray(at), Math.min(MANY_KEYS, n - at), (e, k) => onEntry(e, at + k));
  }

  #findChunk(hi: Uint32Array, lo: Uint32Array, n: number, onEntry: (entry: number, key: number) => void): void {
    const dir = this.#dir;
    const order = new Float64Array(n);
    let m = 0;
    for (let i = 0; i < n; i++) {
      const b = bucketOf(hi[i]!, this.#buckets);
      if (dir[b + 1]! > dir[b]!) order[m++] = b * MANY_KEYS + i;
    }
    const sorted = order.subarray(0, m).sort();
    const key = new Uint32Array(m);
    const from = new Uint32Array(m);
    const to = new Uint32Array(m);
    for (let k = 0; k < m; k++) {
      const b = Math.floor(sorted[k]! / MANY_KEYS);
      key[k] = sorted[k]! - b * MANY_KEYS;
      from[k] = dir[b]!;
      to[k] = dir[b + 1]!;
    }
    // Entries whose low half matches, with their key; then their high halves decide.
    let c = 0;
    let candEntry = new Uint32Array(Math.max(16, m));
    let candKey = new Uint32Array(candEntry.length);
    this.#readRanges(this.#source.loAt, from, to, m, this.#lo, (k, words, base) => {
      const want = lo[key[k]!]!;
      for (let e = from[k]!; e < to[k]!; e++) {
        if (words[e - base] !== want) continue;
        if (c === candEntry.length) {
          candEntry = doubled(candEntry);
          candKey = doubled(candKey);
        }
        candEntry[c] = e;
        candKey[c++] = key[k]!;
      }
    });
    this.#readRanges(this.#source.hiAt, candEntry, null, c, this.#hi, (j, words, base) => {
      if (words[candEntry[j]! - base] === hi[candKey[j]!]) onEntry(candEntry[j]!, candKey[j]!);
    });
    // The single-key reads' scratch was overwritten.
    this.#count = 0;
    this.#haveHi = false;
  }

  valuesOf(entries: Uint32Array, n: number, out: Uint32Array): void {
    this.#readRanges(this.#source.docAt, entries, null, n, this.#lo, (k, words, base) => {
      out[k] = words[entries[k]! - base]!;
    });
    this.#count = 0;
    this.#haveHi = false;
  }

  /**
   * Reads section `at`'s words over the entry ranges [from[k], to[k]) for k < n
   * (to null: single entries, [from[k], from[k] + 1)), a range lying after the
   * previous ones within GAP_WORDS in the same read (up to READ_WORDS), and
   * calls visit(k, words, base) for each: words[e - base] is entry e's word.
   * Ranges in ascending order take the fewest reads.
   */
  #readRanges(at: number, from: Uint32Array, to: Uint32Array | null, n: number, scratch: Scratch, visit: (k: number, words: Uint32Array, base: number) => void): void {
    const endOf = (k: number): number => (to === null ? from[k]! + 1 : to[k]!);
    for (let k = 0; k < n; ) {
      const base = from[k]!;
      let end = endOf(k);
      let j = k + 1;
      while (j < n && from[j]! >= base && from[j]! <= end + GAP_WORDS && endOf(j) - base <= READ_WORDS) {
        end = Math.max(end, endOf(j));
        j++;
      }
      scratch.fit(end - base);
      readExact(this.#source, scratch.bytes, 4 * (end - base), at + 4 * base);
      for (; k < j; k++) visit(k, scratch.words, base);
    }
  }

  nextOf(i: number): number {
    const j = i + 1;
    const k = i - this.#from;
    // Entries with the same key are adjacent and in one bucket: when i is in the one `find` read, so is any next.
    if (this.#haveHi && k >= 0 && k < this.#count) {
      return k + 1 < this.#count && this.#hi.words[k + 1] === this.#hi.words[k] && this.#lo.words[k + 1] === this.#lo.words[k] ? j : -1;
    }
    return j < this.size && this.#sameKeyOnDisk(i, j) ? j : -1;
  }

  /** Entries i and j have the same key, read from the file (a walk outside the bucket `find` read). */
  #sameKeyOnDisk(i: number, j: number): boolean {
    const key = (e: number): [number, number] => [this.#read(this.#source.hiAt, e), this.#read(this.#source.loAt, e)];
    const [hi, lo] = key(i);
    const [hj, lj] = key(j);
    return hi === hj && lo === lj;
  }

  #read(sectionAt: number, e: number): number {
    readExact(this.#source, this.#wordBytes, 4, sectionAt + 4 * e);
    return this.#word[0]!;
  }

  valueOf(i: number): number {
    return this.#read(this.#source.docAt, i);
  }

  lookup(hi: number, lo: number): number[] {
    const out: number[] = [];
    for (let e = this.find(hi >>> 0, lo >>> 0); e !== -1; e = this.nextOf(e)) out.push(this.valueOf(e));
    return out;
  }

  /** Bytes of memory the table keeps: directory and filter (the entries are in the file). */
  get byteLength(): number {
    return this.#dir.byteLength + this.#filter.byteLength + this.#front.byteLength;
  }
}
