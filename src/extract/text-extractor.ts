/** Plain text: decoded and handed over in bounded chunks. */
import type { ExtractContext } from './context.js';
import type { Extractor } from './dispatch.js';
import { TextChunker } from './text-chunker.js';
import { decodeStream } from './text-stream.js';

/** A chunker that hands `text` parts to the sink. */
export function textChunker(ctx: ExtractContext): TextChunker {
  const { maxChunkChars, maxCellChars } = ctx.limits;
  return new TextChunker((text) => ctx.sink.part({ kind: 'text', text }), maxChunkChars, maxCellChars);
}

/** Extracts plain text. */
export const extractPlainText: Extractor = async (src, _ref, detected, ctx) => {
  const chunker = textChunker(ctx);
  for await (const text of decodeStream(src, detected.charset ?? 'utf-8')) chunker.write(text);
  chunker.end();
};
