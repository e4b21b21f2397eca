import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import fc from 'fast-check';
import { FingerprintTable } from '../../src/matcher/fingerprint-table.js';

test('lookup returns every value stored under a key and nothing for absent keys', () => {
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.integer({ min: 0, max: 7 }), fc.nat({ max: 0xffffffff }), fc.nat()), { maxLength: 300 }),
      fc.tuple(fc.integer({ min: 0, max: 7 }), fc.nat({ max: 0xffffffff })),
      (entries, probe) => {
        const t = new FingerprintTable(
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
  const t = new FingerprintTable(hi, lo, new Uint32Array(n));
  // The bundle adds one byte (field index) per entry beside the table.
  assert.ok((t.byteLength + n) / n <= 32, `${(t.byteLength + n) / n} bytes per entry`);
});
