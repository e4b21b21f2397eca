/**
 * The crawler's network seam: one fetcher per site, with its own Tor
 * isolation credentials, onion-only redirects, per-phase timeouts, retries for
 * transient failures, and conditional requests. Tests inject their own.
 */
import type { Agent } from 'node:http';
import { HttpStatusError } from './transport/classify.js';
import type { FetchResponse, FetchTimeouts } from './transport/http-client.js';
import { fetchWithRedirects } from './transport/redirects.js';
import { withRetry } from './transport/retry.js';
import { createTorAgent } from './transport/socks-agent.js';

/** Validators from an earlier fetch, sent as If-None-Match / If-Modified-Since. */
export interface Validators {
  etag?: string | null;
  lastModified?: string | null;
}

export type FetchResult = { notModified: true; status: 304 } | { notModified: false; response: FetchResponse };

export interface SiteFetchOptions {
  signal?: AbortSignal;
  maxBytes: number;
  validators?: Validators;
  accept?: string;
}

/** Fetches one URL of a site. */
export type SiteFetch = (url: string, opts: SiteFetchOptions) => Promise<FetchResult>;

/** Timeouts sized for onion services: circuits take seconds, hidden services are slow. */
export const ONION_TIMEOUTS: FetchTimeouts = { connectMs: 60_000, firstByteMs: 60_000, idleMs: 60_000, totalMs: 15 * 60_000 };

/** Builds the Tor fetcher of one site. */
export function createSiteFetch(opts: {
  site: string;
  socksUrl: string;
  timeouts?: FetchTimeouts;
  attempts?: number;
  /** First backoff delay; later ones double, with full jitter, up to 30 s. */
  retryBaseMs?: number;
  agent?: Agent;
  onRetry?: (info: { attempt: number; delayMs: number; error: unknown }) => void;
}): { fetch: SiteFetch; close(): void } {
  const agent = opts.agent ?? createTorAgent({ proxyUrl: opts.socksUrl, site: opts.site });
  const fetch: SiteFetch = (url, f) =>
    withRetry(
      async () => {
        const headers: Record<string, string> = {};
        if (f.validators?.etag) headers['if-none-match'] = f.validators.etag;
        if (f.validators?.lastModified) headers['if-modified-since'] = f.validators.lastModified;
        try {
          const response = await fetchWithRedirects(url, {
            agent,
            signal: f.signal,
            timeouts: opts.timeouts ?? ONION_TIMEOUTS,
            maxBytes: f.maxBytes,
            headers,
            accept: f.accept,
          });
          return { notModified: false, response } as const;
        } catch (err) {
          if (err instanceof HttpStatusError && err.status === 304) return { notModified: true, status: 304 } as const;
          throw err;
        }
      },
      { attempts: opts.attempts ?? 3, baseMs: opts.retryBaseMs ?? 2_000, maxMs: 30_000, signal: f.signal, onRetry: opts.onRetry },
    );
  return { fetch, close: () => agent.destroy() };
}
