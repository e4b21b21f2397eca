/**
 * Swedish personnummer: YYMMDD-NNNC, YYMMDD+NNNC (100 years or older) or the
 * 12-digit YYYYMMDDNNNC that Skatteverket stores. C is Luhn over the ten digits
 * YYMMDDNNNC. Coordination numbers (samordningsnummer, day + 60) are accepted.
 *
 * Canonical form: 12 digits YYYYMMDDNNNC, day kept as written (a coordination
 * number stays a coordination number). The 10-digit form omits the century; it is
 * resolved as Skatteverket writes it, relative to the date of the injected clock:
 * with '-' (or no separator) the most recent birth date not after today, with '+'
 * one hundred years earlier. Only people born in the two-digit year of "today"
 * are sensitive to the clock, and for them the written form is itself ambiguous.
 */
import { isValidDate } from './calendar.js';
import { luhnValid } from './checksums.js';
import { cleanInput, LEFT_NUM, RIGHT_NUM } from './lexical.js';
import type { IdentifierType } from './types.js';

const SHORT = /^(\d{2})(\d{2})(\d{2})([-+ ]?)(\d{4})$/;
// With the century written out, a '+' adds nothing and is ignored.
const LONG = /^(18|19|20)(\d{2})(\d{2})(\d{2})[-+ ]?(\d{4})$/;

/** Options for a personnummer type; `now` is injectable so century resolution is testable. */
export interface SePersonnummerOptions {
  now?: () => Date;
}

function birthDay(dd: number): number {
  return dd > 60 ? dd - 60 : dd;
}

/** Builds the personnummer type with a given clock. */
export function createSePersonnummer(options: SePersonnummerOptions = {}): IdentifierType {
  const now = options.now ?? (() => new Date());

  function normalize(raw: string): string | null {
    const s = cleanInput(raw);
    if (s === null) return null;
    const long = LONG.exec(s);
    if (long !== null) {
      const [, cc, yy, mm, dd, tail] = long as unknown as [string, string, string, string, string, string];
      const year = Number(cc + yy);
      if (!isValidDate(year, Number(mm), birthDay(Number(dd)))) return null;
      const ten = yy + mm + dd + tail;
      return luhnValid(ten) ? cc + ten : null;
    }
    const short = SHORT.exec(s);
    if (short === null) return null;
    const [, yy, mm, dd, sep, tail] = short as unknown as [string, string, string, string, string, string];
    const ten = yy + mm + dd + tail;
    if (!luhnValid(ten)) return null;
    const year = resolveYear(Number(yy), Number(mm), birthDay(Number(dd)), sep === '+', now());
    if (year === null) return null;
    return String(Math.floor(year / 100)) + ten;
  }

  return {
    name: 'se_personnummer',
    pattern: new RegExp(`${LEFT_NUM}(?:\\d{2})?\\d{6}[-+ ]?\\d{4}${RIGHT_NUM}`, 'gu'),
    normalize,
  };
}

/** Century resolution for the 10-digit form; null when no valid date results. */
function resolveYear(yy: number, month: number, day: number, centenarian: boolean, today: Date): number | null {
  const ty = today.getUTCFullYear();
  let year = ty - (((ty % 100) - yy + 100) % 100);
  const todayKey = (ty * 100 + today.getUTCMonth() + 1) * 100 + today.getUTCDate();
  if ((year * 100 + month) * 100 + day > todayKey) year -= 100;
  if (centenarian) year -= 100;
  return isValidDate(year, month, day) ? year : null;
}

/** Swedish personnummer resolved against the system clock. */
export const sePersonnummer: IdentifierType = createSePersonnummer();
