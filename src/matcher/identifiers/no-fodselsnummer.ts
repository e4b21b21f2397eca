/**
 * Norwegian fødselsnummer, DDMMYYIIIKK: birth date, individual number III (which
 * also encodes the century) and two mod-11 check digits. D-numbers (day + 40) and
 * H-numbers (month + 40) are accepted. Canonical form: the 11 digits.
 *
 * Not handled: FH-numbers (first digit 8/9, no date), synthetic "Test Norge"
 * numbers (month + 80), and the check-digit scheme Skatteetaten plans for numbers
 * issued from 2032.
 */
import { isValidDate } from './calendar.js';
import { mod11CheckDigit } from './checksums.js';
import { cleanInput, LEFT_NUM, RIGHT_NUM } from './lexical.js';
import type { IdentifierType } from './types.js';

/** Weights of the first check digit (K1), over digits 1-9. */
export const NO_K1_WEIGHTS = [3, 7, 6, 1, 8, 9, 4, 5, 2] as const;
/** Weights of the second check digit (K2), over digits 1-9 and K1. */
export const NO_K2_WEIGHTS = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2] as const;

/** Birth year from the two-digit year and individual number, or null for unassigned combinations. */
export function noBirthYear(yy: number, individual: number): number | null {
  if (individual <= 499) return 1900 + yy;
  if (individual <= 749 && yy >= 54) return 1800 + yy;
  if (individual >= 900 && yy >= 40) return 1900 + yy;
  if (yy <= 39) return 2000 + yy;
  return null;
}

/** The two check digits for the first nine digits, or null when K1 or K2 would be 10. */
export function noCheckDigits(nine: string): string | null {
  const k1 = mod11CheckDigit(nine, NO_K1_WEIGHTS);
  if (k1 < 0) return null;
  const k2 = mod11CheckDigit(nine + String(k1), NO_K2_WEIGHTS);
  if (k2 < 0) return null;
  return `${k1}${k2}`;
}

function normalize(raw: string): string | null {
  const m = /^(\d{6})[- ]?(\d{5})$/.exec(cleanInput(raw) ?? '');
  if (m === null) return null;
  const s = m[1]! + m[2]!;
  let day = Number(s.slice(0, 2));
  let month = Number(s.slice(2, 4));
  if (day > 40) day -= 40; // D-number
  if (month > 40) month -= 40; // H-number
  const year = noBirthYear(Number(s.slice(4, 6)), Number(s.slice(6, 9)));
  if (year === null || !isValidDate(year, month, day)) return null;
  return noCheckDigits(s.slice(0, 9)) === s.slice(9) ? s : null;
}

/** Norwegian fødselsnummer, D-number and H-number. */
export const noFodselsnummer: IdentifierType = {
  name: 'no_fodselsnummer',
  pattern: new RegExp(`${LEFT_NUM}\\d{6}[ ]?\\d{5}${RIGHT_NUM}`, 'gu'),
  normalize,
};
