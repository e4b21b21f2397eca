/**
 * An immutable open-addressing hash table from 64-bit fingerprints to 32-bit
 * values, built for millions of entries in bounded memory and lookups with no
 * allocation.
 *
 * Layout, chosen for the scan's common case (a candidate that is not
 * enrolled): each slot holds one distinct key's low half and its first entry,
 * side by side, so a miss costs one random memory access (plus a short linear
 * probe, usually in the same cache line) instead of one into the slot array
 * and two more into the key arrays. The high half picks the slot and is
 * confirmed from the entry arrays only when the low half already matched.
 * Entries with the same key are chained, so a key shared by many entries
 * (template text) costs one slot.
 *
 * Large tables (FILTER_MIN_ENTRIES or more) also get a blocked Bloom filter
 * of FILTER_BITS_PER_KEY bits per distinct key, probed before the slots: at a
 * million records the slot array is far larger than the CPU's caches, so every
 * miss (nearly every candidate a scan looks up) is a trip to main memory, while
 * the filter is small enough to stay mostly cached and answers "absent" for all
 * but ~1-2 % of them from one cache line (docs/performance.md has the figures).
 *
 * Memory: 8 bytes per slot at a load of at most LOAD (~14.5 bytes per distinct
 * key), plus 4 bytes per entry for the chain, plus the filter (~1.25 bytes per
 * distinct key, large tables only), plus the caller's `hi` array and `val`
 * (none when values are entry indices).
 */

/** Highest fraction of slots in use (linear probing: ~3 probes per miss at 0.55). */
const LOAD = 0.55;
const TWO_32 = 4294967296;
/** Tables with fewer entries than this have no filter (their slots stay cached anyway). */
export const FILTER_MIN_ENTRIES = 1 << 16;
/** Filter size per distinct key; with three bits set per key in one 64-byte block, ~1.6 % of absent keys pass. */
const FILTER_BITS_PER_KEY = 10;
/** 32-bit words per filter block (one 64-byte cache line). */
const BLOCK_WORDS = 16;

/**
 * Everything a table is made of: plain typed arrays, so that a table built once
 * can be handed to worker threads (over SharedArrayBuffer, see `build`'s
 * `shared`) and used there without building it again.
 */
export interface FingerprintTableParts {
  hi: Uint32Array;
  val: Uint32Array | null;
  next: Int32Array;
  slots: Uint32Array;
  filter: Int32Array;
}

/** Options of `FingerprintTable.build`. */
export interface FingerprintTableOptions {
  /** Whether the table gets a probe filter (by default: FILTER_MIN_ENTRIES or more entries). */
  filter?: boolean;
  /** Allocate the table's own arrays on SharedArrayBuffer, for `parts` to be shared with worker threads. */
  shared?: boolean;
}

/** Slot for a key's high half: a multiply maps 32 bits onto [0, cap) without a power-of-two size. */
function home(hi: number, cap: number): number {
  return Math.floor((hi * cap) / TWO_32);
}

/** First word of the key's filter block: the high half picks the block, the low half the bits. */
function filterBlock(hi: number, blocks: number): number {
  return Math.floor((hi * blocks) / TWO_32) * BLOCK_WORDS;
}

/** An immutable table over parallel arrays (see the module comment); made by `build` or from another table's `parts`. */
export class FingerprintTable {
  readonly size: number;
  readonly #hi: Uint32Array;
  readonly #val: Uint32Array | null;
  readonly #next: Int32Array;
  /** Per slot: [low half of the key, first entry + 1 (0 = empty)]. */
  readonly #slots: Uint32Array;
  readonly #cap: number;
  /** Blocked Bloom filter over the distinct keys (empty: no filter). */
  readonly #filter: Int32Array;
  readonly #blocks: number;

  /** A table from the arrays of one `build` made (in this thread or another); nothing is checked or copied. */
  constructor(parts: FingerprintTableParts) {
    this.size = parts.hi.length;
    this.#hi = parts.hi;
    this.#val = parts.val;
    this.#next = parts.next;
    this.#slots = parts.slots;
    this.#cap = parts.slots.length / 2;
    this.#filter = parts.filter;
    this.#blocks = parts.filter.length / BLOCK_WORDS;
  }

