/**
 * Microsoft Teams incoming webhook: an Adaptive Card (Workflows webhooks) or a
 * legacy MessageCard (Office 365 connectors).
 */
import type { Severity } from '../../matcher/findings.js';
import type { Delivery, Payload, Sink } from '../types.js';
import { postJson } from './http-post.js';
import { render } from './render-text.js';

const COLOR: Record<Severity, string> = { critical: 'B00020', high: 'E65100', medium: 'F9A825', low: '607D8B' };
const ATTENTION: Record<Severity, string> = { critical: 'attention', high: 'attention', medium: 'warning', low: 'default' };

/** The Teams message for a payload in the chosen format. */
export function teamsMessage(p: Payload, idempotencyKey: string, format: 'adaptive_card' | 'message_card'): object {
  const r = render(p);
  if (format === 'message_card') {
    return {
      '@type': 'MessageCard',
      '@context': 'https://schema.org/extensions',
      summary: r.title,
      themeColor: COLOR[p.severity],
      title: r.title,
      sections: [{ facts: r.facts.map(([name, value]) => ({ name, value })), text: r.lines.join('<br>') || undefined }],
    };
  }
  return {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        contentUrl: null,
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          body: [
            { type: 'TextBlock', text: r.title, weight: 'Bolder', size: 'Medium', wrap: true, color: ATTENTION[p.severity] },
            { type: 'FactSet', facts: r.facts.map(([title, value]) => ({ title, value })) },
            ...r.lines.map((l) => ({ type: 'TextBlock', text: l, wrap: true, spacing: 'None', size: 'Small' })),
            { type: 'TextBlock', text: `delivery ${idempotencyKey}`, isSubtle: true, size: 'Small', wrap: true },
          ],
        },
      },
    ],
  };
}

/** A Teams sink; `url` is resolved per send (the webhook URL is a credential). */
export function teamsSink(o: { name: string; url: () => string; format: 'adaptive_card' | 'message_card'; timeoutMs: number; userAgent: string }): Sink {
  return {
    name: o.name,
    type: 'teams',
    async send(d: Delivery, signal: AbortSignal) {
      await postJson(o.url(), JSON.stringify(teamsMessage(d.payload, d.idempotencyKey, o.format)), { 'user-agent': o.userAgent }, o.timeoutMs, signal);
    },
  };
}
