/**
 * Maps transport failures (SOCKS replies, socket errors, HTTP statuses, zlib
 * errors, aborts) to LeakwatchError codes with a retry hint. Messages carry
 * codes and numbers only: never URLs with credentials, never content.
 */
import { LeakwatchError } from '../../errors.js';

/** An HTTP status the crawler does not accept; `status` lets callers treat 404 apart. */
export class HttpStatusError extends LeakwatchError {
  readonly status: number;

  constructor(status: number) {
    // 429 and 5xx are the site (or Tor) being busy; other 4xx will not change on retry.
    super('LW_HTTP_STATUS', `HTTP status ${status}`, { retryable: status >= 500 || status === 429 });
    this.status = status;
  }
}

/**
 * SOCKS5 reply codes (RFC 1928 §6) and Tor's extended onion-service codes
 * (proposal 304, only sent when the SocksPort has the ExtendedErrors flag).
 */
const SOCKS_REPLIES: Record<number, { code: 'LW_ONION_NOT_FOUND' | 'LW_ONION_CIRCUIT' | 'LW_NETWORK'; retryable: boolean; what: string }> = {
  0x01: { code: 'LW_ONION_CIRCUIT', retryable: true, what: 'general failure' },
  0x02: { code: 'LW_NETWORK', retryable: false, what: 'not allowed by ruleset' },
  0x03: { code: 'LW_ONION_CIRCUIT', retryable: true, what: 'network unreachable' },
  // Plain Tor answers an unknown or unreachable onion with "host unreachable".
  0x04: { code: 'LW_ONION_NOT_FOUND', retryable: true, what: 'host unreachable' },
  // The onion answered but nothing listens behind the virtual port.
  0x05: { code: 'LW_ONION_CIRCUIT', retryable: true, what: 'connection refused' },
  // Tor uses TTL expired for circuit and stream timeouts.
  0x06: { code: 'LW_ONION_CIRCUIT', retryable: true, what: 'TTL expired' },
  0x07: { code: 'LW_NETWORK', retryable: false, what: 'command not supported' },
  0x08: { code: 'LW_NETWORK', retryable: false, what: 'address type not supported' },
  0xf0: { code: 'LW_ONION_NOT_FOUND', retryable: true, what: 'onion descriptor not found' },
  0xf1: { code: 'LW_ONION_NOT_FOUND', retryable: true, what: 'onion descriptor invalid' },
  0xf2: { code: 'LW_ONION_CIRCUIT', retryable: true, what: 'onion introduction failed' },
  0xf3: { code: 'LW_ONION_CIRCUIT', retryable: true, what: 'onion rendezvous failed' },
  0xf4: { code: 'LW_ONION_NOT_FOUND', retryable: false, what: 'onion requires client authorization' },
  0xf5: { code: 'LW_ONION_NOT_FOUND', retryable: false, what: 'onion client authorization rejected' },
  0xf6: { code: 'LW_ONION_NOT_FOUND', retryable: false, what: 'bad onion address' },
  0xf7: { code: 'LW_ONION_CIRCUIT', retryable: true, what: 'onion introduction timed out' },
};

/** Error for a SOCKS5 CONNECT reply other than "succeeded". */
export function socksReplyError(reply: number, cause?: unknown): LeakwatchError {
  const hex = `0x${reply.toString(16).padStart(2, '0')}`;
  const known = SOCKS_REPLIES[reply];
  if (!known) {
    return new LeakwatchError('LW_ONION_CIRCUIT', `SOCKS proxy refused the connection (reply ${hex})`, {
      retryable: true,
      cause,
    });
  }
  return new LeakwatchError(known.code, `SOCKS proxy: ${known.what} (reply ${hex})`, {
    retryable: known.retryable,
    cause,
  });
}

const PROXY_SOCKET_CODES = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EADDRNOTAVAIL']);
const RESET_CODES = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'ERR_STREAM_PREMATURE_CLOSE']);

/** Error for a failure to reach or negotiate with the SOCKS proxy itself. */
export function proxyUnreachableError(cause: unknown): LeakwatchError {
  const code = errnoCode(cause);
  const retryable = code === undefined || PROXY_SOCKET_CODES.has(code) || RESET_CODES.has(code);
  return new LeakwatchError('LW_PROXY_UNREACHABLE', `Tor SOCKS proxy unusable${code ? ` (${code})` : ''}`, {
    retryable,
    cause: sanitizedCause(cause),
  });
}

/** Maps any error raised while fetching to a LeakwatchError. */
export function classifyError(err: unknown): LeakwatchError {
  if (err instanceof LeakwatchError) return err;
  const code = errnoCode(err);
  const name = err instanceof Error ? err.name : '';
  if (name === 'AbortError' || code === 'ABORT_ERR') {
    return new LeakwatchError('LW_ABORTED', 'fetch aborted', { cause: sanitizedCause(err) });
  }
  if (code !== undefined && code.startsWith('Z_')) {
    return new LeakwatchError('LW_NETWORK', `response content-encoding is corrupt (${code})`, {
      cause: sanitizedCause(err),
    });
  }
  if (code !== undefined && code.startsWith('HPE_')) {
    return new LeakwatchError('LW_NETWORK', `malformed HTTP response (${code})`, { cause: sanitizedCause(err) });
  }
  if (code !== undefined && RESET_CODES.has(code)) {
    return new LeakwatchError('LW_NETWORK', `connection closed early (${code})`, {
      retryable: true,
      cause: sanitizedCause(err),
    });
  }
  if (err instanceof Error && err.message === 'socket hang up') {
    return new LeakwatchError('LW_NETWORK', 'connection closed before a response', {
      retryable: true,
      cause: sanitizedCause(err),
    });
  }
  return new LeakwatchError('LW_NETWORK', `network error${code ? ` (${code})` : ''}`, {
    retryable: true,
    cause: sanitizedCause(err),
  });
}

/** Default retry predicate: a LeakwatchError that says a retry may help. */
export function isRetryable(err: unknown): boolean {
  return err instanceof LeakwatchError && err.retryable;
}

function errnoCode(err: unknown): string | undefined {
  if (typeof err === 'object' && err !== null && 'code' in err) {
    const code = (err as { code: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}

/**
 * Library errors may hold the request or proxy options (and with them the
 * per-site SOCKS credentials); keep only name, code and message.
 */
function sanitizedCause(err: unknown): Error {
  if (!(err instanceof Error)) return new Error(String(err));
  const clean = new Error(err.message);
  clean.name = err.name;
  const code = errnoCode(err);
  if (code !== undefined) Object.assign(clean, { code });
  return clean;
}
