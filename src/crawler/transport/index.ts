/**
 * HTTP over Tor for the crawler: a per-site socks5h agent, a bounded fetch,
 * an onion-only redirect policy, error classification and retry.
 */
export { createTorAgent, TorSocksAgent, type TorAgentOptions } from './socks-agent.js';
export { fetchOnce, type FetchOptions, type FetchResponse, type FetchTimeouts } from './http-client.js';
export { fetchWithRedirects, type RedirectOptions } from './redirects.js';
export { classifyError, HttpStatusError, isRetryable } from './classify.js';
export { backoffDelay, withRetry, type RetryOptions } from './retry.js';
