/**
 * Winnowing (Schleimer, Wilkerson & Aiken, SIGMOD 2003) over normalized text.
 *
 * Every k-gram of the normalized stream gets a 64-bit rolling hash; in each
 * window of w consecutive k-gram hashes the minimum is selected (robust
 * winnowing: on a tie keep the hash already selected, otherwise take the
 * rightmost). Any shared stretch of t = w + k - 1 normalized characters holds
 * w whole k-grams, i.e. one whole window, so both sides select that window's
 * minimum hash: a guaranteed common fingerprint. Selected hashes are then keyed
 * with the organization's SipHash key, so nothing stored is computable without it.
 */
import { LeakwatchError } from '../errors.js';
import { SipHash } from './siphash.js';
import { normalizeText } from './text-normalize.js';

/**
 * k = 40 normalized characters (about six words): long enough that stock
 * phrases and salutations rarely form a whole k-gram, short enough that the
 * window still yields about one fingerprint per 31 characters.
 */
export const WINNOW_K = 40;
/** w = 61 makes the guarantee threshold t = w + k - 1 = 100 characters. */
export const WINNOW_W = 61;

/** A keyed fingerprint and the start of its k-gram in the normalized stream (UTF-16 code units). */
export interface Fingerprint {
  hi: number;
  lo: number;
  pos: number;
}

/** Receives each selected fingerprint once, in stream order. */
export type FingerprintSink = (hi: number, lo: number, pos: number) => void;

export interface WinnowOptions {
  /** 16-byte SipHash key of the organization. */
  key: Uint8Array;
  /** k-gram length in UTF-16 code units, 1..64. */
  k?: number;
  /** Window length in k-grams, >= 1. */
  w?: number;
}

/**
 * Random 64-bit values per UTF-16 code unit for the cyclic-polynomial (buzhash)
 * rolling hash. It rotates one 64-bit word (kept as two 32-bit halves), not two
 * independent 32-bit lanes: with 32-bit rotation, equal characters 32 apart in a
 * k-gram would cancel out, so the hash would ignore them. Hence also k <= 64.
 * Enrolled bundles depend on these values: changing the seed breaks matching.
 */
const TABLE_HI = new Uint32Array(65536);
const TABLE_LO = new Uint32Array(65536);
{
  // splitmix32 with a fixed seed: the table must be identical everywhere.
  let state = 0x6c77_2003;
  const next = (): number => {
    state = (state + 0x9e3779b9) | 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  for (let i = 0; i < 65536; i++) {
    TABLE_HI[i] = next();
    TABLE_LO[i] = next();
  }
}

/** The table rotated left by k bits, used to remove the character leaving the k-gram. */
const rotatedTables = new Map<number, { hi: Uint32Array; lo: Uint32Array }>();

function rotated(k: number): { hi: Uint32Array; lo: Uint32Array } {
  let tables = rotatedTables.get(k);
  if (tables) return tables;
  const hi = new Uint32Array(65536);
  const lo = new Uint32Array(65536);
  const r = k % 64;
  for (let i = 0; i < 65536; i++) {
    let h = TABLE_HI[i]!;
    let l = TABLE_LO[i]!;
    if (r >= 32) {
      const t = h;
      h = l;
      l = t;
    }
    const s = r & 31;
    if (s !== 0) {
      const t = (h << s) | (l >>> (32 - s));
      l = (l << s) | (h >>> (32 - s));
      h = t;
    }
    hi[i] = h;
    lo[i] = l;
  }
  tables = { hi, lo };
  rotatedTables.set(k, tables);
  return tables;
}

function checkInt(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new LeakwatchError('LW_USAGE', `winnowing ${name} must be an integer in ${min}..${max}`);
  }
  return value;
}

/** Flipping the sign bit makes int32 order equal uint32 order, so comparisons stay in int32. */
const SIGN = 0x80000000 | 0;

/**
 * Streaming winnower over normalized text. State carries across `push` calls,
 * so the fingerprints equal those of the concatenated stream; memory is O(k + w)
 * whatever the input size.
 */
export class Winnower {
  private readonly k: number;
  private readonly w: number;
  private readonly sip: SipHash;
  private readonly outHi: Uint32Array;
  private readonly outLo: Uint32Array;
  /** Last k code units, a ring; `charSlot` is where the next one goes. */
  private readonly chars: Uint16Array;
  private charSlot = 0;
  /** Last w k-gram hashes (sign-flipped), a ring; `gramSlot` is where the next one goes. */
  private readonly ringHi: Int32Array;
  private readonly ringLo: Int32Array;
  private gramSlot = 0;
  private rollHi = 0;
  private rollLo = 0;
  /** Code units consumed so far. */
  private consumed = 0;
  /** The selected k-gram (-1 before the first) and its sign-flipped hash. */
  private selected = -1;
  private selHi = 0;
  private selLo = 0;
  /** The last k-gram reported, or -1. */
  private reported = -1;

