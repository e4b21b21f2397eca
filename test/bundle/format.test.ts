import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { decodeBundle, decodeBundleHeader, encodeBundle } from '../../src/bundle/format.js';
import { hasCode } from '../../src/errors.js';
import { syntheticBundle } from '../support/bundles.js';

test('a bundle round-trips exactly', () => {
  const b = syntheticBundle('clinic-a', 1000);
  const back = decodeBundle(encodeBundle(b), 'b.lwb');
  assert.deepEqual(back.header, b.header);
  assert.deepEqual(back.recordIds, b.recordIds);
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
