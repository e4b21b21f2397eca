/**
 * A document's text fingerprints looked up in batches (TextHits) give the
 * enrolled documents, their counts and their order exactly as looking each
 * fingerprint up in turn did, also across the batches' boundaries.
 */
import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import fc from 'fast-check';
import { DiskTable } from '../../src/matcher/disk-table.js';
import { FingerprintTable, sortByKey, type FingerprintLookup } from '../../src/matcher/fingerprint-table.js';
import { TextHits } from '../../src/matcher/text-hits.js';

const dir = mkdtempSync(join(tmpdir(), 'lw-texthits-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** What the matcher did before batching: each key looked up as it came, entries and documents in first-seen order. */
function oneByOne(table: FingerprintLookup, keys: readonly (readonly [number, number])[]): [number, number][] {
  const entries = new Set<number>();
  for (const [h, l] of keys) for (let e = table.find(h, l); e !== -1; e = table.nextOf(e)) entries.add(e);
  const perDoc = new Map<number, number>();
  for (const e of entries) perDoc.set(table.valueOf(e), (perDoc.get(table.valueOf(e)) ?? 0) + 1);
  return [...perDoc];
}

test('documents, counts and order as one lookup at a time, in memory and from the file', () => {
  const n = 120_000;
  // A few hundred documents, keys repeated in pairs (two documents share a fingerprint).
  const hi = Uint32Array.from({ length: n }, (_, i) => Math.imul((i >> 1) + 3, 0x9e3779b1) >>> 0);
  const lo = Uint32Array.from({ length: n }, (_, i) => Math.imul((i >> 1) + 5, 0x85ebca6b) >>> 0);
  const doc = Uint32Array.from({ length: n }, (_, i) => (i * 7919) % 400);
  const keyOf = (i: number) => [hi[i]!, lo[i]!] as const;
  sortByKey(hi, lo, [doc]);
  const path = join(dir, 'w.bin');
  const bytes = (a: Uint32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
  writeFileSync(path, Buffer.concat([randomBytes(7), bytes(hi), bytes(lo), bytes(doc)]));
  const fd = openSync(path, 'r');
  try {
    const disk = DiskTable.build({ fd, where: 'w.bin', count: n, hiAt: 7, loAt: 7 + 4 * n, docAt: 7 + 8 * n })!;
    const memory = FingerprintTable.build(hi.slice(), lo.slice(), doc.slice(), { filter: true });
    fc.assert(
      fc.property(
        // Present keys, absent ones, and runs long enough to cross the batch size (8192 pending keys).
        fc.array(fc.oneof(fc.nat(n - 1).map(keyOf), fc.tuple(fc.nat(), fc.nat()).map(([h, l]) => [h >>> 0, l >>> 0] as const)), { maxLength: 400, size: 'max' }),
        fc.nat(20_000),
        (some, filler) => {
          const keys = [...some];
          for (let i = 0; i < filler; i++) keys.splice((i * 31) % (keys.length + 1), 0, keyOf((i * 104_729) % n));
          const want = oneByOne(memory, keys);
          // The filter tested many keys at once answers as it does key by key (and passes a key, not all of them).
          const khi = Uint32Array.from(keys, ([h]) => h);
          const klo = Uint32Array.from(keys, ([, l]) => l);
          for (const table of [disk, memory]) {
            const passed = new Int32Array(keys.length);
            const k = table.mayContainMany(khi, klo, keys.length, passed);
            assert.deepEqual([...passed.subarray(0, k)], keys.flatMap(([h, l], i) => (table.mayContain(h, l) ? [i] : [])));
          }
          for (const table of [disk, memory]) {
            const hits = new TextHits(table);
            for (const [h, l] of keys) hits.add(h, l);
            assert.deepEqual([...hits.perDocument()], want);
          }
        },
      ),
      { numRuns: 25 },
    );
  } finally {
    closeSync(fd);
  }
});

test('a document with no fingerprint in the table reports none', () => {
  const table = FingerprintTable.build(Uint32Array.of(1, 2), Uint32Array.of(3, 4), Uint32Array.of(0, 1));
  const hits = new TextHits(table);
  hits.add(9, 9);
  assert.deepEqual([...hits.perDocument()], []);
  hits.add(2, 4);
  assert.deepEqual([...hits.perDocument()], [[1, 1]]);
});
