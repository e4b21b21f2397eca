/**
 * HTML and XML. HTML up to DOM_MAX_BYTES is parsed with cheerio: visible text
 * plus one `row` part per table row (<th> rows become the header). Larger
 * HTML, and all XML, goes through the streaming tag stripper (text only).
 */
import { concat } from './byte-source.js';
import { decodeAll, createDecoder } from './charset.js';
import type { Extractor } from './dispatch.js';
import { htmlDocument } from './html-dom.js';
import { HtmlStripper } from './html-stripper.js';
import { textChunker } from './text-extractor.js';
import { decodeStream } from './text-stream.js';

/** HTML larger than this is stripped rather than parsed: a DOM costs many times the text. */
const DOM_MAX_BYTES = 16 * 1024 * 1024;

/** Extracts visible text and tables from HTML. */
export const extractHtml: Extractor = async (src, _ref, detected, ctx) => {
  const charset = detected.charset ?? 'utf-8';
  const domLimit = Math.min(ctx.limits.maxBufferBytes, DOM_MAX_BYTES);
  const chunker = textChunker(ctx);
  let buffered: Uint8Array[] | undefined = [];
  let size = 0;
  const decoder = createDecoder(charset);
  const stripper = new HtmlStripper((t) => chunker.write(t));
  for await (const chunk of src) {
    if (buffered !== undefined) {
      size += chunk.length;
      if (size <= domLimit) {
        buffered.push(chunk);
        continue;
      }
      for (const b of buffered) stripper.write(decoder.write(b));
      buffered = undefined;
    }
    stripper.write(decoder.write(chunk));
  }
  if (buffered === undefined) {
    stripper.write(decoder.end());
    stripper.end();
    chunker.end();
    return;
  }
  const html = decodeAll(concat(buffered), charset);
  buffered = undefined;
  const tables = htmlDocument(html, (t) => chunker.write(t), ctx.limits.maxCellChars);
  chunker.end();
  for (const table of tables ?? []) {
    for (const cells of table.rows) {
      ctx.sink.part(table.header === undefined ? { kind: 'row', cells } : { kind: 'row', cells, header: table.header });
    }
  }
};

/** Extracts the text content of XML. */
export const extractXml: Extractor = async (src, _ref, detected, ctx) => {
  const chunker = textChunker(ctx);
  const stripper = new HtmlStripper((t) => chunker.write(t));
  for await (const text of decodeStream(src, detected.charset ?? 'utf-8')) stripper.write(text);
  stripper.end();
  chunker.end();
};
