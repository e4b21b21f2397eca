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
import { normalizeText, TextNormalizer } from '../../src/matcher/text-normalize.js';
import { SipHash } from '../../src/matcher/siphash.js';
import { cutAt } from '../support/cut-string.js';
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

// ---- reference implementation -------------------------------------------

function referenceFmix32(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** A word's unkeyed 64-bit hash: two multiplicative lanes over its code units, finalized with fmix32. */
function referenceWordHash(word: string): bigint {
  let a = 0x811c9dc5;
  let b = 0x2d358dcc;
  for (let i = 0; i < word.length; i++) {
    const unit = word.charCodeAt(i);
    a = Math.imul(a ^ unit, 0x01000193);
    b = Math.imul(b ^ unit, 0x5bd1e995) ^ (b >>> 15);
  }
  return (BigInt(referenceFmix32(a ^ word.length)) << 32n) | BigInt(referenceFmix32(b));
}

/**
 * Simhash written plainly: words are the runs of code units above U+0020; every
 * run of `shingleWords` words is folded (rotate left by 23, XOR the next word),
 * keyed by SipHash over its 8 little-endian bytes, and counted bit by bit.
 */
function referenceSimhash(text: string, key: Uint8Array, shingleWords = SIMHASH_SHINGLE_WORDS, minShingles = SIMHASH_MIN_SHINGLES): Simhash64 | null {
  const words = (text.match(/[^\u0000-\u0020]+/g) ?? []).map(referenceWordHash);
  const sip = new SipHash(key);
  const counts = new Array<number>(64).fill(0);
  let shingles = 0;
  for (let last = shingleWords - 1; last < words.length; last++) {
    let acc = 0n;
    for (let i = last - shingleWords + 1; i <= last; i++) {
      acc = (((acc << 23n) | (acc >> 41n)) & 0xffff_ffff_ffff_ffffn) ^ words[i]!;
    }
    const bytes = new Uint8Array(8);
    new DataView(bytes.buffer).setBigUint64(0, acc, true);
    const [hi, lo] = sip.hashBytes(bytes);
    for (let bit = 0; bit < 32; bit++) {
      counts[bit]! += (lo >>> bit) & 1;
      counts[32 + bit]! += (hi >>> bit) & 1;
    }
    shingles++;
  }
  if (shingles < minShingles) return null;
  let hi = 0;
  let lo = 0;
  for (let bit = 0; bit < 32; bit++) {
    if (2 * counts[bit]! > shingles) lo |= 1 << bit;
    if (2 * counts[32 + bit]! > shingles) hi |= 1 << bit;
  }
  return { hi: hi >>> 0, lo: lo >>> 0 };
}

const toUnits = (s: string): Uint16Array => {
  const units = new Uint16Array(s.length + 2).fill(0x61);
  for (let i = 0; i < s.length; i++) units[i] = s.charCodeAt(i);
  return units;
};

test('streamed digests, from strings or code units, equal the plain reference at every cut', () => {
  fc.assert(
    fc.property(
      fc.oneof(
        fc.string({ unit: fc.constantFrom('a', 'b', 'c', 'dd', ' ', '  ', '\n', '\t', 'é', '\u{20000}', '\ud800'), maxLength: 500 }),
        fc.string({ unit: 'binary', maxLength: 400 }),
        fc.nat().map((seed) => normalizeText(doc(seed, 400).join(' '))),
      ),
      fc.array(fc.nat(), { maxLength: 10 }),
      fc.integer({ min: 1, max: 16 }),
      fc.integer({ min: 1, max: 40 }),
      fc.boolean(),
      (text, offsets, shingleWords, minShingles, units) => {
        const builder = new SimhashBuilder(KEY, shingleWords, minShingles);
        let prefix = '';
        for (const chunk of cutAt(text, offsets)) {
          if (units) builder.pushUnits(toUnits(chunk), chunk.length);
          else builder.push(chunk);
          prefix += chunk;
          assert.deepEqual(builder.digest(), referenceSimhash(prefix, KEY, shingleWords, minShingles));
        }
      },
    ),
    { numRuns: 300 },
  );
});

test('the whole pipeline on code units gives the reference simhash of the normalized text', () => {
  const pieces = ['Potilas', ' ', 'EI', ' nukkunut', '.', '\n\n', 'yötä', 'ΟΔΟΣ', 'ﬁ', 'Ｆ', 'e\u0301', '\u{20000}', '😀', '  -- ', 'ß'];
  fc.assert(
    fc.property(fc.array(fc.constantFrom(...pieces), { maxLength: 300 }), fc.array(fc.nat(), { maxLength: 8 }), (parts, offsets) => {
      const raw = parts.join('');
      const normalizer = new TextNormalizer();
      const builder = new SimhashBuilder(KEY);
      const feed = (units: Uint16Array, length: number): void => builder.pushUnits(units, length);
      for (const c of cutAt(raw, offsets)) normalizer.pushUnits(c, feed);
      normalizer.flushUnits(feed);
      assert.deepEqual(builder.digest(), referenceSimhash(normalizeText(raw), KEY));
    }),
    { numRuns: 200 },
  );
});

test('long documents match the reference across every counter drain', () => {
  const text = normalizeText(doc(9, 12_000).join(' '));
  const builder = new SimhashBuilder(KEY);
  for (const chunk of cutAt(text, [1, 4096, 50_000, 50_001])) builder.pushUnits(toUnits(chunk), chunk.length);
  assert.deepEqual(builder.digest(), referenceSimhash(text, KEY));
});
