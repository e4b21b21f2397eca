/**
 * Telephone number, parsed and validated with libphonenumber-js using its `max`
 * metadata (full per-country number plans, so a Finnish 040/050 mobile validates
 * as a mobile and impossible ranges are rejected). Canonical form: E.164.
 * National forms need `options.region` (ISO 3166-1 alpha-2); without it only
 * international forms ('+' or '00') parse.
 */
import { isSupportedCountry, parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { cleanInput, DASH_CLASS, RIGHT_NUM } from './lexical.js';
import { phoneKernelFind } from './phone-kernel.js';
import { TRUNK_ZERO, trunkCode } from './phone-trunk.js';
import type { KeyedMatches } from '../pattern-scan.js';
import type { IdentifierType, NormalizeOptions } from './types.js';

const PHONE_CHARS = /^[+\d\s().\/-]+$/;

function normalize(raw: string, options: NormalizeOptions = {}): string | null {
  const s = cleanInput(raw, 64);
  if (s === null || !PHONE_CHARS.test(s) || !/\d/.test(s)) return null;
  const region = options.region?.toUpperCase();
  const country = region !== undefined && isSupportedCountry(region) ? region : undefined;
  // '00' is the international prefix almost everywhere; with a region the
  // library applies that region's own prefix rules instead.
  const input = country === undefined && s.startsWith('00') ? `+${s.slice(2)}` : s;
  try {
    const parsed = parsePhoneNumberFromString(input, { defaultCountry: country, extract: false });
    return parsed !== undefined && parsed.isValid() ? parsed.number : null;
  } catch {
    return null;
  }
}

const TRUNK_AFTER_CC = new RegExp(`^(?:${Object.values(TRUNK_ZERO).join('|')})0`);

/**
 * E.164 by rule, without libphonenumber (which costs ~8 µs a number): '+CC…'
 * and '00CC…' keep their digits (minus a '(0)'), and a trunk-'0' national
 * number of a TRUNK_ZERO region gets its calling code. Anything else, or anything
 * unusual, returns null so the caller falls back to `normalize`. For every
 * valid number this equals `normalize` (property-tested).
 */
function scanKey(raw: string, options: NormalizeOptions = {}): string | null {
  if (raw.length > 40) return null;
  const s = raw.replace('(0)', '');
  if (/[^+\d \-\u2010-\u2015\u2212]/.test(s)) return null;
  const digits = s.replace(/\D/g, '');
  // "+358 040…" (a trunk 0 kept after the calling code) is left to libphonenumber.
  if (s.startsWith('+')) return digits.startsWith('0') || TRUNK_AFTER_CC.test(digits) ? null : `+${digits}`;
  if (s.startsWith('00') && options.region !== undefined && TRUNK_ZERO[options.region.toUpperCase()]) {
    return TRUNK_AFTER_CC.test(digits.slice(2)) ? null : `+${digits.slice(2)}`;
  }
  const cc = options.region ? TRUNK_ZERO[options.region.toUpperCase()] : undefined;
  if (cc && digits.startsWith('0') && !digits.startsWith('00')) return `+${cc}${digits.slice(1)}`;
  return null;
}

/** Calling codes of TRUNK_ZERO as char codes. */
const TRUNK_CODES: readonly (readonly number[])[] = Object.values(TRUNK_ZERO).map((cc) => [...cc].map((ch) => ch.charCodeAt(0)));
/** Digits in out[from, to) start with a TRUNK_ZERO calling code followed by '0' (TRUNK_AFTER_CC). */
function trunkAfterCode(out: Uint8Array, from: number, to: number): boolean {
  for (const cc of TRUNK_CODES) {
    if (to - from < cc.length + 1) continue;
    let k = 0;
    while (k < cc.length && out[from + k] === cc[k]) k++;
    if (k === cc.length && out[from + k] === 0x30) return true;
  }
  return false;
}

/**
 * `scanKey` as bytes (see IdentifierType.scanKeyBytes), for the common forms:
 * '+' or '00' international and trunk-'0' national numbers with space and dash
 * separators. A '(' (as in '(0)' or an area code) or a '+' past the start
 * goes to `scanKey`.
 */
function scanKeyBytes(text: string, start: number, end: number, out: Uint8Array, at: number, options: NormalizeOptions = {}): number {
  if (end - start > 40 || end <= start) return -1;
  const first = text.charCodeAt(start);
  const plus = first === 0x2b;
  // Digits go after room for '+' and a calling code of up to three digits.
  const d0 = at + 4;
  let d = d0;
  for (let i = plus ? start + 1 : start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x30 && c <= 0x39) out[d++] = c;
    else if (c !== 0x20 && c !== 0x2d && !(c >= 0x2010 && c <= 0x2015) && c !== 0x2212) return -1;
  }
  let from: number;
  let cc: string | null = null;
  if (plus) {
    if (d === d0 || out[d0] === 0x30 || trunkAfterCode(out, d0, d)) return -1;
    from = d0;
  } else if (first === 0x30 && end - start > 1 && text.charCodeAt(start + 1) === 0x30 && trunkCode(options.region) !== null) {
    // '00' and a region with trunk-zero rules: the international prefix.
    if (trunkAfterCode(out, d0 + 2, d)) return -1;
    from = d0 + 2;
  } else {
    cc = trunkCode(options.region);
    if (cc === null || d === d0 || out[d0] !== 0x30 || (d - d0 >= 2 && out[d0 + 1] === 0x30)) return -1;
    from = d0 + 1;
  }
  let o = at;
  out[o++] = 0x2b;
  if (cc !== null) for (let k = 0; k < cc.length; k++) out[o++] = cc.charCodeAt(k);
  // The digits move left into place (o never passes `from`: a calling code has at most three digits).
  for (let k = from; k < d; k++) out[o++] = out[k]!;
  return o - at;
}

