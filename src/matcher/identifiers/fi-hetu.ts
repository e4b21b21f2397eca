/**
 * Finnish personal identity code (henkilötunnus), DDMMYYCZZZQ.
 *
 * C is the century sign: '+' 1800s; '-' and, since the 2023 reform, Y X W V U for
 * the 1900s; 'A' and B C D E F for the 2000s. ZZZ is the individual number:
 * 002-899 are issued to people, 900-999 are temporary codes (accepted here, since a
 * leaked temporary code still identifies a patient record; the synthetic generator
 * uses only this range). Q is the mod-31 check character over DDMMYYZZZ.
 *
 * Canonical form: upper case with the century sign folded to one sign per century
 * ('+', '-', 'A'). The check character does not cover the sign, and systems that
 * predate the reform rewrite Y…U as '-' (and B…F as 'A') when they export, so the
 * same record can surface with either sign. Caveat: since 2023 the sign is part of
 * the identity, so two people born the same day with the same individual number
 * and different signs of one century fold together; with corroborating fields
 * near a hit this costs a rare false positive, which a leak monitor prefers to a
 * missed leak.
 */
import { isValidDate } from './calendar.js';
import { cleanInput, DASH_CLASS, LEFT_WORD, RIGHT_WORD } from './lexical.js';
import { HETU_AFTER_UNDECIDED, HETU_BEFORE_UNDECIDED, HETU_OFFSET_MASK, hetuKernelFind } from './hetu-kernel.js';
import type { KeyedMatches, MatchSink } from '../pattern-scan.js';
import type { IdentifierType } from './types.js';

/** Check-character alphabet: 0-9 and letters without G I O Q Z. */
export const HETU_CHECK_ALPHABET = '0123456789ABCDEFHJKLMNPRSTUVWXY';

const CENTURY_BASE: Readonly<Record<string, number>> = {
  '+': 1800,
  '-': 1900, Y: 1900, X: 1900, W: 1900, V: 1900, U: 1900,
  A: 2000, B: 2000, C: 2000, D: 2000, E: 2000, F: 2000,
};

const CANONICAL_SIGN: Readonly<Record<number, string>> = { 1800: '+', 1900: '-', 2000: 'A' };

/** Century signs of each century, for generators and tests. */
export const HETU_SIGNS: Readonly<Record<1800 | 1900 | 2000, readonly string[]>> = {
  1800: ['+'],
  1900: ['-', 'Y', 'X', 'W', 'V', 'U'],
  2000: ['A', 'B', 'C', 'D', 'E', 'F'],
};

const SHAPE = /^(\d{2})(\d{2})(\d{2})([-+YXWVUABCDEF])(\d{3})([0-9A-Y])$/;

/** The check character for DDMMYY + ZZZ (nine digits). */
export function hetuCheckChar(dateDigits: string, individual: string): string {
  return HETU_CHECK_ALPHABET[Number(dateDigits + individual) % 31]!;
}

function normalize(raw: string): string | null {
  const s = cleanInput(raw)?.toUpperCase();
  if (s === undefined) return null;
  const m = SHAPE.exec(s);
  if (m === null) return null;
  const [, dd, mm, yy, sign, zzz, check] = m as unknown as [string, string, string, string, string, string, string];
  const base = CENTURY_BASE[sign]!;
  if (!isValidDate(base + Number(yy), Number(mm), Number(dd))) return null;
  if (Number(zzz) < 2) return null;
  if (hetuCheckChar(dd + mm + yy, zzz) !== check) return null;
  return `${dd}${mm}${yy}${CANONICAL_SIGN[base]!}${zzz}${check}`;
}

/** Century sign -> canonical sign of its century, by ASCII code. */
const FOLD_SIGN = new Map<number, string>(Object.entries(CENTURY_BASE).map(([sign, base]) => [sign.charCodeAt(0), CANONICAL_SIGN[base]!]));

/**
 * Upper case with the century sign folded, without validation: for a valid
 * code that is the canonical form, and an invalid one never turns into a valid
 * canonical form (validity ignores case and which sign of a century is used).
 * Pattern candidates are 11 ASCII characters; anything else goes to normalize.
 */
