/**
 * E-mail through SMTP with nodemailer: STARTTLS (required, not opportunistic)
 * or implicit TLS, optional AUTH, plain-text and HTML bodies. The Message-ID
 * derives from the idempotency key, so a redelivered alert is recognizably the same mail.
 */
import { createTransport } from 'nodemailer';
import { LeakwatchError } from '../../errors.js';
import type { Delivery, Sink } from '../types.js';
import { render, renderPlain } from './render-text.js';

export interface EmailOptions {
  name: string;
  host: string;
  port?: number;
  security: 'starttls' | 'tls' | 'none';
  username?: string;
  password?: () => string;
  from: string;
  to: string[];
  subjectPrefix: string;
  ca?: Buffer;
  timeoutMs: number;
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** HTML body: the same facts and lines as the plain part, escaped. */
export function renderHtml(d: Delivery): string {
  const r = render(d.payload);
  const facts = r.facts.map(([k, v]) => `<tr><th align="left">${esc(k)}</th><td>${esc(v)}</td></tr>`).join('');
  const lines = r.lines.length ? `<ul>${r.lines.map((l) => `<li>${esc(l)}</li>`).join('')}</ul>` : '';
  return `<!doctype html><html><body><h2>${esc(r.title)}</h2><table>${facts}</table>${lines}<p style="color:#666">Delivery ${esc(d.idempotencyKey)}</p></body></html>`;
}

/** SMTP reply codes and nodemailer error codes that another attempt cannot fix. */
function permanent(err: { code?: string; responseCode?: number }): boolean {
  if (typeof err.responseCode === 'number') return err.responseCode >= 500;
  return err.code === 'EAUTH' || err.code === 'EENVELOPE' || err.code === 'EMESSAGE';
}

/** An e-mail sink. */
export function emailSink(o: EmailOptions): Sink {
  return {
    name: o.name,
    type: 'email',
    async send(d: Delivery, signal: AbortSignal) {
      const transport = createTransport({
        host: o.host,
        port: o.port ?? (o.security === 'tls' ? 465 : 587),
        secure: o.security === 'tls',
        requireTLS: o.security === 'starttls',
        ignoreTLS: o.security === 'none',
        auth: o.username ? { user: o.username, pass: o.password?.() ?? '' } : undefined,
        connectionTimeout: o.timeoutMs,
        greetingTimeout: o.timeoutMs,
        socketTimeout: o.timeoutMs,
        tls: o.ca ? { ca: o.ca } : undefined,
        disableFileAccess: true,
        disableUrlAccess: true,
      });
      const onAbort = () => transport.close();
      signal.addEventListener('abort', onAbort, { once: true });
      try {
        const r = render(d.payload);
        await transport.sendMail({
          from: o.from,
          to: o.to,
          subject: `${o.subjectPrefix} ${r.title}`.trim(),
          text: renderPlain(d.payload),
          html: renderHtml(d),
          messageId: `<${d.idempotencyKey}@leakwatch.invalid>`,
          headers: { 'X-Leakwatch-Idempotency-Key': d.idempotencyKey },
        });
      } catch (err) {
        const e = err as { code?: string; responseCode?: number };
        const what = e.responseCode ? `SMTP ${e.responseCode}` : (e.code ?? 'error');
        throw new LeakwatchError('LW_DELIVERY', `mail via ${o.host}: ${signal.aborted ? 'aborted' : what}`, { cause: err, retryable: !permanent(e) });
      } finally {
        signal.removeEventListener('abort', onAbort);
        transport.close();
      }
    },
  };
}
