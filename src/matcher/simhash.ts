/**
 * 64-bit simhash (Charikar 2002) over overlapping word shingles of normalized
 * text, for near-duplicate whole documents (Manku, Jain & Das Sarma 2007).
 *
 * Each shingle of `shingleWords` consecutive words becomes a 64-bit feature:
 * the words are hashed unkeyed, combined in order, and the combination is
 * passed through the organization's SipHash, so the stored simhash depends on
 * the key. Bit i of the simhash is set when more than half of the features
 * have bit i set. One edited word changes only `shingleWords` features out of
 * hundreds, so the simhash moves by a few bits; unrelated texts differ in ~32.
 */
import { SipHash } from './siphash.js';
import { normalizeText } from './text-normalize.js';
import { LeakwatchError } from '../errors.js';

/** Words per shingle. */
export const SIMHASH_SHINGLE_WORDS = 3;
/**
 * Fewer shingles than this give no simhash: a handful of words says nothing
 * about document identity, and short stock texts would match each other.
 */
export const SIMHASH_MIN_SHINGLES = 16;

/** A 64-bit simhash as two uint32 halves. */
export interface Simhash64 {
  hi: number;
  lo: number;
}

/**
 * Feature bit counting without a per-bit loop: each nibble of a feature is
 * spread into four one-byte counters (NIBBLE_SPREAD), so sixteen additions
 * count all 64 bits; the byte counters are drained before they can overflow.
 */
const NIBBLE_SPREAD = new Uint32Array(16);
for (let v = 0; v < 16; v++) {
  NIBBLE_SPREAD[v] = (v & 1) | ((v & 2) << 7) | ((v & 4) << 14) | ((v & 8) << 21);
}
const DRAIN_EVERY = 255;

