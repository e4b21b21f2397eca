import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import fc from 'fast-check';
import { FP_MISSING, FP_NONE, FpCache } from '../../src/matcher/fp-cache.js';

test('property: answers as a Map of the entries since it last started over, and starts over at its limit', () => {
  const op = fc.tuple(fc.constantFrom('set', 'none', 'get'), fc.integer({ min: 0, max: 40 }), fc.nat({ max: 0xffffffff }), fc.nat({ max: 0xffffffff }));
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 30 }), fc.array(op, { maxLength: 400 }), (limit, ops) => {
      const cache = new FpCache(limit);
      let ref = new Map<string, [number, number] | null>();
      for (const [kind, k, hi, lo] of ops) {
        const key = `k${k}`;
        if (kind === 'get') {
          const slot = cache.get(key);
          const want = ref.get(key);
          if (want === undefined) assert.equal(slot, FP_MISSING);
          else if (want === null) assert.equal(slot, FP_NONE);
          else assert.deepEqual([cache.hi(slot), cache.lo(slot)], want);
          continue;
        }
        // A new key beyond the limit starts the cache over (as the Maps it replaces did).
        if (ref.size >= limit) ref = new Map();
        if (kind === 'set') {
          const slot = cache.set(key, hi, lo);
          assert.deepEqual([cache.hi(slot), cache.lo(slot)], [hi, lo]);
          ref.set(key, [hi, lo]);
        } else {
          cache.setNone(key);
          ref.set(key, null);
        }
        assert.equal(cache.size, ref.size);
      }
    }),
    { seed: 5, numRuns: 300 },
  );
});

test('starting over wipes the fingerprints it held', () => {
  const cache = new FpCache(2);
  const a = cache.set('a', 0xdeadbeef, 0x12345678);
  cache.set('b', 1, 2);
  cache.set('c', 3, 4);
  assert.equal(cache.get('a'), FP_MISSING);
  // Slot 0 now holds c's fingerprint; a's is gone from the pool.
  assert.deepEqual([cache.hi(a), cache.lo(a)], [3, 4]);
  cache.clear();
  assert.deepEqual([cache.hi(a), cache.lo(a)], [0, 0]);
});
