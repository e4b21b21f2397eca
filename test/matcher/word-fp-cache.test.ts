import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import fc from 'fast-check';
import { WORD_HASH_SEED, WordFpCache } from '../../src/matcher/word-fp-cache.js';

/** Words from few letters (so they repeat and share hash slots), some outside ASCII and Latin-1. */
const word = fc.array(fc.constantFrom('a', 'b', 'ä', 'Ö', 'š', '\u4e00', "'", '1'), { minLength: 0, maxLength: 6 }).map((cs) => cs.join(''));

/** A word's hash as a loop over its units makes it for findHashed (FNV-1a from WORD_HASH_SEED). */
function hashOf(w: string): number {
  let h = WORD_HASH_SEED;
  for (let i = 0; i < w.length; i++) h = Math.imul(h ^ w.charCodeAt(i), 0x01000193);
  return h;
}

test('property: answers as a Map of the words since it last started over, found where they stand in any text (hash made by the cache or given)', () => {
  const op = fc.record({ w: word, pad: fc.string({ maxLength: 4 }), fps: fc.array(fc.nat({ max: 0xffffffff }), { maxLength: 4 }), add: fc.boolean(), hashed: fc.boolean() });
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 60 }), fc.array(op, { maxLength: 300 }), (limit, maxUnits, ops) => {
      const cache = new WordFpCache(limit, maxUnits);
      let ref = new Map<string, number[]>();
      let units = 0;
      for (const { w, pad, fps, add, hashed } of ops) {
        // The word inside other text: only text[from, to) may count.
        const text = `${pad}${w}${pad}`;
        const from = pad.length;
        const to = from + w.length;
        const e = hashed ? cache.findHashed(text, from, to, hashOf(w)) : cache.find(text, from, to);
        const want = ref.get(w);
        if (want === undefined) assert.equal(e, -1);
        else {
          assert.notEqual(e, -1);
          const got: number[] = [];
          for (let k = cache.fpFrom(e); k < cache.fpTo(e); k++) got.push(cache.fp(k));
          assert.deepEqual(got, want);
        }
        if (!add || want !== undefined) continue;
        const r = hashed ? cache.addHashed(text, from, to, Uint32Array.from(fps), fps.length, hashOf(w)) : cache.add(text, from, to, Uint32Array.from(fps), fps.length);
        if (w.length > maxUnits) {
          assert.equal(r, -1);
          continue;
        }
        // A new word beyond the limit, or past the units bound, starts the cache over.
        if (ref.size >= limit || units + w.length > maxUnits) {
          ref = new Map();
          units = 0;
        }
        ref.set(w, fps);
        units += w.length;
        assert.equal(cache.size, ref.size);
        assert.equal(cache.find(text, from, to), r);
        assert.equal(cache.findHashed(text, from, to, hashOf(w)), r);
      }
    }),
    { seed: 23, numRuns: 400 },
  );
});

test('grows past its first slots and entries, and finds every word after', () => {
  const cache = new WordFpCache(20_000);
  const words = Array.from({ length: 5000 }, (_, i) => `w${i.toString(36)}`);
  words.forEach((w, i) => cache.add(w, 0, w.length, [i, i + 1], 2));
  assert.equal(cache.size, 5000);
  words.forEach((w, i) => {
    const e = cache.find(` ${w} `, 1, 1 + w.length);
    assert.deepEqual([cache.fp(cache.fpFrom(e)), cache.fp(cache.fpFrom(e) + 1), cache.fpTo(e) - cache.fpFrom(e)], [i, i + 1, 2]);
  });
  assert.equal(cache.find('w', 0, 1), -1);
});

test('words with the same hash are told apart by their units', () => {
  // 'yaczf' and 'glbpp' have the same 32-bit FNV-1a hash (found by a search over five-letter words).
  const cache = new WordFpCache(10);
  cache.add('yaczf', 0, 5, [1], 1);
  assert.equal(cache.find('glbpp', 0, 5), -1);
  const e = cache.add('glbpp', 0, 5, [2], 1);
  assert.equal(cache.fp(cache.fpFrom(cache.find('glbpp', 0, 5))), 2);
  assert.equal(cache.fp(cache.fpFrom(cache.find('yaczf', 0, 5))), 1);
  assert.equal(cache.find('glbpp', 0, 5), e);
});

test('starting over, by limit or by clear, wipes the words and fingerprints it held', () => {
  const cache = new WordFpCache(2);
  cache.add('Virtanen', 0, 8, [0xdeadbeef], 1);
  cache.add('Matti', 0, 5, [0x12345678, 7], 2);
  assert.ok(cache.residue() > 0);
  cache.add('Liisa', 0, 5, [9], 1);
  assert.equal(cache.find('Virtanen', 0, 8), -1);
  assert.equal(cache.size, 1);
  // Only Liisa's five units and one fingerprint are left.
  assert.equal(cache.residue(), 6);
  cache.clear();
  assert.equal(cache.residue(), 0);
  assert.equal(cache.size, 0);
  assert.equal(cache.find('Liisa', 0, 5), -1);
});

test('rejects a limit under one', () => {
  assert.throws(() => new WordFpCache(0), RangeError);
});
