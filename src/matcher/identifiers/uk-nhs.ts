/**
 * UK NHS number: 10 digits, usually written 3-3-4 with spaces or dashes; the last
 * digit is a weighted mod-11 check (weights 10..2; a result of 10 is never issued).
 * Canonical form: the 10 digits.
 */
import { mod11CheckDigit } from './checksums.js';
import { cleanInput, LEFT_NUM, RIGHT_NUM } from './lexical.js';
import type { IdentifierType } from './types.js';

/** Weights of the NHS number check digit. */
export const NHS_WEIGHTS = [10, 9, 8, 7, 6, 5, 4, 3, 2] as const;

function normalize(raw: string): string | null {
  const s = cleanInput(raw);
  if (s === null) return null;
  const m = /^(\d{3})([- ]?)(\d{3})\2(\d{4})$/.exec(s);
  if (m === null) return null;
  const digits = m[1]! + m[3]! + m[4]!;
  return mod11CheckDigit(digits.slice(0, 9), NHS_WEIGHTS) === Number(digits[9]) ? digits : null;
}

/** UK NHS number. */
export const ukNhs: IdentifierType = {
  name: 'uk_nhs',
  pattern: new RegExp(`${LEFT_NUM}\\d{3}([- ]?)\\d{3}\\1\\d{4}${RIGHT_NUM}`, 'gu'),
  normalize,
};
