/**
 * Payment card number (PAN): 13-19 digits, Luhn-valid, written bare or grouped
 * with spaces or dashes. A leading 0 is rejected (ISO/IEC 7812 assigns major
 * industry identifier 0 to non-card use), which also rules out runs of zeros.
 * Canonical form: digits only.
 */
import { luhnValid } from './checksums.js';
import { cleanInput, LEFT_NUM, RIGHT_NUM } from './lexical.js';
import type { IdentifierType } from './types.js';

function normalize(raw: string): string | null {
  const s = cleanInput(raw);
  if (s === null || !/^\d(?:[ -]?\d){12,18}$/.test(s)) return null;
  const digits = s.replace(/[ -]/g, '');
  return digits[0] !== '0' && luhnValid(digits) ? digits : null;
}

/** Payment card number. */
export const card: IdentifierType = {
  name: 'card',
  pattern: new RegExp(`${LEFT_NUM}[1-9](?:[ -]?\\d){12,18}${RIGHT_NUM}`, 'gu'),
  normalize,
};
