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
 * Memory: 8 bytes per slot at a load of at most LOAD (~14.5 bytes per distinct
 * key), plus 4 bytes per entry for the chain, plus the caller's `hi` array and
 * `val` (none when values are entry indices).
 */

/** Highest fraction of slots in use (linear probing: ~3 probes per miss at 0.55). */
const LOAD = 0.55;
const TWO_32 = 4294967296;

/** Builds the table from parallel arrays; `hi` and `val` are kept (not copied), `lo` is not needed afterwards. */
export class FingerprintTable {
  readonly size: number;
  readonly #hi: Uint32Array;
  readonly #val: Uint32Array | null;
  readonly #next: Int32Array;
  /** Per slot: [low half of the key, first entry + 1 (0 = empty)]. */
  readonly #slots: Uint32Array;
  readonly #cap: number;

  /** `val` null means each entry's value is its own index. */
  constructor(hi: Uint32Array, lo: Uint32Array, val: Uint32Array | null) {
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
    for (let i = 0; i < n; i++) this.#insert(i, hi[i]!, lo[i]!, last);
  }

  /** Slot for a key's high half: a multiply maps 32 bits onto [0, cap) without a power-of-two size. */
  #home(hi: number): number {
    return Math.floor((hi * this.#cap) / TWO_32);
  }

  #insert(i: number, h: number, l: number, last: Int32Array): void {
    const slots = this.#slots;
    let s = this.#home(h);
    for (;;) {
      const first = slots[2 * s + 1]!;
      if (first === 0) {
        slots[2 * s] = l;
        slots[2 * s + 1] = i + 1;
        last[i] = i;
        return;
      }
      if (slots[2 * s] === l && this.#hi[first - 1] === h) {
        const tail = last[first - 1]!;
        this.#next[tail] = i;
        last[first - 1] = i;
        return;
      }
      s = s + 1 === this.#cap ? 0 : s + 1;
    }
  }

  /** Index of the first entry with this key, or -1. Walk the others with `nextOf`. */
  find(hi: number, lo: number): number {
    const slots = this.#slots;
    let s = this.#home(hi);
    for (;;) {
      const first = slots[2 * s + 1]!;
      if (first === 0) return -1;
      if (slots[2 * s] === lo && this.#hi[first - 1] === hi) return first - 1;
      s = s + 1 === this.#cap ? 0 : s + 1;
    }
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
    return this.#hi.byteLength + (this.#val?.byteLength ?? 0) + this.#next.byteLength + this.#slots.byteLength;
  }
}
