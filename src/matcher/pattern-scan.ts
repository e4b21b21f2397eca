/** Running identifier patterns over text: the shared loop for matching and the census. */
import type { IdentifierType, NormalizeOptions } from './identifiers/types.js';

/**
 * Receives one match as [start, end) offsets into the scanned text. A search
 * that has the match's scan key at hand (an ASCII e-mail address, lower-cased
 * by the e-mail loop) passes it too: key[keyAt, keyAt + end - start) are the
 * bytes the type's `scanKeyBytes` would write, valid only during the call.
 */
export type MatchSink = (start: number, end: number, key?: Uint8Array, keyAt?: number) => void;

/**
 * Receives many matches at once, from a search that made their scan keys
 * (the e-mail loop): `count` matches as (start, end) pairs in `pairs`, as
 * offsets from `base` into the scanned text, ascending and not overlapping;
 * a match's key is keys[start, end) (its offsets from `base`, the bytes the
 * type's `scanKeyBytes` would write). With `spans`, match j's key is
 * keys[spans[2j], spans[2j] + spans[2j + 1]) instead, the keys in ascending
 * order: a search whose keys are not as long as their matches (phone
 * numbers). Valid only during the call. A search given one passes every
 * match it can through it, in order with those it passes to the MatchSink.
 */
export type KeyedMatches = (pairs: Int32Array, count: number, base: number, keys: Uint8Array, spans?: Int32Array) => void;

/** A fresh copy of `re` with the global flag, so callers own its lastIndex. */
export function globalRegExp(re: RegExp): RegExp {
  return new RegExp(re.source, re.flags.includes('g') ? re.flags : `${re.flags}g`);
}

/**
 * Calls `onMatch` for every match of `re` (the type's pattern, global) in
 * `text`, in order, by the type's hand-written `find` when it has one (same
 * matches, property-tested against the pattern), else by the regex. A find
 * that makes scan keys may pass matches in bulk to `onKeyed` instead, keyed
 * under `options` (a phone number's region). With an anchor, only the regions
 * around occurrences of its literal are searched, each as if it were the
 * whole text.
 */
export function scanMatches(
  re: RegExp,
  impl: Pick<IdentifierType, 'anchor' | 'find'>,
  text: string,
  onMatch: MatchSink,
  onKeyed?: KeyedMatches,
  options?: NormalizeOptions,
): void {
  const { anchor, find } = impl;
  if (!anchor) {
    if (find) find(text, 0, text.length, onMatch, onKeyed, options);
    else runRegion(re, text, 0, text.length, onMatch);
    return;
  }
  // Regions grow while the next occurrence's window overlaps; each is searched once closed.
  let lo = -1;
  let hi = -1;
  const flush = (): void => {
    if (lo < 0) return;
    if (find) find(text, lo, hi, onMatch, onKeyed, options);
    else runRegion(re, text, lo, hi, onMatch);
  };
  const { literal, before, after } = anchor;
  for (let at = text.indexOf(literal); at !== -1; at = text.indexOf(literal, at + 1)) {
    const from = Math.max(0, at - before);
    const to = Math.min(text.length, at + literal.length + after);
    if (lo >= 0 && from <= hi) {
      if (to > hi) hi = to;
      continue;
    }
    flush();
    lo = from;
    hi = to;
  }
  flush();
}

/** The regex over text[lo, hi), with the region's edges as the text's edges. */
function runRegion(re: RegExp, text: string, lo: number, hi: number, onMatch: MatchSink): void {
  const part = lo === 0 && hi === text.length ? text : text.slice(lo, hi);
  re.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(part)) !== null) {
    const len = m[0].length;
    if (len === 0) {
      re.lastIndex++;
      continue;
    }
    onMatch(lo + m.index, lo + m.index + len);
  }
}
