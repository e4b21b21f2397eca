/**
 * Retries with exponential backoff and full jitter (delay drawn uniformly
 * from [0, min(max, base * 2^n))): onion services fail often and briefly, and
 * jitter keeps many sites' retries from lining up on the one Tor client.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { LeakwatchError } from '../../errors.js';
import { isRetryable as defaultIsRetryable } from './classify.js';

export interface RetryOptions {
  /** Total tries, the first included (>= 1). */
  attempts: number;
  baseMs: number;
  maxMs: number;
  signal?: AbortSignal;
  isRetryable?: (err: unknown) => boolean;
  /** Injected for tests; must reject when the signal aborts. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Injected for tests; uniform in [0, 1). */
  random?: () => number;
  /** Called before each wait, e.g. to log the error code. */
  onRetry?: (info: { attempt: number; delayMs: number; error: unknown }) => void;
}

/** Delay before retry number `retry` (1-based): full jitter over an exponential cap. */
export function backoffDelay(retry: number, baseMs: number, maxMs: number, random: () => number): number {
  const cap = Math.min(maxMs, baseMs * 2 ** (retry - 1));
  return Math.floor(random() * cap);
}

/** Runs `fn` until it succeeds, fails with a non-retryable error, or attempts run out. */
export async function withRetry<T>(fn: (attempt: number) => Promise<T>, opts: RetryOptions): Promise<T> {
  if (!Number.isInteger(opts.attempts) || opts.attempts < 1 || opts.baseMs < 0 || opts.maxMs < 0) {
    throw new LeakwatchError('LW_USAGE', 'retry needs attempts >= 1 and non-negative delays');
  }
  const isRetryable = opts.isRetryable ?? defaultIsRetryable;
  const sleep = opts.sleep ?? defaultSleep;
  const random = opts.random ?? Math.random;
  for (let attempt = 1; ; attempt += 1) {
    if (opts.signal?.aborted) throw new LeakwatchError('LW_ABORTED', 'aborted before attempt');
    try {
      return await fn(attempt);
    } catch (err) {
      if (attempt >= opts.attempts || !isRetryable(err) || opts.signal?.aborted) throw err;
      const delayMs = backoffDelay(attempt, opts.baseMs, opts.maxMs, random);
      opts.onRetry?.({ attempt, delayMs, error: err });
      try {
        await sleep(delayMs, opts.signal);
      } catch (sleepErr) {
        throw new LeakwatchError('LW_ABORTED', 'aborted during retry backoff', { cause: sleepErr });
      }
    }
  }
}

async function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  await delay(ms, undefined, { signal });
}
