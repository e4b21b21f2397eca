/**
 * E-mail address. Canonical form: NFKC, trimmed, whole address lower-cased.
 * RFC 5321 lets the local part be case-sensitive, but no mainstream provider
 * treats it so and leaked dumps change case freely, so it is matched
 * case-insensitively. Validation is deliberately practical: dot-atom local part
 * (Unicode letters allowed), a domain of at least two labels and a letter TLD.
 */
import { cleanInput } from './lexical.js';
import { doubled } from '../growable.js';
import { emailKernelAvailable, emailKernelFind } from './email-kernel.js';
import type { KeyedMatches, MatchSink } from '../pattern-scan.js';
import type { IdentifierType } from './types.js';

const LOCAL_CHAR = "[\\p{L}\\p{N}!#$%&'*+/=?^_`{|}~-]";
const LOCAL = new RegExp(`^${LOCAL_CHAR}+(?:\\.${LOCAL_CHAR}+)*$`, 'u');
const LABEL = /^[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?$/u;
const TLD = /^\p{L}{2,63}$/u;

function normalize(raw: string): string | null {
  const s = cleanInput(raw)?.toLowerCase();
  if (s === undefined || s.length > 254) return null;
  const at = s.lastIndexOf('@');
  if (at < 1 || at !== s.indexOf('@')) return null;
  const local = s.slice(0, at);
  const labels = s.slice(at + 1).split('.');
  if (local.length > 64 || !LOCAL.test(local) || labels.length < 2) return null;
  if (!labels.every((l) => LABEL.test(l)) || !TLD.test(labels[labels.length - 1]!)) return null;
  return s;
}

// Domain labels cannot contain '.', so the repeated group splits one way only.
const PATTERN = new RegExp(
  `(?<![\\p{L}\\p{N}_.%+'-])[\\p{L}\\p{N}._%+'-]{1,64}@(?:[\\p{L}\\p{N}-]{1,63}\\.){1,8}\\p{L}{2,63}(?![\\p{L}\\p{N}_-])`,
  'gu',
);
/** The finder's own copy, so its lastIndex is never shared. */
const SEARCH = new RegExp(PATTERN.source, PATTERN.flags);

// ASCII character classes of the pattern, as bits per code unit.
const LOCAL_BIT = 1; // [\p{L}\p{N}._%+'-]: the local part, and the left guard
const LABEL_BIT = 2; // [\p{L}\p{N}-]: a domain label
const LETTER_BIT = 4; // \p{L}: the top-level domain
const GUARD_BIT = 8; // [\p{L}\p{N}_-]: the right guard
const ASCII_CLASS = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  const letter = /[A-Za-z]/.test(ch);
  const alnum = letter || /[0-9]/.test(ch);
  ASCII_CLASS[c] =
    (alnum || "._%+'-".includes(ch) ? LOCAL_BIT : 0) |
    (alnum || ch === '-' ? LABEL_BIT : 0) |
    (letter ? LETTER_BIT : 0) |
    (alnum || ch === '_' || ch === '-' ? GUARD_BIT : 0);
}
const DOT = 0x2e;

/** A code unit outside ASCII: the classes above do not decide it. */
const UNICODE = 0x80;
/** Result of `decide` when a non-ASCII character is involved. */
const UNDECIDED = -2;

/** The class bits of text[i], 0 outside the region [lo, hi). */
function classAt(text: string, lo: number, hi: number, i: number): number {
  if (i < lo || i >= hi) return 0;
  const c = text.charCodeAt(i);
  return c < 0x80 ? ASCII_CLASS[c]! : UNICODE;
}

/** `decide`'s work space (it runs once per '@' of a dump, so it allocates nothing): the start it found, label ends. */
let matchStart = 0;
const dots = new Int32Array(8);

/**
 * The match containing the '@' at `at`, decided by hand on ASCII: its start is
 * fixed by the '@' (the regex tries every start, the left guard equals the
 * local-part class, and that class holds no '@'), and its domain is the longest
 * run of whole dot-separated labels (at most 8) followed by a letters-only
 * top-level domain, as the greedy regex backtracks to. Returns the end (the
 * start is in `matchStart`), -1 for no match, or UNDECIDED.
 */
function decide(text: string, lo: number, hi: number, at: number, lastEnd: number): number {
  let s = at;
  let c = 0;
  while (at - s <= 64 && (c = classAt(text, lo, hi, s - 1)) & LOCAL_BIT) s--;
  if (c & UNICODE) return UNDECIDED;
  // A longer run (or one reaching into the previous match) leaves no start that passes the left guard.
  if (s === at || at - s > 64 || s < lastEnd) return -1;
  matchStart = s;
  // Ends of up to 8 whole labels, each followed by '.'.
  let labels = 0;
  let p = at + 1;
  while (labels < 8) {
    let q = p;
    while (q - p <= 63 && (c = classAt(text, lo, hi, q)) & LABEL_BIT) q++;
    if (c & UNICODE) return UNDECIDED;
    if (q === p || q - p > 63 || q >= hi || text.charCodeAt(q) !== DOT) break;
    dots[labels++] = q;
    p = q + 1;
  }
  // Greedy like the regex: most labels first.
  for (let j = labels; j >= 1; j--) {
    const tld = dots[j - 1]! + 1;
    let q = tld;
    while (q - tld <= 63 && (c = classAt(text, lo, hi, q)) & LETTER_BIT) q++;
    if (c & UNICODE) return UNDECIDED;
    const len = q - tld;
    if (len >= 2 && len <= 63 && !(c & GUARD_BIT)) return q;
  }
  return -1;
}

