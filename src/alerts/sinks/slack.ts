/** Slack incoming webhook: Block Kit message with a plain `text` fallback. */
import type { Delivery, Payload, Sink } from '../types.js';
import { postJson } from './http-post.js';
import { render } from './render-text.js';

/** Slack's mrkdwn needs only &, < and > escaped. */
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The Slack message for a payload (limits: header 150 chars, 10 fields, section 3000 chars). */
export function slackMessage(p: Payload, idempotencyKey: string): object {
  const r = render(p);
  const blocks: object[] = [
    { type: 'header', text: { type: 'plain_text', text: r.title.slice(0, 150) } },
    { type: 'section', fields: r.facts.slice(0, 10).map(([k, v]) => ({ type: 'mrkdwn', text: `*${esc(k)}*\n${esc(v)}`.slice(0, 2000) })) },
  ];
  if (r.lines.length) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: esc(r.lines.join('\n')).slice(0, 3000) } });
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `delivery ${idempotencyKey}` }] });
  return { text: r.title, blocks };
}

/** A Slack sink; `url` is resolved per send (the webhook URL is a credential). */
export function slackSink(o: { name: string; url: () => string; timeoutMs: number; userAgent: string }): Sink {
  return {
    name: o.name,
    type: 'slack',
    async send(d: Delivery, signal: AbortSignal) {
      await postJson(o.url(), JSON.stringify(slackMessage(d.payload, d.idempotencyKey)), { 'user-agent': o.userAgent }, o.timeoutMs, signal);
    },
  };
}
