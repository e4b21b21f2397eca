/**
 * State shared by every extractor working on one top-level input: the sink,
 * the limits, the abort signal and the running totals that limits apply to.
 */
import { LeakwatchError } from '../errors.js';
import { InputFailure } from './byte-source.js';
import type { DocumentRef, DocumentSink, ExtractLimits, Part } from './types.js';

/** Running totals across one top-level input; `halted` stops every archive. */
export interface ExtractTotals {
  entries: number;
  bytes: number;
  halted: boolean;
}

export interface ExtractContext {
  sink: DocumentSink;
  limits: ExtractLimits;
  signal: AbortSignal | undefined;
  totals: ExtractTotals;
}

/**
 * Wraps an exception thrown by the consumer's sink, so that extractors, which
 * turn parser failures into issues, let it through untouched.
 */
export class SinkFailure extends Error {
  constructor(cause: unknown) {
    super('document sink failed', { cause });
    this.name = 'SinkFailure';
  }
}

/** A sink whose exceptions arrive as SinkFailure. */
export function guardSink(sink: DocumentSink): DocumentSink {
  const call = (fn: () => void): void => {
    try {
      fn();
    } catch (err) {
      throw new SinkFailure(err);
    }
  };
  return {
    begin: (ref) => call(() => sink.begin(ref)),
    part: (part: Part) => call(() => sink.part(part)),
    end: (ref, meta) => call(() => sink.end(ref, meta)),
    issue: (issue) => call(() => sink.issue(issue)),
  };
}

/** True for errors that must stop the whole extraction instead of becoming an issue. */
export function isFatal(err: unknown): boolean {
  return (
    err instanceof SinkFailure ||
    err instanceof InputFailure ||
    (err instanceof LeakwatchError && err.code === 'LW_ABORTED')
  );
}

/** Throws LW_ABORTED when the signal has fired. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new LeakwatchError('LW_ABORTED', 'extraction aborted');
}

/** Reports a problem with one document. */
export function report(ctx: ExtractContext, ref: DocumentRef, code: string, message: string): void {
  ctx.sink.issue({ ref, code, message });
}
