/**
 * Watch terms in normalized text, as whole words. The matcher searched each
 * piece of normalized text (about 32 K units) as a string: made from the
 * piece's code units and searched with `indexOf`, which on this machine
 * scanned it unit by unit. Over the 50 MB text file the two took 36 ms of a
 * 500 ms scan (CPU profile). `containsWordInUnits` searches the code units
 * themselves and skips ahead by the two units under the term's last two
 * places (Horspool's rule on pairs, as Wu and Manber use it): a pair that is not
 * in the term moves it by its length less one.
 */

const SPACE = 0x20;

/**
 * `needle` in `hay` as whole words, starting before `startsBefore`; `leftOpen`
 * and `rightOpen` say whether hay's start and end are word boundaries.
 */
export function containsWord(hay: string, needle: string, leftOpen: boolean, startsBefore: number, rightOpen: boolean): boolean {
  let i = hay.indexOf(needle);
  while (i !== -1 && i < startsBefore) {
    const before = i === 0 ? leftOpen : hay.charCodeAt(i - 1) === SPACE;
    const after = i + needle.length === hay.length ? rightOpen : hay.charCodeAt(i + needle.length) === SPACE;
    if (before && after) return true;
    i = hay.indexOf(needle, i + 1);
  }
  return false;
}

/** A term's code units and its skip table. */
export interface TermSearch {
  readonly units: Uint16Array;
  /**
   * How far the term may move, by the two units under its last two places
   * (their low bytes, 256 * first + second): the least move after which the
   * term's units there could agree with them; 0 when they are the term's own
   * last two, and the place is checked. Pairs that share low bytes share the
   * least, so no move passes an occurrence. Null for a one-unit term.
   */
  readonly skip: Uint8Array | null;
}

/** Moves are kept in a byte: a longer term moves at most this far at a time (still correct, only slower). */
const MAX_MOVE = 255;

/** The search for a non-empty term. */
export function termSearch(term: string): TermSearch {
  const m = term.length;
  const units = new Uint16Array(m);
  for (let j = 0; j < m; j++) units[j] = term.charCodeAt(j);
  if (m < 2) return { units, skip: null };
  const skip = new Uint8Array(65536).fill(Math.min(m, MAX_MOVE));
  const lower = (at: number, move: number): void => {
    if (move < skip[at]!) skip[at] = move;
  };
  // Moved by m - 1, the term's first unit lies under the pair's second.
  for (let x = 0; x < 256; x++) lower((x << 8) | (units[0]! & 255), m - 1);
  // Moved by m - 1 - j, its units j - 1 and j lie under the pair.
  for (let j = 1; j < m; j++) lower(((units[j - 1]! & 255) << 8) | (units[j]! & 255), m - 1 - j);
  return { units, skip };
}

/** Searches made, by term: a matcher is made per scanned file, and a table is 64 KiB. */
const searches = new Map<string, TermSearch>();
/** Terms whose searches are kept (watch terms are a configured handful; past this the cache starts over). */
const SEARCHES_KEPT = 64;

/** The search for a non-empty term, made once and kept. */
export function searchFor(term: string): TermSearch {
  let search = searches.get(term);
  if (search === undefined) {
    if (searches.size >= SEARCHES_KEPT) searches.clear();
    search = termSearch(term);
    searches.set(term, search);
  }
  return search;
}

/** `containsWord` over code units: the term in units[0, length) as whole words, starting before `startsBefore`. */
export function containsWordInUnits(units: Uint16Array, length: number, term: TermSearch, leftOpen: boolean, startsBefore: number, rightOpen: boolean): boolean {
  const p = term.units;
  const m = p.length;
  const skip = term.skip;
  for (let i = 0; i + m <= length && i < startsBefore; ) {
    const move = skip === null ? 0 : skip[((units[i + m - 2]! & 255) << 8) | (units[i + m - 1]! & 255)]!;
    if (move > 0) {
      i += move;
      continue;
    }
    let j = m - 1;
    while (j >= 0 && units[i + j] === p[j]) j--;
    if (j < 0) {
      const before = i === 0 ? leftOpen : units[i - 1] === SPACE;
      const after = i + m === length ? rightOpen : units[i + m] === SPACE;
      if (before && after) return true;
    }
    i++;
  }
  return false;
}