function scanKey(raw: string): string | null {
  if (raw.length !== 11) return null;
  for (let i = 0; i < 11; i++) if (raw.charCodeAt(i) >= 0x80) return null;
  const up = raw.toUpperCase();
  const sign = FOLD_SIGN.get(up.charCodeAt(6));
  return sign === undefined ? up : up.slice(0, 6) + sign + up.slice(7);
}

/** Century sign -> canonical sign, by ASCII code (0: not a sign), for scanKeyBytes. */
const FOLD_SIGN_CODE = new Uint8Array(128);
for (const [code, sign] of FOLD_SIGN) FOLD_SIGN_CODE[code] = sign.charCodeAt(0);

/** `scanKey` as bytes (see IdentifierType.scanKeyBytes). */
function scanKeyBytes(text: string, start: number, end: number, out: Uint8Array, at: number): number {
  if (end - start !== 11) return -1;
  for (let i = 0; i < 11; i++) {
    let c = text.charCodeAt(start + i);
    if (c >= 0x80) return -1;
    if (c >= 0x61 && c <= 0x7a) c -= 0x20;
    if (i === 6 && FOLD_SIGN_CODE[c]! !== 0) c = FOLD_SIGN_CODE[c]!;
    out[at + i] = c;
  }
  return 11;
}

// Code-unit classes of the pattern for `find`. With the `i` and `u` flags the sign class also takes lower
// case, and the check class [0-9A-Y] also takes a-y, U+017F (long s, folds to 's') and U+212A (Kelvin sign,
// folds to 'k'); a test compares these classes with the pattern's on every code unit.
const SIGN = 1;
const CHECK = 2;
const CLASS = new Uint8Array(0x10000);
for (let c = 0x30; c <= 0x39; c++) CLASS[c] = CHECK;
for (const ch of '+YXWVUABCDEF-') CLASS[ch.charCodeAt(0)]! |= SIGN;
for (const ch of 'yxwvuabcdef') CLASS[ch.charCodeAt(0)]! |= SIGN;
for (let c = 0x2010; c <= 0x2015; c++) CLASS[c]! |= SIGN;
CLASS[0x2212]! |= SIGN;
for (let c = 0x41; c <= 0x59; c++) CLASS[c]! |= CHECK;
for (let c = 0x61; c <= 0x79; c++) CLASS[c]! |= CHECK;
CLASS[0x17f]! |= CHECK;
CLASS[0x212a]! |= CHECK;

/** Whether code unit `c` is an ASCII digit (`\d`). */
function isDigit(c: number): boolean {
  return c - 0x30 >>> 0 <= 9;
}

/**
 * [\p{L}\p{N}_], the guards' class, for one code point, with the pattern's
 * flags: under `i` a class matches what case-folds into it, which adds U+0345
 * (a combining mark that folds to the letter U+03B9) to \p{L}.
 */
const WORD = /[\p{L}\p{N}_]/iu;

/** Whether ASCII code unit `c` is a letter, digit or underscore. */
function asciiWord(c: number): boolean {
  return isDigit(c) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f;
}

/** Whether the code point ending just before `i` (within [lo, …)) is a letter, digit or underscore. */
function wordBefore(text: string, lo: number, i: number): boolean {
  if (i <= lo) return false;
  const c = text.charCodeAt(i - 1);
  if (c < 0x80) return asciiWord(c);
  const pair = c >= 0xdc00 && c <= 0xdfff && i - 2 >= lo && text.charCodeAt(i - 2) >= 0xd800 && text.charCodeAt(i - 2) <= 0xdbff;
  return WORD.test(pair ? text.slice(i - 2, i) : text[i - 1]!);
}

/** Whether the code point starting at `i` (within […, hi)) is a letter, digit or underscore. */
function wordAt(text: string, i: number, hi: number): boolean {
  if (i >= hi) return false;
  const c = text.charCodeAt(i);
  if (c < 0x80) return asciiWord(c);
  const pair = c >= 0xd800 && c <= 0xdbff && i + 1 < hi && text.charCodeAt(i + 1) >= 0xdc00 && text.charCodeAt(i + 1) <= 0xdfff;
  return WORD.test(pair ? text.slice(i, i + 2) : text[i]!);
}

