/** Decoding a byte stream into text pieces. */
import { createDecoder } from './charset.js';

/**
 * Bytes decoded per step. Keeps every decoded string (at most twice this in
 * memory) below V8's large-object threshold: a large string is allocated in
 * fresh pages, which made decoding 1 MiB reads several times slower than the
 * decoding itself. 16 KiB rather than 32: the benchmark's whole corpus
 * scanned 2 % faster (CSV and notes 1-5 %, JSON Lines 0-5 % in two sets, plain
 * text the same; docs/performance.md, twenty-third session).
 */
export const DECODE_PIECE_BYTES = 16 * 1024;

/** Yields the decoded text of a byte stream, piece by piece. */
export async function* decodeStream(src: AsyncIterable<Uint8Array>, charset: string): AsyncGenerator<string> {
  const decoder = createDecoder(charset);
  for await (const chunk of src) {
    for (let o = 0; o < chunk.length; o += DECODE_PIECE_BYTES) {
      const text = decoder.write(chunk.subarray(o, o + DECODE_PIECE_BYTES));
      if (text.length > 0) yield text;
    }
  }
  const rest = decoder.end();
  if (rest.length > 0) yield rest;
}
