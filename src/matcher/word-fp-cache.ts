/**
 * A bounded per-document cache from a word as written in the scanned text to
 * the low halves of its name-token fingerprints (the part corroboration
 * compares), looked up by the word's code units where they stand: no string
 * is cut out of the text for a word already cached. Corroboration reads every
 * word near every record hit, and in a leaked table most of them repeat; a
 * Map keyed by the word had every such word cut out as a string first, for the
 * collector to sweep up (with this table, garbage collection went from 38.0 to
 * 32.9 ms a scan of the benchmark's 50 MB CSV; docs/performance.md,
 * twenty-third session).
 *
 * Open addressing over a power-of-two slot array; each entry keeps its units
 * in one pool and its fingerprints in another. Starts over when it holds
 * `limit` words or its unit pool is full, and wipes what it held then and in
 * `clear` (the units are leaked text).
 */
import { grownWiped } from './growable.js';

/** Units of the pool at most by default (2 MiB): a word that would not fit with the others starts the cache over; a longer one is not cached. */
const MAX_POOL_UNITS = 1 << 20;
/** Slots the cache starts with (it doubles as entries come, up to twice its limit). */
const FIRST_SLOTS = 1024;

export class WordFpCache {
  readonly #limit: number;
  readonly #maxUnits: number;
  #slots = new Int32Array(FIRST_SLOTS);
  #mask = FIRST_SLOTS - 1;
  /** Per entry: the hash of its units, where its units start, where its fingerprints start (one more than there are entries). */
  #hash = new Int32Array(64);
  #unitAt = new Int32Array(65);
  #fpAt = new Int32Array(65);
  #units = new Uint16Array(1024);
  #fps = new Uint32Array(256);
  #n = 0;

  /**
   * @param limit words held at most before the cache starts over
   * @param maxUnits code units of the words held at most (see MAX_POOL_UNITS)
   */
  constructor(limit: number, maxUnits = MAX_POOL_UNITS) {
    if (!(limit >= 1) || !(maxUnits >= 1)) throw new RangeError('a word cache holds at least one word of one unit');
    this.#limit = limit;
    this.#maxUnits = maxUnits;
  }

  /** Words held. */
  get size(): number {
    return this.#n;
  }

  /** The entry of the word text[from, to), or -1. */
  find(text: string, from: number, to: number): number {
    return this.findHashed(text, from, to, wordHash(text, from, to));
  }

  /** `find` with the word's hash (see WORD_HASH_SEED) already made, by a loop that read its units anyway. */
  findHashed(text: string, from: number, to: number, h: number): number {
    const len = to - from;
    const slots = this.#slots;
    const units = this.#units;
    for (let s = h & this.#mask; ; s = (s + 1) & this.#mask) {
      const e = slots[s]! - 1;
      if (e < 0) return -1;
      if (this.#hash[e] !== h) continue;
      const at = this.#unitAt[e]!;
      if (this.#unitAt[e + 1]! - at !== len) continue;
      let k = 0;
      while (k < len && units[at + k] === text.charCodeAt(from + k)) k++;
      if (k === len) return e;
    }
  }

  /**
   * Caches the word text[from, to) (not cached yet) with `fps[0..count)`;
   * returns its entry, or -1 when the word is too long to cache.
   */
  add(text: string, from: number, to: number, fps: ArrayLike<number>, count: number): number {
    return this.addHashed(text, from, to, fps, count, wordHash(text, from, to));
  }

  /** `add` with the word's hash already made. */
  addHashed(text: string, from: number, to: number, fps: ArrayLike<number>, count: number, h: number): number {
    const len = to - from;
    if (len > this.#maxUnits) return -1;
    if (this.#n >= this.#limit || this.#unitAt[this.#n]! + len > this.#maxUnits) this.clear();
    const e = this.#n;
    if (e === this.#hash.length) this.#growEntries();
    const at = this.#unitAt[e]!;
    if (at + len > this.#units.length) this.#units = grownWiped(this.#units, at + len);
    for (let k = 0; k < len; k++) this.#units[at + k] = text.charCodeAt(from + k);
    const f = this.#fpAt[e]!;
    if (f + count > this.#fps.length) this.#fps = grownWiped(this.#fps, f + count);
    for (let k = 0; k < count; k++) this.#fps[f + k] = fps[k]!;
    this.#hash[e] = h;
    this.#unitAt[e + 1] = at + len;
    this.#fpAt[e + 1] = f + count;
    this.#n = e + 1;
    // At most half the slots in use: probes stay short.
    if (2 * this.#n > this.#slots.length) this.#rehash(2 * this.#slots.length);
    else this.#place(e, h);
    return e;
  }

  /** Entry e's fingerprints are fp(fpFrom(e)) .. fp(fpTo(e) - 1). */
  fpFrom(e: number): number {
    return this.#fpAt[e]!;
  }

  fpTo(e: number): number {
    return this.#fpAt[e + 1]!;
  }

  fp(i: number): number {
    return this.#fps[i]!;
  }

  /** Forgets every word, and wipes the units and fingerprints it held. */
  clear(): void {
    const n = this.#n;
    if (n === 0) return;
    this.#units.fill(0, 0, this.#unitAt[n]);
    this.#fps.fill(0, 0, this.#fpAt[n]);
    this.#hash.fill(0, 0, n);
    this.#unitAt.fill(0, 0, n + 1);
    this.#fpAt.fill(0, 0, n + 1);
    this.#slots.fill(0);
    this.#n = 0;
  }

  /** Nonzero units and fingerprints in the pools, used or not (for tests: 0 after `clear`). */
  residue(): number {
    let n = 0;
    for (const u of this.#units) if (u !== 0) n++;
    for (const f of this.#fps) if (f !== 0) n++;
    return n;
  }

  #place(e: number, h: number): void {
    let s = h & this.#mask;
    while (this.#slots[s] !== 0) s = (s + 1) & this.#mask;
    this.#slots[s] = e + 1;
  }

  #rehash(size: number): void {
    this.#slots = new Int32Array(size);
    this.#mask = size - 1;
    for (let e = 0; e < this.#n; e++) this.#place(e, this.#hash[e]!);
  }

  #growEntries(): void {
    const entries = 2 * this.#hash.length;
    this.#hash = grownWiped(this.#hash, entries);
    this.#unitAt = grownWiped(this.#unitAt, entries + 1);
    this.#fpAt = grownWiped(this.#fpAt, entries + 1);
  }
}

/**
 * The hash the cache keys words by: FNV-1a over the code units (32 bits),
 * from WORD_HASH_SEED, each unit c taking h to Math.imul(h ^ c, 0x01000193).
 * name-words-kernel.ts makes it the same way.
 */
export const WORD_HASH_SEED = 0x811c9dc5 | 0;

export function wordHash(text: string, from: number, to: number): number {
  let h = WORD_HASH_SEED;
  for (let i = from; i < to; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h;
}
