import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import fc from 'fast-check';
import { FingerprintTable } from '../../src/matcher/fingerprint-table.js';

test('entries without values report their own index, duplicates in entry order', () => {
  const t = FingerprintTable.build(Uint32Array.of(7, 7, 9, 7), Uint32Array.of(1, 1, 1, 1), null);
  assert.deepEqual(t.lookup(7, 1), [0, 1, 3]);
  assert.deepEqual(t.lookup(9, 1), [2]);
  assert.deepEqual(t.lookup(7, 2), []);
  assert.equal(t.find(9, 2), -1);
});

test('many entries under one key stay findable, in entry order', () => {
  const n = 50_000;
  const hi = new Uint32Array(n).fill(0xdeadbeef);
  const lo = new Uint32Array(n).fill(0x12345678);
  hi[n - 1] = 1;
  const t = FingerprintTable.build(hi, lo, null);
  const shared = t.lookup(0xdeadbeef, 0x12345678);
  assert.equal(shared.length, n - 1);
  assert.deepEqual([shared[0], shared[1], shared[n - 2]], [0, 1, n - 2]);
  assert.deepEqual(t.lookup(1, 0x12345678), [n - 1]);
});

test('lookup returns every value stored under a key and nothing for absent keys', () => {
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.integer({ min: 0, max: 7 }), fc.nat({ max: 0xffffffff }), fc.nat()), { maxLength: 300 }),
      fc.tuple(fc.integer({ min: 0, max: 7 }), fc.nat({ max: 0xffffffff })),
      (entries, probe) => {
        const t = FingerprintTable.build(
          Uint32Array.from(entries.map((e) => e[0])),
          Uint32Array.from(entries.map((e) => e[1])),
          Uint32Array.from(entries.map((e) => e[2] >>> 0)),
        );
        const expected = (hi: number, lo: number) =>
          entries.filter((e) => e[0] === hi && e[1] === lo).map((e) => e[2] >>> 0).sort();
        for (const [hi, lo] of [...entries.map((e) => [e[0], e[1]] as const), probe]) {
          assert.deepEqual(t.lookup(hi, lo).sort(), expected(hi, lo));
        }
      },
    ),
    { seed: 42, numRuns: 200 },
  );
});

test('memory stays under 32 bytes per identifier fingerprint entry', () => {
  const n = 200_000;
  const hi = new Uint32Array(n);
  const lo = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    hi[i] = Math.imul(i, 2654435761) >>> 0;
    lo[i] = Math.imul(i ^ 0x5bd1e995, 40503) >>> 0;
  }
  const t = FingerprintTable.build(hi, lo, null);
  // Beside the table (which keeps `hi`), the bundle holds a field index (1 byte) and a record index (4 bytes) per entry.
  const perEntry = (t.byteLength + 5 * n) / n;
  assert.ok(perEntry <= 32, `${perEntry} bytes per entry`);
  assert.equal(t.lookup(hi[123]!, lo[123]!).length, 1);
});

test('with the probe filter forced on, lookups give the same answers', () => {
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.integer({ min: 0, max: 7 }), fc.nat({ max: 0xffffffff }), fc.nat()), { maxLength: 300 }),
      fc.array(fc.tuple(fc.nat({ max: 0xffffffff }), fc.nat({ max: 0xffffffff })), { maxLength: 50 }),
      (entries, probes) => {
        const arrays = [
          Uint32Array.from(entries.map((e) => e[0])),
          Uint32Array.from(entries.map((e) => e[1])),
          Uint32Array.from(entries.map((e) => e[2] >>> 0)),
        ] as const;
        const plain = FingerprintTable.build(...arrays, { filter: false });
        const filtered = FingerprintTable.build(...arrays, { filter: true });
        for (const [hi, lo] of [...entries.map((e) => [e[0], e[1]] as const), ...probes]) {
          assert.deepEqual(filtered.lookup(hi, lo), plain.lookup(hi, lo));
        }
      },
    ),
    { seed: 7, numRuns: 200 },
  );
});

test('a large table filters out nearly all absent keys and never a present one', () => {
  const n = 100_000;
  const hi = new Uint32Array(n);
  const lo = new Uint32Array(n);
  let x = 0x9e3779b9;
  const next = () => (x = (Math.imul(x ^ (x >>> 15), 0x2c1b3c6d) + 0x6a09e667) >>> 0);
  for (let i = 0; i < n; i++) {
    hi[i] = next();
    lo[i] = next();
  }
  const t = FingerprintTable.build(hi, lo, null);
  for (let i = 0; i < n; i++) assert.ok(t.mayContain(hi[i]!, lo[i]!), `entry ${i} filtered out`);
  let passed = 0;
  for (let i = 0; i < n; i++) if (t.mayContain(next(), next())) passed++;
  // Ten bits a key and three bits set in one block: about 1.6 % pass.
  assert.ok(passed / n < 0.03, `${passed} of ${n} absent keys passed the filter`);
  assert.ok(passed > 0, 'a filter that passes nothing is not a Bloom filter of this size');
  const small = FingerprintTable.build(hi.subarray(0, 100), lo.subarray(0, 100), null);
  assert.equal(small.mayContain(1, 2), true, 'small tables have no filter');
});
