/**
 * An immutable open-addressing hash table from 64-bit fingerprints to 32-bit
 * values, built for millions of entries in bounded memory (about 20-28 bytes
 * per entry) and lookups with no allocation. Duplicate keys are chained.
 */

/** Builds the table from parallel arrays; arrays are owned by the table afterwards. */
export class FingerprintTable {
  readonly size: number;
  readonly #hi: Uint32Array;
  readonly #lo: Uint32Array;
  readonly #val: Uint32Array;
  readonly #next: Int32Array;
  readonly #slots: Int32Array;
  readonly #mask: number;

  constructor(hi: Uint32Array, lo: Uint32Array, val: Uint32Array) {
    if (hi.length !== lo.length || hi.length !== val.length) throw new RangeError('fingerprint arrays differ in length');
    const n = hi.length;
    this.size = n;
    this.#hi = hi;
    this.#lo = lo;
    this.#val = val;
    this.#next = new Int32Array(n).fill(-1);
    let cap = 16;
    while (cap < n * 1.5) cap *= 2;
    this.#mask = cap - 1;
    this.#slots = new Int32Array(cap).fill(-1);
    for (let i = 0; i < n; i++) this.#insert(i);
  }

  #insert(i: number): void {
    const h = this.#hi[i]!;
    const l = this.#lo[i]!;
    let s = l & this.#mask;
    for (;;) {
      const e = this.#slots[s]!;
      if (e === -1) {
        this.#slots[s] = i;
        return;
      }
      if (this.#hi[e] === h && this.#lo[e] === l) {
        // Same key: chain behind the head so the slot keeps one entry per key.
        this.#next[i] = this.#next[e]!;
        this.#next[e] = i;
        return;
      }
      s = (s + 1) & this.#mask;
    }
  }

  /** Index of the first entry with this key, or -1. Walk duplicates with `nextOf`. */
  find(hi: number, lo: number): number {
    let s = lo & this.#mask;
    for (;;) {
      const e = this.#slots[s]!;
      if (e === -1) return -1;
      if (this.#hi[e] === hi && this.#lo[e] === lo) return e;
      s = (s + 1) & this.#mask;
    }
  }

  /** Next entry with the same key as entry `i`, or -1. */
  nextOf(i: number): number {
    return this.#next[i]!;
  }

  /** Value stored at entry `i`. */
  valueOf(i: number): number {
    return this.#val[i]!;
  }

  /** All values stored under a key. */
  lookup(hi: number, lo: number): number[] {
    const out: number[] = [];
    for (let e = this.find(hi >>> 0, lo >>> 0); e !== -1; e = this.#next[e]!) out.push(this.#val[e]!);
    return out;
  }

  /** Bytes held by the table's arrays. */
  get byteLength(): number {
    return this.#hi.byteLength + this.#lo.byteLength + this.#val.byteLength + this.#next.byteLength + this.#slots.byteLength;
  }
}
