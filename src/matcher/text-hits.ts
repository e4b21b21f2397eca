/**
 * One document's text fingerprints found in one organization's table. The
 * fingerprints are gathered SIFT_MAX at a time and tested against the table's
 * filter in one loop (`mayContainMany`): tested one by one as the winnower
 * reported them, each test waited for its own cache miss. Keys that pass are
 * looked up PENDING_MAX at a time (`findMany`), and the enrolled documents of
 * the entries found are read in one pass at the end: for a table left in the
 * bundle file each lookup one at a time was two or three system calls, and a
 * scanned note with excerpts of enrolled ones thousands of them
 * (docs/performance.md).
 *
 * Only keyed fingerprints are held, never text.
 */
import type { FingerprintLookup } from './fingerprint-table.js';

/** Keys held before a lookup (64 KiB of halves at most). */
const PENDING_MAX = 8192;
/** Fingerprints gathered before the filter tests them (64 KiB of halves, and 32 KiB of indexes, at most). */
const SIFT_MAX = 8192;

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

  /** Fingerprints not yet tested against the filter, and scratch for the indexes of those that pass. */
  #siftHi = new Uint32Array(0);
  #siftLo = new Uint32Array(0);
  #passed = new Int32Array(0);
  #m = 0;

  constructor(table: FingerprintLookup) {
    this.#table = table;
  }

  /** A text fingerprint of the document. */
  add(hi: number, lo: number): void {
    if (this.#m === this.#siftHi.length) {
      if (this.#m === SIFT_MAX) this.#sift();
      else this.#growSift();
    }
    this.#siftHi[this.#m] = hi;
    this.#siftLo[this.#m++] = lo;
  }

  /** Moves the gathered fingerprints that pass the filter to the pending keys, in order. */
  #sift(): void {
    const m = this.#m;
    if (m === 0) return;
    this.#m = 0;
    const k = this.#table.mayContainMany(this.#siftHi, this.#siftLo, m, this.#passed);
    for (let j = 0; j < k; j++) {
      const i = this.#passed[j]!;
      if (this.#n === this.#hi.length) {
        if (this.#n === PENDING_MAX) this.#flush();
        else this.#grow();
      }
      this.#hi[this.#n] = this.#siftHi[i]!;
      this.#lo[this.#n++] = this.#siftLo[i]!;
    }
  }

  /**
   * For each enrolled document (a table value) with a fingerprint found, how
   * many of its entries were; documents in the order the text first matched
   * them (as looking each fingerprint up in turn gave).
   */
  perDocument(): Map<number, number> {
    this.#sift();
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

  /** Starts small, as the pending keys do (#grow). */
  #growSift(): void {
    this.#siftHi = grown(this.#siftHi, SIFT_MAX);
    this.#siftLo = grown(this.#siftLo, SIFT_MAX);
    this.#passed = new Int32Array(this.#siftHi.length);
  }

  /** Starts small: a document with no fingerprint near the table's keys allocates nothing. */
  #grow(): void {
    this.#hi = grown(this.#hi, PENDING_MAX);
    this.#lo = grown(this.#lo, PENDING_MAX);
  }
}

/** A copy of `a` with room for twice as many (at least 64, at most `max`). */
function grown(a: Uint32Array<ArrayBuffer>, max: number): Uint32Array<ArrayBuffer> {
  const b = new Uint32Array(Math.min(max, Math.max(64, 2 * a.length)));
  b.set(a);
  return b;
}
