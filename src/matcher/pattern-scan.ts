/** Running identifier patterns over text: the shared loop for matching and the census. */
import type { IdentifierType } from './identifiers/types.js';

/** A fresh copy of `re` with the global flag, so callers own its lastIndex. */
export function globalRegExp(re: RegExp): RegExp {
  return new RegExp(re.source, re.flags.includes('g') ? re.flags : `${re.flags}g`);
}

/**
 * Every match of `re` in `text`; with an anchor, only in the regions around
 * occurrences of its literal (match offsets are still relative to `text`).
 */
export function* matchesIn(re: RegExp, anchor: IdentifierType['anchor'], text: string): Generator<RegExpExecArray> {
  const regions: [number, number][] = [];
  if (anchor) {
    for (let at = text.indexOf(anchor.literal); at !== -1; at = text.indexOf(anchor.literal, at + 1)) {
      const lo = Math.max(0, at - anchor.before);
      const hi = Math.min(text.length, at + anchor.literal.length + anchor.after);
      const last = regions[regions.length - 1];
      if (last && lo <= last[1]) last[1] = Math.max(last[1], hi);
      else regions.push([lo, hi]);
    }
  } else {
    regions.push([0, text.length]);
  }
  for (const [lo, hi] of regions) {
    const part = lo === 0 && hi === text.length ? text : text.slice(lo, hi);
    re.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = re.exec(part)) !== null) {
      if (m[0].length === 0) {
        re.lastIndex++;
        continue;
      }
      if (lo !== 0) m.index += lo;
      yield m;
    }
  }
}
