/**
 * Danish CPR number, DDMMYY-SSSS. The date is validated with the century taken
 * from the 7th digit (CPR office table). The mod-11 check is deliberately NOT
 * required: CPR has issued numbers that fail it since 1 October 2007 and asks
 * users not to check it. Canonical form: the 10 digits.
 */
import { isValidDate } from './calendar.js';
import { cleanInput, LEFT_NUM, RIGHT_NUM } from './lexical.js';
import type { IdentifierType } from './types.js';

/** Birth year from the two-digit year and the 7th digit, or null where the table assigns none. */
export function dkBirthYear(yy: number, seventh: number): number | null {
  if (seventh <= 3) return 1900 + yy;
  if (seventh === 4 || seventh === 9) return yy <= 36 ? 2000 + yy : 1900 + yy;
  if (yy <= 57) return 2000 + yy;
  return 1800 + yy;
}

function normalize(raw: string): string | null {
  const m = /^(\d{6})[- ]?(\d{4})$/.exec(cleanInput(raw) ?? '');
  if (m === null) return null;
  const s = m[1]! + m[2]!;
  const yy = Number(s.slice(4, 6));
  const seventh = Number(s[6]);
  // 7th digit 5-8 with year 37-57 lies between the 1858-1899 and 2000-2057 ranges.
  if (seventh >= 5 && seventh <= 8 && yy >= 37 && yy <= 57) return null;
  const year = dkBirthYear(yy, seventh);
  if (year === null || !isValidDate(year, Number(s.slice(2, 4)), Number(s.slice(0, 2)))) return null;
  return s;
}

/** Danish CPR number. */
export const dkCpr: IdentifierType = {
  name: 'dk_cpr',
  pattern: new RegExp(`${LEFT_NUM}\\d{6}[- ]?\\d{4}${RIGHT_NUM}`, 'gu'),
  normalize,
};