  /**
   * Builds the table from parallel arrays; `hi` and `val` are kept (not
   * copied), `lo` is not needed afterwards. `val` null means each entry's value
   * is its own index.
   */
  static build(hi: Uint32Array, lo: Uint32Array, val: Uint32Array | null, options: FingerprintTableOptions = {}): FingerprintTable {
    if (hi.length !== lo.length || (val !== null && hi.length !== val.length)) throw new RangeError('fingerprint arrays differ in length');
    const n = hi.length;
    const bytes = (count: number): ArrayBuffer | SharedArrayBuffer => (options.shared ? new SharedArrayBuffer(4 * count) : new ArrayBuffer(4 * count));
    const next = new Int32Array(bytes(n)).fill(-1);
    // Sized for every entry being distinct; duplicates only lower the load.
    const cap = Math.max(16, Math.ceil(n / LOAD));
    const slots = new Uint32Array(bytes(2 * cap));
    // Chains keep entry order: each new duplicate goes behind the key's last entry.
    const last = new Int32Array(n);
    let distinct = 0;
    for (let i = 0; i < n; i++) {
      const h = hi[i]!;
      const l = lo[i]!;
      for (let s = home(h, cap); ; s = s + 1 === cap ? 0 : s + 1) {
        const first = slots[2 * s + 1]!;
        if (first === 0) {
          slots[2 * s] = l;
          slots[2 * s + 1] = i + 1;
          last[i] = i;
          distinct++;
          break;
        }
        if (slots[2 * s] === l && hi[first - 1] === h) {
          next[last[first - 1]!] = i;
          last[first - 1] = i;
          break;
        }
      }
    }
    const filtered = options.filter ?? n >= FILTER_MIN_ENTRIES;
    const blocks = filtered ? Math.max(1, Math.ceil((distinct * FILTER_BITS_PER_KEY) / (32 * BLOCK_WORDS))) : 0;
    const filter = new Int32Array(bytes(blocks * BLOCK_WORDS));
    // Every entry is added; a duplicate key sets the same bits again.
    for (let i = 0; i < (filtered ? n : 0); i++) {
      const b = filterBlock(hi[i]!, blocks);
      const l = lo[i]! | 0;
      filter[b + (l & 15)]! |= 1 << ((l >>> 4) & 31);
      filter[b + ((l >>> 9) & 15)]! |= 1 << ((l >>> 13) & 31);
      filter[b + ((l >>> 18) & 15)]! |= 1 << ((l >>> 22) & 31);
    }
    return new FingerprintTable({ hi, val, next, slots, filter });
  }

  /** The arrays this table is made of (shared memory when built with `shared`). */
  get parts(): FingerprintTableParts {
    return { hi: this.#hi, val: this.#val, next: this.#next, slots: this.#slots, filter: this.#filter };
  }

  /** Index of the first entry with this key, or -1. Walk the others with `nextOf`. */
  find(hi: number, lo: number): number {
    if (!this.mayContain(hi, lo)) return -1;
    const slots = this.#slots;
    let s = home(hi, this.#cap);
    for (;;) {
      const first = slots[2 * s + 1]!;
      if (first === 0) return -1;
      if (slots[2 * s] === lo && this.#hi[first - 1] === hi) return first - 1;
      s = s + 1 === this.#cap ? 0 : s + 1;
    }
  }

  /** False when the filter proves the key absent; always true for a table without a filter. */
  mayContain(hi: number, lo: number): boolean {
    if (this.#blocks === 0) return true;
    const f = this.#filter;
    const b = filterBlock(hi, this.#blocks);
    return (
      (f[b + (lo & 15)]! & (1 << ((lo >>> 4) & 31))) !== 0 &&
      (f[b + ((lo >>> 9) & 15)]! & (1 << ((lo >>> 13) & 31))) !== 0 &&
      (f[b + ((lo >>> 18) & 15)]! & (1 << ((lo >>> 22) & 31))) !== 0
    );
  }

  /** Next entry with the same key as entry `i`, or -1. */
  nextOf(i: number): number {
    return this.#next[i]!;
  }

  /** Value stored at entry `i`. */
  valueOf(i: number): number {
    return this.#val === null ? i : this.#val[i]!;
  }

  /** All values stored under a key, in entry order. */
  lookup(hi: number, lo: number): number[] {
    const out: number[] = [];
    for (let e = this.find(hi >>> 0, lo >>> 0); e !== -1; e = this.#next[e]!) out.push(this.valueOf(e));
    return out;
  }

  /** Bytes of the table's own arrays plus the `hi` and `val` arrays it keeps. */
  get byteLength(): number {
    return this.#hi.byteLength + (this.#val?.byteLength ?? 0) + this.#next.byteLength + this.#slots.byteLength + this.#filter.byteLength;
  }
}
