/**
 * The candidates of one identifier pattern in one piece of text, with their
 * scan keys as UTF-8 side by side in one buffer, so that hashing and table
 * lookups run in tight loops over the whole piece instead of once per match
 * between regex steps (at a million records a lookup is a cache miss, and
 * misses in a row overlap where misses between other work do not).
 *
 * The buffer holds keys (canonical identifier values) only while a piece is
 * matched; `clear` wipes it.
 */
import type { IdentifierType, NormalizeOptions } from './identifiers/types.js';
import { doubled } from './growable.js';

const encoder = new TextEncoder();

export class CandidateBatch {
  count = 0;
  /** Offsets of candidate i in the text. */
  start = new Int32Array(1024);
  end = new Int32Array(1024);
  /** Candidate i's key is bytes[keyAt[i], keyAt[i] + keyLen[i]). */
  keyAt = new Int32Array(1024);
  keyLen = new Int32Array(1024);
  /** Fingerprints of the keys under one organization's key (filled by the caller). */
  hi = new Uint32Array(1024);
  lo = new Uint32Array(1024);
  /** Per candidate, its key's first table entry, or -1 (filled by the caller). */
  found = new Int32Array(1024);
  bytes = new Uint8Array(64 * 1024);
  #used = 0;
  /** End of everything ever written since the last clear (a declined byte path may leave bytes past #used). */
  #high = 0;

  /**
   * Adds text[start, end) if it has a scan key: the type's byte path where it
   * answers, else `scanKey` or `normalize` encoded. Candidates without a key
   * (invalid values) are dropped.
   */
  add(impl: IdentifierType, text: string, start: number, end: number, options: NormalizeOptions): void {
    const room = 4 * (end - start) + 4;
    if (this.#used + room > this.bytes.length) this.#growBytes(room);
    if (this.count === this.start.length) this.#growCandidates();
    let n = -1;
    if (impl.scanKeyBytes) {
      if (this.#used + room > this.#high) this.#high = this.#used + room;
      n = impl.scanKeyBytes(text, start, end, this.bytes, this.#used, options);
    }
    if (n < 0) {
      const raw = text.slice(start, end);
      const key = impl.scanKey?.(raw, options) ?? impl.normalize(raw, options);
      if (key === null) return;
      if (this.#used + 3 * key.length > this.bytes.length) this.#growBytes(3 * key.length);
      n = encoder.encodeInto(key, this.bytes.subarray(this.#used)).written;
      if (this.#used + n > this.#high) this.#high = this.#used + n;
    }
    const i = this.count++;
    this.start[i] = start;
    this.end[i] = end;
    this.keyAt[i] = this.#used;
    this.keyLen[i] = n;
    this.#used += n;
  }

  /**
   * Adds text[start, end) with its scan key given: key[keyAt, keyAt + len),
   * the bytes `add` would write for it (a search that made the key itself, see
   * MatchSink).
   */
  addKey(start: number, end: number, key: Uint8Array, keyAt: number, len: number): void {
    if (this.#used + len > this.bytes.length) this.#growBytes(len);
    if (this.count === this.start.length) this.#growCandidates();
    const bytes = this.bytes;
    const at = this.#used;
    for (let k = 0; k < len; k++) bytes[at + k] = key[keyAt + k]!;
    if (at + len > this.#high) this.#high = at + len;
    const i = this.count++;
    this.start[i] = start;
    this.end[i] = end;
    this.keyAt[i] = at;
    this.keyLen[i] = len;
    this.#used += len;
  }

  /**
   * Adds matches passed in bulk (see KeyedMatches in pattern-scan.ts), each
   * as `addKey` would, except those ending at or before `from`: the bytes
   * from the first key's start to the last one's end are copied at once
   * (with `spans`, the keys must lie in ascending order).
   */
  addKeyed(pairs: Int32Array, count: number, base: number, keys: Uint8Array, from: number, spans?: Int32Array): void {
    let j = 0;
    while (j < count && base + pairs[2 * j + 1]! <= from) j++;
    if (j === count) return;
    const first = spans ? spans[2 * j]! : pairs[2 * j]!;
    const span = (spans ? spans[2 * count - 2]! + spans[2 * count - 1]! : pairs[2 * count - 1]!) - first;
    if (this.#used + span > this.bytes.length) this.#growBytes(span);
    while (this.count + count - j > this.start.length) this.#growCandidates();
    const at = this.#used - first;
    this.bytes.set(keys.subarray(first, first + span), this.#used);
    this.#used += span;
    if (this.#used > this.#high) this.#high = this.#used;
    for (; j < count; j++) {
      const s = pairs[2 * j]!;
      const e = pairs[2 * j + 1]!;
      const i = this.count++;
      this.start[i] = base + s;
      this.end[i] = base + e;
      this.keyAt[i] = at + (spans ? spans[2 * j]! : s);
      this.keyLen[i] = spans ? spans[2 * j + 1]! : e - s;
    }
  }

  /** Empties the batch and wipes the keys. */
  clear(): void {
    this.bytes.fill(0, 0, this.#high);
    this.#used = 0;
    this.#high = 0;
    this.count = 0;
  }

  #growBytes(need: number): void {
    const next = new Uint8Array(Math.max(2 * this.bytes.length, this.#used + need));
    next.set(this.bytes.subarray(0, this.#used));
    this.bytes.fill(0, 0, this.#high);
    this.#high = this.#used;
    this.bytes = next;
  }

  #growCandidates(): void {
    this.start = doubled(this.start);
    this.end = doubled(this.end);
    this.keyAt = doubled(this.keyAt);
    this.keyLen = doubled(this.keyLen);
    this.hi = doubled(this.hi);
    this.lo = doubled(this.lo);
    this.found = doubled(this.found);
  }
}
