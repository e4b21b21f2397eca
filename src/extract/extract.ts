/**
 * Public entry point of content extraction: streams one input (a download,
 * a file) through format detection and the extractors, pushing documents,
 * parts and issues into a synchronous sink. Nothing is written to disk and
 * memory stays bounded by the limits whatever the input.
 */
import { LeakwatchError } from '../errors.js';
import { InputFailure } from './byte-source.js';
import { guardSink, SinkFailure, type ExtractContext } from './context.js';
import { dispatcher } from './dispatch.js';
import { DEFAULT_LIMITS, type DocumentSink, type ExtractLimits } from './types.js';

export { readXlsxRows } from './xlsx-reader.js';

export interface ExtractOptions {
  limits?: Partial<ExtractLimits>;
  /** HTTP Content-Type of the input, if known. */
  mediaTypeHint?: string;
  signal?: AbortSignal;
}

/** Extracts text and records from `input` (named `source`) into `sink`. */
export async function extract(
  input: AsyncIterable<Uint8Array>,
  source: string,
  sink: DocumentSink,
  options: ExtractOptions = {},
): Promise<void> {
  const limits = resolveLimits(options.limits);
  const ctx: ExtractContext = {
    sink: guardSink(sink),
    limits,
    signal: options.signal,
    totals: { entries: 0, bytes: 0, halted: false },
  };
  try {
    await dispatcher(ctx)(input, { source, entry: [], name: source, hint: options.mediaTypeHint });
  } catch (err) {
    if (err instanceof SinkFailure || err instanceof InputFailure) throw err.cause;
    throw err;
  }
}

/** Defaults overlaid with the caller's limits; every limit must be a positive number. */
export function resolveLimits(partial: Partial<ExtractLimits> | undefined): ExtractLimits {
  const limits = { ...DEFAULT_LIMITS, ...partial };
  for (const [key, value] of Object.entries(limits)) {
    if (typeof value !== 'number' || !(value > 0)) {
      throw new LeakwatchError('LW_USAGE', `extract limit ${key} must be a positive number`);
    }
  }
  return limits;
}
