import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { normalizeText, TextNormalizer } from '../../src/matcher/text-normalize.js';
import { cutAt } from '../support/cut-string.js';

/** Feeds `chunks` through one streaming normalizer and joins the output. */
function streamed(chunks: string[]): string {
  const normalizer = new TextNormalizer();
  return chunks.map((c) => normalizer.push(c)).join('') + normalizer.flush();
}

test('lower-cases and collapses punctuation and whitespace runs to one space, trimmed', () => {
  assert.equal(normalizeText('  Hello,\t\tWORLD!!  \n How are   you? '), 'hello world how are you');
  assert.equal(normalizeText('Potilas: "Ei nukkunut" -- 3 yötä.'), 'potilas ei nukkunut 3 yötä');
  assert.equal(normalizeText('...!!!   '), '');
  assert.equal(normalizeText(''), '');
});

test('applies NFKC: full-width forms, ligatures, circled digits, composed accents', () => {
  assert.equal(normalizeText('ＰＡＴＩＥＮＴ　１２３'), 'patient 123');
  assert.equal(normalizeText('ﬁle ①'), 'file 1');
  assert.equal(normalizeText('Cafe\u0301'), normalizeText('Café'));
  assert.equal(normalizeText('A\u0308iti'), 'äiti');
  assert.equal(normalizeText('ﾊﾞｽ'), 'バス');
});

test('folds Greek final sigma so the result does not depend on context', () => {
  assert.equal(normalizeText('ΟΔΟΣ'), 'οδοσ');
  assert.equal(normalizeText('ΟΔΟΣΟΣ'), 'οδοσοσ');
  assert.equal(streamed(['ΟΔΟΣ', 'ΟΣ']), 'οδοσοσ');
});

test('keeps astral letters, treats emoji and lone surrogates as separators', () => {
  assert.equal(normalizeText('a\u{20000}b'), 'a\u{20000}b');
  assert.equal(normalizeText('𝐀𝐁'), 'ab');
  assert.equal(normalizeText('ok😀fine'), 'ok fine');
  assert.equal(normalizeText('x\ud800y\udc00z'), 'x y z');
});

test('streams across a chunk boundary inside a whitespace run', () => {
  assert.equal(streamed(['hello   ', '   world']), 'hello world');
  assert.equal(streamed(['hello', ' ', 'world', '']), 'hello world');
  assert.equal(streamed(['  ', 'x', '  ']), 'x');
});

test('streams across split surrogate pairs, combining marks and Hangul jamo', () => {
  assert.equal(streamed(['a\ud840', '\udc00b']), 'a\u{20000}b');
  assert.equal(streamed(['cafe', '\u0301 ok']), 'café ok');
  assert.equal(streamed(['\u1112', '\u1161', '\u11ab']), '한');
  assert.equal(streamed(['ﾊ', 'ﾞｽ']), 'バス');
  assert.equal(streamed(['\u0301', '\u0323']), normalizeText('\u0301\u0323'));
});

test('streamed output equals whole-string output wherever the chunks are cut', () => {
  const tricky = [
    'a', 'B', 'é', 'e', '\u0301', '\u0323', ' ', '\t', '.', '-', 'Σ', 'ς', 'İ', '１', 'ﬁ',
    '\ud83d', '\ude00', '😀', '\u{20000}', '\u1112', '\u1161', '\u11ab', 'ﾊ', 'ﾞ', 'Ä', 'ö',
  ];
  fc.assert(
    fc.property(
      fc.array(fc.constantFrom(...tricky), { maxLength: 80 }),
      fc.array(fc.nat(), { maxLength: 8 }),
      (units, offsets) => {
        const s = units.join('');
        assert.equal(streamed(cutAt(s, offsets)), normalizeText(s));
      },
    ),
    { numRuns: 400 },
  );
});

test('streamed output equals whole-string output for arbitrary Unicode', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary', maxLength: 200 }), fc.array(fc.nat(), { maxLength: 6 }), (s, offsets) => {
      assert.equal(streamed(cutAt(s, offsets)), normalizeText(s));
    }),
    { numRuns: 300 },
  );
});

test('output never starts or ends with a space and never holds two in a row', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'grapheme', maxLength: 120 }), (s) => {
      const out = normalizeText(s);
      assert.ok(!out.startsWith(' ') && !out.endsWith(' ') && !out.includes('  '));
    }),
    { numRuns: 300 },
  );
});

test('a long run of combining marks does not grow the held-back tail without bound', () => {
  const normalizer = new TextNormalizer();
  let released = '';
  for (let i = 0; i < 100; i++) released += normalizer.push('\u0301'.repeat(100));
  assert.ok(released.length >= 100 * 100 - 200, 'marks are released as they arrive');
});
