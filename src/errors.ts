/**
 * Error tree for leakwatch. Every error carries a stable `code`, an optional
 * `cause`, and says whether retrying the same operation can help. Messages must
 * never contain leaked content, identifier values, keys or proxy credentials.
 */

/** Stable error codes; scripts and tests match on these, never on messages. */
export type ErrorCode =
  | 'LW_USAGE'
  | 'LW_CONFIG_INVALID'
  | 'LW_KEY_INVALID'
  | 'LW_KEY_MISMATCH'
  | 'LW_KEY_EXISTS'
  | 'LW_MAPPING_INVALID'
  | 'LW_PATTERN_UNSAFE'
  | 'LW_RECORDS_INVALID'
  | 'LW_BUNDLE_INVALID'
  | 'LW_BUNDLE_VERSION'
  | 'LW_FILE_UNREADABLE'
  | 'LW_EXTRACT_CORRUPT'
  | 'LW_EXTRACT_LIMIT'
  | 'LW_EXTRACT_UNSUPPORTED'
  | 'LW_STORE'
  | 'LW_STORE_FULL'
  | 'LW_STORE_LOCKED'
  | 'LW_STORE_READONLY'
  | 'LW_PROXY_UNREACHABLE'
  | 'LW_ONION_NOT_FOUND'
  | 'LW_ONION_CIRCUIT'
  | 'LW_HTTP_STATUS'
  | 'LW_REDIRECT_REFUSED'
  | 'LW_LIMIT_EXCEEDED'
  | 'LW_TIMEOUT'
  | 'LW_ABORTED'
  | 'LW_NETWORK'
  | 'LW_DELIVERY'
  | 'LW_OUTPUT_CLOSED'
  | 'LW_INTERNAL'
  | 'LW_CHECK_FAILED';

export interface LeakwatchErrorOptions {
  cause?: unknown;
  /** True when the same operation may succeed later (network blips, locks). */
  retryable?: boolean;
}

/** Base class: a failure with a stable code and a retry hint. */
export class LeakwatchError extends Error {
  readonly code: ErrorCode;
  readonly retryable: boolean;

  constructor(code: ErrorCode, message: string, options: LeakwatchErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'LeakwatchError';
    this.code = code;
    this.retryable = options.retryable ?? false;
  }
}

/** True for a LeakwatchError with the given code. */
export function hasCode(err: unknown, code: ErrorCode): err is LeakwatchError {
  return err instanceof LeakwatchError && err.code === code;
}
