/**
 * Redirect policy: follow at most a few hops, and only to other onion
 * services. A leak site that redirects to a clearnet host or an IP literal is
 * trying to make the crawler leave Tor (or to learn its address), so such a
 * redirect is refused and never connected to.
 */
import { LeakwatchError } from '../../errors.js';
import { HttpStatusError } from './classify.js';
import { fetchOnce, isOnionUrl, type FetchOptions, type FetchResponse } from './http-client.js';

export interface RedirectOptions extends FetchOptions {
  /** Hops to follow before giving up (default 5). */
  maxRedirects?: number;
  /** Injected for tests; defaults to fetchOnce. */
  fetch?: typeof fetchOnce;
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const DEFAULT_MAX_REDIRECTS = 5;

/**
 * GETs a URL, following onion-only redirects, and returns a 2xx response.
 * Throws LW_REDIRECT_REFUSED for a redirect off the onion space or too many
 * hops, and HttpStatusError (LW_HTTP_STATUS) for any other non-2xx status.
 */
export async function fetchWithRedirects(url: string, opts: RedirectOptions): Promise<FetchResponse> {
  const fetch = opts.fetch ?? fetchOnce;
  const maxRedirects = opts.maxRedirects ?? DEFAULT_MAX_REDIRECTS;
  let current = url;
  for (let hop = 0; ; hop += 1) {
    const res = await fetch(current, opts);
    if (res.status >= 200 && res.status < 300) return res;
    res.close();
    const location = headerValue(res.headers.location);
    if (!REDIRECT_STATUSES.has(res.status) || location === undefined) throw new HttpStatusError(res.status);
    if (hop >= maxRedirects) {
      throw new LeakwatchError('LW_REDIRECT_REFUSED', `more than ${maxRedirects} redirects`);
    }
    current = nextHop(location, current);
  }
}

/** Resolves a Location header against the current URL; refuses targets outside the onion space. */
export function nextHop(location: string, current: string): string {
  let next: URL;
  try {
    next = new URL(location, current);
  } catch {
    throw new LeakwatchError('LW_REDIRECT_REFUSED', 'redirect to an invalid URL refused');
  }
  if (!isOnionUrl(next)) {
    // The target is deliberately left out of the message: it may be a tracking URL.
    throw new LeakwatchError('LW_REDIRECT_REFUSED', 'redirect to a non-onion host refused');
  }
  if (next.username !== '' || next.password !== '') {
    throw new LeakwatchError('LW_REDIRECT_REFUSED', 'redirect to a URL with credentials refused');
  }
  return next.href;
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