function fmix32(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Population count of a 32-bit value. */
function popcount32(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

/** Hamming distance between two 64-bit values given as hi/lo uint32 halves. */
export function hamming64(aHi: number, aLo: number, bHi: number, bLo: number): number {
  return popcount32(aHi ^ bHi) + popcount32(aLo ^ bLo);
}

/**
 * Streaming simhash of normalized text: words may be split across chunks, and
 * the digest equals that of the concatenated text.
 */
export class SimhashBuilder {
  private readonly sip: SipHash;
  private readonly shingleWords: number;
  private readonly minShingles: number;
  /** Hashes of the last `shingleWords` words, a ring indexed by word number. */
  private readonly wordHi: Uint32Array;
  private readonly wordLo: Uint32Array;
  private words = 0;
  /** Running hash of the word being read (two independent lanes). */
  private curA = 0;
  private curB = 0;
  private curLen = 0;
  /** Per-nibble packed byte counters and the exact per-bit totals they drain into. */
  private readonly packed = new Uint32Array(16);
  private readonly counts = new Float64Array(64);
  private sincePackedDrain = 0;
  private shingles = 0;

  constructor(key: Uint8Array, shingleWords = SIMHASH_SHINGLE_WORDS, minShingles = SIMHASH_MIN_SHINGLES) {
    if (!Number.isInteger(shingleWords) || shingleWords < 1 || shingleWords > 16) {
      throw new LeakwatchError('LW_USAGE', 'simhash shingle size must be an integer in 1..16');
    }
    if (!Number.isInteger(minShingles) || minShingles < 1) {
      throw new LeakwatchError('LW_USAGE', 'simhash minimum shingle count must be a positive integer');
    }
    this.sip = new SipHash(key);
    this.shingleWords = shingleWords;
    this.minShingles = minShingles;
    this.wordHi = new Uint32Array(shingleWords);
    this.wordLo = new Uint32Array(shingleWords);
    this.resetWord();
  }

  /** Adds the next piece of normalized text (words separated by spaces). */
  push(normalizedChunk: string): void {
    let a = this.curA;
    let b = this.curB;
    let len = this.curLen;
    const n = normalizedChunk.length;
    for (let i = 0; i < n; i++) {
      const unit = normalizedChunk.charCodeAt(i);
      if (unit <= 0x20) {
        if (len > 0) {
          this.addWord(a, b, len);
          this.resetWord();
          a = this.curA;
          b = this.curB;
          len = 0;
        }
        continue;
      }
      a = Math.imul(a ^ unit, 0x01000193);
      b = Math.imul(b ^ unit, 0x5bd1e995) ^ (b >>> 15);
      len++;
    }
    this.curA = a;
    this.curB = b;
    this.curLen = len;
  }

  /** The simhash of everything pushed so far, or null below the minimum shingle count. Does not end the stream. */
  digest(): Simhash64 | null {
    const counts = Float64Array.from(this.counts);
    addPacked(this.packed, counts);
    let shingles = this.shingles;
    if (this.curLen > 0 && this.words + 1 >= this.shingleWords) {
      // The word in progress ends here; count its shingle without committing it.
      const [fHi, fLo] = this.feature(this.words, fmix32(this.curA ^ this.curLen), fmix32(this.curB));
      for (let bit = 0; bit < 32; bit++) {
        counts[bit] = counts[bit]! + ((fLo >>> bit) & 1);
        counts[32 + bit] = counts[32 + bit]! + ((fHi >>> bit) & 1);
      }
      shingles++;
    }
    if (shingles < this.minShingles) return null;
    let hi = 0;
    let lo = 0;
    for (let bit = 0; bit < 32; bit++) {
      if (2 * counts[bit]! > shingles) lo |= 1 << bit;
      if (2 * counts[32 + bit]! > shingles) hi |= 1 << bit;
    }
    return { hi: hi >>> 0, lo: lo >>> 0 };
  }

  private resetWord(): void {
    this.curA = 0x811c9dc5;
    this.curB = 0x2d358dcc;
    this.curLen = 0;
  }

  private addWord(a: number, b: number, len: number): void {
    const hi = fmix32(a ^ len);
    const lo = fmix32(b);
    if (this.words + 1 >= this.shingleWords) {
      const [fHi, fLo] = this.feature(this.words, hi, lo);
      this.count(fHi, fLo);
    }
    const at = this.words % this.shingleWords;
    this.wordHi[at] = hi;
    this.wordLo[at] = lo;
    this.words++;
  }

  /**
   * Keyed feature of the shingle ending with word number `last` (whose hash is
   * hi/lo; the earlier words are in the ring). Words are folded in order with
   * a 64-bit rotate-by-23 and XOR, an invertible linear map, then keyed.
   */
  private feature(last: number, hi: number, lo: number): [number, number] {
    let accHi = 0;
    let accLo = 0;
    for (let word = last - this.shingleWords + 1; word <= last; word++) {
      const at = word % this.shingleWords;
      const wHi = word === last ? hi : this.wordHi[at]!;
      const wLo = word === last ? lo : this.wordLo[at]!;
      const t = (accHi << 23) | (accLo >>> 9);
      accLo = ((accLo << 23) | (accHi >>> 9)) ^ wLo;
      accHi = t ^ wHi;
    }
    return this.sip.hash64(accHi >>> 0, accLo >>> 0);
  }

  private count(fHi: number, fLo: number): void {
    const p = this.packed;
    for (let nib = 0; nib < 8; nib++) {
      p[nib] = p[nib]! + NIBBLE_SPREAD[(fLo >>> (4 * nib)) & 15]!;
      p[8 + nib] = p[8 + nib]! + NIBBLE_SPREAD[(fHi >>> (4 * nib)) & 15]!;
    }
    this.shingles++;
    if (++this.sincePackedDrain === DRAIN_EVERY) {
      addPacked(p, this.counts);
      p.fill(0);
      this.sincePackedDrain = 0;
    }
  }
}

/** Adds the packed byte counters to exact per-bit totals (bit 4*nibble + byte). */
function addPacked(packed: Uint32Array, counts: Float64Array): void {
  for (let nib = 0; nib < 16; nib++) {
    const v = packed[nib]!;
    const base = 4 * nib;
    counts[base] = counts[base]! + (v & 0xff);
    counts[base + 1] = counts[base + 1]! + ((v >>> 8) & 0xff);
    counts[base + 2] = counts[base + 2]! + ((v >>> 16) & 0xff);
    counts[base + 3] = counts[base + 3]! + (v >>> 24);
  }
}

/** Normalizes a whole string and returns its 64-bit simhash (null if it is too short). */
export function simhashText(text: string, key: Uint8Array, shingleWords = SIMHASH_SHINGLE_WORDS): Simhash64 | null {
  const builder = new SimhashBuilder(key, shingleWords);
  builder.push(normalizeText(text));
  return builder.digest();
}
