/**
 * Calendar date, a corroborating field (birth dates). Canonical form: YYYY-MM-DD.
 *
 * Accepted forms: ISO 8601 (1985-02-01, optional time part), numeric day-first
 * (1.2.1985, 01.02.1985, 1/2/1985, 1-2-1985, "1. 2. 1985"), day + month name
 * ("1 Feb 1985", "1st February 1985", "1. helmikuuta 1985", "1 februari 1985")
 * and month name + day ("February 1, 1985"). Month names: English, Finnish
 * (nominative and the partitive used in dates), Swedish, Norwegian, Danish.
 * Numeric non-ISO forms are day-first unless `options.region` is 'US'
 * (month-first); ISO is always year-month-day. Two-digit years are rejected as
 * ambiguous, as are years outside 1800-2199 and impossible days.
 */
import { isoDate, isValidDate } from './calendar.js';
import { cleanInput, LEFT_NUM, RIGHT_NUM } from './lexical.js';
import type { IdentifierType, NormalizeOptions } from './types.js';

const MONTHS: ReadonlyArray<readonly [number, readonly string[]]> = [
  [1, ['january', 'jan', 'tammikuuta', 'tammikuu', 'januari', 'januar']],
  [2, ['february', 'feb', 'helmikuuta', 'helmikuu', 'februari', 'februar']],
  [3, ['march', 'mar', 'maaliskuuta', 'maaliskuu', 'mars', 'marts']],
  [4, ['april', 'apr', 'huhtikuuta', 'huhtikuu']],
  [5, ['may', 'toukokuuta', 'toukokuu', 'maj', 'mai']],
  [6, ['june', 'jun', 'kesäkuuta', 'kesäkuu', 'juni']],
  [7, ['july', 'jul', 'heinäkuuta', 'heinäkuu', 'juli']],
  [8, ['august', 'aug', 'elokuuta', 'elokuu', 'augusti']],
  [9, ['september', 'sept', 'sep', 'syyskuuta', 'syyskuu']],
  [10, ['october', 'oct', 'lokakuuta', 'lokakuu', 'oktober', 'okt']],
  [11, ['november', 'nov', 'marraskuuta', 'marraskuu']],
  [12, ['december', 'dec', 'joulukuuta', 'joulukuu', 'desember']],
];

const MONTH_NUMBER = new Map<string, number>();
for (const [n, names] of MONTHS) for (const m of names) MONTH_NUMBER.set(m, n);

// Longest first, so "februari" is tried before "feb".
const MONTH_ALT = [...MONTH_NUMBER.keys()].sort((a, b) => b.length - a.length).join('|');
const SP = '[ \\u00a0]{1,3}';
const OSP = '[ \\u00a0]{0,3}';
const ORD = '(?:st|nd|rd|th)?';

const ISO = '(\\d{4})([-/.])(\\d{1,2})\\2(\\d{1,2})';
const NUMERIC = `(\\d{1,2})([./-])${OSP}(\\d{1,2})\\2${OSP}(\\d{4})`;
const DAY_MONTH = `(\\d{1,2})(?:\\.|${ORD})${OSP}(?:of${SP})?(${MONTH_ALT})\\.?,?${SP}(\\d{4})`;
const MONTH_DAY = `(${MONTH_ALT})\\.?${SP}(\\d{1,2})${ORD},?${SP}(\\d{4})`;

const ISO_FULL = new RegExp(
  `^${ISO}(?:[t ]\\d{2}:\\d{2}(?::\\d{2}(?:\\.\\d+)?)?(?:z|[+-]\\d{2}:?\\d{2})?)?$`,
  'u',
);
const NUMERIC_FULL = new RegExp(`^${NUMERIC}$`, 'u');
const DAY_MONTH_FULL = new RegExp(`^${DAY_MONTH}$`, 'u');
const MONTH_DAY_FULL = new RegExp(`^${MONTH_DAY}$`, 'u');

/** Whether a date is one normalize accepts: a real day in the years 1800-2199. */
function accepted(year: number, month: number, day: number): boolean {
  return year >= 1800 && year <= 2199 && isValidDate(year, month, day);
}

function build(year: number, month: number, day: number): string | null {
  return accepted(year, month, day) ? isoDate(year, month, day) : null;
}

function normalize(raw: string, options: NormalizeOptions = {}): string | null {
  const s = cleanInput(raw, 64)?.toLowerCase().replace(/\s+/g, ' ');
  if (s === undefined) return null;
  let m = ISO_FULL.exec(s);
  if (m !== null) return build(Number(m[1]), Number(m[3]), Number(m[4]));
  m = NUMERIC_FULL.exec(s);
  if (m !== null) {
    const [a, b] = [Number(m[1]), Number(m[3])];
    const monthFirst = options.region?.toUpperCase() === 'US';
    return build(Number(m[4]), monthFirst ? a : b, monthFirst ? b : a);
  }
  m = DAY_MONTH_FULL.exec(s);
  if (m !== null) return build(Number(m[3]), MONTH_NUMBER.get(m[2]!)!, Number(m[1]));
  m = MONTH_DAY_FULL.exec(s);
  if (m !== null) return build(Number(m[3]), MONTH_NUMBER.get(m[1]!)!, Number(m[2]));
  return null;
}

