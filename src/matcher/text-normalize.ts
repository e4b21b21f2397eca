/**
 * Text normalization shared by winnowing and simhash, identical at enrollment
 * and at scan time: NFKC, lower case, and every run of characters that are not
 * letters, digits or combining marks collapsed to one space (none at the ends).
 * A reformatted leak (case, whitespace, punctuation, full-width forms) thus
 * normalizes to the same string as the enrolled original.
 */
import { Buffer } from 'node:buffer';

/** Code-unit classes, filled lazily; 0 means "not yet classified". */
const UNKNOWN = 0;
const WORD = 1;
const SEPARATOR = 2;
const SURROGATE = 3;

const WORD_CHAR = /^[\p{L}\p{N}\p{M}]$/u;
/**
 * Characters that NFKC may compose with the character before them: combining
 * marks, Hangul medial/final jamo, and the half-width kana voicing marks (which
 * decompose to combining marks). A chunk is never cut in front of one.
 */
const JOINS_BACKWARD = /^[\p{M}\u1160-\u11ff\uff9e\uff9f]$/u;

/** A run of more trailing non-starters than this is not held back (stream-safe text has at most 30). */
const MAX_HELD_UNITS = 64;

const SPACE = 0x20;
const FINAL_SIGMA = 0x3c2;
const SIGMA = 0x3c3;

const ASCII_ONLY = /^[\x00-\x7f]*$/;

const classOf = new Uint8Array(65536);
const astralIsWord = new Map<number, boolean>();
let scratch = new Uint16Array(4096);

function classify(unit: number): number {
  const cls =
    unit >= 0xd800 && unit <= 0xdfff
      ? SURROGATE
      : WORD_CHAR.test(String.fromCharCode(unit))
        ? WORD
        : SEPARATOR;
  classOf[unit] = cls;
  return cls;
}

function isAstralWord(codePoint: number): boolean {
  let word = astralIsWord.get(codePoint);
  if (word === undefined) {
    word = WORD_CHAR.test(String.fromCodePoint(codePoint));
    astralIsWord.set(codePoint, word);
  }
  return word;
}

function joinsBackward(codePoint: number): boolean {
  return codePoint >= 0x300 && JOINS_BACKWARD.test(String.fromCodePoint(codePoint));
}

/**
 * Index where the unsafe tail of `s` starts: from the last character that later
 * input cannot combine into (or a dangling high surrogate) to the end.
 */
function safeCut(s: string): number {
  let i = s.length;
  const floor = Math.max(0, s.length - MAX_HELD_UNITS);
  while (i > floor) {
    let start = i - 1;
    const unit = s.charCodeAt(start);
    if (unit >= 0xdc00 && unit <= 0xdfff && start > 0) {
      const prev = s.charCodeAt(start - 1);
      if (prev >= 0xd800 && prev <= 0xdbff) start -= 1;
    }
    if (!joinsBackward(s.codePointAt(start) ?? 0)) return start;
    i = start;
  }
  // Only non-starters: a short run waits for more input (marks reorder among
  // themselves); a run too long for stream-safe text is cut so memory stays
  // bounded, though never between the halves of a surrogate pair.
  if (floor === 0) return 0;
  const last = s.charCodeAt(s.length - 1);
  return last >= 0xd800 && last <= 0xdbff ? s.length - 1 : s.length;
}

/**
 * Streaming normalizer. The concatenation of every `push` result followed by
 * `flush()` equals `normalizeText` of the concatenated input, wherever the
 * chunks were cut.
 */
export class TextNormalizer {
  /** Raw input held back because the next chunk may still combine with it. */
  private held = '';
  /** A separator was seen after the last emitted word character. */
  private pendingSpace = false;
  private emittedAny = false;

  /** Normalizes the next chunk; returns the normalized text it completes (possibly empty). */
  push(chunk: string): string {
    const text = this.held + chunk;
    const cut = safeCut(text);
    this.held = text.slice(cut);
    return this.emit(cut === text.length ? text : text.slice(0, cut));
  }

  /** Ends the stream and returns whatever was held back. */
  flush(): string {
    const rest = this.held;
    this.held = '';
    return this.emit(rest);
  }

  private emit(raw: string): string {
    if (raw.length === 0) return '';
    // ASCII is already NFKC; its upper case is folded in the loop below.
    const lowered = ASCII_ONLY.test(raw) ? raw : raw.normalize('NFKC').toLowerCase();
    const n = lowered.length;
    if (scratch.length < n + 1) scratch = new Uint16Array(Math.max(n + 1, scratch.length * 2));
    const out = scratch;
    let o = 0;
    let pending = this.pendingSpace;
    let emitted = this.emittedAny;
    for (let i = 0; i < n; i++) {
      let unit = lowered.charCodeAt(i);
      if (unit >= 0x41 && unit <= 0x5a) unit += 0x20;
      let cls = classOf[unit]!;
      if (cls === UNKNOWN) cls = classify(unit);
      let low = -1;
      if (cls === SURROGATE) {
        const next = i + 1 < n ? lowered.charCodeAt(i + 1) : 0;
        const paired = unit <= 0xdbff && next >= 0xdc00 && next <= 0xdfff;
        if (paired && isAstralWord(((unit - 0xd800) << 10) + (next - 0xdc00) + 0x10000)) {
          low = next;
          i += 1;
          cls = WORD;
        } else {
          cls = SEPARATOR;
        }
      }
      if (cls !== WORD) {
        pending = true;
        continue;
      }
      if (pending) {
        if (emitted) out[o++] = SPACE;
        pending = false;
      }
      // Case folding maps final sigma to sigma; toLowerCase picks one by context,
      // and the context can sit in another chunk.
      out[o++] = unit === FINAL_SIGMA ? SIGMA : unit;
      if (low >= 0) out[o++] = low;
      emitted = true;
    }
    this.pendingSpace = pending;
    this.emittedAny = emitted;
    if (o === 0) return '';
    // Buffer's UTF-16LE decoding is many times faster than TextDecoder's in Node 20
    // (typed arrays are little-endian on every platform Node supports).
    const text = Buffer.from(out.buffer, out.byteOffset, 2 * o).toString('utf16le');
    // The scratch buffer outlives the call; leaked text must not linger in it.
    out.fill(0, 0, o);
    return text;
  }
}

/** Normalizes a whole string: NFKC, lower case, separator runs collapsed to single spaces, trimmed. */
export function normalizeText(s: string): string {
  const normalizer = new TextNormalizer();
  return normalizer.push(s) + normalizer.flush();
}
