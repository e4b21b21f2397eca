/**
 * An immutable table from 64-bit fingerprints to 32-bit values, built for
 * millions of entries in little memory and lookups with no allocation.
 *
 * Layout: the entries sorted by key (high half, then low half) in two arrays
 * of halves, under a bucket directory. Keyed fingerprints are uniform, so the
 * high half's top bits spread the keys evenly over buckets of BUCKET_ENTRIES
 * entries on average; a bucket's halves lie together in one cache line of each
 * array, and the directory (one word per bucket) is small enough to stay
 * mostly in the CPU's cache. Entries with the same key are adjacent, in the
 * order they were given, so `nextOf` needs no chain array.
 *
 * The arrays are the caller's, sorted in place: enrollment writes a bundle's
 * fingerprints already in key order (`sortByKey`), so loading one checks the
 * order in a sequential pass and keeps the decoded arrays, without a copy or a
 * hash of every entry into a slot array far larger than the caches. Arrays in
 * any other order are sorted first: a counting sort on the bucket, then a sort
 * of each bucket (a few entries), linear time. Arrays that run parallel to the
 * entries (a record index, a field index) are passed as `carry` and move with
 * them.
 *
 * Large tables (FILTER_MIN_ENTRIES or more) also get a blocked Bloom filter
 * of FILTER_BITS_PER_KEY bits per distinct key, probed before the directory:
 * at a million records nearly every candidate a scan looks up is absent, and
 * the filter answers "absent" for all but ~1-2 % of them from one cache line
 * (docs/performance.md has the figures). In front of it sits a filter of one
 * word a key (4-8 bits a key, two bits of the high half in the word the low
 * half's top bits pick): its test is one read and one compare, and at 8 bits
 * a key it answers "absent" for about 94 % of absent keys, so the blocked
 * filter's three-word test runs for the rest only. Over the benchmark's CSV
 * dump, `findAll` took 182-189 ms a scan without it, 152 with it (CPU profiles).
 *
 * Memory: 8 bytes per entry for the key, about 4/BUCKET_ENTRIES for the
 * directory, the filters (~1.25 bytes per distinct key and 0.5-1 byte per
 * entry, large tables only),
 * plus the caller's `val` (none when values are entry positions) and carried
 * arrays.
 *
 * With `compactKeys` (build's option), a table of COMPACT_MIN_BUCKETS buckets
 * or more keeps 6 bytes per key instead of 8: a bucket's keys share the top
 * bits of their high half, so each high half is kept as its distance from
 * the bucket's base (bucketBase), under 65,536 in such a table, in 16 bits.
 * The lookup compares the same distance, so keys stay exact 64-bit values.
 * Equal keys are adjacent within one bucket; a bit per entry marks where a
 * bucket begins, so that `nextOf` does not take equal distances in
 * neighbouring buckets for one key. At the benchmark's 4 million identifier
 * fingerprints: 8 MB less, for 0.5 MB of those bits.
 */

/** Average entries per directory bucket: a bucket's halves (16 bytes in each array) mostly lie in one cache line. */
const BUCKET_ENTRIES = 4;
const TWO_32 = 4294967296;
/** Tables with fewer entries than this have no filter (their keys stay cached anyway). */
export const FILTER_MIN_ENTRIES = 1 << 16;
/** Filter size per distinct key; with three bits set per key in one 64-byte block, ~1.6 % of absent keys pass. */
const FILTER_BITS_PER_KEY = 10;
/** The stronger filter's size per distinct key (see strongFilterAdd). */
export const STRONG_FILTER_BITS_PER_KEY = 14;
/** 32-bit words per filter block (one 64-byte cache line). */
export const BLOCK_WORDS = 16;
/** The front filter's size per key (entries, so duplicates count): 8 bits, rounded down to a power of two of words. */
const FRONT_BITS_PER_KEY = 8;
/** Tables with fewer buckets keep whole high halves: a bucket then spans more than 16 bits of them (2^32 / 2^17 = 32,768 values, well within). */
export const COMPACT_MIN_BUCKETS = 1 << 17;
/** Buckets up to this size are sorted by insertion; larger ones (many copies of a key) by the built-in sort. */
const INSERTION_MAX = 32;

