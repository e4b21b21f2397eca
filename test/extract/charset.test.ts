import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { createDecoder, decodeAll } from '../../src/extract/charset.js';

/** Bytes that stress the UTF-8 path: BOMs, sequences of every length, cut and invalid ones. */
const tricky = fc.constantFrom(
  [0xef, 0xbb, 0xbf], [0xc3, 0xa4], [0xe2, 0x82, 0xac], [0xf0, 0x9f, 0x98, 0x80], [0xc3], [0xe2, 0x82], [0xf0, 0x9f, 0x98],
  [0xed, 0xa0, 0x80], [0x80], [0xff], [0xc0, 0xaf], [0xe0, 0x80],
);
const asciiRun = fc.array(fc.integer({ min: 0, max: 0x7f }), { minLength: 1, maxLength: 40 });
/** Long ASCII stretches among tricky bytes, so that whole chunks are ASCII, and chunks after them are not. */
const bytes = fc.array(fc.oneof(asciiRun, asciiRun, tricky), { maxLength: 40 }).map((parts) => Uint8Array.from(parts.flat()));

/** `b` cut at `cuts` (any points, empty chunks included), through one decoder. */
function streamed(b: Uint8Array, cuts: number[]): string {
  const points = cuts.map((c) => c % (b.length + 1)).sort((x, y) => x - y);
  const d = createDecoder('utf-8');
  let out = '';
  let from = 0;
  for (const p of [...points, b.length]) {
    out += d.write(b.subarray(from, p));
    from = p;
  }
  return out + d.end();
}

describe('UTF-8 decoder', () => {
  it('property: the text TextDecoder gives for all the bytes at once, however they are cut (ASCII chunks copied)', () => {
    fc.assert(
      fc.property(bytes, fc.array(fc.nat(), { maxLength: 30 }), (b, cuts) => {
        assert.equal(streamed(b, cuts), new TextDecoder('utf-8').decode(b));
      }),
      { seed: 23, numRuns: 3000 },
    );
  });

  it('drops a BOM only at the start, also when ASCII chunks come first', () => {
    const bom = [0xef, 0xbb, 0xbf];
    const ab = [0x61, 0x62];
    assert.equal(streamed(Uint8Array.from([...bom, ...ab]), [3]), 'ab');
    assert.equal(streamed(Uint8Array.from([...ab, ...bom, ...ab]), [2]), 'ab\ufeffab');
    assert.equal(streamed(Uint8Array.from([...ab, ...bom, ...ab]), [1, 2, 4]), 'ab\ufeffab');
  });

  it('finishes a sequence cut before an ASCII chunk, and replaces one left unfinished at the end', () => {
    // 'ä' cut after its first byte, then ASCII: the held byte is not lost to the ASCII path.
    assert.equal(streamed(Uint8Array.from([0x61, 0xc3, 0xa4, 0x62]), [2, 3]), 'aäb');
    assert.equal(streamed(Uint8Array.from([0x61, 0xc3]), [1]), 'a\ufffd');
    assert.equal(decodeAll(Uint8Array.from([0xe2, 0x82]), 'utf-8'), '\ufffd');
  });
});
