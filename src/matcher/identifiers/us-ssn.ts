/**
 * US Social Security number AAA-GG-SSSS. Rejects area 000, 666 and 900-999,
 * group 00 and serial 0000 (never issued). Canonical form: the 9 digits.
 *
 * The pattern needs either the written separators (same separator twice) or an
 * "SSN"/"social security" label just before nine bare digits: a bare 9-digit run
 * is far more often an order or phone number than an SSN. `normalize` accepts
 * nine bare digits, since enrolment columns are often stored that way.
 */
import { cleanInput, LEFT_NUM, RIGHT_NUM } from './lexical.js';
import type { IdentifierType } from './types.js';

function normalize(raw: string): string | null {
  const s = cleanInput(raw);
  if (s === null) return null;
  const m = /^(\d{3})([- ]?)(\d{2})\2(\d{4})$/.exec(s);
  if (m === null) return null;
  const [, area, , group, serial] = m as unknown as [string, string, string, string, string];
  const a = Number(area);
  if (a === 0 || a === 666 || a >= 900 || group === '00' || serial === '0000') return null;
  return area + group + serial;
}

const LABEL = '(?<=(?:\\bSSN|\\bSS#|\\bsocial security(?: number| no\\.?)?)[\\s:#.]{0,4})';

/** US Social Security number. */
export const usSsn: IdentifierType = {
  name: 'us_ssn',
  pattern: new RegExp(
    `${LEFT_NUM}(?:\\d{3}([- ])\\d{2}\\1\\d{4}|${LABEL}\\d{9})${RIGHT_NUM}`,
    'giu',
  ),
  normalize,
};
