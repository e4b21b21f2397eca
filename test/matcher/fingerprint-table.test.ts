import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  BLOCK_WORDS,
  bucketOf,
  bucketsFor,
  COMPACT_MIN_BUCKETS,
  filterBlocksFor,
  filterHas,
  FingerprintTable,
  sortByKey,
  STRONG_FILTER_BITS_PER_KEY,
  strongFilterAdd,
  strongFilterHas,
} from '../../src/matcher/fingerprint-table.js';

test('entries are sorted by key; values follow them, and duplicates keep their entry order', () => {
  const val = Uint32Array.of(10, 11, 12, 13);
  const t = FingerprintTable.build(Uint32Array.of(7, 7, 5, 7), Uint32Array.of(1, 1, 1, 1), val);
  assert.deepEqual(t.lookup(7, 1), [10, 11, 13]);
  assert.deepEqual(t.lookup(5, 1), [12]);
  assert.deepEqual(t.lookup(7, 2), []);
  assert.equal(t.find(5, 2), -1);
  // Reordered in place: the key 5 comes first.
  assert.deepEqual([...val], [12, 10, 11, 13]);
  assert.deepEqual([t.hiOf(0), t.loOf(0), t.hiOf(3), t.loOf(3)], [5, 1, 7, 1]);
});

test('without values an entry reports its position, and carried arrays move with the entries', () => {
  // High halves from a few small values (they repeat, and crowd the first bucket) or from all 32-bit values.
  const hiHalf = fc.oneof(fc.integer({ min: 0, max: 20 }), fc.nat({ max: 0xffffffff }));
  fc.assert(
    fc.property(fc.array(fc.tuple(hiHalf, fc.integer({ min: 0, max: 3 })), { maxLength: 400 }), (entries) => {
      const rec = Uint32Array.from(entries.map((_, i) => i));
      const field = Uint8Array.from(entries.map((e) => e[1]));
      // The low half follows from the high half, so a repeated high half is a repeated key.
      const t = FingerprintTable.build(
        Uint32Array.from(entries.map((e) => e[0])),
        Uint32Array.from(entries.map((e) => e[0] % 5)),
        null,
        { carry: [rec, field] },
      );
      for (let i = 0; i < entries.length; i++) {
        const [hi, f] = entries[i]!;
        const at = t.lookup(hi, hi % 5);
        // Every entry with the key, in entry order, each carrying its own record and field.
        const expected = entries.flatMap((e, j) => (e[0] === hi ? [j] : []));
        assert.deepEqual(
          at.map((e) => rec[e]),
          expected,
        );
        assert.ok(at.some((e) => rec[e] === i && field[e] === f));
      }
      for (let e = 1; e < entries.length; e++) {
        const a = [t.hiOf(e - 1), t.loOf(e - 1)];
        const b = [t.hiOf(e), t.loOf(e)];
        assert.ok(a[0]! < b[0]! || (a[0] === b[0] && a[1]! <= b[1]!), 'keys ascend');
      }
    }),
    { seed: 3, numRuns: 200 },
  );
});