/**
 * Everything a table is made of: plain typed arrays, so that a table built once
 * can be handed to worker threads (over SharedArrayBuffer, see `build`'s
 * `shared`) and used there without building it again.
 */
export interface FingerprintTableParts {
  /** The keys' halves, in key order; `hi` null in a table with compact keys, which has `off` and `starts` instead. */
  hi: Uint32Array | null;
  lo: Uint32Array;
  /** Compact keys: each high half's distance from its bucket's base (bucketBase). */
  off?: Uint16Array;
  /** Compact keys: bit e set when entry e is the first of its bucket. */
  starts?: Uint8Array;
  val: Uint32Array | null;
  /** Bucket b holds entries dir[b] .. dir[b + 1] - 1. */
  dir: Uint32Array;
  filter: Int32Array;
  /** The front filter (see frontAdd), made from the keys when absent. */
  front?: Int32Array;
}

/** Options of `FingerprintTable.build`. */
export interface FingerprintTableOptions {
  /** Whether the table gets a probe filter (by default: FILTER_MIN_ENTRIES or more entries). */
  filter?: boolean;
  /** Allocate the table's own arrays (directory, filter) on SharedArrayBuffer, for `parts` to be shared with worker threads. */
  shared?: boolean;
  /** Arrays parallel to the entries, reordered in place as the entries are (entry i of the table is element i of each). */
  carry?: readonly (Uint32Array | Uint8Array)[];
  /**
   * Keep the high halves in 16 bits each when the table has COMPACT_MIN_BUCKETS
   * buckets or more (see the module comment; `compact` tells whether it did).
   * The table then no longer uses the caller's `hi`, which the caller may drop.
   */
  compactKeys?: boolean;
}

/** Directory bucket of a key's high half: a multiply maps 32 bits onto [0, buckets) without a power-of-two size. */
export function bucketOf(hi: number, buckets: number): number {
  return Math.floor((hi * buckets) / TWO_32);
}

/** First word of the key's filter block: the high half picks the block, the low half the bits. */
export function filterBlock(hi: number, blocks: number): number {
  return Math.floor((hi * blocks) / TWO_32) * BLOCK_WORDS;
}

/** Sets a key's three bits in its block of a filter of `blocks` blocks. */
export function filterAdd(filter: Int32Array, blocks: number, hi: number, lo: number): void {
  addThree(filter, filterBlock(hi, blocks), lo | 0);
}

/** Whether a key's three bits are set: false proves it absent. */
export function filterHas(filter: Int32Array, blocks: number, hi: number, lo: number): boolean {
  return hasThree(filter, filterBlock(hi, blocks), lo);
}

/** The three bits the low half picks in the block at word `b`. */
function addThree(filter: Int32Array, b: number, l: number): void {
  filter[b + (l & 15)]! |= 1 << ((l >>> 4) & 31);
  filter[b + ((l >>> 9) & 15)]! |= 1 << ((l >>> 13) & 31);
  filter[b + ((l >>> 18) & 15)]! |= 1 << ((l >>> 22) & 31);
}

function hasThree(filter: Int32Array, b: number, lo: number): boolean {
  return (
    (filter[b + (lo & 15)]! & (1 << ((lo >>> 4) & 31))) !== 0 &&
    (filter[b + ((lo >>> 9) & 15)]! & (1 << ((lo >>> 13) & 31))) !== 0 &&
    (filter[b + ((lo >>> 18) & 15)]! & (1 << ((lo >>> 22) & 31))) !== 0
  );
}

/**
 * The stronger filter of a table whose lookups past the filter cost a read
 * from the file (DiskTable): STRONG_FILTER_BITS_PER_KEY bits per key and five
 * bits per key in its block, the three of filterAdd plus two more from the
 * low half's five unused top bits and the high half's low 13 bits. The block
 * is picked by the high half's top bits, which overlap those 13 only above
 * 2^19 blocks (about 19 million keys): beyond that the fifth bit is less
 * independent, which costs a little more of the filter's false passes, never
 * a wrong answer. About 0.3 % of absent keys pass instead of ~1.8 %.
 */
