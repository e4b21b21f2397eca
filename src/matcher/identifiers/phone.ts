/**
 * Telephone number, parsed and validated with libphonenumber-js using its `max`
 * metadata (full per-country number plans, so a Finnish 040/050 mobile validates
 * as a mobile and impossible ranges are rejected). Canonical form: E.164.
 * National forms need `options.region` (ISO 3166-1 alpha-2); without it only
 * international forms ('+' or '00') parse.
 */
import { isSupportedCountry, parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { cleanInput, DASH_CLASS, RIGHT_NUM } from './lexical.js';
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

/** Phone number (E.164). */
export const phone: IdentifierType = {
  name: 'phone',
  // Optional "+CC", optional "(area)", then 6-14 digits with single separators.
  pattern: new RegExp(
    `(?<![\\p{L}\\p{N}_+]|\\p{N}[${DASH_CLASS}./])` +
      `(?:\\+\\d{1,3}[ .${DASH_CLASS}]?)?(?:\\(\\d{1,5}\\)[ .${DASH_CLASS}]?)?` +
      `\\d(?:[ .${DASH_CLASS}/]?\\d){5,13}${RIGHT_NUM}`,
    'gu',
  ),
  normalize,
};
