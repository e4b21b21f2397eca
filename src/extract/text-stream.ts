/** Decoding a byte stream into text pieces. */
import { createDecoder } from './charset.js';

/** Yields the decoded text of a byte stream, piece by piece. */
export async function* decodeStream(src: AsyncIterable<Uint8Array>, charset: string): AsyncGenerator<string> {
  const decoder = createDecoder(charset);
  for await (const chunk of src) {
    const text = decoder.write(chunk);
    if (text.length > 0) yield text;
  }
  const rest = decoder.end();
  if (rest.length > 0) yield rest;
}