test('many entries under one key stay findable, in entry order', () => {
  const n = 50_000;
  const hi = new Uint32Array(n).fill(0xdeadbeef);
  const lo = new Uint32Array(n).fill(0x12345678);
  hi[n - 1] = 1;
  // Another key in the same bucket as the many, to make that bucket need a real sort.
  hi[n / 2] = 0xdeadbee0;
  const val = Uint32Array.from({ length: n }, (_, i) => i);
  const t = FingerprintTable.build(hi, lo, val);
  const shared = t.lookup(0xdeadbeef, 0x12345678);
  assert.equal(shared.length, n - 2);
  assert.deepEqual([shared[0], shared[1], shared[n / 2 - 1], shared[n / 2], shared[n - 3]], [0, 1, n / 2 - 1, n / 2 + 1, n - 2]);
  assert.deepEqual(t.lookup(1, 0x12345678), [n - 1]);
  assert.deepEqual(t.lookup(0xdeadbee0, 0x12345678), [n / 2]);
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

test('memory stays under 16 bytes per identifier fingerprint entry', () => {
  const n = 200_000;
  const hi = new Uint32Array(n);
  const lo = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    hi[i] = Math.imul(i, 2654435761) >>> 0;
    lo[i] = Math.imul(i ^ 0x5bd1e995, 40503) >>> 0;
  }
  const t = FingerprintTable.build(hi, lo, null);
  // Beside the table, the bundle holds a field index (1 byte) and a record index (4 bytes) per entry.
  const perEntry = (t.byteLength + 5 * n) / n;
  assert.ok(perEntry <= 16, `${perEntry} bytes per entry`);
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

test('findAll answers each key as find does, with or without the filter, keys repeated and absent', () => {
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.integer({ min: 0, max: 7 }), fc.nat({ max: 0xffffffff })), { maxLength: 300 }),
      fc.array(fc.tuple(fc.nat({ max: 0xffffffff }), fc.nat({ max: 0xffffffff })), { maxLength: 50 }),
      fc.boolean(),
      (entries, probes, filter) => {
        const t = FingerprintTable.build(Uint32Array.from(entries.map((e) => e[0])), Uint32Array.from(entries.map((e) => e[1])), null, { filter });
        // Present keys, twice some, and their neighbours, which are mostly absent.
        const keys = [...entries.flatMap(([h, l]) => [[h, l], [h, l ^ 1], [h + 1, l]]), ...probes, ...entries.slice(0, 5)];
        const hi = Uint32Array.from(keys.map((k) => k[0]!));
        const lo = Uint32Array.from(keys.map((k) => k[1]!));
        // Stale answers in the output must all be overwritten.
        const out = new Int32Array(keys.length + 3).fill(7);
        t.findAll(hi, lo, keys.length, out);
        for (let i = 0; i < keys.length; i++) assert.equal(out[i], t.find(hi[i]!, lo[i]!), `key ${i}`);
        assert.deepEqual([...out.subarray(keys.length)], [7, 7, 7], 'nothing written past n');
      },
    ),
    { seed: 11, numRuns: 300 },
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

/** A deterministic stream of 32-bit values: keyed fingerprints are uniform, and so are these. */
function keyStream(seed: number): () => number {
  let x = seed;
  return () => (x = (Math.imul(x ^ (x >>> 15), 0x2c1b3c6d) + 0x6a09e667) >>> 0);
}

test('the stronger filter (for tables read from the file) never drops a present key and lets about 0.3 % of absent ones pass', () => {
  const next = keyStream(0x243f6a88);
  // 600,000 keys: 16,407 blocks, so the block takes the high half's top 14 bits, and the fifth bit reads bits 9-12.
  const n = 600_000;
  const hi = Uint32Array.from({ length: n }, next);
  const lo = Uint32Array.from({ length: n }, next);
  const blocks = filterBlocksFor(n, STRONG_FILTER_BITS_PER_KEY);
  const filter = new Int32Array(blocks * BLOCK_WORDS);
  for (let i = 0; i < n; i++) strongFilterAdd(filter, blocks, hi[i]!, lo[i]!);
  for (let i = 0; i < n; i++) assert.ok(strongFilterHas(filter, blocks, hi[i]!, lo[i]!), `entry ${i} filtered out`);
  const weak = FingerprintTable.build(hi, lo, null, { filter: true });
  let strong = 0;
  let plain = 0;
  const probes = 1_000_000;
  for (let i = 0; i < probes; i++) {
    const h = next();
    const l = next();
    if (strongFilterHas(filter, blocks, h, l)) strong++;
    if (filterHas(weak.parts.filter, weak.parts.filter.length / BLOCK_WORDS, h, l)) plain++;
  }
  // Expected for a blocked filter of 14 bits a key and five bits set: 0.29 %; ten bits and three: 1.8 %.
  assert.ok(strong / probes < 0.005, `${strong} of ${probes} absent keys passed the stronger filter`);
  assert.ok(strong > 0, 'a filter that passes nothing is not a Bloom filter of this size');
  assert.ok(plain > 4 * strong, `the table's own filter passed ${plain}, the stronger one ${strong}`);
});

test('the front filter passes about 5 % of absent keys, and with the blocked filter behind it fewer than either', () => {
  const next = keyStream(0x13198a2e);
  // 2^20 keys: the front filter's words are exactly 8 bits a key.
  const n = 1 << 20;
  const hi = Uint32Array.from({ length: n }, next);
  const lo = Uint32Array.from({ length: n }, next);
  const table = FingerprintTable.build(hi.slice(), lo.slice(), null, { filter: true });
  const { filter, front } = table.parts;
  assert.equal(front!.length, n / 4);
  const shift = 32 - Math.log2(front!.length);
  // The front filter's rule written out again here, so that the table is checked against it and not against itself.
  const frontPasses = (h: number, l: number): boolean => {
    const bits = (1 << (h & 31)) | (1 << ((h >>> 5) & 31));
    return (front![l >>> shift]! & bits) === bits;
  };
  for (let i = 0; i < n; i += 97) assert.ok(table.mayContain(hi[i]!, lo[i]!) && frontPasses(hi[i]!, lo[i]!), `entry ${i} filtered out`);
  let passedFront = 0;
  let passedBlocked = 0;
  let passedBoth = 0;
  const probes = 500_000;
  for (let i = 0; i < probes; i++) {
    const h = next();
    const l = next();
    const f = frontPasses(h, l);
    const b = filterHas(filter, filter.length / BLOCK_WORDS, h, l);
    if (f) passedFront++;
    if (b) passedBlocked++;
    if (table.mayContain(h, l)) passedBoth++;
    assert.equal(table.mayContain(h, l), f && b);
  }
  // Two bits of 32 in a word with 8 keys' bits set: (1 - e^(-1/4))^2, about 4.9 %.
  assert.ok(passedFront / probes > 0.03 && passedFront / probes < 0.07, `${passedFront} of ${probes} passed the front filter`);
  assert.ok(passedBoth < passedFront && passedBoth < passedBlocked, `${passedBoth} passed both`);
});

test('sortByKey orders arrays as a table does, and a table built from them answers the same', () => {
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 2 })), { maxLength: 300 }), (entries) => {
      // High halves spread over the whole range, low halves from three values: keys repeat.
      const hi = Uint32Array.from(entries.map((e) => (e[0] * 104_729_003) >>> 0));
      const lo = Uint32Array.from(entries.map((e) => e[1]));
      const rec = Uint32Array.from(entries.map((_, i) => i));
      const sorted = { hi: hi.slice(), lo: lo.slice(), rec: rec.slice() };
      sortByKey(sorted.hi, sorted.lo, [sorted.rec]);
      const expected = [...rec].sort((a, b) => hi[a]! - hi[b]! || lo[a]! - lo[b]! || a - b);
      assert.deepEqual([...sorted.rec], expected);
      assert.deepEqual([...sorted.hi], expected.map((i) => hi[i]));
      assert.deepEqual([...sorted.lo], expected.map((i) => lo[i]));
      // The sorted arrays take build's sequential path; the others its sort. Both give the same table.
      const fromSorted = FingerprintTable.build(sorted.hi, sorted.lo, sorted.rec);
      const fromRaw = FingerprintTable.build(hi, lo, rec.slice());
      for (let v = 0; v <= 40; v++) {
        for (let l = 0; l <= 3; l++) assert.deepEqual(fromSorted.lookup((v * 104_729_003) >>> 0, l), fromRaw.lookup((v * 104_729_003) >>> 0, l));
      }
    }),
    { seed: 11, numRuns: 200 },
  );
});

