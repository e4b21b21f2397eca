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
import { Buffer } from 'node:buffer';
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
 * Feature bit counting without a per-bit loop: each byte of a feature is
 * spread into eight 4-bit counters packed in one int32 (BYTE_SPREAD), so eight
 * additions count all 64 bits. The 4-bit counters are drained into byte
 * counters every 15 features, and those into exact totals every 255.
 */
const BYTE_SPREAD = new Int32Array(256);
for (let v = 0; v < 256; v++) {
  for (let bit = 0; bit < 8; bit++) BYTE_SPREAD[v]! |= ((v >>> bit) & 1) << (4 * bit);
}
/** Features per 4-bit counter drain, and 4-bit drains per 8-bit drain (17 * 15 = 255). */
const NIBBLE_DRAIN_EVERY = 15;
const BYTE_DRAIN_EVERY = 17;
const NIBBLE_MASK = 0x0f0f0f0f;

/** Seeds of the two word-hash lanes. */
const WORD_SEED_A = 0x811c9dc5 | 0;
const WORD_SEED_B = 0x2d358dcc;

/** MurmurHash3's finalizer, as an int32 bit pattern. */
function fmix32(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return h ^ (h >>> 16);
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

/** Rotation between words of a shingle. */
const FOLD_ROTATION = 23;

/** Shingles keyed per batch. */
const SHINGLE_BATCH = 512;

/** Code units of a string copied per `pushUnits` call by `push`. */
const TEXT_PIECE = 4096;

/**
 * Streaming simhash of normalized text: words may be split across chunks, and
 * the digest equals that of the concatenated text.
 */
export class SimhashBuilder {
  private readonly sip: SipHash;
  private readonly shingleWords: number;
  private readonly minShingles: number;
  /**
   * The unkeyed shingle of the last `shingleWords` words as [hi, lo], kept up
   * to date per word. Each fold step (rotate the accumulator left by 23, XOR
   * the next word) is linear, so rotating the shingle once, XORing in the new
   * word and XORing out the word that left (rotated by 23 per word folded
   * after it) gives the next shingle without re-folding all of its words.
   */
  private readonly shingle = new Int32Array(2);
  /** The last `shingleWords` word hashes, already rotated as they will be when they leave; a ring, `ringAt` the oldest. */
  private readonly leavingHi: Int32Array;
  private readonly leavingLo: Int32Array;
  private ringAt = 0;
  private words = 0;
  /** Rotation of a word when it leaves: 23 per word of the shingle, mod 64. */
  private readonly leaveRotation: number;
  /** Running hash of the word being read (two independent lanes). */
  private curA = WORD_SEED_A;
  private curB = WORD_SEED_B;
  private curLen = 0;
  /** Packed bit counters (see addPacked for the layout) and the exact per-bit totals they drain into. */
  private readonly nibbles = new Int32Array(8);
  private readonly bytes = new Int32Array(16);
  private readonly counts = new Float64Array(64);
  private sinceNibbleDrain = 0;
  private sinceByteDrain = 0;
  private shingles = 0;
  /** The shingle and feature of the word in progress, for `digest`. */
  private readonly scratch = new Int32Array(2);
  private readonly feature = new Int32Array(2);
  /** Shingles waiting to be keyed together, as (lo, hi) pairs: a batch is several times faster than one call each. */
  private readonly batch = new Int32Array(2 * SHINGLE_BATCH);
  private batched = 0;
  private readonly textUnits = new Uint16Array(TEXT_PIECE);
  private readonly textBytes = Buffer.from(this.textUnits.buffer);

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
    this.leavingHi = new Int32Array(shingleWords);
    this.leavingLo = new Int32Array(shingleWords);
    this.leaveRotation = (FOLD_ROTATION * shingleWords) % 64;
  }

  /** Adds the next piece of normalized text (words separated by spaces). */
  push(normalizedChunk: string): void {
    // Copied in pieces, so a whole document never needs a buffer of its size.
    for (let from = 0; from < normalizedChunk.length; from += TEXT_PIECE) {
      const n = Math.min(TEXT_PIECE, normalizedChunk.length - from);
      this.textBytes.write(normalizedChunk.slice(from, from + n), 0, 2 * n, 'utf16le');
      this.pushUnits(this.textUnits, n);
    }
    // The copy outlives the call; leaked text must not linger in it.
    this.textUnits.fill(0);
  }

  /** Like `push`, for normalized text given as code units `units[0..length)` (see `TextNormalizer.pushUnits`). */
  pushUnits(units: Uint16Array, length: number): void {
    let a = this.curA;
    let b = this.curB;
    let len = this.curLen;
    for (let i = 0; i < length; i++) {
      const unit = units[i]!;
      if (unit > 0x20) {
        a = Math.imul(a ^ unit, 0x01000193);
        b = Math.imul(b ^ unit, 0x5bd1e995) ^ (b >>> 15);
        len++;
      } else if (len > 0) {
        this.addWord(fmix32(a ^ len), fmix32(b));
        a = WORD_SEED_A;
        b = WORD_SEED_B;
        len = 0;
      }
    }
    this.curA = a;
    this.curB = b;
    this.curLen = len;
    this.countBatch();
  }

  /** The simhash of everything pushed so far, or null below the minimum shingle count. Does not end the stream. */
  digest(): Simhash64 | null {
    const counts = Float64Array.from(this.counts);
    addPacked(this.nibbles, this.bytes, counts);
    let shingles = this.shingles;
    if (this.curLen > 0 && this.words + 1 >= this.shingleWords) {
      // The word in progress ends here; count its shingle without committing it.
      this.keyedShingle(fmix32(this.curA ^ this.curLen), fmix32(this.curB));
      const fHi = this.feature[0]!;
      const fLo = this.feature[1]!;
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

  /**
   * Writes the shingle that word hash hi/lo would complete to into[2 * at] (lo)
   * and into[2 * at + 1] (hi). Words are folded in order with a 64-bit
   * rotate-by-23 and XOR, an invertible linear map; the result is keyed later.
   */
  private fold(hi: number, lo: number, into: Int32Array, at: number): void {
    const sh = this.shingle[0]!;
    const sl = this.shingle[1]!;
    into[2 * at + 1] = ((sh << FOLD_ROTATION) | (sl >>> (32 - FOLD_ROTATION))) ^ this.leavingHi[this.ringAt]! ^ hi;
    into[2 * at] = ((sl << FOLD_ROTATION) | (sh >>> (32 - FOLD_ROTATION))) ^ this.leavingLo[this.ringAt]! ^ lo;
  }

  /** Keys the shingle that word hash hi/lo would complete, into `feature`. */
  private keyedShingle(hi: number, lo: number): void {
    this.fold(hi, lo, this.scratch, 0);
    this.sip.hash64Into(this.scratch[1]!, this.scratch[0]!, this.feature);
  }

  private addWord(hi: number, lo: number): void {
    const { batch, batched } = this;
    // The batch slot doubles as scratch until there are enough words for a shingle.
    this.fold(hi, lo, batch, batched);
    this.shingle[0] = batch[2 * batched + 1]!;
    this.shingle[1] = batch[2 * batched]!;
    const r = this.leaveRotation;
    const s = r & 31;
    const h = r < 32 ? hi : lo;
    const l = r < 32 ? lo : hi;
    const at = this.ringAt;
    this.leavingHi[at] = s === 0 ? h : (h << s) | (l >>> (32 - s));
    this.leavingLo[at] = s === 0 ? l : (l << s) | (h >>> (32 - s));
    this.ringAt = at + 1 === this.shingleWords ? 0 : at + 1;
    if (++this.words < this.shingleWords) return;
    if ((this.batched = batched + 1) === SHINGLE_BATCH) this.countBatch();
  }

  /** Keys the batched shingles and counts their bits. */
  private countBatch(): void {
    const { batch, batched } = this;
    if (batched === 0) return;
    this.sip.hash64Batch(batch, batched);
    for (let i = 0; i < batched; i++) this.count(batch[2 * i + 1]!, batch[2 * i]!);
    this.batched = 0;
  }

  private count(fHi: number, fLo: number): void {
    const p = this.nibbles;
    p[0] = p[0]! + BYTE_SPREAD[fLo & 0xff]!;
    p[1] = p[1]! + BYTE_SPREAD[(fLo >>> 8) & 0xff]!;
    p[2] = p[2]! + BYTE_SPREAD[(fLo >>> 16) & 0xff]!;
    p[3] = p[3]! + BYTE_SPREAD[fLo >>> 24]!;
    p[4] = p[4]! + BYTE_SPREAD[fHi & 0xff]!;
    p[5] = p[5]! + BYTE_SPREAD[(fHi >>> 8) & 0xff]!;
    p[6] = p[6]! + BYTE_SPREAD[(fHi >>> 16) & 0xff]!;
    p[7] = p[7]! + BYTE_SPREAD[fHi >>> 24]!;
    this.shingles++;
    if (++this.sinceNibbleDrain === NIBBLE_DRAIN_EVERY) {
      this.sinceNibbleDrain = 0;
      const q = this.bytes;
      for (let c = 0; c < 8; c++) {
        q[2 * c] = q[2 * c]! + (p[c]! & NIBBLE_MASK);
        q[2 * c + 1] = q[2 * c + 1]! + ((p[c]! >>> 4) & NIBBLE_MASK);
      }
      p.fill(0);
      if (++this.sinceByteDrain === BYTE_DRAIN_EVERY) {
        this.sinceByteDrain = 0;
        addPacked(p, q, this.counts);
        q.fill(0);
      }
    }
  }
}

/**
 * Adds packed counters to exact per-bit totals. Nibble j of nibbles[c] counts
 * bit 8c + j; byte m of bytes[2c] counts bit 8c + 2m, of bytes[2c + 1] bit 8c + 2m + 1.
 */
function addPacked(nibbles: Int32Array, bytes: Int32Array, counts: Float64Array): void {
  for (let c = 0; c < 8; c++) {
    const v = nibbles[c]!;
    for (let j = 0; j < 8; j++) counts[8 * c + j] = counts[8 * c + j]! + ((v >>> (4 * j)) & 15);
    const even = bytes[2 * c]!;
    const odd = bytes[2 * c + 1]!;
    for (let m = 0; m < 4; m++) {
      counts[8 * c + 2 * m] = counts[8 * c + 2 * m]! + ((even >>> (8 * m)) & 0xff);
      counts[8 * c + 2 * m + 1] = counts[8 * c + 2 * m + 1]! + ((odd >>> (8 * m)) & 0xff);
    }
  }
}

/** Normalizes a whole string and returns its 64-bit simhash (null if it is too short). */
export function simhashText(text: string, key: Uint8Array, shingleWords = SIMHASH_SHINGLE_WORDS): Simhash64 | null {
  const builder = new SimhashBuilder(key, shingleWords);
  builder.push(normalizeText(text));
  return builder.digest();
}
