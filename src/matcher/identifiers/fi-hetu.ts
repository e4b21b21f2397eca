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

/** Finnish henkilötunnus. */
export const fiHetu: IdentifierType = {
  name: 'fi_hetu',
  pattern: new RegExp(
    `${LEFT_WORD}\\d{6}[+YXWVUABCDEF${DASH_CLASS}]\\d{3}[0-9A-Y]${RIGHT_WORD}`,
    'giu',
  ),
  normalize,
  scanKey,
  scanKeyBytes,
};
