/**
 * PDF text, page by page, via unpdf (pdf.js). The whole file is needed, so it
 * is buffered up to maxBufferBytes; larger files are hashed only. pdf.js runs
 * with eval disabled and no font loading; nothing in the PDF is executed.
 */
import { getDocumentProxy } from 'unpdf';
import { LeakwatchError } from '../errors.js';
import { bufferUpTo } from './byte-source.js';
import { report, throwIfAborted } from './context.js';
import type { Extractor } from './dispatch.js';
import { textChunker } from './text-extractor.js';

/** Exception types pdf.js throws while parsing (its BaseException subclasses, and FormatError). */
const PDFJS_ERRORS = new Set([
  'AbortException', 'FormatError', 'InvalidPDFException', 'MissingDataException', 'ParserEOFException',
  'PasswordException', 'ResponseException', 'UnknownErrorException', 'XRefEntryException', 'XRefParseException',
]);
let rejectionGuard = false;

/**
 * pdf.js parses in-process and, on some corrupt page trees (one flipped byte
 * is enough; found by bench/fuzz.bench.ts), leaves an internal promise
 * rejected with nobody listening: Node's default would then kill the daemon.
 * Those rejections are dropped; any other still ends the process as by default
 * unless the application installed its own handler.
 */
function guardPdfjsRejections(): void {
  if (rejectionGuard) return;
  rejectionGuard = true;
  process.on('unhandledRejection', (reason) => {
    if (reason instanceof Error && PDFJS_ERRORS.has(reason.name)) return;
    if (process.listenerCount('unhandledRejection') === 1) throw reason;
  });
}

/** Extracts the text of every page. */
export const extractPdf: Extractor = async (src, ref, _detected, ctx) => {
  guardPdfjsRejections();
  const buf = await bufferUpTo(src, ctx.limits.maxBufferBytes);
  if (buf === undefined) {
    report(ctx, ref, 'LW_EXTRACT_LIMIT', 'pdf larger than maxBufferBytes; hashed only');
    return;
  }
  let doc: Awaited<ReturnType<typeof getDocumentProxy>>;
  try {
    // pdf.js refuses Node Buffers and may take ownership of what it gets: hand it a plain copy.
    doc = await getDocumentProxy(new Uint8Array(buf), {
      verbosity: 0,
      isEvalSupported: false,
      disableFontFace: true,
      useSystemFonts: false,
      stopAtErrors: false,
    });
  } catch (err) {
    const encrypted = err instanceof Error && err.name === 'PasswordException';
    throw encrypted
      ? new LeakwatchError('LW_EXTRACT_UNSUPPORTED', 'pdf is password-protected', { cause: err })
      : new LeakwatchError('LW_EXTRACT_CORRUPT', 'pdf could not be parsed', { cause: err });
  }
  const chunker = textChunker(ctx);
  try {
    for (let n = 1; n <= doc.numPages; n++) {
      throwIfAborted(ctx.signal);
      const page = await doc.getPage(n);
      const content = await page.getTextContent();
      const pieces: string[] = [];
      for (const item of content.items) {
        if (!('str' in item)) continue;
        pieces.push(item.str);
        if (item.hasEOL) pieces.push('\n');
      }
      pieces.push('\n');
      chunker.write(pieces.join(''));
      page.cleanup();
    }
  } finally {
    await doc.destroy().catch(() => undefined);
  }
  chunker.end();
};
