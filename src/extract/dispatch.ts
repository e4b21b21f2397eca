/**
 * The recursive heart of extraction: detect a document's type, announce it,
 * run the matching extractor, and close it with the hash of its raw bytes.
 * Parser failures become issues on that document; aborts, input errors and
 * sink errors stop everything.
 */
import { LeakwatchError } from '../errors.js';
import { ByteSource } from './byte-source.js';
import type { ChannelEnd } from './byte-channel.js';
import { isFatal, report, type ExtractContext } from './context.js';
import { extractCsv } from './csv-extractor.js';
import { detectType, PREFIX_BYTES, type Detected, type Kind } from './detect.js';
import { extractGzip } from './gzip-extractor.js';
import { extractJson } from './json-extractor.js';
import { extractPlainText } from './text-extractor.js';
import type { DocumentRef } from './types.js';
import { extractZip } from './zip-extractor.js';

/** Where a document sits and what it is called. */
export interface Placement {
  source: string;
  entry: string[];
  /** File name, URL or entry name (its extension helps detection). */
  name: string;
  /** Content-Type, when known. */
  hint?: string | undefined;
}

/** A document's byte stream; a channel may carry the reason it was cut short. */
export type DocumentInput = AsyncIterable<Uint8Array> & { endReason?: ChannelEnd | undefined };

export type Dispatch = (input: DocumentInput, at: Placement) => Promise<void>;

export type Extractor = (
  src: ByteSource,
  ref: DocumentRef,
  detected: Detected,
  ctx: ExtractContext,
  dispatch: Dispatch,
) => Promise<void>;

/**
 * An extractor whose module is loaded the first time a document needs it. The
 * markup, office and PDF extractors bring cheerio and other parsers (the scan
 * modules took 95 MB RSS with them loaded, 86 MB without); a scan of dumps, text
 * and archives never needs them, and a crawl loads the markup one with its
 * first page.
 */
function onFirstUse(load: () => Promise<Extractor>): Extractor {
  let loaded: Promise<Extractor> | undefined;
  return async (...args) => (await (loaded ??= load()))(...args);
}

const EXTRACTORS: Record<Kind, Extractor | undefined> = {
  zip: extractZip,
  gzip: extractGzip,
  pdf: onFirstUse(async () => (await import('./pdf-extractor.js')).extractPdf),
  docx: onFirstUse(async () => (await import('./office-extractor.js')).extractDocx),
  xlsx: onFirstUse(async () => (await import('./office-extractor.js')).extractXlsx),
  html: onFirstUse(async () => (await import('./markup-extractor.js')).extractHtml),
  xml: onFirstUse(async () => (await import('./markup-extractor.js')).extractXml),
  json: extractJson,
  jsonl: extractJson,
  csv: extractCsv,
  text: extractPlainText,
  media: undefined,
  binary: async (_src, ref, _d, ctx) => report(ctx, ref, 'LW_EXTRACT_UNSUPPORTED', 'binary format not supported; hashed only'),
};

const EXTRACT_CODES = new Set(['LW_EXTRACT_CORRUPT', 'LW_EXTRACT_LIMIT', 'LW_EXTRACT_UNSUPPORTED']);

/** Extracts one document (and, through archives, everything inside it). */
export function dispatcher(ctx: ExtractContext): Dispatch {
  const dispatch: Dispatch = async (input, at) => {
    const src = new ByteSource(input, ctx.signal);
    try {
      const prefix = await src.peek(PREFIX_BYTES);
      const detected = detectType(prefix, at.name, at.hint, prefix.length < PREFIX_BYTES);
      const ref: DocumentRef = { source: at.source, entry: at.entry, mediaType: detected.mediaType };
      ctx.sink.begin(ref);
      const extractor = EXTRACTORS[detected.kind];
      if (extractor !== undefined) {
        try {
          await extractor(src, ref, detected, ctx, dispatch);
        } catch (err) {
          if (isFatal(err)) throw err;
          const known = err instanceof LeakwatchError && EXTRACT_CODES.has(err.code);
          report(
            ctx,
            ref,
            known ? err.code : 'LW_EXTRACT_CORRUPT',
            known ? err.message : `${detected.kind} could not be parsed`,
          );
        }
      }
      await src.drain();
      const cut = input.endReason;
      if (cut !== undefined) report(ctx, ref, cut.code, cut.message);
      ctx.sink.end(ref, src.digest());
    } catch (err) {
      src.cancel();
      throw err;
    }
  };
  return dispatch;
}