export function strongFilterAdd(filter: Int32Array, blocks: number, hi: number, lo: number): void {
  const b = filterBlock(hi, blocks);
  addThree(filter, b, lo | 0);
  const h = hi | 0;
  filter[b + (h & 15)]! |= 1 << ((h >>> 4) & 31);
  filter[b + ((h >>> 9) & 15)]! |= 1 << (lo >>> 27);
}

/** Whether a key's five bits of the stronger filter are set: false proves it absent. */
export function strongFilterHas(filter: Int32Array, blocks: number, hi: number, lo: number): boolean {
  const b = filterBlock(hi, blocks);
  return hasThree(filter, b, lo) && (filter[b + (hi & 15)]! & (1 << ((hi >>> 4) & 31))) !== 0 && (filter[b + ((hi >>> 9) & 15)]! & (1 << (lo >>> 27))) !== 0;
}

/** Filter blocks for `distinct` keys at `bitsPerKey` (by default the table's own filter). */
export function filterBlocksFor(distinct: number, bitsPerKey = FILTER_BITS_PER_KEY): number {
  return Math.max(1, Math.ceil((distinct * bitsPerKey) / (32 * BLOCK_WORDS)));
}

/** Directory size for a table of `entries`, `perBucket` on average. */
export function bucketsFor(entries: number, perBucket = BUCKET_ENTRIES): number {
  return Math.max(1, Math.ceil(entries / perBucket));
}

/**
 * The base of bucket `b`'s high halves in a compact table: at most the
 * smallest high half bucketOf maps to `b` (its exact value needs care with
 * floating point, so two below the estimate); `build` checks that every
 * distance fits in 16 bits before it compacts.
 */
function bucketBase(b: number, buckets: number): number {
  return Math.max(0, Math.floor((b * TWO_32) / buckets) - 2);
}

/** Words of the front filter for `entries` keys: up to FRONT_BITS_PER_KEY bits each, a power of two, at least 64. */
export function frontWordsFor(entries: number): number {
  return 2 ** Math.max(6, Math.floor(Math.log2(Math.max(1, (entries * FRONT_BITS_PER_KEY) / 32))));
}

/** The two bits a key's high half picks in the word its low half's top bits pick. */
export function frontAdd(front: Int32Array, shift: number, hi: number, lo: number): void {
  front[lo >>> shift]! |= (1 << (hi & 31)) | (1 << ((hi >>> 5) & 31));
}

/** Whether both of frontAdd's bits are set: false proves the key absent. */
export function frontHas(front: Int32Array, shift: number, hi: number, lo: number): boolean {
  const bits = (1 << (hi & 31)) | (1 << ((hi >>> 5) & 31));
  return (front[lo >>> shift]! & bits) === bits;
}

/** The shift from a low half to its word of a front filter of `front.length` words (a power of two; 0 words: no filter). */
export function frontShift(front: Int32Array): number {
  return 32 - Math.log2(Math.max(1, front.length));
}

/**
 * The indexes of the first n keys the front filter passes, in order, into
 * `out`; returns how many. The tables' `mayContainMany` runs its own filter
 * over these only.
 */
export function frontPass(front: Int32Array, hi: Uint32Array, lo: Uint32Array, n: number, out: Int32Array): number {
  const shift = frontShift(front);
  let m = 0;
  for (let i = 0; i < n; i++) if (frontHas(front, shift, hi[i]!, lo[i]!)) out[m++] = i;
  return m;
}

/** Fills `dir` (zeroed, one more word than buckets) with each bucket's first position in key order. */
function directory(hi: Uint32Array, dir: Uint32Array): Uint32Array {
  const buckets = dir.length - 1;
  for (let i = 0; i < hi.length; i++) dir[bucketOf(hi[i]!, buckets) + 1]!++;
  for (let b = 0; b < buckets; b++) dir[b + 1]! += dir[b]!;
  return dir;
}

/** Whether the keys ascend (high half, then low half): the order `build` keeps and `sortByKey` makes. */
export function isSorted(hi: Uint32Array, lo: Uint32Array): boolean {
  for (let i = 1; i < hi.length; i++) {
    if (hi[i - 1]! > hi[i]! || (hi[i - 1] === hi[i] && lo[i - 1]! > lo[i]!)) return false;
  }
  return true;
}

