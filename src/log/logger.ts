/**
 * Structured JSON logs. The logger takes its destination so tests pass their
 * own stream; redaction is a second line of defence, the first being that no
 * call site logs content, identifiers, keys or proxy credentials.
 */
import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger };

/** Field paths that are censored wherever they appear. */
export const REDACT_PATHS = [
  'key',
  '*.key',
  'password',
  '*.password',
  'proxy',
  '*.proxy',
  'socks_url',
  '*.socks_url',
  'authorization',
  '*.authorization',
  'headers.cookie',
  '*.headers.cookie',
  'content',
  '*.content',
  'text',
  '*.text',
  'value',
  '*.value',
];

/** Creates the process logger writing JSON lines to `destination` (stderr by default). */
export function createLogger(options: { level?: string; destination?: DestinationStream } = {}): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      base: { app: 'leakwatch' },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    options.destination ?? pino.destination({ fd: 2, sync: true }),
  );
}
