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

/** Characters with a meaning of their own in a pattern (without the `u` flag); any other printable ASCII stands for itself. */
const SPECIAL = new Set('\\^$.|?*+()[]{}');
/** Escapes that stand for the character after the backslash. */
const IDENTITY_ESCAPE = new Set('\\^$.|?*+()[]{}/-');
/** Shorter literals than this are found about as fast by the regex itself. */
const MIN_PREFIX = 2;

/**
 * The literal every match of `bounded` (a vetted pattern source, no flags)
 * starts with, or null when it has none of MIN_PREFIX characters. Read
 * conservatively: printable ASCII characters and identity escapes from the
 * start, up to the first other token; a quantifier after them takes the last
 * one back (it may repeat it, or make it optional), and a `|` anywhere (an
 * alternative may start otherwise) means none.
 */
export function requiredPrefix(bounded: string): string | null {
  if (bounded.includes('|')) return null;
  let literal = '';
  let i = 0;
  while (i < bounded.length) {
    const c = bounded[i]!;
    const code = c.charCodeAt(0);
    if (c === '\\' && i + 1 < bounded.length && IDENTITY_ESCAPE.has(bounded[i + 1]!)) {
      literal += bounded[i + 1];
      i += 2;
    } else if (code >= 0x20 && code < 0x7f && !SPECIAL.has(c)) {
      literal += c;
      i++;
    } else break;
  }
  if (i < bounded.length && '?*+{'.includes(bounded[i]!)) literal = literal.slice(0, -1);
  return literal.length >= MIN_PREFIX ? literal : null;
}

/**
 * `find` for a pattern whose every match starts with `literal`: only where the
 * literal occurs can a match start, so the pattern is tried there alone
 * (sticky), in order, from the end of the last match, which is where the
 * global regex would look next. A match holds the literal, so it is never empty.
 */
function literalFind(literal: string, pattern: RegExp): NonNullable<IdentifierType['find']> {
  const sticky = new RegExp(pattern.source, 'y');
  return (text, lo, hi, onMatch) => {
    const part = lo === 0 && hi === text.length ? text : text.slice(lo, hi);
    let from = 0;
    for (let at = part.indexOf(literal); at !== -1; at = part.indexOf(literal, from)) {
      sticky.lastIndex = at;
      const m = sticky.exec(part);
      if (m === null) {
        from = at + 1;
        continue;
      }
      from = at + m[0].length;
      onMatch(lo + at, lo + from);
    }
  };
}

/** Vets an organization's regex and returns it as an identifier type; throws LW_PATTERN_UNSAFE. */
export function compileCustomPattern(source: string): IdentifierType {
  const bounded = boundedPatternSource(source);
  if (compile(`^(?:${bounded})$`, '').test('')) {
    throw new LeakwatchError('LW_PATTERN_UNSAFE', 'custom pattern rejected: matches the empty string');
  }
  const pattern = compile(`(?<![A-Za-z0-9_])(?:${bounded})(?![A-Za-z0-9_])`, 'g');
  const prefix = requiredPrefix(bounded);
  // A pattern with a literal start is tried only where the literal occurs: the regex took about
  // 20 ms per 50 MB of every scanned file, also where no candidate was found (docs/performance.md).
  return prefix === null ? { name: 'custom', pattern, normalize } : { name: 'custom', pattern, normalize, find: literalFind(prefix, pattern) };
}