// The search pattern accepts mixed separators; normalize insists they agree.
// ISO dates may run straight into a time part ("1985-02-01T00:00:00Z").
const ISO_SEARCH = `\\d{4}[-/.]\\d{1,2}[-/.]\\d{1,2}(?:(?=[Tt]\\d{2}:)|${RIGHT_NUM})`;
const OTHER_SEARCH = [
  `\\d{1,2}[./-]${OSP}\\d{1,2}[./-]${OSP}\\d{4}`,
  `\\d{1,2}(?:\\.|${ORD})${OSP}(?:of${SP})?(?:${MONTH_ALT})\\.?,?${SP}\\d{4}`,
  `(?:${MONTH_ALT})\\.?${SP}\\d{1,2}${ORD},?${SP}\\d{4}`,
].join('|');

/** The ASCII digits text[from, to) as a number. */
function digitsAt(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) n = 10 * n + text.charCodeAt(i) - 0x30;
  return n;
}

/**
 * `scanNumber` (see IdentifierType) for the all-numeric spellings without
 * spaces: ISO "1985-02-01" and day-first (month-first for region US)
 * "1.2.1985", with one separator ('-', '/' or '.') used twice, which is how
 * normalize reads them (ISO_FULL, NUMERIC_FULL). The number is YYYYMMDD.
 * Dates in dumps repeat; this lets the per-document cache of their
 * fingerprints be keyed by a small integer instead of a string cut from the
 * text (about 1 µs a date in the benchmark's CSV dumps; docs/performance.md).
 */
function scanNumber(text: string, start: number, end: number, options: NormalizeOptions = {}): number {
  if (end - start < 8 || end - start > 10) return -1;
  let s1 = -1;
  let s2 = -1;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x30 && c <= 0x39) continue;
    if (c !== 0x2d && c !== 0x2f && c !== 0x2e) return -1;
    if (s1 < 0) s1 = i;
    else if (s2 < 0) s2 = i;
    else return -1;
  }
  if (s2 < 0 || text.charCodeAt(s1) !== text.charCodeAt(s2)) return -1;
  // Everything else is a digit; each group is checked for its length below, the middle one here.
  if (s2 - s1 - 1 < 1 || s2 - s1 - 1 > 2) return -1;
  const a = digitsAt(text, start, s1);
  const b = digitsAt(text, s1 + 1, s2);
  const c = digitsAt(text, s2 + 1, end);
  let year: number;
  let month: number;
  let day: number;
  const first = s1 - start;
  const third = end - s2 - 1;
  if (first === 4 && third >= 1 && third <= 2) {
    [year, month, day] = [a, b, c];
  } else if (first >= 1 && first <= 2 && third === 4) {
    const monthFirst = options.region !== undefined && options.region.toUpperCase() === 'US';
    [year, month, day] = monthFirst ? [c, a, b] : [c, b, a];
  } else {
    return -1;
  }
  return accepted(year, month, day) ? year * 10000 + month * 100 + day : 0;
}

/**
 * `mayHold` (see IdentifierType): whether text[from, to) has a run of exactly
 * four ASCII digits from 1800 to 2199. Every form the pattern finds has its
 * year as such a run (ISO: after the left guard, which refuses a digit, and
 * before a separator; the others: after a separator or space and before the
 * right guard, which refuses a digit), and normalize accepts no other years.
 * In a leaked table's row, cells other than a date seldom have one (only
 * where a phone number's last group or an address's number falls in that
 * range), so a window part without the date cell skips the date pattern,
 * which costs about 0.7 µs over a whole row.
 */
function mayHold(text: string, from: number, to: number): boolean {
  let run = 0;
  let year = 0;
  for (let i = from; i <= to; i++) {
    const c = i < to ? text.charCodeAt(i) : -1;
    if (c >= 0x30 && c <= 0x39) {
      run++;
      year = 10 * year + c - 0x30;
      continue;
    }
    if (run === 4 && year >= FIRST_YEAR && year < FIRST_YEAR + YEARS) return true;
    run = 0;
    year = 0;
  }
  return false;
}

function canonicalOfNumber(n: number): string {
  return isoDate(Math.floor(n / 10000), Math.floor(n / 100) % 100, n % 100);
}

/** Years `accepted` allows, from the first: 1800-2199. */
const FIRST_YEAR = 1800;
const YEARS = 400;

/** A slot for every (year, month, day 1-31): the index of the number YYYYMMDD. */
function numberIndex(n: number): number {
  const year = Math.floor(n / 10000);
  const month = Math.floor(n / 100) % 100;
  return ((year - FIRST_YEAR) * 12 + month - 1) * 31 + (n % 100) - 1;
}

/** The number of a slot, 0 for a day that does not exist (31 April). */
function numberAt(index: number): number {
  const day = (index % 31) + 1;
  const month = (Math.floor(index / 31) % 12) + 1;
  const year = FIRST_YEAR + Math.floor(index / 372);
  return accepted(year, month, day) ? year * 10000 + month * 100 + day : 0;
}

/** Calendar date. */
export const date: IdentifierType = {
  name: 'date',
  pattern: new RegExp(`${LEFT_NUM}(?:${ISO_SEARCH}|(?:${OTHER_SEARCH})${RIGHT_NUM})`, 'giu'),
  normalize,
  scanNumber,
  canonicalOfNumber,
  mayHold,
  numberSlots: YEARS * 372,
  numberIndex,
  numberAt,
};