/**
 * Sorts parallel arrays in place by key (high half, then low half), equal keys
 * in their given order, the `carry` arrays along. Enrollment stores its
 * fingerprints this way, so that loading them takes `build`'s sequential path.
 *
 * A counting sort on the directory bucket writes each key into its bucket's
 * next place; then each bucket, whose few keys lie together, is sorted.
 */
export function sortByKey(hi: Uint32Array, lo: Uint32Array, carry: readonly (Uint32Array | Uint8Array)[]): void {
  if (isSorted(hi, lo)) return;
  const n = hi.length;
  const dir = directory(hi, new Uint32Array(bucketsFor(n) + 1));
  const buckets = dir.length - 1;
  const fill = dir.slice(0, buckets);
  const h2 = new Uint32Array(n);
  const l2 = new Uint32Array(n);
  /** order[k]: the entry now at position k. */
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const k = fill[bucketOf(hi[i]!, buckets)]!++;
    h2[k] = hi[i]!;
    l2[k] = lo[i]!;
    order[k] = i;
  }
  for (let b = 0; b < buckets; b++) {
    const from = dir[b]!;
    const to = dir[b + 1]!;
    if (to - from <= INSERTION_MAX) {
      // Insertion sort, moving the key and its entry together; equal keys never pass each other.
      for (let j = from + 1; j < to; j++) {
        const h = h2[j]!;
        const l = l2[j]!;
        const e = order[j]!;
        let k = j;
        for (; k > from && (h2[k - 1]! > h || (h2[k - 1] === h && l2[k - 1]! > l)); k--) {
          h2[k] = h2[k - 1]!;
          l2[k] = l2[k - 1]!;
          order[k] = order[k - 1]!;
        }
        h2[k] = h;
        l2[k] = l;
        order[k] = e;
      }
    } else {
      // Many copies of a few keys (template text): the built-in sort, with the position breaking ties.
      const run = Array.from({ length: to - from }, (_, i) => from + i).sort((a, c) => h2[a]! - h2[c]! || l2[a]! - l2[c]! || a - c);
      const moved = run.map((p) => [h2[p]!, l2[p]!, order[p]!] as const);
      moved.forEach(([h, l, e], i) => {
        h2[from + i] = h;
        l2[from + i] = l;
        order[from + i] = e;
      });
    }
  }
  hi.set(h2);
  lo.set(l2);
  for (const a of carry) {
    const was = a.slice();
    for (let k = 0; k < n; k++) a[k] = was[order[k]!]!;
  }
}

/** What the matcher asks of a table of fingerprints: this module's, or one that reads its keys from a file (disk-table.ts). */
export interface FingerprintLookup {
  readonly size: number;
  /** Position of the first entry with this key, or -1. Walk the others with `nextOf`. */
  find(hi: number, lo: number): number;
  /** Next entry with the same key as entry `i` (one `find` returned or walked to), or -1. */
  nextOf(i: number): number;
  /** Value stored at entry `i`. */
  valueOf(i: number): number;
  /** All values stored under a key, in entry order. */
  lookup(hi: number, lo: number): number[];
  /** False when the key is certainly absent (the table's filter); a cheap test before `findMany`. */
  mayContain(hi: number, lo: number): boolean;
  /**
   * `mayContain` for the first n keys of hi and lo: writes the indexes of the
   * keys it holds true for, ascending, into `out` and returns how many. One
   * tight loop lets the processor overlap the filter's cache misses.
   */
  mayContainMany(hi: Uint32Array, lo: Uint32Array, n: number, out: Int32Array): number;
  /**
   * Looks up the first n keys of hi and lo together and calls `onEntry` with
   * every entry of every key found and the key's index (a key given twice,
   * twice), in no promised order: what `find` and `nextOf` give key by key,
   * for a table that answers many keys for less than one at a time (DiskTable).
   */
  findMany(hi: Uint32Array, lo: Uint32Array, n: number, onEntry: (entry: number, key: number) => void): void;
  /** `valueOf` of each of the first n entries (ascending), into out. */
  valuesOf(entries: Uint32Array, n: number, out: Uint32Array): void;
  /** Bytes of memory the table keeps. */
  readonly byteLength: number;
}

