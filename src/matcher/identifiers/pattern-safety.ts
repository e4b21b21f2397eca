/**
 * Static vetting of organization-supplied regular expressions. A pattern runs over
 * every leaked document, and hostile documents are exactly the inputs that trigger
 * catastrophic backtracking, so anything the vetter cannot prove harmless is
 * refused. The check is conservative, not a full regex parser:
 *
 * - longer than MAX_PATTERN_LENGTH characters: refused;
 * - backreferences (\1, \k<name>) and lookarounds: refused;
 * - a group repeated more than once (*, +, {n,m} with m > 1) that contains a
 *   variable quantifier (?, *, +, {n,m}) or an alternation: refused — this is the
 *   shape of every classic exponential case ((a+)+, (\w*)*, (a|aa)+);
 *   fixed counts inside a repeated group ((\d{3}-){2}) are fine;
 * - unbounded quantifiers (*, +, {n,}) are rewritten to an upper bound of
 *   MAX_CANDIDATE_LENGTH, and larger explicit bounds are refused, so no single
 *   repetition can run past the candidate length cap;
 * - anything syntactically doubtful (stray braces/brackets, unknown group
 *   syntax, quantified anchors) is refused rather than guessed at.
 *
 * - the product of the ranges (max - min + 1, after bounding) of all variable
 *   quantifiers may not exceed MAX_REPETITION_PRODUCT. Adjacent overlapping
 *   repetitions (.*.*x, \d*\d*\d*) backtrack polynomially; this product bounds
 *   the ways one start position can be split up, so it bounds the work per
 *   position. One open-ended repetition (MRN\d+) fits; two do not.
 */
import { LeakwatchError } from '../../errors.js';

/** Longest accepted pattern source. */
export const MAX_PATTERN_LENGTH = 200;

/** Longest candidate a custom pattern may produce. */
export const MAX_CANDIDATE_LENGTH = 128;

/** Upper bound on the product of the ranges of all variable quantifiers. */
export const MAX_REPETITION_PRODUCT = 1024;

interface GroupTraits {
  variable: boolean;
  alternation: boolean;
}

interface Atom {
  kind: 'char' | 'group' | 'anchor';
  traits: GroupTraits | null;
  quantified: boolean;
}

interface Frame extends GroupTraits {
  last: Atom | null;
}

function reject(reason: string, offset: number): never {
  throw new LeakwatchError('LW_PATTERN_UNSAFE', `custom pattern rejected: ${reason} (at offset ${offset})`);
}

const QUANTIFIER_BRACE = /^\{(\d{1,4})(,(\d{0,4}))?\}/;
const GROUP_NAME = /^[A-Za-z_$][\w$]*$/;

/**
 * Vets `source` and returns it with unbounded quantifiers bounded. Throws
 * LeakwatchError LW_PATTERN_UNSAFE naming the problem (never echoing the pattern).
 */
export function boundedPatternSource(source: string): string {
  if (source.length === 0) reject('empty pattern', 0);
  if (source.length > MAX_PATTERN_LENGTH) reject(`longer than ${MAX_PATTERN_LENGTH} characters`, MAX_PATTERN_LENGTH);
  const stack: Frame[] = [{ variable: false, alternation: false, last: null }];
  const out: string[] = [];
  const ranges = { product: 1 };
  let i = 0;
  const top = (): Frame => stack[stack.length - 1]!;
  const atom = (kind: Atom['kind'], traits: GroupTraits | null = null): void => {
    top().last = { kind, traits, quantified: false };
  };

  while (i < source.length) {
    const c = source[i]!;
    if (c === '\\') {
      const n = source[i + 1];
      if (n === undefined) reject('trailing backslash', i);
      if (/[1-9]/.test(n) || n === 'k') reject('backreference', i);
      atom(n === 'b' || n === 'B' ? 'anchor' : 'char');
      out.push(source.slice(i, i + 2));
      i += 2;
    } else if (c === '[') {
      const end = classEnd(source, i);
      out.push(source.slice(i, end));
      atom('char');
      i = end;
    } else if (c === '(') {
      const open = groupOpener(source, i);
      out.push(open);
      stack.push({ variable: false, alternation: false, last: null });
      i += open.length;
    } else if (c === ')') {
      if (stack.length === 1) reject('unbalanced parenthesis', i);
      const frame = stack.pop()!;
      const parent = top();
      parent.variable ||= frame.variable;
      parent.alternation ||= frame.alternation;
      atom('group', { variable: frame.variable, alternation: frame.alternation });
      out.push(')');
      i += 1;
    } else if (c === '|') {
      top().alternation = true;
      top().last = null;
      out.push('|');
      i += 1;
    } else if (c === '*' || c === '+' || c === '?' || c === '{') {
      i = quantifier(source, i, top(), out, ranges);
    } else if (c === '^' || c === '$') {
      atom('anchor');
      out.push(c);
      i += 1;
    } else if (c === '}' || c === ']') {
      reject('unescaped bracket', i);
    } else {
      atom('char');
      out.push(c);
      i += 1;
    }
  }
  if (stack.length !== 1) reject('unbalanced parenthesis', source.length);
  if (ranges.product > MAX_REPETITION_PRODUCT) {
    reject('too many variable-length repetitions (bound them more tightly)', source.length);
  }
  return out.join('');
}

