import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { createDecoder, decodeAll } from '../../src/extract/charset.js';
import { decodeLatin1Range, LATIN1_MAX_BYTES, latin1KernelResidue, latin1KernelSpec } from '../../src/extract/latin1-kernel.js';
import { instantiateKernel } from '../../src/matcher/wasm-assembler.js';

/** Bytes that stress the UTF-8 path: BOMs, sequences of every length, cut and invalid ones. */
const tricky = fc.constantFrom(
  [0xef, 0xbb, 0xbf], [0xc3, 0xa4], [0xe2, 0x82, 0xac], [0xf0, 0x9f, 0x98, 0x80], [0xc3], [0xe2, 0x82], [0xf0, 0x9f, 0x98],
  [0xed, 0xa0, 0x80], [0x80], [0xff], [0xc0, 0xaf], [0xe0, 0x80],
  // The Latin-1 loop's own forms, their edges, and near misses: a lead without its continuation, C1 and C4 leads.
  [0xc2, 0x80], [0xc2, 0xbf], [0xc3, 0x80], [0xc3, 0xbf], [0xc2, 0xa0], [0xc2], [0xc2, 0x41], [0xc3, 0xc3, 0xa4], [0xc1, 0xbf], [0xc4, 0x80],
);
/** A Latin-1 character as UTF-8 (two bytes from U+0080 on). */
const latin1Char = fc.integer({ min: 0, max: 0xff }).map((c) => (c < 0x80 ? [c] : [0xc0 | (c >> 6), 0x80 | (c & 0x3f)]));
/** Runs of them, long enough for whole chunks that the loop takes (sixteen ASCII bytes a step included). */
const latin1Run = fc.array(fc.oneof(fc.integer({ min: 0x20, max: 0x7e }).map((c) => [c]), latin1Char), { minLength: 1, maxLength: 60 }).map((r) => r.flat());
const asciiRun = fc.array(fc.integer({ min: 0, max: 0x7f }), { minLength: 1, maxLength: 40 });
/** Long ASCII stretches among tricky bytes, so that whole chunks are ASCII, and chunks after them are not. */
const bytes = fc.array(fc.oneof(asciiRun, asciiRun, latin1Run, tricky), { maxLength: 40 }).map((parts) => Uint8Array.from(parts.flat()));

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
  it('property: the text TextDecoder gives for all the bytes at once, however they are cut (ASCII chunks copied, Latin-1 ones narrowed)', () => {
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

describe('the Latin-1 loop', () => {
  const latin1 = (text: string): Uint8Array => new TextEncoder().encode(text);

  it('gives what TextDecoder gives for every character below U+0100, at every position of a vector', () => {
    for (let c = 0; c < 0x100; c++) {
      for (let pad = 0; pad < 18; pad++) {
        const text = `${'a'.repeat(pad)}${String.fromCharCode(c)}${'b'.repeat(17)}`;
        assert.equal(decodeLatin1Range(latin1(text)), text, `U+${c.toString(16)} after ${pad}`);
      }
    }
    assert.equal(latin1KernelResidue(), 0);
  });

  it('declines a character from U+0100 on, an invalid or unfinished sequence, and a BOM, wherever it stands', () => {
    for (const bad of [[0xc4, 0x80], [0xe2, 0x82, 0xac], [0xc3], [0xc2, 0x41], [0xc1, 0xbf], [0x80], [0xef, 0xbb, 0xbf], [0xf0, 0x9f, 0x98, 0x80]]) {
      for (let pad = 0; pad < 34; pad += 3) {
        const b = Uint8Array.from([...Array(pad).fill(0x61), ...bad, ...Array(20).fill(0x62)]);
        assert.equal(decodeLatin1Range(b), null, `${bad} after ${pad}`);
        assert.equal(decodeLatin1Range(b.subarray(0, pad + bad.length)), null, `${bad} at the end after ${pad}`);
      }
    }
    assert.equal(latin1KernelResidue(), 0);
  });

  it('property: text below U+0100 comes back as it was; with any other bytes, the same or nothing', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.integer({ min: 0, max: 0xff }).map((c) => String.fromCharCode(c)), maxLength: 200 }), (text) => {
        assert.equal(decodeLatin1Range(latin1(text)), text);
      }),
      { seed: 24, numRuns: 1000 },
    );
    fc.assert(
      fc.property(bytes, (b) => {
        const got = decodeLatin1Range(b);
        if (got !== null) assert.equal(got, new TextDecoder('utf-8', { ignoreBOM: true }).decode(b));
      }),
      { seed: 24, numRuns: 2000 },
    );
    assert.equal(latin1KernelResidue(), 0);
  });

  it('the loop without SIMD gives the same lengths and bytes', () => {
    const kernels = [latin1KernelSpec(true), latin1KernelSpec(false)].map((spec) => instantiateKernel<(n: number) => number>(spec)!);
    const run = (k: (typeof kernels)[number], b: Uint8Array): string => {
      new Uint8Array(k.memory).set(b);
      const r = k.fn(b.length);
      return r < 0 ? 'declined' : Buffer.from(k.memory, 0, r).toString('latin1');
    };
    fc.assert(
      fc.property(bytes, (b) => {
        assert.equal(run(kernels[0]!, b), run(kernels[1]!, b));
      }),
      { seed: 24, numRuns: 1000 },
    );
  });

  it('leaves a chunk longer than its limit to TextDecoder, and nothing in its memory', () => {
    assert.equal(decodeLatin1Range(new Uint8Array(LATIN1_MAX_BYTES + 1).fill(0x61)), null);
    const long = 'Hämäläinen Åsa Öberg '.repeat(20_000);
    assert.equal(decodeLatin1Range(latin1(long)), long);
    assert.equal(latin1KernelResidue(), 0);
  });
});
