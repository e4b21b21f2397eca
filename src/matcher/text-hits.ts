/**
 * One document's text fingerprints found in one organization's table. Keys
 * that pass the table's filter are looked up PENDING_MAX at a time
 * (`findMany`), and the enrolled documents of the entries found are read in
 * one pass at the end: for a table left in the bundle file each lookup one at
 * a time was two or three system calls, and a scanned note with excerpts of
 * enrolled ones thousands of them (docs/performance.md).
 *
 * Only keyed fingerprints are held, never text.
 */
import type { FingerprintLookup } from './fingerprint-table.js';

/** Keys held before a lookup (64 KiB of halves at most). */
const PENDING_MAX = 8192;

export class TextHits {
  readonly #table: FingerprintLookup;
  /** Distinct table entries found so far, each with the number of the first fingerprint (in text order) that found it. */
  readonly #entries = new Map<number, number>();
  #hi = new Uint32Array(0);
  #lo = new Uint32Array(0);
  #n = 0;
  /** Fingerprints added before the pending ones. */
  #added = 0;
  readonly #onEntry = (e: number, key: number): void => {
    const at = this.#added + key;
    const was = this.#entries.get(e);
    if (was === undefined || at < was) this.#entries.set(e, at);
  };

  constructor(table: FingerprintLookup) {
    this.#table = table;
  }

  /** A text fingerprint of the document. */
  add(hi: number, lo: number): void {
    if (!this.#table.mayContain(hi, lo)) return;
    if (this.#n === this.#hi.length) {
      if (this.#n === PENDING_MAX) this.#flush();
      else this.#grow();
    }
    this.#hi[this.#n] = hi;
    this.#lo[this.#n++] = lo;
  }

  /**
   * For each enrolled document (a table value) with a fingerprint found, how
   * many of its entries were; documents in the order the text first matched
   * them (as looking each fingerprint up in turn gave).
   */
  perDocument(): Map<number, number> {
    this.#flush();
    const n = this.#entries.size;
    const out = new Map<number, number>();
    if (n === 0) return out;
    const entries = Uint32Array.from(this.#entries.keys()).sort();
    const values = new Uint32Array(n);
    this.#table.valuesOf(entries, n, values);
    const first = Float64Array.from(entries, (e) => this.#entries.get(e)!);
    const order = Array.from({ length: n }, (_, k) => k).sort((a, b) => first[a]! - first[b]! || a - b);
    for (const k of order) out.set(values[k]!, (out.get(values[k]!) ?? 0) + 1);
    return out;
  }

  #flush(): void {
    if (this.#n === 0) return;
    this.#table.findMany(this.#hi, this.#lo, this.#n, this.#onEntry);
    this.#added += this.#n;
    this.#n = 0;
  }

  /** Starts small: a document with no fingerprint near the table's keys allocates nothing. */
  #grow(): void {
    const size = Math.min(PENDING_MAX, Math.max(64, 2 * this.#hi.length));
    const hi = new Uint32Array(size);
    const lo = new Uint32Array(size);
    hi.set(this.#hi);
    lo.set(this.#lo);
    this.#hi = hi;
    this.#lo = lo;
  }
}
