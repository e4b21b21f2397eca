import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { HammingIndex, type HammingEntry, type HammingMatch } from '../../src/matcher/hamming-index.js';
import { hamming64 } from '../../src/matcher/simhash.js';
import { hasCode } from '../../src/errors.js';

function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return s >>> 0;
  };
}

/** `value` with `bits` distinct random bit positions flipped. */
function flip(hi: number, lo: number, bits: number, next: () => number): [number, number] {
  const chosen = new Set<number>();
  while (chosen.size < bits) chosen.add(next() % 64);
  for (const b of chosen) {
    if (b < 32) lo ^= 1 << b;
    else hi ^= 1 << (b - 32);
  }
  return [hi >>> 0, lo >>> 0];
}

function bruteForce(entries: HammingEntry[], hi: number, lo: number, max: number): HammingMatch[] {
  return entries
    .map((e) => ({ id: e.id, distance: hamming64(hi, lo, e.hi, e.lo) }))
    .filter((m) => m.distance <= max)
    .sort((a, b) => a.distance - b.distance || a.id - b.id);
}

test('finds planted neighbours at distances 0..3 exactly and leaves out distance 4', () => {
  const next = rng(12345);
  const entries: HammingEntry[] = [];
  for (let id = 0; id < 20000; id++) entries.push({ hi: next(), lo: next(), id });
  const queries: [number, number][] = [];
  for (let q = 0; q < 200; q++) {
    const hi = next();
    const lo = next();
    queries.push([hi, lo]);
    for (let d = 0; d <= 4; d++) {
      const [fh, fl] = flip(hi, lo, d, next);
      entries.push({ hi: fh, lo: fl, id: 100000 + 10 * q + d });
    }
  }
  const index = new HammingIndex(entries);
  assert.equal(index.size, entries.length);
  queries.forEach(([hi, lo], q) => {
    const found = index.query(hi, lo);
    assert.deepEqual(found, bruteForce(entries, hi, lo, 3));
    const planted = found.filter((m) => m.id >= 100000 + 10 * q && m.id < 100000 + 10 * q + 10);
    assert.deepEqual(
      planted.map((m) => m.distance),
      [0, 1, 2, 3],
    );
    assert.ok(!found.some((m) => m.id === 100000 + 10 * q + 4));
  });
});

test('agrees with brute force for every maxDistance 0..3 on clustered random data', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1 }), fc.integer({ min: 0, max: 300 }), (seed, n) => {
      const next = rng(seed);
      // Few distinct blocks make buckets crowded and entries share several blocks.
      const pool = [0, 0xffff, next() & 0xffff, next() & 0xffff];
      const pick = (): number => ((pool[next() % 4]! << 16) | pool[next() % 4]!) >>> 0;
      const entries: HammingEntry[] = [];
      for (let id = 0; id < n; id++) {
        const [hi, lo] = flip(pick(), pick(), next() % 3, next);
        entries.push({ hi, lo, id });
      }
      const index = new HammingIndex(entries);
      for (let q = 0; q < 10; q++) {
        const [hi, lo] = flip(pick(), pick(), next() % 4, next);
        for (let max = 0; max <= 3; max++) assert.deepEqual(index.query(hi, lo, max), bruteForce(entries, hi, lo, max));
      }
    }),
    { numRuns: 100 },
  );
});

test('column input gives the same answers as entry objects, duplicates included', () => {
  const entries: HammingEntry[] = [
    { hi: 0xdeadbeef, lo: 0x01234567, id: 7 },
    { hi: 0xdeadbeef, lo: 0x01234567, id: 3 },
    { hi: 0xdeadbeef, lo: 0x01234566, id: 9 },
  ];
  const columns = new HammingIndex({
    hi: Uint32Array.from(entries.map((e) => e.hi)),
    lo: Uint32Array.from(entries.map((e) => e.lo)),
    id: entries.map((e) => e.id),
  });
  const expected = [
    { id: 3, distance: 0 },
    { id: 7, distance: 0 },
    { id: 9, distance: 1 },
  ];
  assert.deepEqual(new HammingIndex(entries).query(0xdeadbeef, 0x01234567), expected);
  assert.deepEqual(columns.query(0xdeadbeef, 0x01234567), expected);
  assert.deepEqual(new HammingIndex([]).query(1, 2), []);
});

test('refuses distances the pigeonhole argument does not cover, and ragged columns', () => {
  const index = new HammingIndex([{ hi: 1, lo: 2, id: 1 }]);
  for (const bad of [4, -1, 1.5]) assert.throws(() => index.query(1, 2, bad), (e) => hasCode(e, 'LW_USAGE'));
  assert.throws(
    () => new HammingIndex({ hi: new Uint32Array(2), lo: new Uint32Array(1), id: [1, 2] }),
    (e) => hasCode(e, 'LW_USAGE'),
  );
});
