/**
 * Organization-defined identifiers (e.g. a medical record number `VA-\d{6}`).
 * The pattern is vetted and bounded by pattern-safety.ts, then wrapped in
 * word guards (ASCII letters, digits, underscore) so that `VA-\d{6}` does not
 * take the first six digits of "VA-1234567". Every rejection, including invalid
 * syntax, is LW_PATTERN_UNSAFE: to the configuration the cause is the same, an
 * unusable pattern. Canonical form: NFKC, upper case, whitespace removed, at
 * most MAX_CANDIDATE_LENGTH characters; the value is not re-checked against the
 * pattern, so enrolment and scan agree however the pattern is written.
 */
import { LeakwatchError } from '../../errors.js';
import { cleanInput } from './lexical.js';
import { boundedPatternSource, MAX_CANDIDATE_LENGTH } from './pattern-safety.js';
import type { IdentifierType } from './types.js';

function normalize(raw: string): string | null {
  const s = cleanInput(raw, MAX_CANDIDATE_LENGTH * 2)?.toUpperCase().replace(/\s+/g, '');
  if (s === undefined || s.length === 0 || s.length > MAX_CANDIDATE_LENGTH) return null;
  return s;
}

function compile(source: string, flags: string): RegExp {
  try {
    return new RegExp(source, flags);
  } catch (err) {
    // V8 puts the pattern itself in the message; keep only the reason after it.
    const reason = err instanceof SyntaxError ? err.message.slice(err.message.lastIndexOf(': ') + 2) : 'unknown';
    throw new LeakwatchError('LW_PATTERN_UNSAFE', `custom pattern rejected: invalid syntax (${reason})`);
  }
}

/** Vets an organization's regex and returns it as an identifier type; throws LW_PATTERN_UNSAFE. */
export function compileCustomPattern(source: string): IdentifierType {
  const bounded = boundedPatternSource(source);
  if (compile(`^(?:${bounded})$`, '').test('')) {
    throw new LeakwatchError('LW_PATTERN_UNSAFE', 'custom pattern rejected: matches the empty string');
  }
  return {
    name: 'custom',
    pattern: compile(`(?<![A-Za-z0-9_])(?:${bounded})(?![A-Za-z0-9_])`, 'g'),
    normalize,
  };
}