/**
 * A candidate must start the way phone numbers are written and dates, ids
 * and e-mail local parts are not: "+CC" or "00CC" (optionally "(0)"), an
 * "(area)", or a trunk "0"; then digits with single space/dash separators.
 * Dots and slashes are not separators (they make every date a candidate, and
 * each candidate costs a libphonenumber parse). Not after '.', '@' or a letter.
 */
const PATTERN =
  `(?<![\\p{L}\\p{N}_+.@]|\\p{N}[${DASH_CLASS}./])` +
  `(?:(?:\\+|00)\\d{1,3}[ ${DASH_CLASS}]?(?:\\(0\\)[ ${DASH_CLASS}]?)?|\\(\\d{1,5}\\)[ ${DASH_CLASS}]?|0)` +
  `\\d(?:[ ${DASH_CLASS}]?\\d){4,13}${RIGHT_NUM}(?![@.]\\p{L})`;

/** The pattern at one position only (sticky), for the starts the kernel leaves to it. */
const AT_START = new RegExp(PATTERN, 'uy');
/** The pattern over a region, where the kernel is unavailable (node --jitless) or busy. */
const IN_REGION = new RegExp(PATTERN, 'gu');

/**
 * The end of the pattern's match starting at `start` in text[lo, hi), or -1.
 * A match reaches at most 37 units past its start and its guards three more
 * (a digit outside the BMP after a dash), and the left guard looks at most
 * four back, so the regex runs over that window only.
 */
function matchAt(text: string, lo: number, hi: number, start: number): number {
  const from = Math.max(lo, start - 4);
  AT_START.lastIndex = start - from;
  const m = AT_START.exec(text.slice(from, Math.min(hi, start + 48)));
  return m === null ? -1 : start + m[0].length;
}

/**
 * The pattern's matches in text[lo, hi) by the WebAssembly loop of
 * phone-kernel.ts (property-tested against the regex), which asks the regex
 * about starts next to characters outside ASCII; by the regex where the loop
 * is unavailable, and for the rest of a region where the loop met too many
 * such starts. With `onKeyed`, the matches the loop wrote scan keys for
 * (those `scanKeyBytes` keys, under `options`' region) go there in runs.
 */
function find(
  text: string,
  lo: number,
  hi: number,
  onMatch: (start: number, end: number) => void,
  onKeyed?: KeyedMatches,
  options?: NormalizeOptions,
): void {
  const rest = phoneKernelFind(text, lo, hi, onMatch, (start) => matchAt(text, lo, hi, start), onKeyed, options?.region);
  if (rest === -1) return;
  // The regex over the region, from where the kernel left it (or from its start).
  const part = lo === 0 && hi === text.length ? text : text.slice(lo, hi);
  IN_REGION.lastIndex = rest === null ? 0 : rest - lo;
  for (let m = IN_REGION.exec(part); m !== null; m = IN_REGION.exec(part)) onMatch(lo + m.index, lo + m.index + m[0].length);
}

/** Phone number (E.164). */
export const phone: IdentifierType = {
  name: 'phone',
  pattern: new RegExp(PATTERN, 'gu'),
  find,
  normalize,
  scanKey,
  scanKeyBytes,
};