/**
 * The pattern's matches in text[lo, hi), with the region's edges as the
 * text's (the regex took about 105 ms per 50 MB of the benchmark's CSV dumps).
 * A match starts a run of exactly six digits: in a longer run the only start
 * followed by a non-digit sign is preceded by a digit, which the left guard
 * refuses. A non-digit at offset 5 rules out the six starts up to it, so most
 * of a text is passed six characters at a time. Property-tested against the
 * regex.
 */
export function jsFind(text: string, lo: number, hi: number, onMatch: (start: number, end: number) => void): void {
  const last = hi - 11;
  let i = lo;
  while (i <= last) {
    if (!isDigit(text.charCodeAt(i + 5))) {
      i += 6;
      continue;
    }
    // The run of digits through i + 5: [a, b). It never starts before i (text[i - 1] is no digit, or text[i] is none).
    let a = i + 5;
    while (a > lo && isDigit(text.charCodeAt(a - 1))) a--;
    let b = i + 6;
    while (b < hi && isDigit(text.charCodeAt(b))) b++;
    if (
      b - a === 6 &&
      a <= last &&
      CLASS[text.charCodeAt(b)]! & SIGN &&
      isDigit(text.charCodeAt(a + 7)) &&
      isDigit(text.charCodeAt(a + 8)) &&
      isDigit(text.charCodeAt(a + 9)) &&
      CLASS[text.charCodeAt(a + 10)]! & CHECK &&
      !wordBefore(text, lo, a) &&
      !wordAt(text, a + 11, hi)
    ) {
      onMatch(a, a + 11);
      i = a + 11;
    } else {
      // No match starts in [a, b], and text[b] is no digit.
      i = b + 1;
    }
  }
}

/**
 * The pattern's matches in text[lo, hi) by the WebAssembly loop of
 * hetu-kernel.ts (same matches as `jsFind`, property-tested; it asks
 * `wordBefore` and `wordAt` about guards outside ASCII), or by `jsFind` where
 * the kernel is unavailable. With `onKeyed`, the loop's matches go there a run
 * at a time with the scan keys it wrote: this search with the batch's keying
 * took about 71 ms per 50 MB CSV dump in 48 K pieces one by one through
 * `scanKeyBytes`, 42 ms so (scratch timing, median of 15). Without, they go to
 * `onMatch` one by one, without keys.
 */
function find(text: string, lo: number, hi: number, onMatch: MatchSink, onKeyed?: KeyedMatches): void {
  const done =
    hi - lo >= 11 &&
    hetuKernelFind(text, lo, hi, onKeyed ?? oneByOne(onMatch), (flagged) => {
      const a = lo + (flagged & HETU_OFFSET_MASK);
      if ((flagged & HETU_BEFORE_UNDECIDED) !== 0 && wordBefore(text, lo, a)) return;
      if ((flagged & HETU_AFTER_UNDECIDED) !== 0 && wordAt(text, a + 11, hi)) return;
      onMatch(a, a + 11);
    });
  if (!done) jsFind(text, lo, hi, onMatch);
}

/** Matches passed in bulk, handed to `onMatch` one by one without their keys (as the search did before it made keys). */
function oneByOne(onMatch: MatchSink): KeyedMatches {
  return (pairs, count, base) => {
    for (let j = 0; j < 2 * count; j += 2) onMatch(base + pairs[j]!, base + pairs[j + 1]!);
  };
}

/** Finnish henkilötunnus. */
export const fiHetu: IdentifierType = {
  name: 'fi_hetu',
  pattern: new RegExp(
    `${LEFT_WORD}\\d{6}[+YXWVUABCDEF${DASH_CLASS}]\\d{3}[0-9A-Y]${RIGHT_WORD}`,
    'giu',
  ),
  find,
  normalize,
  scanKey,
  scanKeyBytes,
};
