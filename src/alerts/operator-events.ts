/**
 * Operator events: site health changes (written by the crawler), an
 * unreachable Tor proxy and failed deliveries. They reach the operator's
 * sinks through the same outbox as alerts. A site that is down or empty is
 * news only once it has stayed so for `operator.site_down_after_ms`.
 */
import type { Database } from 'better-sqlite3';
import { severityAtLeast, type Severity } from '../matcher/findings.js';
import { idempotencyKey, insertOutbox, sinksOf } from './plan-outbox.js';
import type { AlertingConfig, OperatorPayload } from './types.js';

/** operator_events.planned: not yet looked at, sent to the operator sinks, or deliberately not sent. */
export const PLANNED = { pending: 0, notified: 1, suppressed: 2 } as const;

interface EventRow {
  id: number;
  kind: string;
  site: string | null;
  location: string | null;
  state: string | null;
  previous_state: string | null;
  reason: string | null;
  at: string;
}

/** Records an operator event (e.g. 'tor_unreachable', 'delivery_failed'); `reason` must be content-free. */
export function raiseOperatorEvent(
  db: Database,
  e: { kind: string; site?: string | null; location?: string | null; state?: string | null; reason?: string | null; at: string; notify?: boolean },
): number {
  return Number(
    db
      .prepare('INSERT INTO operator_events (kind, site, location, state, reason, at, planned) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(e.kind, e.site ?? null, e.location ?? null, e.state ?? null, e.reason ?? null, e.at, e.notify === false ? PLANNED.suppressed : PLANNED.pending).lastInsertRowid,
  );
}

const isProxyDown = (e: EventRow) => e.kind === 'site_health' && e.state === 'error' && (e.reason ?? '').startsWith('LW_PROXY_UNREACHABLE');

/** How the event is presented: a proxy failure recorded as site health is a Tor event. */
function kindOf(e: EventRow): string {
  return isProxyDown(e) ? 'tor_unreachable' : e.kind;
}

function severityOf(e: EventRow): Severity {
  if (e.kind === 'delivery_failed' || e.kind === 'tor_unreachable' || isProxyDown(e)) return 'high';
  if (e.state === 'seized') return 'high';
  if (e.state === 'up') return 'low';
  return 'medium';
}

/** What to do with a pending event now: send it, drop it, or look again later. */
function decide(db: Database, e: EventRow, nowMs: number, thresholdMs: number): 'notify' | 'suppress' | 'wait' {
  if (e.kind !== 'site_health' || isProxyDown(e) || e.state === 'seized') return 'notify';
  if (e.state === 'up') {
    // A recovery is news only when the outage was reported.
    const before = db
      .prepare(`SELECT planned FROM operator_events WHERE kind = 'site_health' AND site IS ? AND location IS ? AND id < ? AND state <> 'up' ORDER BY id DESC LIMIT 1`)
      .get(e.site, e.location, e.id) as { planned: number } | undefined;
    return before?.planned === PLANNED.notified ? 'notify' : 'suppress';
  }
  const next = db
    .prepare(`SELECT at FROM operator_events WHERE kind = 'site_health' AND site IS ? AND location IS ? AND id > ? ORDER BY id LIMIT 1`)
    .get(e.site, e.location, e.id) as { at: string } | undefined;
  const lasted = (next ? Date.parse(next.at) : nowMs) - Date.parse(e.at);
  if (lasted >= thresholdMs) return 'notify';
  return next ? 'suppress' : 'wait';
}

/** Writes outbox rows for the operator events that are due. Call inside a transaction. */
export function planOperatorEvents(db: Database, config: AlertingConfig, nowMs: number): number {
  const pending = db.prepare('SELECT * FROM operator_events WHERE planned = 0 ORDER BY id').all() as EventRow[];
  const ins = insertOutbox(db);
  const mark = db.prepare('UPDATE operator_events SET planned = ? WHERE id = ?');
  const now = new Date(nowMs).toISOString();
  let queued = 0;
  for (const e of pending) {
    const d = decide(db, e, nowMs, config.operator.site_down_after_ms);
    if (d === 'wait') continue;
    if (d === 'suppress') {
      mark.run(PLANNED.suppressed, e.id);
      continue;
    }
    const payload = operatorPayload(e);
    for (const s of sinksOf(config, 'operator', null).filter((x) => severityAtLeast(payload.severity, x.sink.min_severity))) {
      queued += ins.run({
        channel: 'operator',
        alert_id: null,
        revision: null,
        event_id: e.id,
        org: null,
        sink: s.name,
        key: idempotencyKey(`event.${e.id}`, 'operator', s.name),
        payload: JSON.stringify(payload),
        next: nowMs,
        now,
      }).changes;
    }
    mark.run(PLANNED.notified, e.id);
  }
  return queued;
}

/** The payload of one operator event. */
export function operatorPayload(e: EventRow): OperatorPayload {
  return {
    type: 'leakwatch.operator_event',
    version: 1,
    test: false,
    event_id: e.id,
    kind: kindOf(e),
    severity: severityOf(e),
    site: e.site,
    location: e.location,
    state: e.state,
    previous_state: e.previous_state,
    reason: e.reason,
    at: e.at,
  };
}

/** Sets delivered_at once every outbox row of the event is delivered. */
export function markEventDelivered(db: Database, eventId: number, now: string): void {
  const open = db.prepare(`SELECT 1 FROM outbox WHERE event_id = ? AND state <> 'delivered' LIMIT 1`).get(eventId);
  if (!open) db.prepare('UPDATE operator_events SET delivered_at = ? WHERE id = ? AND delivered_at IS NULL').run(now, eventId);
}
