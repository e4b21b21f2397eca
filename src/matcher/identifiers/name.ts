/**
 * Person name, a corroborating field. Canonical form: NFKC, lower case,
 * diacritics kept (Finnish ä/ö distinguish names), apostrophes dropped
 * (O'Brien = OBrien), every other non-letter a token separator, tokens
 * de-duplicated, sorted and joined by one space, so "VIRTANEN, Matti" equals
 * "Matti Virtanen". Not searched by pattern: the matcher looks for the tokens
 * near a primary hit.
 */
import { cleanInput } from './lexical.js';
import type { IdentifierType } from './types.js';

const APOSTROPHES = /['\u2019\u02bc`]/g;
const SEPARATORS = /[^\p{L}\p{M}]+/u;

/** Normalized name tokens in order of first appearance, de-duplicated. */
export function nameTokens(raw: string): string[] {
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
