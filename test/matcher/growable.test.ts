import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { doubled, grownWiped } from '../../src/matcher/growable.js';

test('grownWiped doubles until the room is there, keeps the contents, and wipes the old array', () => {
  const a = Uint16Array.of(0x61, 0xe4, 0x4e00);
  const b = grownWiped(a, 10);
  assert.equal(b.length, 12);
  assert.ok(b instanceof Uint16Array);
  assert.deepEqual([...b.subarray(0, 3)], [0x61, 0xe4, 0x4e00]);
  assert.deepEqual([...b.subarray(3)], new Array(9).fill(0));
  assert.deepEqual([...a], [0, 0, 0]);
  // Room already there: the same size, still a copy, and the old one wiped.
  const c = Uint32Array.of(7, 8);
  const d = grownWiped(c, 2);
  assert.deepEqual([...d], [7, 8]);
  assert.deepEqual([...c], [0, 0]);
  // An empty array grows too.
  assert.equal(grownWiped(new Int32Array(0), 3).length, 4);
});

test('doubled keeps the contents and leaves the old array as it was', () => {
  const a = Uint8Array.of(1, 2);
  assert.deepEqual([...doubled(a)], [1, 2, 0, 0]);
  assert.deepEqual([...a], [1, 2]);
});