/** Index just past the character class starting at `start`. */
function classEnd(source: string, start: number): number {
  let j = start + 1;
  if (source[j] === '^') j += 1;
  while (j < source.length) {
    if (source[j] === '\\') j += 2;
    else if (source[j] === ']') return j + 1;
    else j += 1;
  }
  return reject('unterminated character class', start);
}

/** The opening text of the group at `start`: "(", "(?:" or "(?<name>". */
function groupOpener(source: string, start: number): string {
  if (source[start + 1] !== '?') return '(';
  const kind = source[start + 2];
  if (kind === ':') return '(?:';
  if (kind === '=' || kind === '!') reject('lookahead', start);
  if (kind === '<') {
    const after = source[start + 3];
    if (after === '=' || after === '!') reject('lookbehind', start);
    const close = source.indexOf('>', start + 3);
    if (close < 0 || !GROUP_NAME.test(source.slice(start + 3, close))) reject('malformed group name', start);
    return source.slice(start, close + 1);
  }
  return reject('unsupported group syntax', start);
}

/** Applies the quantifier at `start` to the frame's last atom; returns the index after it. */
function quantifier(source: string, start: number, frame: Frame, out: string[], ranges: { product: number }): number {
  const c = source[start]!;
  let min: number;
  let max: number;
  let end: number;
  if (c === '{') {
    const m = QUANTIFIER_BRACE.exec(source.slice(start));
    if (m === null) return reject('unescaped brace', start);
    min = Number(m[1]);
    max = m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3]);
    end = start + m[0].length;
    if (min > max) reject('quantifier range out of order', start);
  } else {
    [min, max] = c === '*' ? [0, Infinity] : c === '+' ? [1, Infinity] : [0, 1];
    end = start + 1;
  }
  const lazy = source[end] === '?';
  if (lazy) end += 1;

  const last = frame.last;
  if (last === null) reject('nothing to repeat', start);
  if (last.kind === 'anchor') reject('quantified anchor', start);
  if (last.quantified) reject('quantifier follows a quantifier', start);
  if (last.kind === 'group' && max > 1 && last.traits !== null) {
    if (last.traits.variable) reject('nested quantifier', start);
    if (last.traits.alternation) reject('alternation inside a repeated group', start);
  }
  if (min > MAX_CANDIDATE_LENGTH || (max !== Infinity && max > MAX_CANDIDATE_LENGTH)) {
    reject(`repetition larger than ${MAX_CANDIDATE_LENGTH}`, start);
  }
  last.quantified = true;
  if (min !== max) {
    frame.variable = true;
    ranges.product *= Math.min(max, MAX_CANDIDATE_LENGTH) - min + 1;
  }

  const bounded = max === Infinity ? `{${min},${MAX_CANDIDATE_LENGTH}}` : source.slice(start, lazy ? end - 1 : end);
  out.push(bounded + (lazy ? '?' : ''));
  return end;
}
