/**
 * IBAN (ISO 13616): country code, two check digits, BBAN. Valid when the length
 * matches the country's registered length and the mod-97 remainder is 1.
 * Countries missing from the table are rejected (an unknown country has no length
 * to check). Canonical form: upper case without spaces.
 */
import { mod97 } from './checksums.js';
import { cleanInput, LEFT_WORD, RIGHT_WORD } from './lexical.js';
import type { IdentifierType } from './types.js';

/**
 * Total IBAN length per country, from the SWIFT IBAN registry: all EU/EEA
 * countries, GB, CH and the other registry members commonly seen in European data.
 */
export const IBAN_LENGTHS: Readonly<Record<string, number>> = {
  AD: 24, AE: 23, AL: 28, AT: 20, AZ: 28, BA: 20, BE: 16, BG: 22, BH: 22, BR: 29,
  BY: 28, CH: 21, CR: 22, CY: 28, CZ: 24, DE: 22, DK: 18, DO: 28, EE: 20, EG: 29,
  ES: 24, FI: 18, FO: 18, FR: 27, GB: 22, GE: 22, GI: 23, GL: 18, GR: 27, GT: 28,
  HR: 21, HU: 28, IE: 22, IL: 23, IQ: 23, IS: 26, IT: 27, JO: 30, KW: 30, KZ: 20,
  LB: 28, LC: 32, LI: 21, LT: 20, LU: 20, LV: 21, MC: 27, MD: 24, ME: 22, MK: 19,
  MR: 27, MT: 31, MU: 30, NL: 18, NO: 15, PK: 24, PL: 28, PS: 29, PT: 25, QA: 29,
  RO: 24, RS: 22, SA: 24, SC: 31, SE: 24, SI: 19, SK: 24, SM: 27, ST: 25, SV: 28,
  TL: 23, TN: 24, TR: 26, UA: 29, VA: 22, VG: 24, XK: 20,
};

/** Check digits for a country and BBAN (ISO 7064 mod 97-10). */
export function ibanCheckDigits(country: string, bban: string): string {
  const rem = mod97(`${bban}${country}00`);
  return String(98 - rem).padStart(2, '0');
}

function normalize(raw: string): string | null {
  const s = cleanInput(raw)?.replace(/[ -]/g, '').toUpperCase();
  if (s === undefined || !/^[A-Z]{2}\d{2}[A-Z0-9]+$/.test(s)) return null;
  if (IBAN_LENGTHS[s.slice(0, 2)] !== s.length) return null;
  return mod97(s.slice(4) + s.slice(0, 4)) === 1 ? s : null;
}

/**
 * One alternative per registered length: "(FI|DK|…)dd" then exactly that many
 * BBAN characters, each optionally preceded by one space. Fixing the count per
 * country is what lets the match stop before a following word ("… 85 EUR").
 */
function buildPattern(): RegExp {
  const byLength = new Map<number, string[]>();
  for (const [cc, len] of Object.entries(IBAN_LENGTHS)) {
    byLength.set(len, [...(byLength.get(len) ?? []), cc]);
  }
  const alternatives = [...byLength].map(
    ([len, ccs]) => `(?:${ccs.join('|')})\\d{2}(?: ?[A-Z0-9]){${len - 4}}`,
  );
  return new RegExp(`${LEFT_WORD}(?:${alternatives.join('|')})${RIGHT_WORD}`, 'giu');
}

/** IBAN. */
export const iban: IdentifierType = {
  name: 'iban',
  pattern: buildPattern(),
  normalize,
};
