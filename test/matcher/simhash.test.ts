import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  hamming64,
  simhashText,
  SimhashBuilder,
  SIMHASH_MIN_SHINGLES,
  SIMHASH_SHINGLE_WORDS,
  type Simhash64,
} from '../../src/matcher/simhash.js';
import { normalizeText } from '../../src/matcher/text-normalize.js';
import { hasCode } from '../../src/errors.js';

const KEY = Uint8Array.from({ length: 16 }, (_, i) => 3 * i + 1);

function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** A 3,000-word synthetic vocabulary, drawn with a skewed (Zipf-like) distribution. */
const VOCAB: string[] = (() => {
  const r = rng(42);
  const syllables = ['ka', 'lo', 'mi', 'ren', 'tus', 've', 'la', 'or', 'in', 'sa', 'de', 'nu', 'pa', 'ke', 'li', 'to'];
  return Array.from({ length: 3000 }, () => {
    let w = '';
    for (let j = 0, n = 1 + Math.floor(r() * 3); j < n; j++) w += syllables[Math.floor(r() * syllables.length)];
    return w;
  });
})();
const word = (r: () => number): string => VOCAB[Math.floor(r() ** 2.5 * VOCAB.length)]!;
const doc = (seed: number, n: number): string[] => {
  const r = rng(seed);
  return Array.from({ length: n }, () => word(r));
};

function distance(a: Simhash64 | null, b: Simhash64 | null): number {
  assert.ok(a && b);
  return hamming64(a.hi, a.lo, b.hi, b.lo);
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
const quantile = (xs: number[], q: number): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * q)]!;

test('hamming64 counts differing bits across both halves', () => {
  assert.equal(hamming64(0, 0, 0, 0), 0);
  assert.equal(hamming64(0xffffffff, 0xffffffff, 0, 0), 64);
  assert.equal(hamming64(0x80000000, 1, 0, 0), 2);
  fc.assert(
    fc.property(fc.nat(0xffffffff), fc.nat(0xffffffff), fc.nat(0xffffffff), fc.nat(0xffffffff), (a, b, c, d) => {
      let naive = 0;
      for (let i = 0; i < 32; i++) naive += ((a ^ c) >>> i) & 1 ? 1 : 0;
      for (let i = 0; i < 32; i++) naive += ((b ^ d) >>> i) & 1 ? 1 : 0;
      assert.equal(hamming64(a, b, c, d), naive);
    }),
  );
});

test('reformatting (case, whitespace, punctuation) leaves the simhash unchanged', () => {
  const words = doc(1, 300);
  const plain = words.join(' ');
  const messy = words.map((w, i) => (i % 7 === 0 ? w.toUpperCase() + ',' : w)).join('\n\t  ') + ' ...';
  assert.deepEqual(simhashText(messy, KEY), simhashText(plain, KEY));
});

test('chunked input gives the simhash of the whole text, even with words split across chunks', () => {
  fc.assert(
    fc.property(fc.nat(), fc.array(fc.nat(), { maxLength: 12 }), (seed, offsets) => {
      const text = normalizeText(doc(seed, 60).join(' '));
      const builder = new SimhashBuilder(KEY);
      let from = 0;
      for (const p of [...new Set(offsets.map((o) => o % (text.length + 1)))].sort((a, b) => a - b)) {
        builder.push(text.slice(from, p));
        from = p;
      }
      builder.push(text.slice(from));
      assert.deepEqual(builder.digest(), simhashText(text, KEY));
    }),
    { numRuns: 200 },
  );
});

test('digest does not end the stream', () => {
  const text = normalizeText(doc(2, 200).join(' '));
  const builder = new SimhashBuilder(KEY);
  builder.push(text.slice(0, 500));
  const early = builder.digest();
  builder.push(text.slice(500));
  assert.deepEqual(builder.digest(), simhashText(text, KEY));
  assert.deepEqual(early, simhashText(text.slice(0, 500), KEY));
});

test('long documents are counted exactly (the packed byte counters drain before overflowing)', () => {
  // A repeated three-word cycle has three distinct shingles in equal shares, so
  // its simhash is their bitwise majority at any length; wrapped counters would break that.
  const cycle = (n: number): string => Array.from({ length: n }, (_, i) => ['alfa', 'beta', 'gamma'][i % 3]).join(' ');
  const short = simhashText(cycle(30), KEY);
  assert.deepEqual(simhashText(cycle(3000), KEY), short);
  assert.deepEqual(simhashText(cycle(30000), KEY), short);
  const words = doc(3, 5000);
  const builder = new SimhashBuilder(KEY);
  for (let i = 0; i < words.length; i += 100) builder.push(words.slice(i, i + 100).join(' ') + ' ');
  assert.deepEqual(builder.digest(), simhashText(words.join(' '), KEY));
});

test('too few shingles give no simhash', () => {
  const minWords = SIMHASH_MIN_SHINGLES + SIMHASH_SHINGLE_WORDS - 1;
  assert.equal(simhashText(doc(4, minWords - 1).join(' '), KEY), null);
  assert.notEqual(simhashText(doc(4, minWords).join(' '), KEY), null);
  assert.equal(simhashText('', KEY), null);
});

test('the simhash depends on the key', () => {
  const text = doc(5, 300).join(' ');
  const other = new Uint8Array(16);
  assert.ok(distance(simhashText(text, KEY), simhashText(text, other)) >= 16);
});

test('single edits move a 300-word simhash by a few bits; unrelated documents stay far apart', () => {
  const insertWord: number[] = [];
  const changeChar: number[] = [];
  const charAtStart: number[] = [];
  const unrelated: number[] = [];
  for (let i = 0; i < 120; i++) {
    const words = doc(1000 + i, 300);
    const r = rng(i + 7);
    const base = simhashText(words.join(' '), KEY);
    const inserted = words.slice();
    inserted.splice(Math.floor(r() * 300), 0, word(r));
    insertWord.push(distance(base, simhashText(inserted.join(' '), KEY)));
    const changed = words.slice();
    const j = Math.floor(r() * 300);
    changed[j] = changed[j] + 'x';
    changeChar.push(distance(base, simhashText(changed.join(' '), KEY)));
    charAtStart.push(distance(base, simhashText('q' + words.join(' '), KEY)));
    unrelated.push(distance(base, simhashText(doc(5000 + i, 300).join(' '), KEY)));
  }
  const edits = [...insertWord, ...changeChar, ...charAtStart];
  assert.ok(median(edits) <= 3, `median edit distance ${median(edits)}`);
  assert.ok(median(insertWord) <= 3 && median(changeChar) <= 3, 'per-kind medians');
  assert.ok(quantile(edits, 0.9) <= 6, `p90 edit distance ${quantile(edits, 0.9)}`);
  assert.ok(median(unrelated) >= 26, `median unrelated distance ${median(unrelated)}`);
  assert.ok(Math.min(...unrelated) >= 15, `closest unrelated pair ${Math.min(...unrelated)}`);
});

test('rejects bad parameters with stable codes', () => {
  assert.throws(() => new SimhashBuilder(KEY, 0), (e) => hasCode(e, 'LW_USAGE'));
  assert.throws(() => new SimhashBuilder(KEY, 3, 0), (e) => hasCode(e, 'LW_USAGE'));
  assert.throws(() => new SimhashBuilder(new Uint8Array(4)), (e) => hasCode(e, 'LW_KEY_INVALID'));
});