  constructor(opts: WinnowOptions) {
    this.k = checkInt('k', opts.k ?? WINNOW_K, 1, 64);
    this.w = checkInt('w', opts.w ?? WINNOW_W, 1, 1 << 20);
    this.sip = new SipHash(opts.key);
    const tables = rotated(this.k);
    this.outHi = tables.hi;
    this.outLo = tables.lo;
    this.chars = new Uint16Array(this.k);
    this.ringHi = new Int32Array(this.w);
    this.ringLo = new Int32Array(this.w);
  }

  /** Consumes the next piece of normalized text and reports fingerprints selected so far. */
  push(normalizedChunk: string, onFingerprint: FingerprintSink): void {
    const { k, w, chars, ringHi, ringLo, outHi, outLo } = this;
    const inHi = TABLE_HI;
    const inLo = TABLE_LO;
    let { rollHi, rollLo, charSlot, gramSlot, consumed, selected, selHi, selLo } = this;
    const n = normalizedChunk.length;
    for (let i = 0; i < n; i++) {
      const unit = normalizedChunk.charCodeAt(i);
      // Cyclic polynomial: rotate by one, drop the leaving unit (rotated by k), add the new one.
      const carry = rollHi >>> 31;
      rollHi = (rollHi << 1) | (rollLo >>> 31);
      rollLo = (rollLo << 1) | carry;
      if (consumed >= k) {
        const leaving = chars[charSlot]!;
        rollHi ^= outHi[leaving]!;
        rollLo ^= outLo[leaving]!;
      }
      rollHi ^= inHi[unit]!;
      rollLo ^= inLo[unit]!;
      chars[charSlot] = unit;
      if (++charSlot === k) charSlot = 0;
      consumed++;
      if (consumed < k) continue;

      const gram = consumed - k;
      const hi = rollHi ^ SIGN;
      const lo = rollLo ^ SIGN;
      ringHi[gramSlot] = hi;
      ringLo[gramSlot] = lo;
      if (++gramSlot === w) gramSlot = 0;
      if (selected < 0 || selected <= gram - w) {
        selected = this.rightmostMinimum(gram, gramSlot);
        const at = selected % w;
        selHi = ringHi[at]!;
        selLo = ringLo[at]!;
      } else if (hi < selHi || (hi === selHi && lo < selLo)) {
        selected = gram;
        selHi = hi;
        selLo = lo;
      }
      if (gram >= w - 1 && selected !== this.reported) {
        this.report(selected, selHi, selLo, onFingerprint);
      }
    }
    this.rollHi = rollHi;
    this.rollLo = rollLo;
    this.charSlot = charSlot;
    this.gramSlot = gramSlot;
    this.consumed = consumed;
    this.selected = selected;
    this.selHi = selHi;
    this.selLo = selLo;
  }

  /**
   * Ends the stream. A text with at least one k-gram but fewer than w never
   * fills a window; it still gets its minimum k-gram as one fingerprint.
   */
  end(onFingerprint: FingerprintSink): void {
    if (this.reported < 0 && this.selected >= 0) this.report(this.selected, this.selHi, this.selLo, onFingerprint);
  }

  /**
   * Index of the rightmost minimal hash in the window ending at k-gram `last`;
   * `nextSlot` is the ring slot after the one holding `last`.
   */
  private rightmostMinimum(last: number, nextSlot: number): number {
    const { w, ringHi, ringLo } = this;
    const size = Math.min(w, last + 1);
    let at = nextSlot === 0 ? w - 1 : nextSlot - 1;
    let best = last;
    let bestHi = ringHi[at]!;
    let bestLo = ringLo[at]!;
    for (let back = 1; back < size; back++) {
      at = at === 0 ? w - 1 : at - 1;
      const hi = ringHi[at]!;
      if (hi < bestHi || (hi === bestHi && ringLo[at]! < bestLo)) {
        best = last - back;
        bestHi = hi;
        bestLo = ringLo[at]!;
      }
    }
    return best;
  }

  /** Keys the selected k-gram hash and hands it out. */
  private report(gram: number, flippedHi: number, flippedLo: number, onFingerprint: FingerprintSink): void {
    const [hi, lo] = this.sip.hash64((flippedHi ^ SIGN) >>> 0, (flippedLo ^ SIGN) >>> 0);
    this.reported = gram;
    onFingerprint(hi, lo, gram);
  }
}

/** Normalizes and winnows a whole string; fingerprints in stream order. */
export function winnowText(text: string, key: Uint8Array, opts: { k?: number; w?: number } = {}): Fingerprint[] {
  const found: Fingerprint[] = [];
  const winnower = new Winnower({ key, ...opts });
  const sink: FingerprintSink = (hi, lo, pos) => {
    found.push({ hi, lo, pos });
  };
  winnower.push(normalizeText(text), sink);
  winnower.end(sink);
  return found;
}
