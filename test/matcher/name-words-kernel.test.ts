/**
 * The words loop of name corroboration against a JavaScript reference of the
 * same rules (document-matcher.ts collectNameFps: words are runs of non-space
 * under `\s`; a word with a letter and no digit or '@' is taken whole, one
 * with digits or '@' in ASCII without apostrophes by its runs of ASCII
 * letters, any other with a letter left to the caller), with the word cache's
 * hash.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { isSpace } from '../../src/matcher/name-words-kernel.js';
import { clearNameWords, NAME_OTHER, NAME_RUNS, NAME_WORD, nameWordsKernelResidue, withNameWords } from '../../src/matcher/name-words-kernel.js';
import { WORD_HASH_SEED, WordFpCache } from '../../src/matcher/word-fp-cache.js';

type Word = [start: number, end: number, kind: number, hash: number];

function hash(text: string, from: number, to: number): number {
  let h = WORD_HASH_SEED;
  for (let i = from; i < to; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h;
}

const isAsciiLetter = (c: number): boolean => (c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a;

/** The reference: what the loop must report for text[lo, hi). */
function reference(text: string, lo: number, hi: number): Word[] {
  const out: Word[] = [];
  let i = lo;
  while (i < hi) {
    while (i < hi && isSpace(text.charCodeAt(i))) i++;
    if (i === hi) break;
    const a = i;
    let digit = false;
    let letter = false;
    let wide = false;
    let apostrophe = false;
    for (; i < hi && !isSpace(text.charCodeAt(i)); i++) {
      const c = text.charCodeAt(i);
      if ((c >= 0x30 && c <= 0x39) || c === 0x40) digit = true;
      else if (isAsciiLetter(c)) letter = true;
      else if (c === 0x27 || c === 0x60) apostrophe = true;
      else if (c >= 0x80) wide = true;
    }
    if (!letter && !wide) continue;
    if (!digit) out.push([a, i, NAME_WORD, hash(text, a, i)]);
    else if (!wide && !apostrophe) {
      for (let t = a; t < i; ) {
        while (t < i && !isAsciiLetter(text.charCodeAt(t))) t++;
        if (t === i) break;
        const r = t;
        while (t < i && isAsciiLetter(text.charCodeAt(t))) t++;
        out.push([r, t, NAME_RUNS, hash(text, r, t)]);
      }
    } else out.push([a, i, NAME_OTHER, 0]);
  }
  return out;
}

function found(text: string, lo: number, hi: number): Word[] {
  const out: Word[] = [];
  const ran = withNameWords(text, lo, hi, (words, at, count) => {
    for (let j = at; j < at + 4 * count; j += 4) out.push([words[j]!, words[j + 1]!, words[j + 2]!, words[j + 3]!]);
  });
  assert.ok(ran, 'the loop ran');
  return out;
}

/** Pieces of rows and notes: names, ids, addresses, dates, apostrophes, letters and spaces outside ASCII. */
const piece = fc.constantFrom(
  'Virtanen', 'MATTI', "O'Brien", 'd`Arc', 'Hämäläinen', 'Ærø', '李', '131052-308T', 'matti.v@example.fi', 'JUHA.LAINE93.5384162@EXAMPLE.ORG',
  '21.11.1992', '+358 40 123 4567', 'x1y', '@', '9', ';', ',', ' ', '\t', '\n', '\u00a0', '\u2003', '\u3000', '\ufeff', '\u0000', 'ä1', "a'1", '\ud835', 'Ｍａｔｔｉ',
);
const text = fc.array(piece, { maxLength: 30 }).map((p) => p.join(''));

describe('name words loop', () => {
  it('property: the words, kinds and hashes of the reference, in any slice of any text', () => {
    fc.assert(
      fc.property(fc.oneof(text, fc.string({ maxLength: 80 }), fc.string({ unit: 'binary', maxLength: 80 })), fc.nat(), fc.nat(), (t, x, y) => {
        const lo = x % (t.length + 1);
        const hi = lo + (y % (t.length - lo + 1));
        assert.deepEqual(found(t, lo, hi), reference(t, lo, hi));
        // A second window of the same text is found in the copy already made.
        assert.deepEqual(found(t, 0, lo), reference(t, 0, lo));
      }),
      { seed: 24, numRuns: 3000 },
    );
    clearNameWords();
    assert.equal(nameWordsKernelResidue(), 0);
  });

  it("its hashes are the word cache's: a word cached by its units is found by the loop's hash", () => {
    const row = 'Matti VIRTANEN 131052-308T matti.virtanen@example.fi Hämäläinen';
    const cache = new WordFpCache(100);
    const words = found(row, 0, row.length);
    assert.deepEqual(words.map(([a, b, kind]) => [row.slice(a, b), kind]), [
      ['Matti', NAME_WORD], ['VIRTANEN', NAME_WORD], ['T', NAME_RUNS], ['matti', NAME_RUNS], ['virtanen', NAME_RUNS], ['example', NAME_RUNS], ['fi', NAME_RUNS], ['Hämäläinen', NAME_WORD],
    ]);
    for (const [a, b, , h] of words) {
      const e = cache.add(row, a, b, [a], 1);
      assert.equal(cache.findHashed(row, a, b, h), e);
    }
  });

  it('keeps only the text until it is cleared: a window\'s output is wiped at once, also when the caller throws', () => {
    assert.throws(() => withNameWords('Matti Virtanen', 0, 14, () => {
      throw new Error('boom');
    }), /boom/);
    // The text is still there (the next window of it needs no copy), its output is not.
    assert.equal(nameWordsKernelResidue(), 'Matti Virtanen'.length);
    clearNameWords();
    assert.equal(nameWordsKernelResidue(), 0);
  });

  it('copies a new text over a longer one without leaving the old one behind, and takes long texts', () => {
    const long = 'Anna-Liisa Ärölä 040 1234567 '.repeat(5000);
    assert.deepEqual(found(long, 3, long.length - 3), reference(long, 3, long.length - 3));
    const short = 'Eero Laine';
    assert.deepEqual(found(short, 0, short.length), reference(short, 0, short.length));
    // Only the short text's units remain (two bytes each, the high byte of ASCII zero).
    assert.equal(nameWordsKernelResidue(), short.length);
    clearNameWords();
    assert.equal(nameWordsKernelResidue(), 0);
  });

  it('answers a window asked for from inside its own sink with false (the caller scans it in JavaScript)', () => {
    let inner: boolean | undefined;
    withNameWords('Matti Virtanen', 0, 14, () => {
      inner = withNameWords('Eero Laine', 0, 10, () => undefined);
    });
    assert.equal(inner, false);
    clearNameWords();
  });
});
