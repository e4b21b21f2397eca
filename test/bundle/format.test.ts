import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { decodeBundle, decodeBundleHeader, encodeBundle, entryField, entryRecord, packIdentifierFields, PACKED_RECORDS, type Bundle } from '../../src/bundle/format.js';
import { JsonStringList } from '../../src/bundle/string-list.js';
import { hasCode } from '../../src/errors.js';
import { deriveKeys, generateKey } from '../../src/keys/org-key.js';
import { isSorted, sortByKey } from '../../src/matcher/fingerprint-table.js';
import { loadOrgIndex } from '../../src/matcher/org-index.js';
import { sectionTable, syntheticBundle, withoutPadding } from '../support/bundles.js';

test('a bundle round-trips exactly', () => {
  const b = syntheticBundle('clinic-a', 1000);
  const back = decodeBundle(encodeBundle(b), 'b.lwb');
  assert.deepEqual(back.header, b.header);
  assert.deepEqual([...back.recordIds], [...b.recordIds]);
  assert.deepEqual([...back.ids.hi], [...b.ids.hi]);
  assert.deepEqual([...back.ids.lo], [...b.ids.lo]);
  assert.deepEqual([...back.corro.start], [...b.corro.start]);
});

test('any flipped byte is detected as corruption; truncation too', () => {
  const bytes = encodeBundle(syntheticBundle('clinic-a', 50));
  for (const at of [100, Math.floor(bytes.length / 2), bytes.length - 40]) {
    const bad = Buffer.from(bytes);
    bad[at]! ^= 0x01;
    assert.throws(() => decodeBundle(bad, 'b.lwb'), (e) => hasCode(e, 'LW_BUNDLE_INVALID'), `byte ${at}`);
  }
  assert.throws(() => decodeBundle(bytes.subarray(0, bytes.length - 7), 'b.lwb'), (e) => hasCode(e, 'LW_BUNDLE_INVALID'));
  assert.throws(() => decodeBundle(Buffer.from('not a bundle at all'), 'b.lwb'), /bad magic/);
});

test('another format version is refused with a re-enroll hint', () => {
  const bytes = encodeBundle(syntheticBundle('clinic-a', 5));
  bytes.writeUInt32LE(99, 8);
  assert.throws(() => decodeBundleHeader(bytes, 'b.lwb'), (e) => hasCode(e, 'LW_BUNDLE_VERSION') && /version 99/.test((e as Error).message));
});

test('every section starts 8-aligned, so a decoded bundle is views of the bytes, not copies', () => {
  const b = syntheticBundle('clinic-a', 1000);
  sortByKey(b.ids.hi, b.ids.lo, [b.ids.rec, b.ids.field]);
  // More than 4 KB: Buffer.concat gives it an ArrayBuffer of its own, starting at offset 0.
  const bytes = encodeBundle(b);
  const sections = sectionTable(bytes);
  assert.ok(sections.some((s) => s.name === 'pad'), 'padding was needed somewhere');
  for (const s of sections.filter((x) => x.name !== 'pad')) assert.equal(s.at % 8, 0, `${s.name} at ${s.at}`);
  const back = decodeBundle(bytes, 'b.lwb');
  for (const a of [back.ids.hi, back.ids.rec, back.corro.start, back.canary]) assert.equal(a.buffer, bytes.buffer);
  assert.deepEqual([...back.ids.rec], [...b.ids.rec]);
  // Shared arrays cannot be views of a Buffer: copies.
  assert.ok(decodeBundle(bytes, 'b.lwb', { shared: true }).ids.hi.buffer instanceof SharedArrayBuffer);
});

test('a bundle written without padding decodes to the same content, with copies', () => {
  const b = syntheticBundle('clinic-a', 1000);
  const old = withoutPadding(encodeBundle(b));
  assert.ok(!sectionTable(old).some((s) => s.name === 'pad'));
  assert.ok(sectionTable(old).some((s) => s.at % 4 !== 0), 'some section is misaligned without padding');
  const back = decodeBundle(old, 'b.lwb');
  assert.deepEqual(back.header, b.header);
  assert.deepEqual([...back.ids.hi], [...b.ids.hi]);
  assert.deepEqual([...back.corro.start], [...b.corro.start]);
  assert.notEqual(back.ids.hi.buffer, old.buffer);
});

