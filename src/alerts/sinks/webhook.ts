/**
 * Generic webhook: the JSON payload, signed with HMAC-SHA256 over
 * "<unix seconds>.<body>" (X-Leakwatch-Signature: t=…,v1=…), and the
 * delivery's idempotency key (X-Leakwatch-Idempotency-Key).
 */
import { createHmac } from 'node:crypto';
import type { Delivery, Sink } from '../types.js';
import { postJson } from './http-post.js';

/** The signature header value for `body` at unix time `t`. */
export function signatureHeader(secret: string, t: number, body: string): string {
  return `t=${t},v1=${createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')}`;
}

export interface WebhookOptions {
  name: string;
  url: string;
  secret: () => string;
  timeoutMs: number;
  userAgent: string;
  now?: () => number;
}

/** A webhook sink. */
export function webhookSink(o: WebhookOptions): Sink {
  return {
    name: o.name,
    type: 'webhook',
    async send(d: Delivery, signal: AbortSignal) {
      const body = JSON.stringify(d.payload);
      const t = Math.floor((o.now?.() ?? Date.now()) / 1000);
      await postJson(
        o.url,
        body,
        {
          'user-agent': o.userAgent,
          'x-leakwatch-event': d.payload.test ? 'test' : d.payload.type === 'leakwatch.alert' ? 'alert' : 'operator_event',
          'x-leakwatch-idempotency-key': d.idempotencyKey,
          'x-leakwatch-signature': signatureHeader(o.secret(), t, body),
        },
        o.timeoutMs,
        signal,
      );
    },
  };
}
