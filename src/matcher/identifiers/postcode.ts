/**
 * Postal code, a corroborating field. Canonical form: upper case with spaces and
 * dashes removed (so "SW1A 1AA" = "sw1a1aa", US ZIP+4 "12345-6789" = "123456789").
 * A leading "FI-"/"SE-"-style prefix equal to the region is dropped. Validation
 * is light and per region: FI and SE five digits, NO and DK four, GB the postcode
 * shape, US five or nine digits; other or no region: 2-10 letters/digits.
 */
import { cleanInput } from './lexical.js';
import type { IdentifierType, NormalizeOptions } from './types.js';

const SHAPES: Readonly<Record<string, RegExp>> = {
  FI: /^\d{5}$/,
  SE: /^\d{5}$/,
  NO: /^\d{4}$/,
  DK: /^\d{4}$/,
  GB: /^[A-Z]{1,2}\d[A-Z\d]?\d[A-Z]{2}$/,
  US: /^\d{5}(?:\d{4})?$/,
};
const GENERIC = /^[A-Z\d]{2,10}$/;

function normalize(raw: string, options: NormalizeOptions = {}): string | null {
  const region = options.region?.toUpperCase();
  let s = cleanInput(raw, 32)?.toUpperCase();
  if (s === undefined) return null;
  if (region !== undefined && s.startsWith(`${region}-`)) s = s.slice(region.length + 1);
  s = s.replace(/[\s-]/g, '');
  const shape = (region !== undefined ? SHAPES[region] : undefined) ?? GENERIC;
  return shape.test(s) ? s : null;
}

/** Postal code. */
export const postcode: IdentifierType = {
  name: 'postcode',
  pattern: null,
  normalize,
};