/** An immutable table over parallel arrays (see the module comment); made by `build` or from another table's `parts`. */
export class FingerprintTable implements FingerprintLookup {
  readonly size: number;
  /** Per entry, its high half, or with compact keys its distance from its bucket's base (bucketBase). */
  readonly #keys: Uint32Array | Uint16Array;
  /** Compact keys only: bit e set when entry e is the first of its bucket. */
  readonly #starts: Uint8Array | null;
  readonly #lo: Uint32Array;
  readonly #val: Uint32Array | null;
  readonly #dir: Uint32Array;
  readonly #buckets: number;
  /** Blocked Bloom filter over the distinct keys (empty: no filter). */
  readonly #filter: Int32Array;
  readonly #blocks: number;
  /** The front filter (empty with no filter), and the shift from a low half to its word. */
  readonly #front: Int32Array;
  readonly #frontShift: number;
  /** `findAll`'s list of the keys that passed the filter. */
  #pass = new Int32Array(0);

  /** A table from the arrays of one `build` made (in this thread or another); nothing is checked or copied. */
  constructor(parts: FingerprintTableParts) {
    this.size = parts.lo.length;
    this.#keys = parts.hi ?? parts.off!;
    this.#starts = parts.starts ?? null;
    this.#lo = parts.lo;
    this.#val = parts.val;
    this.#dir = parts.dir;
    this.#buckets = parts.dir.length - 1;
    this.#filter = parts.filter;
    this.#blocks = parts.filter.length / BLOCK_WORDS;
    this.#front = parts.front ?? (this.#blocks === 0 ? new Int32Array(0) : this.#frontOfKeys());
    this.#frontShift = frontShift(this.#front);
  }

  /** The front filter of this table's keys (for parts made without one). */
  #frontOfKeys(): Int32Array {
    const front = new Int32Array(frontWordsFor(this.size));
    const shift = frontShift(front);
    for (let b = 0; b < this.#buckets; b++) {
      const base = this.#starts ? bucketBase(b, this.#buckets) : 0;
      for (let e = this.#dir[b]!; e < this.#dir[b + 1]!; e++) frontAdd(front, shift, base + this.#keys[e]!, this.#lo[e]!);
    }
    return front;
  }

  /** Whether the table keeps its keys' high halves in 16 bits (build's `compactKeys`). */
  get compact(): boolean {
    return this.#starts !== null;
  }

  /**
   * Builds the table over parallel arrays of the keys' halves and values,
   * which it keeps, not copied (for `shared`, pass them on SharedArrayBuffer;
   * the table's own directory and filter go there). The arrays are sorted in place
   * by key (see `sortByKey`), and every `carry` array with them; `val` null
   * means each entry's value is its position in the table. Entries with the
   * same key keep the order they were given in.
   */
  static build(hi: Uint32Array, lo: Uint32Array, val: Uint32Array | null, options: FingerprintTableOptions = {}): FingerprintTable {
    const n = hi.length;
    const carry = [...(val ? [val] : []), ...(options.carry ?? [])];
    if (lo.length !== n || carry.some((a) => a.length !== n)) throw new RangeError('fingerprint arrays differ in length');
    sortByKey(hi, lo, carry);
    const bytes = (count: number): ArrayBuffer | SharedArrayBuffer => (options.shared ? new SharedArrayBuffer(4 * count) : new ArrayBuffer(4 * count));
    const dir = directory(hi, new Uint32Array(bytes(bucketsFor(n) + 1)));
    let distinct = 0;
    for (let k = 0; k < n; k++) if (k === 0 || hi[k] !== hi[k - 1] || lo[k] !== lo[k - 1]) distinct++;
    const filtered = options.filter ?? n >= FILTER_MIN_ENTRIES;
    const blocks = filtered ? filterBlocksFor(distinct) : 0;
    const filter = new Int32Array(bytes(blocks * BLOCK_WORDS));
    const front = new Int32Array(bytes(filtered ? frontWordsFor(n) : 0));
    const shift = frontShift(front);
    // Every entry is added; a duplicate key sets the same bits again.
    for (let i = 0; i < (filtered ? n : 0); i++) {
      filterAdd(filter, blocks, hi[i]!, lo[i]!);
      frontAdd(front, shift, hi[i]!, lo[i]!);
    }
    const compact = options.compactKeys ? compactHighHalves(hi, dir, options.shared === true) : null;
    return new FingerprintTable(compact ? { hi: null, ...compact, lo, val, dir, filter, front } : { hi, lo, val, dir, filter, front });
  }

