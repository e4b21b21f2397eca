/**
 * Human-readable rendering of payloads for mail, chat and syslog: a title and
 * label/value facts, then reference lines. Built from the payload alone, so it
 * can hold nothing the payload does not.
 */
import type { AlertPayload, OperatorPayload, Payload } from '../types.js';

/** Reference lines shown in mail and chat at most; the payload's counts say how many there are. */
export const MAX_TEXT_ITEMS = 25;

export interface Rendered {
  title: string;
  facts: [string, string][];
  /** Reference lines (records, documents, canaries, terms, sightings). */
  lines: string[];
}

const where = (s: { url: string | null; path: string | null; entry: string | null }) => [s.url ?? s.path ?? '(unknown)', s.entry].filter(Boolean).join(' > ');

/** Title, facts and lines of any payload. */
export function render(p: Payload): Rendered {
  return p.type === 'leakwatch.alert' ? renderAlert(p) : renderOperator(p);
}

function renderAlert(p: AlertPayload): Rendered {
  const test = p.test ? '[TEST] ' : '';
  const what = p.reason === 'updated' ? 'updated leak sighting' : p.reason === 'test' ? 'test alert, no leak' : 'leak sighting';
  const c = p.counts;
  const facts: [string, string][] = [
    ['Alert', `${p.alert_id} (revision ${p.revision})`],
    ['Organization', p.org],
    ['Severity', p.severity.toUpperCase()],
    ['Source', where(p.source)],
    ['Site', p.source.site ?? '-'],
    ['SHA-256', p.source.sha256],
    ['Size', `${p.source.size} bytes`],
    ['First seen', p.first_seen],
    ['Last seen', p.last_seen],
    ['Counts', `${c.records} record(s), ${c.documents} document(s), ${c.canaries} canary(ies), ${c.terms} term(s), ${c.sightings} sighting(s), ${c.new_items} new`],
  ];
  const items: string[] = [
    ...p.canaries.map((r) => `CANARY ${r.ref} ${r.confidence} [${r.fields.join(', ')}]${r.new ? ' (new)' : ''}`),
    ...p.records.map((r) => `record ${r.ref} ${r.confidence} [${r.fields.join(', ')}]${r.new ? ' (new)' : ''}`),
    ...p.documents.map((d) => `document ${d.ref} ${d.confidence}${d.overlap != null ? ` overlap ${(100 * d.overlap).toFixed(1)}%` : ''}${d.new ? ' (new)' : ''}`),
    ...p.terms.map((t) => `term "${t.term}" ${t.confidence}${t.new ? ' (new)' : ''}`),
  ];
  const total = c.records + c.documents + c.canaries + c.terms;
  const lines = items.slice(0, MAX_TEXT_ITEMS);
  if (total > lines.length) lines.push(`… and ${total - lines.length} more (see the alert with 'leakwatch alerts show ${p.alert_id}')`);
  for (const s of p.sightings.slice(0, 5)) lines.push(`sighting ${s.seen_at} ${s.match} ${where(s)} sha256 ${s.sha256.slice(0, 16)}…`);
  return { title: `${test}leakwatch ${p.severity.toUpperCase()}: ${what} for ${p.org}`, facts, lines };
}

function renderOperator(p: OperatorPayload): Rendered {
  const test = p.test ? '[TEST] ' : '';
  const subject = p.kind === 'site_health' ? `site ${p.site ?? '?'} is ${p.state ?? '?'}` : p.kind.replace(/_/g, ' ');
  const facts: [string, string][] = [
    ['Event', `${p.kind} #${p.event_id}`],
    ['Severity', p.severity.toUpperCase()],
    ['At', p.at],
  ];
  if (p.site) facts.push(['Site', p.site]);
  if (p.location) facts.push(['Location', p.location]);
  if (p.state) facts.push(['State', `${p.previous_state ?? '-'} -> ${p.state}`]);
  if (p.reason) facts.push(['Reason', p.reason]);
  return { title: `${test}leakwatch operator: ${subject}`, facts, lines: [] };
}

/** Plain-text body: title, facts, lines. */
export function renderPlain(p: Payload): string {
  const r = render(p);
  const width = Math.max(...r.facts.map(([k]) => k.length));
  return [r.title, '', ...r.facts.map(([k, v]) => `${k.padEnd(width)}  ${v}`), ...(r.lines.length ? ['', ...r.lines] : []), ''].join('\n');
}
