/**
 * The records one document hit, for one organization: which primary and which
 * corroborating fields were seen for each. A leak of an organization's own
 * table hits on every row, so this is typed arrays (an open-addressing table
 * from record index to slot, and field bit sets per slot) rather than a Map of
 * Sets per record, which showed in profiles as allocation and GC.
 */
export class RecordHits {
  readonly #words: number;
  #slots = new Int32Array(64);
  #recs = new Int32Array(32);
  #primary: Uint32Array;
  #corro: Uint32Array;
  /** 1 for a slot whose record has every corroborating field seen (see `settle`). */
  #settled = new Uint8Array(32);
  /** Records hit so far; slots 0..size-1 in first-hit order. */
  size = 0;

  constructor(fieldCount: number) {
    this.#words = Math.max(1, Math.ceil(fieldCount / 32));
    this.#primary = new Uint32Array(32 * this.#words);
    this.#corro = new Uint32Array(32 * this.#words);
  }

  /** The slot of record `rec`, added on its first hit. */
  slotOf(rec: number): number {
    const mask = this.#slots.length - 1;
    for (let s = Math.imul(rec, 0x9e3779b1) & mask; ; s = (s + 1) & mask) {
      const v = this.#slots[s]!;
      if (v === 0) break;
      if (this.#recs[v - 1] === rec) return v - 1;
    }
    const slot = this.size++;
    if (slot === this.#recs.length) this.#grow();
    this.#recs[slot] = rec;
    if (2 * this.size > this.#slots.length) this.#rehash(2 * this.#slots.length);
    else this.#place(slot);
    return slot;
  }

  /** Record index in slot `slot`. */
  recordAt(slot: number): number {
    return this.#recs[slot]!;
  }

  addPrimary(slot: number, field: number): void {
    this.#primary[slot * this.#words + (field >>> 5)]! |= 1 << (field & 31);
  }

  addCorroborating(slot: number, field: number): void {
    this.#corro[slot * this.#words + (field >>> 5)]! |= 1 << (field & 31);
  }

  /** Marks a slot whose record has no corroborating field left to find: later hits need not look. */
  settle(slot: number): void {
    this.#settled[slot] = 1;
  }

  isSettled(slot: number): boolean {
    return this.#settled[slot] === 1;
  }

  hasCorroborating(slot: number, field: number): boolean {
    return (this.#corro[slot * this.#words + (field >>> 5)]! & (1 << (field & 31))) !== 0;
  }

  /** Distinct primary and corroborating fields of a slot. */
  counts(slot: number): { primary: number; corroborating: number } {
    let primary = 0;
    let corroborating = 0;
    for (let w = 0; w < this.#words; w++) {
      primary += popcount(this.#primary[slot * this.#words + w]!);
      corroborating += popcount(this.#corro[slot * this.#words + w]!);
    }
    return { primary, corroborating };
  }

  /**
   * The set of fields seen for a slot (primary or corroborating) as one number,
   * equal for slots with equal sets; -1 when the organization has more than 32
   * fields (then use `fields`).
   */
  fieldSet(slot: number): number {
    return this.#words === 1 ? (this.#primary[slot]! | this.#corro[slot]!) >>> 0 : -1;
  }

  /** Field indexes seen for a slot (primary or corroborating), ascending. */
  fields(slot: number): number[] {
    const out: number[] = [];
    for (let w = 0; w < this.#words; w++) {
      const bits = this.#primary[slot * this.#words + w]! | this.#corro[slot * this.#words + w]!;
      for (let b = 0; b < 32; b++) if (bits & (1 << b)) out.push(32 * w + b);
    }
    return out;
  }

  #place(slot: number): void {
    const mask = this.#slots.length - 1;
    let s = Math.imul(this.#recs[slot]!, 0x9e3779b1) & mask;
    while (this.#slots[s] !== 0) s = (s + 1) & mask;
    this.#slots[s] = slot + 1;
  }

  #rehash(capacity: number): void {
    this.#slots = new Int32Array(capacity);
    for (let slot = 0; slot < this.size; slot++) this.#place(slot);
  }

  #grow(): void {
    const n = 2 * this.#recs.length;
    const grow = <T extends Int32Array | Uint32Array | Uint8Array>(a: T, make: (len: number) => T, len: number): T => {
      const b = make(len);
      b.set(a);
      return b;
    };
    this.#recs = grow(this.#recs, (l) => new Int32Array(l), n);
    this.#primary = grow(this.#primary, (l) => new Uint32Array(l), n * this.#words);
    this.#corro = grow(this.#corro, (l) => new Uint32Array(l), n * this.#words);
    this.#settled = grow(this.#settled, (l) => new Uint8Array(l), n);
  }
}

function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 0xff;
}