  /** The arrays this table is made of (shared memory when built with `shared`). */
  get parts(): FingerprintTableParts {
    const keys = this.#starts ? { hi: null, off: this.#keys as Uint16Array, starts: this.#starts } : { hi: this.#keys as Uint32Array };
    return { ...keys, lo: this.#lo, val: this.#val, dir: this.#dir, filter: this.#filter, front: this.#front };
  }

  /** Position of the first entry with this key, or -1. Walk the others with `nextOf`. */
  find(hi: number, lo: number): number {
    if (!this.mayContain(hi, lo)) return -1;
    return this.#walk(hi, lo);
  }

  /** `find` past the filter: the key's bucket, walked. */
  #walk(hi: number, lo: number): number {
    const keys = this.#keys;
    const b = bucketOf(hi, this.#buckets);
    const want = this.#starts ? hi - bucketBase(b, this.#buckets) : hi;
    const to = this.#dir[b + 1]!;
    // Keys ascend within the bucket (distances from its base too): stop at the first one above the key sought.
    for (let e = this.#dir[b]!; e < to; e++) {
      const h = keys[e]!;
      if (h === want) {
        const l = this.#lo[e]!;
        if (l === lo) return e;
        if (l > lo) return -1;
      } else if (h > want) return -1;
    }
    return -1;
  }

  /**
   * `find` for each of the first n keys: out[i] = find(hi[i], lo[i]). The
   * work is cut into passes: the filter over all keys (`mayContainMany`), then
   * for the keys that passed, their directory words, then each bucket's first
   * key, then the walks. Each warming pass is a loop whose reads do not depend
   * on one another, so the processor overlaps their cache misses, and the
   * walks find their lines in cache. One key at a time, each read waited for
   * the one before it, and a key that passed the filter (about one in ten in a
   * leaked table: its records and the filter's false passes) mispredicted a
   * branch that threw away the reads started for the keys after it.
   */
  findAll(hi: Uint32Array, lo: Uint32Array, n: number, out: Int32Array): void {
    if (this.#pass.length < n) this.#pass = new Int32Array(Math.max(n, 2 * this.#pass.length));
    const pass = this.#pass;
    const m = this.mayContainMany(hi, lo, n, pass);
    out.fill(-1, 0, n);
    const dir = this.#dir;
    const buckets = this.#buckets;
    const keys = this.#keys;
    const keyLo = this.#lo;
    // The directory's words, then each bucket's first key: the bucket's own cache lines.
    let touched = 0;
    for (let j = 0; j < m; j++) touched += dir[bucketOf(hi[pass[j]!]!, buckets)]!;
    for (let j = 0; j < m; j++) {
      const e = dir[bucketOf(hi[pass[j]!]!, buckets)]!;
      if (e < this.size) touched += keys[e]! + keyLo[e]!;
    }
    this.touched = touched;
    for (let j = 0; j < m; j++) {
      const i = pass[j]!;
      out[i] = this.#walk(hi[i]!, lo[i]!);
    }
  }

  /** Sum of what `findAll`'s warming passes read (public, so no compiler can drop the reads). */
  touched = 0;

  findMany(hi: Uint32Array, lo: Uint32Array, n: number, onEntry: (entry: number, key: number) => void): void {
    for (let i = 0; i < n; i++) for (let e = this.find(hi[i]!, lo[i]!); e !== -1; e = this.nextOf(e)) onEntry(e, i);
  }

  valuesOf(entries: Uint32Array, n: number, out: Uint32Array): void {
    for (let i = 0; i < n; i++) out[i] = this.valueOf(entries[i]!);
  }

  /** False when the filters prove the key absent; always true for a table without a filter. */
  mayContain(hi: number, lo: number): boolean {
    return this.#blocks === 0 || (frontHas(this.#front, this.#frontShift, hi, lo) && filterHas(this.#filter, this.#blocks, hi, lo));
  }

  mayContainMany(hi: Uint32Array, lo: Uint32Array, n: number, out: Int32Array): number {
    const filter = this.#filter;
    const blocks = this.#blocks;
    if (blocks === 0) {
      for (let i = 0; i < n; i++) out[i] = i;
      return n;
    }
    // The front filter over all keys, then the blocked filter over those that passed it.
    const m = frontPass(this.#front, hi, lo, n, out);
    let k = 0;
    for (let j = 0; j < m; j++) {
      const i = out[j]!;
      if (filterHas(filter, blocks, hi[i]!, lo[i]!)) out[k++] = i;
    }
    return k;
  }

  /** Next entry with the same key as entry `i`, or -1. */
  nextOf(i: number): number {
    const j = i + 1;
    if (j >= this.size || this.#keys[j] !== this.#keys[i] || this.#lo[j] !== this.#lo[i]) return -1;
    // Equal distances in neighbouring buckets are different keys.
    return this.#starts && (this.#starts[j >>> 3]! & (1 << (j & 7))) !== 0 ? -1 : j;
  }

  /** High half of entry `i`'s key. */
  hiOf(i: number): number {
    if (!this.#starts) return this.#keys[i]!;
    // Compact: the last bucket starting at or before i holds it (a binary search; enrollment's tables are never compact).
    let a = 0;
    let z = this.#buckets - 1;
    while (a < z) {
      const m = (a + z + 1) >>> 1;
      if (this.#dir[m]! <= i) a = m;
      else z = m - 1;
    }
    return bucketBase(a, this.#buckets) + this.#keys[i]!;
  }

  /** Low half of entry `i`'s key. */
  loOf(i: number): number {
    return this.#lo[i]!;
  }

  /** Value stored at entry `i`. */
  valueOf(i: number): number {
    return this.#val === null ? i : this.#val[i]!;
  }

  /** All values stored under a key, in entry order. */
  lookup(hi: number, lo: number): number[] {
    const out: number[] = [];
    for (let e = this.find(hi >>> 0, lo >>> 0); e !== -1; e = this.nextOf(e)) out.push(this.valueOf(e));
    return out;
  }

  /** Bytes of the arrays the table keeps: keys, values, directory and filters. */
  get byteLength(): number {
    const keys = this.#keys.byteLength + (this.#starts?.byteLength ?? 0) + this.#lo.byteLength;
    return keys + (this.#val?.byteLength ?? 0) + this.#dir.byteLength + this.#filter.byteLength + this.#front.byteLength;
  }
}

/**
 * The compact form of sorted high halves under directory `dir` (see the
 * module comment), or null when the table has too few buckets, or, as a
 * guard, when a distance would not fit in 16 bits.
 */
function compactHighHalves(hi: Uint32Array, dir: Uint32Array, shared: boolean): { off: Uint16Array; starts: Uint8Array } | null {
  const buckets = dir.length - 1;
  if (buckets < COMPACT_MIN_BUCKETS) return null;
  const n = hi.length;
  const off = new Uint16Array(shared ? new SharedArrayBuffer(2 * n) : new ArrayBuffer(2 * n));
  const starts = new Uint8Array(shared ? new SharedArrayBuffer((n + 7) >>> 3) : new ArrayBuffer((n + 7) >>> 3));
  for (let b = 0; b < buckets; b++) {
    const from = dir[b]!;
    const to = dir[b + 1]!;
    if (from === to) continue;
    starts[from >>> 3]! |= 1 << (from & 7);
    const base = bucketBase(b, buckets);
    for (let e = from; e < to; e++) {
      const d = hi[e]! - base;
      if (d < 0 || d > 0xffff) return null;
      off[e] = d;
    }
  }
  return { off, starts };
}
