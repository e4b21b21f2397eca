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

/** Builds the table from parallel arrays; `hi` and `val` are kept (not copied), `lo` is not needed afterwards. */
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

  /**
   * `val` null means each entry's value is its own index. `filter` overrides
   * whether the table gets a probe filter (by default: FILTER_MIN_ENTRIES or more entries).
   */
  constructor(hi: Uint32Array, lo: Uint32Array, val: Uint32Array | null, options: { filter?: boolean } = {}) {
    if (hi.length !== lo.length || (val !== null && hi.length !== val.length)) throw new RangeError('fingerprint arrays differ in length');
    const n = hi.length;
    this.size = n;
    this.#hi = hi;
    this.#val = val;
    this.#next = new Int32Array(n).fill(-1);
    // Sized for every entry being distinct; duplicates only lower the load.
    this.#cap = Math.max(16, Math.ceil(n / LOAD));
    this.#slots = new Uint32Array(2 * this.#cap);
    // Chains keep entry order: each new duplicate goes behind the key's last entry.
    const last = new Int32Array(n);
    let distinct = 0;
    for (let i = 0; i < n; i++) if (this.#insert(i, hi[i]!, lo[i]!, last)) distinct++;
    const filtered = options.filter ?? n >= FILTER_MIN_ENTRIES;
    this.#blocks = filtered ? Math.max(1, Math.ceil((distinct * FILTER_BITS_PER_KEY) / (32 * BLOCK_WORDS))) : 0;
    this.#filter = new Int32Array(this.#blocks * BLOCK_WORDS);
    if (filtered) {
      // Every entry is added; a duplicate key sets the same bits again.
      for (let i = 0; i < n; i++) this.#addToFilter(hi[i]!, lo[i]! | 0);
    }
  }

  /** First word of the key's filter block: the high half picks the block, the low half the bits. */
  #block(hi: number): number {
    return Math.floor((hi * this.#blocks) / TWO_32) * BLOCK_WORDS;
  }

  #addToFilter(hi: number, lo: number): void {
    const f = this.#filter;
    const b = this.#block(hi);
    f[b + (lo & 15)]! |= 1 << ((lo >>> 4) & 31);
    f[b + ((lo >>> 9) & 15)]! |= 1 << ((lo >>> 13) & 31);
    f[b + ((lo >>> 18) & 15)]! |= 1 << ((lo >>> 22) & 31);
  }

  /** Slot for a key's high half: a multiply maps 32 bits onto [0, cap) without a power-of-two size. */
  #home(hi: number): number {
    return Math.floor((hi * this.#cap) / TWO_32);
  }

  /** Adds entry i; true when its key is new. */
  #insert(i: number, h: number, l: number, last: Int32Array): boolean {
    const slots = this.#slots;
    let s = this.#home(h);
    for (;;) {
      const first = slots[2 * s + 1]!;
      if (first === 0) {
        slots[2 * s] = l;
        slots[2 * s + 1] = i + 1;
        last[i] = i;
        return true;
      }
      if (slots[2 * s] === l && this.#hi[first - 1] === h) {
        const tail = last[first - 1]!;
        this.#next[tail] = i;
        last[first - 1] = i;
        return false;
      }
      s = s + 1 === this.#cap ? 0 : s + 1;
    }
  }

  /** Index of the first entry with this key, or -1. Walk the others with `nextOf`. */
  find(hi: number, lo: number): number {
    if (!this.mayContain(hi, lo)) return -1;
    const slots = this.#slots;
    let s = this.#home(hi);
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
    const b = this.#block(hi);
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
