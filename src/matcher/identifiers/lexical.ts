/**
 * Lexical rules shared by every identifier type: how raw input is cleaned before
 * validation, and the regex guards that keep patterns from matching fragments of
 * longer tokens.
 */

/** Longest raw value any built-in type looks at; longer input is rejected before any work. */
export const MAX_RAW_LENGTH = 256;

// Dash look-alikes (hyphen, non-breaking hyphen, figure dash, en/em dash, minus
// sign) appear when documents pass through word processors; they mean '-'.
const DASHES = /[\u2010-\u2015\u2212]/g;

/** NFKC, dash look-alikes to '-', trimmed; null when the input is too long to be an identifier. */
export function cleanInput(raw: string, maxLength = MAX_RAW_LENGTH): string | null {
  if (typeof raw !== 'string' || raw.length > maxLength) return null;
  return raw.normalize('NFKC').replace(DASHES, '-').trim();
}

/** Dash characters (ASCII and look-alikes) for use inside a regex character class. */
export const DASH_CLASS = '\\-\\u2010-\\u2015\\u2212';

/** Not preceded by a letter, digit or underscore (needs the `u` flag). */
export const LEFT_WORD = '(?<![\\p{L}\\p{N}_])';

/** Not followed by a letter, digit or underscore (needs the `u` flag). */
export const RIGHT_WORD = '(?![\\p{L}\\p{N}_])';

/**
 * Left guard for numeric identifiers: also refuses to start right after
 * "digit + dash/dot/slash", so the tail of a longer separated number is not taken.
 */
export const LEFT_NUM = `(?<![\\p{L}\\p{N}_]|\\p{N}[${DASH_CLASS}./])`;

/** Right guard for numeric identifiers, mirror of LEFT_NUM. */
export const RIGHT_NUM = `(?![\\p{L}\\p{N}_]|[${DASH_CLASS}./]\\p{N})`;
