import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import iconv from 'iconv-lite';
import { DECODE_PIECE_BYTES, decodeStream } from '../../src/extract/text-stream.js';

async function* chunked(bytes: Uint8Array, cuts: number[]): AsyncGenerator<Uint8Array> {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  let from = 0;
  for (const p of [...points, bytes.length]) {
    yield bytes.subarray(from, p);
    from = p;
  }
}

async function decoded(bytes: Uint8Array, charset: string, cuts: number[]): Promise<{ text: string; longest: number }> {
  let text = '';
  let longest = 0;
  for await (const piece of decodeStream(chunked(bytes, cuts), charset)) {
    text += piece;
    longest = Math.max(longest, piece.length);
  }
  return { text, longest };
}

/** Bytes that stress decoders: BOMs, multi-byte sequences, and invalid or cut ones. */
const byte = fc.oneof(
  fc.constantFrom(0x61, 0x0a, 0xef, 0xbb, 0xbf, 0xc3, 0xa4, 0xe2, 0x82, 0xac, 0xf0, 0x9f, 0x98, 0x80, 0xed, 0xa0, 0xff, 0xfe, 0x80, 0xc0),
  fc.integer({ min: 0, max: 255 }),
);
/** A random block repeated so that inputs cross the decoder's piece size. */
const bytes = fc
  .tuple(fc.array(byte, { maxLength: 300 }), fc.oneof(fc.constant(1), fc.integer({ min: 1, max: 400 })))
  .map(([block, times]) => {
    const out = new Uint8Array(block.length * times);
    for (let i = 0; i < times; i++) out.set(block, i * block.length);
    return out;
  });
const cuts = fc.array(fc.nat(), { maxLength: 8 });

describe('decodeStream', () => {
  it('UTF-8: the same text as decoding all bytes at once, however they arrive', async () => {
    await fc.assert(
      fc.asyncProperty(bytes, cuts, async (b, at) => {
        const { text, longest } = await decoded(b, 'utf-8', at);
        assert.equal(text, new TextDecoder('utf-8').decode(b));
        assert.ok(longest <= DECODE_PIECE_BYTES + 3);
      }),
      { numRuns: 300 },
    );
  });

  it('windows-1252 and UTF-16: the same text as iconv-lite on all bytes at once', async () => {
    await fc.assert(
      fc.asyncProperty(bytes, cuts, fc.constantFrom('windows-1252', 'utf-16le', 'utf-16be'), async (b, at, charset) => {
        const { text } = await decoded(b, charset, at);
        assert.equal(text, iconv.decode(Buffer.from(b), charset));
      }),
      { numRuns: 300 },
    );
  });

  it('a BOM split across reads is still dropped', async () => {
    const b = Uint8Array.from([0xef, 0xbb, 0xbf, 0x68, 0xc3, 0xa4]);
    assert.equal((await decoded(b, 'utf-8', [1, 2, 5])).text, 'hä');
  });
});
