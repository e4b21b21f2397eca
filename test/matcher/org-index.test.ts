import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeBundle, encodeBundle } from '../../src/bundle/format.js';
import { JsonStringList } from '../../src/bundle/string-list.js';
import { deriveKeys, generateKey } from '../../src/keys/org-key.js';
import { FILTER_MIN_ENTRIES, isSorted, sortByKey } from '../../src/matcher/fingerprint-table.js';
import { bundleInCurrentLayout, loadOrgIndex, orgIndexFromShared, shareOrgIndex, type OrgIndex } from '../../src/matcher/org-index.js';
import { sectionTable, syntheticBundle, withoutPadding } from '../support/bundles.js';

const key = generateKey();
// Above FILTER_MIN_ENTRIES, so the identifier table has its probe filter too.
const n = FILTER_MIN_ENTRIES + 4_000;
const bytes = encodeBundle(syntheticBundle('clinic-a', n, 3, deriveKeys(key).kcv));
const options = { where: 'test', watchTerms: ['Lakeside Therapy Centre'] };

/** Every typed array of an index: the bundle's and the tables'. */
function arraysOf(o: OrgIndex): [string, ArrayBufferView][] {
  const b = o.bundle;
  const named: [string, ArrayBufferView][] = [
    ['canary', b.canary],
    ['ids.rec', b.ids.rec],
    ['ids.field', b.ids.field],
    ['corro.start', b.corro.start],
    ['winnow.doc', b.winnow.doc],
    ['simhash.has', b.simhash.has],
  ];
  if (b.recordIds instanceof JsonStringList) named.push(['record_ids.json', b.recordIds.parts.json], ['record_ids.starts', b.recordIds.parts.starts]);
  for (const [t, table] of [['ids', o.ids], ['winnow', o.winnow]] as const) {
    const p = table.parts;
    if ('lo' in p) {
      named.push([`${t}.lo`, p.lo]);
      if (p.hi) named.push([`${t}.hi`, p.hi]);
      if (p.off && p.starts) named.push([`${t}.off`, p.off], [`${t}.starts`, p.starts]);
    }
    named.push([`${t}.dir`, p.dir], [`${t}.filter`, p.filter]);
  }
  return named;
}

describe('organization index shared with worker threads', () => {
  const plain = loadOrgIndex(bytes, key, options);
  const sharedOptions = { ...options, shared: true };
  const shared = loadOrgIndex(bytes, key, sharedOptions);
  // What a worker receives: a structured clone, as postMessage and workerData make.
  const adopted = orgIndexFromShared(structuredClone(shareOrgIndex(shared, sharedOptions)));

  it('is built on SharedArrayBuffer only when asked', () => {
    assert.ok(shared.bundle.recordIds instanceof JsonStringList && plain.bundle.recordIds instanceof JsonStringList);
    assert.ok(plain.ids.parts.filter.length > 0, 'the identifier table has a filter');
    for (const [name, a] of arraysOf(shared)) assert.ok(a.buffer instanceof SharedArrayBuffer, `${name} is shared`);
    for (const [name, a] of arraysOf(plain)) assert.ok(!(a.buffer instanceof SharedArrayBuffer), `${name} is not shared`);
  });

  it('reaches the worker as the same memory, not a copy', () => {
    const mine = shared.bundle.canary;
    const theirs = adopted.bundle.canary;
    assert.ok(theirs.buffer instanceof SharedArrayBuffer);
    mine[0] = 1;
    assert.equal(theirs[0], 1);
    mine[0] = 0;
    assert.equal(theirs[0], 0);
  });

  it('answers every lookup as an index loaded in the thread itself', () => {
    // The loader sorts the bundle's arrays (this synthetic one is not in key order); the bundle as made still has them unsorted.
    const { hi, lo, rec } = syntheticBundle('clinic-a', n, 3).ids;
    for (let i = 0; i < n; i++) {
      const e = plain.ids.find(hi[i]!, lo[i]!);
      assert.equal(adopted.ids.find(hi[i]!, lo[i]!), e);
      // The tables sort the entries; each keeps its own record.
      assert.equal(plain.bundle.ids.rec[e], rec[i]);
      assert.equal(adopted.bundle.ids.rec[e], rec[i]);
      // A key off by one bit in either half is absent from both.
      assert.equal(adopted.ids.find(hi[i]!, (lo[i]! ^ 1) >>> 0), plain.ids.find(hi[i]!, (lo[i]! ^ 1) >>> 0));
      assert.equal(adopted.ids.find((hi[i]! ^ 0x8000) >>> 0, lo[i]!), plain.ids.find((hi[i]! ^ 0x8000) >>> 0, lo[i]!));
    }
    assert.equal(adopted.ids.size, n);
    assert.equal(adopted.bundle.recordIds.length, n);
    assert.equal(adopted.bundle.recordIds.at(n - 1), plain.bundle.recordIds.at(n - 1));
    assert.equal(adopted.bundle.recordIds.at(n - 1), `R-3-${n - 1}`);
    assert.deepEqual(adopted.keys, plain.keys);
    assert.ok(Object.isFrozen(adopted.keys));
    assert.deepEqual(adopted.terms, plain.terms);
    assert.deepEqual(
      adopted.fields.map((f) => f.label),
      plain.fields.map((f) => f.label),
    );
  });

  it('rejects a wrong key before anything is shared', () => {
    assert.throws(() => loadOrgIndex(bytes, generateKey(), sharedOptions), { code: 'LW_KEY_MISMATCH' });
  });
});

describe('a bundle stored in the current layout', () => {
  it('is the same bytes when it already is in it', () => {
    const b = syntheticBundle('clinic-a', 2_000, 5, deriveKeys(key).kcv);
    sortByKey(b.ids.hi, b.ids.lo, [b.ids.rec, b.ids.field]);
    const current = encodeBundle(b);
    assert.equal(bundleInCurrentLayout(loadOrgIndex(current, key, options), current), current);
  });

  it('is encoded again, with the same content, when an earlier leakwatch wrote it', () => {
    const made = syntheticBundle('clinic-a', 2_000, 5, deriveKeys(key).kcv);
    // Unpadded and not in key order, as bundles were before this layout.
    const old = withoutPadding(encodeBundle(syntheticBundle('clinic-a', 2_000, 5, deriveKeys(key).kcv)));
    const oldCopy = Buffer.from(old);
    const stored = bundleInCurrentLayout(loadOrgIndex(old, key, options), old);
    assert.notEqual(stored, old);
    assert.ok(old.equals(oldCopy), 'the given bytes are left as they were');
    assert.ok(sectionTable(stored).every((s) => s.name === 'pad' || s.at % 8 === 0));
    const again = decodeBundle(stored, 'stored');
    assert.ok(isSorted(again.ids.hi, again.ids.lo));
    assert.equal(again.ids.hi.buffer, stored.buffer, 'loads without copies');
    assert.deepEqual(again.header, made.header);
    assert.deepEqual([...again.recordIds], [...made.recordIds]);
    // Every enrolled fingerprint still leads to its own record.
    const index = loadOrgIndex(stored, key, options);
    for (let i = 0; i < made.ids.hi.length; i++) {
      const e = index.ids.find(made.ids.hi[i]!, made.ids.lo[i]!);
      assert.equal(index.bundle.ids.rec[e], made.ids.rec[i]);
    }
    // And the layout is now current: a second import stores it as it is.
    assert.equal(bundleInCurrentLayout(index, stored), stored);
  });
});