/**
 * The pattern's matches in text[lo, hi) with the region's edges as the text's.
 * Profiling showed the regex spending 3-5 µs per address in dumps; `decide`
 * costs a small fraction. An '@' with non-ASCII characters around it goes to
 * the regex (property-tested to give the same matches either way).
 */
export function jsFind(text: string, lo: number, hi: number, onMatch: (start: number, end: number) => void): void {
  let lastEnd = lo;
  for (let at = text.indexOf('@', lo); at !== -1 && at < hi; at = text.indexOf('@', at + 1)) lastEnd = atSign(text, lo, hi, at, lastEnd, onMatch);
}

/** The match (if any) of the '@' at `at`, reported; returns the end of the last match so far. */
function atSign(text: string, lo: number, hi: number, at: number, lastEnd: number, onMatch: (start: number, end: number) => void): number {
  const end = decide(text, lo, hi, at, lastEnd);
  if (end >= 0) {
    onMatch(matchStart, end);
    return end;
  }
  if (end !== UNDECIDED) return lastEnd;
  // The regex from where a match for this '@' could start, plus one character for the left guard.
  const from = Math.max(lastEnd, at - 65);
  const sliceAt = Math.max(lo, from - 1);
  const part = text.slice(sliceAt, Math.min(hi, at + 1 + 8 * 64 + 64));
  SEARCH.lastIndex = 0;
  for (let m = SEARCH.exec(part); m !== null; m = SEARCH.exec(part)) {
    const s = sliceAt + m.index;
    if (s > at) break;
    if (s < from) continue;
    if (s + m[0].length > at) {
      onMatch(s, s + m[0].length);
      return s + m[0].length;
    }
    break;
  }
  return lastEnd;
}

/** The '@'s of one search (grown as needed; it holds offsets only), and whether a search is using it. */
let shared = new Int32Array(1024);
let sharedInUse = false;
/**
 * The kernel takes a region when it has at least one '@' per this many code
 * units. With fewer, copying the region in and wiping it (about 0.1 ns a unit
 * each) costs about what deciding its '@'s here does (about 150 ns an '@';
 * scratch timings). The bound leans to this side.
 */
const KERNEL_UNITS_PER_AT = 1000;

/**
 * The matches in text[lo, hi): its '@'s found with `indexOf`, then decided by
 * the WebAssembly loop of email-kernel.ts over the whole region (same matches
 * as `jsFind`, property-tested), which hands back any '@' it leaves undecided
 * to `atSign`. A region with few '@'s, or where the kernel is unavailable,
 * is decided here.
 */
function find(text: string, lo: number, hi: number, onMatch: MatchSink, onKeyed?: KeyedMatches): void {
  // A search made from inside a sink gets a list of its own.
  const own = sharedInUse;
  let ats = own ? new Int32Array(64) : shared;
  sharedInUse = true;
  try {
    let m = 0;
    for (let at = text.indexOf('@', lo); at !== -1 && at < hi; at = text.indexOf('@', at + 1)) {
      if (m === ats.length) {
        ats = doubled(ats);
        if (!own) shared = ats;
      }
      ats[m++] = at;
    }
    if (m === 0) return;
    if (m * KERNEL_UNITS_PER_AT >= hi - lo && emailKernelFind(text, lo, hi, ats, m, onKeyed ?? keyedOneByOne(onMatch), (at, lastEnd) => atSign(text, lo, hi, at, lastEnd, onMatch))) return;
    let lastEnd = lo;
    for (let j = 0; j < m; j++) lastEnd = atSign(text, lo, hi, ats[j]!, lastEnd, onMatch);
  } finally {
    if (!own) sharedInUse = false;
  }
}

/** Matches passed in bulk, handed to `onMatch` one by one. */
function keyedOneByOne(onMatch: MatchSink): KeyedMatches {
  return (pairs, count, base, keys) => {
    for (let j = 0; j < 2 * count; j += 2) onMatch(base + pairs[j]!, base + pairs[j + 1]!, keys, pairs[j]!);
  };
}

/**
 * Where a match can lie around its '@': its local part within 64 characters
 * before (plus one for the left guard), its domain within 8 labels of 63 and a
 * top-level domain of 63 after. Without the kernel the search runs only in
 * these regions; the kernel takes whole texts.
 */
export const EMAIL_ANCHOR = { literal: '@', before: 65, after: 8 * 64 + 64 } as const;

/**
 * For ASCII the canonical form is the lower-cased candidate (NFKC and the dash
 * and trim rules change nothing in an ASCII token), so no validation is needed
 * here: an invalid candidate's lower case is never a valid canonical form,
 * because validity does not depend on case.
 */
function scanKey(raw: string): string | null {
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c >= 0x80 || c <= 0x20) return null;
  }
  return raw.toLowerCase();
}

/** `scanKey` as bytes (see IdentifierType.scanKeyBytes). */
function scanKeyBytes(text: string, start: number, end: number, out: Uint8Array, at: number): number {
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x80 || c <= 0x20) return -1;
    out[at + i - start] = c >= 0x41 && c <= 0x5a ? c + 0x20 : c;
  }
  return end - start;
}

/** E-mail address. */
export const email: IdentifierType = {
  name: 'email',
  pattern: PATTERN,
  ...(emailKernelAvailable() ? {} : { anchor: EMAIL_ANCHOR }),
  find,
  normalize,
  scanKey,
  scanKeyBytes,
};
