/**
 * Person name, a corroborating field. Canonical form: NFKC, lower case,
 * diacritics kept (Finnish ä/ö distinguish names), apostrophes dropped
 * (O'Brien = OBrien), every other non-letter a token separator, tokens
 * de-duplicated, sorted and joined by one space, so "VIRTANEN, Matti" equals
 * "Matti Virtanen". Not searched by pattern: the matcher looks for the tokens
 * near a primary hit.
 */
import { cleanInput, MAX_RAW_LENGTH } from './lexical.js';
import type { IdentifierType } from './types.js';

const APOSTROPHES = /['\u2019\u02bc`]/g;
const SEPARATORS = /[^\p{L}\p{M}]+/u;

/** Normalized name tokens in order of first appearance, de-duplicated. */
export function nameTokens(raw: string): string[] {
  return asciiNameTokens(raw) ?? unicodeNameTokens(raw);
}

/**
 * nameTokens for ASCII input without NFKC and regexes (corroboration tokenizes
 * every word near every hit): NFKC leaves ASCII alone, the letters are A-Z and
 * a-z, ' and ` are dropped, everything else separates. Null for other input.
 */
export function asciiNameTokens(raw: string): string[] | null {
  if (raw.length > MAX_RAW_LENGTH) return null;
  const out: string[] = [];
  let token = '';
  for (let i = 0; i <= raw.length; i++) {
    const c = i < raw.length ? raw.charCodeAt(i) : 0x20;
    if (c >= 0x80) return null;
    if (c === 0x27 || c === 0x60) continue;
    const lower = c | 0x20;
    if (lower >= 0x61 && lower <= 0x7a) {
      token += String.fromCharCode(lower);
    } else if (token.length > 0) {
      if (!out.includes(token)) out.push(token);
      token = '';
    }
  }
  return out;
}

/** nameTokens for any input: NFKC, then the regex split (the reference the ASCII path is tested against). */
export function unicodeNameTokens(raw: string): string[] {
  const s = cleanInput(raw);
  if (s === null) return [];
  const tokens = s.toLowerCase().replace(APOSTROPHES, '').split(SEPARATORS);
  return [...new Set(tokens.filter((t) => t.length > 0))];
}

function normalize(raw: string): string | null {
  const tokens = nameTokens(raw);
  if (tokens.length === 0) return null;
  return tokens.sort().join(' ');
}

/** Person name. */
export const personName: IdentifierType = {
  name: 'name',
  pattern: null,
  normalize,
};
