/**
 * OOXML documents (.docx text, .xlsx rows). Both need random access to the
 * package, so they are buffered up to maxBufferBytes; larger ones are hashed
 * only. Every part is inflated with size and ratio caps.
 */
import { bufferUpTo } from './byte-source.js';
import { report, throwIfAborted, type ExtractContext } from './context.js';
import type { Extractor } from './dispatch.js';
import { docxText } from './docx-text.js';
import { textChunker } from './text-extractor.js';
import type { DocumentRef } from './types.js';
import { openXlsx } from './xlsx-reader.js';

async function buffered(src: AsyncIterable<Uint8Array>, ref: DocumentRef, ctx: ExtractContext): Promise<Uint8Array | undefined> {
  const buf = await bufferUpTo(src, ctx.limits.maxBufferBytes);
  if (buf === undefined) report(ctx, ref, 'LW_EXTRACT_LIMIT', 'document larger than maxBufferBytes; hashed only');
  return buf;
}

function caps(ctx: ExtractContext): { maxBytes: number; maxRatio: number; maxEntries: number } {
  const { maxBufferBytes, maxRatio, maxEntries } = ctx.limits;
  return { maxBytes: maxBufferBytes, maxRatio, maxEntries };
}

/** Extracts the text of a .docx. */
export const extractDocx: Extractor = async (src, ref, _detected, ctx) => {
  const buf = await buffered(src, ref, ctx);
  if (buf === undefined) return;
  const chunker = textChunker(ctx);
  for (const text of docxText(buf, caps(ctx))) {
    throwIfAborted(ctx.signal);
    chunker.write(text);
  }
  chunker.end();
};

/** Extracts the rows of every sheet of a .xlsx; each sheet's first row is its header. */
export const extractXlsx: Extractor = async (src, ref, _detected, ctx) => {
  const buf = await buffered(src, ref, ctx);
  if (buf === undefined) return;
  for (const sheet of openXlsx(buf, { ...caps(ctx), maxCellChars: ctx.limits.maxCellChars })) {
    let header: string[] | undefined;
    for (const { cells } of sheet.rows()) {
      throwIfAborted(ctx.signal);
      if (header === undefined) {
        header = cells;
        ctx.sink.part({ kind: 'row', cells });
      } else {
        ctx.sink.part({ kind: 'row', cells, header });
      }
    }
  }
};
