/**
 * JSON POST for webhook-style sinks, straight to the receiver (clearnet or
 * intranet, never through Tor). Whether a failure is worth retrying follows
 * the status: 5xx, 408 and 429 and network failures are; other statuses are not.
 */
import { LeakwatchError } from '../../errors.js';

/** Response bytes read for an error message at most; receivers' bodies are not our business. */
const MAX_ERROR_BODY = 200;

/** True for statuses a later attempt may turn into success. */
export function retryableStatus(status: number): boolean {
  return status >= 500 || status === 408 || status === 429;
}

/** POSTs `body`; resolves on 2xx, throws LW_DELIVERY (retryable or not) otherwise. */
export async function postJson(url: string, body: string, headers: Record<string, string>, timeoutMs: number, signal: AbortSignal): Promise<void> {
  const timeout = AbortSignal.timeout(timeoutMs);
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
      body,
      redirect: 'manual',
      signal: AbortSignal.any([signal, timeout]),
    });
  } catch (err) {
    const what = timeout.aborted ? `timed out after ${timeoutMs} ms` : signal.aborted ? 'aborted' : `connection failed (${causeCode(err)})`;
    throw new LeakwatchError('LW_DELIVERY', `POST ${redactUrl(url)}: ${what}`, { cause: err, retryable: true });
  }
  if (res.status >= 200 && res.status < 300) {
    await res.body?.cancel().catch(() => undefined);
    return;
  }
  const text = await res.text().catch(() => '');
  throw new LeakwatchError('LW_DELIVERY', `POST ${redactUrl(url)}: HTTP ${res.status}${text ? ` (${oneLine(text)})` : ''}`, {
    retryable: retryableStatus(res.status),
  });
}

function causeCode(err: unknown): string {
  const c = (err as { cause?: { code?: string } }).cause;
  return c?.code ?? (err as Error).name ?? 'error';
}

function oneLine(s: string): string {
  return s.replace(/[\r\n\t]+/g, ' ').slice(0, MAX_ERROR_BODY);
}

/** Scheme, host and port only: chat webhook URLs carry their credential in the path. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}/…`;
  } catch {
    return '(invalid URL)';
  }
}