test('compact keys: a large table keeps high halves in 16 bits and answers every lookup as the full table does', () => {
  // 600,000 entries: 150,000 buckets, above COMPACT_MIN_BUCKETS.
  const n = 600_000;
  let x = 12345;
  const rnd = () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x >>> 0;
  };
  const buckets = bucketsFor(n);
  assert.ok(buckets >= COMPACT_MIN_BUCKETS);
  // Two neighbouring buckets hold only two crafted keys: the same low half, and high halves at the same distance
  // from each bucket's start, so that only the bucket boundary tells them apart (nextOf must not join them).
  const b = 777;
  const firstOf = (bucket: number) => {
    let h = Math.floor((bucket * 2 ** 32) / buckets);
    while (bucketOf(h, buckets) >= bucket) h--;
    while (bucketOf(h, buckets) < bucket) h++;
    return h;
  };
  const hi: number[] = [];
  const lo: number[] = [];
  while (hi.length < n - 12) {
    const h = rnd();
    const bk = bucketOf(h, buckets);
    if (bk === b || bk === b + 1) continue;
    const l = rnd();
    hi.push(h);
    lo.push(l);
    // Some keys repeat.
    if ((l & 63) === 0) {
      hi.push(h);
      lo.push(l);
    }
  }
  hi.length = lo.length = n - 12;
  const crafted = [firstOf(b) + 9, firstOf(b + 1) + 9];
  for (const h of crafted) for (let k = 0; k < 3; k++) hi.push(h), lo.push(0x5eed);
  // The first and last high half of other buckets, where the distance is smallest and largest.
  for (const h of [firstOf(5000), firstOf(5001) - 1, firstOf(buckets - 1), 2 ** 32 - 1, 0, firstOf(1) - 1]) hi.push(h), lo.push(42);
  const val = Uint32Array.from({ length: n }, (_, i) => i);
  const full = FingerprintTable.build(Uint32Array.from(hi), Uint32Array.from(lo), val.slice());
  const compact = FingerprintTable.build(Uint32Array.from(hi), Uint32Array.from(lo), val.slice(), { compactKeys: true, shared: true });
  assert.equal(full.compact, false);
  assert.equal(compact.compact, true);
  assert.equal(compact.parts.hi, null);
  assert.ok(compact.byteLength <= full.byteLength - 2 * n + n / 8 + 1, 'two bytes less per key, one bit more');
  const adopted = new FingerprintTable(structuredClone(compact.parts));
  for (let i = 0; i < n; i++) {
    assert.equal(compact.hiOf(i), full.hiOf(i));
    assert.equal(compact.loOf(i), full.loOf(i));
    assert.equal(compact.nextOf(i), full.nextOf(i));
  }
  for (let i = 0; i < n; i += 97) assert.deepEqual(compact.lookup(hi[i]!, lo[i]!), full.lookup(hi[i]!, lo[i]!));
  for (const t of [compact, adopted]) {
    for (const h of crafted) assert.deepEqual(t.lookup(h, 0x5eed), full.lookup(h, 0x5eed));
    assert.equal(t.lookup(crafted[0]!, 0x5eed).length, 3, 'the key in the next bucket at the same distance is not joined to it');
    for (let k = 0; k < 20_000; k++) {
      const h = rnd();
      const l = rnd();
      assert.equal(t.find(h, l), full.find(h, l));
    }
    // findAll over present keys and absent ones: the same answers as find on the full table.
    const qh = new Uint32Array(30_000);
    const ql = new Uint32Array(30_000);
    for (let k = 0; k < qh.length; k++) {
      const i = (k * 7919) % n;
      const absent = k % 3 === 0;
      qh[k] = absent ? rnd() : hi[i]!;
      ql[k] = absent ? rnd() : lo[i]!;
    }
    for (const h of crafted) (qh[1] = h), (ql[1] = 0x5eed);
    const got = new Int32Array(qh.length);
    t.findAll(qh, ql, qh.length, got);
    for (let k = 0; k < qh.length; k++) assert.equal(got[k], full.find(qh[k]!, ql[k]!), `key ${k}`);
    // Absent keys next to present ones: one off in either half.
    for (let i = 0; i < n; i += 1001) {
      for (const [h, l] of [[hi[i]! + 1, lo[i]!], [hi[i]! - 1, lo[i]!], [hi[i]!, lo[i]! ^ 1]]) assert.equal(t.find(h! >>> 0, l! >>> 0), full.find(h! >>> 0, l! >>> 0));
    }
  }
});

test('compact keys are not used for a small table', () => {
  const t = FingerprintTable.build(Uint32Array.of(3, 1, 2), Uint32Array.of(1, 1, 1), null, { compactKeys: true });
  assert.equal(t.compact, false);
  assert.deepEqual(t.lookup(2, 1), [1]);
});