test('a decoded bundle says whether its bytes were in the current layout', () => {
  const b = syntheticBundle('clinic-a', 1000);
  // Aligned but not in key order, then neither, then both.
  assert.equal(decodeBundle(encodeBundle(b), 'b.lwb').olderLayout, true);
  assert.equal(decodeBundle(withoutPadding(encodeBundle(b)), 'b.lwb').olderLayout, true);
  sortByKey(b.ids.hi, b.ids.lo, [b.ids.rec, b.ids.field]);
  assert.equal(decodeBundle(withoutPadding(encodeBundle(b)), 'b.lwb').olderLayout, true);
  assert.equal(decodeBundle(encodeBundle(b), 'b.lwb').olderLayout, undefined);
  // A small bundle in a pooled Buffer sits anywhere in memory: copied, but its layout is current.
  const small = syntheticBundle('clinic-a', 3);
  sortByKey(small.ids.hi, small.ids.lo, [small.ids.rec, small.ids.field]);
  const pooled = Buffer.alloc(encodeBundle(small).length + 1);
  const at = pooled.subarray(1);
  encodeBundle(small).copy(at);
  assert.equal(decodeBundle(at, 'b.lwb').olderLayout, undefined);
});

test('loading a bundle whose fingerprints are not in key order never writes to its bytes', () => {
  const key = generateKey();
  // The synthetic fingerprints are in no particular order; the loader's tables sort them.
  const b = syntheticBundle('clinic-a', 1000, 1, deriveKeys(key).kcv);
  assert.ok(!isSorted(b.ids.hi, b.ids.lo));
  const bytes = encodeBundle(b);
  const before = Buffer.from(bytes);
  const org = loadOrgIndex(bytes, key, { where: 'b.lwb' });
  assert.ok(isSorted(org.bundle.ids.hi, org.bundle.ids.lo));
  assert.ok(bytes.equals(before), 'the bundle bytes are unchanged (an import stores exactly them)');
  assert.doesNotThrow(() => decodeBundle(bytes, 'b.lwb'));
});

test('record references that are not a JSON array of strings are refused with the section and byte named', () => {
  const b = syntheticBundle('clinic-a', 1);
  // A list over bytes that were never checked; the encoder writes them as they are, with a valid checksum.
  const bytes = encodeBundle({ ...b, recordIds: new JsonStringList({ json: Buffer.from('["R-1-0",7]'), starts: Uint32Array.of(1, 10) }) });
  assert.throws(
    () => decodeBundle(bytes, 'b.lwb'),
    (e) => hasCode(e, 'LW_BUNDLE_INVALID') && /^b\.lwb: not a valid leakwatch bundle \(section record_ids: expected a string at byte 9\)$/.test((e as Error).message),
  );
});

test('identifier fields pack into their records while records fit in 24 bits, and read back the same', () => {
  const ids: Bundle['ids'] = { hi: new Uint32Array(4), lo: new Uint32Array(4), rec: Uint32Array.of(0, 7, PACKED_RECORDS - 1, 3), field: Uint8Array.of(0, 255, 1, 128) };
  const wide: Bundle['ids'] = { ...ids, rec: ids.rec.slice(), field: ids.field.slice() };
  assert.equal(packIdentifierFields(wide, PACKED_RECORDS + 1), false, 'a record index past 24 bits cannot share its word');
  assert.ok(!wide.packed && wide.field.length === 4 && wide.rec[1] === 7);
  const before = { rec: [...ids.rec], field: [...ids.field] };
  assert.equal(packIdentifierFields(ids, PACKED_RECORDS), true);
  assert.ok(ids.packed);
  assert.equal(ids.field.length, 0);
  for (let e = 0; e < 4; e++) {
    assert.equal(entryRecord(ids, e), before.rec[e]);
    assert.equal(entryField(ids, e), before.field[e]);
  }
  assert.equal(packIdentifierFields(ids, PACKED_RECORDS), true, 'packing twice changes nothing');
  assert.equal(entryField(ids, 1), 255);
});
