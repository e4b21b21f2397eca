/**
 * A bounded cache from a key (a candidate as written in the scanned text, or
 * the number its type's `scanNumber` gives for it) to its keyed fingerprint,
 * or to the fact that it has none: the per-document memory of corroborating
 * values already seen near hits. Fingerprints sit in
 * one typed array, two words an entry, so that an entry costs its key and a
 * Map slot instead of a typed array object each. Starts over when full.
 */
import { grownWiped } from './growable.js';

/** `get` of a key that is not cached. */
export const FP_MISSING = -2;
/** `get` of a key cached as having no fingerprint (not a valid value). */
export const FP_NONE = -1;

export class FpCache {
  readonly #slots = new Map<string | number, number>();
  #pool = new Uint32Array(512);
  #used = 0;

  constructor(readonly limit: number) {}

  get size(): number {
    return this.#slots.size;
  }

  /** The key's slot (read it with `hi` and `lo`), FP_NONE, or FP_MISSING. */
  get(key: string | number): number {
    return this.#slots.get(key) ?? FP_MISSING;
  }

  hi(slot: number): number {
    return this.#pool[2 * slot]!;
  }

  lo(slot: number): number {
    return this.#pool[2 * slot + 1]!;
  }

  /** Caches the key's fingerprint; returns its slot. */
  set(key: string | number, hi: number, lo: number): number {
    if (this.#slots.size >= this.limit) this.clear();
    const slot = this.#used++;
    if (2 * slot === this.#pool.length) this.#pool = grownWiped(this.#pool, 2 * slot + 2);
    this.#pool[2 * slot] = hi;
    this.#pool[2 * slot + 1] = lo;
    this.#slots.set(key, slot);
    return slot;
  }

  /** Caches that the key has no fingerprint. */
  setNone(key: string | number): void {
    if (this.#slots.size >= this.limit) this.clear();
    this.#slots.set(key, FP_NONE);
  }

  /** Forgets every entry (and wipes the fingerprints). */
  clear(): void {
    this.#slots.clear();
    this.#pool.fill(0, 0, 2 * this.#used);
    this.#used = 0;
  }
}
