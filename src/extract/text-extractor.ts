/** Plain text: decoded and handed over in bounded chunks. */
import type { ExtractContext } from './context.js';
import type { Extractor } from './dispatch.js';
import { TextChunker } from './text-chunker.js';
import { decodeStream } from './text-stream.js';

/**
 * Text parts are kept well below V8's large-object size: every large string
 * is allocated in fresh pages, which costs more than matching its text.
 */
export const TEXT_PART_CHARS = 48 * 1024;

/** A chunker that hands `text` parts to the sink. */
export function textChunker(ctx: ExtractContext): TextChunker {
  const { maxChunkChars, maxCellChars } = ctx.limits;
  return new TextChunker((text) => ctx.sink.part({ kind: 'text', text }), Math.min(maxChunkChars, TEXT_PART_CHARS), maxCellChars);
}

/** Extracts plain text. */
export const extractPlainText: Extractor = async (src, _ref, detected, ctx) => {
  const chunker = textChunker(ctx);
  for await (const text of decodeStream(src, detected.charset ?? 'utf-8')) chunker.write(text);
  chunker.end();
};
