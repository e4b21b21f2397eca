/**
 * Fan-out: one outbox row per notification per matching sink, each with an
 * idempotency key derived from what it notifies, so a retry, a restart or a
 * second planner can never mint a different key for the same delivery.
 */
import { createHash } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import type { SinkConfig } from '../config/schema.js';
import { severityAtLeast } from '../matcher/findings.js';
import { buildAlertPayload } from './build-payload.js';
import type { AlertingConfig } from './types.js';

export type Channel = 'alert' | 'operator';

/** A sink's stable name: its configured name, else "<type>-<index>". */
export function sinkName(sink: SinkConfig, index: number): string {
  return sink.name ?? `${sink.type}-${index}`;
}

/** The sinks of a channel (an org's alerts, or the operator's). */
export function sinksOf(config: AlertingConfig, channel: Channel, org: string | null): { name: string; sink: SinkConfig }[] {
  const list = channel === 'operator' ? config.operator.sinks : (config.orgs.find((o) => o.id === org)?.alerts.sinks ?? []);
  return list.map((sink, i) => ({ name: sinkName(sink, i), sink }));
}

/** The idempotency key of one notification to one sink. */
export function idempotencyKey(notification: string, scope: string, sink: string): string {
  return createHash('sha256').update(`leakwatch-delivery\0${notification}\0${scope}\0${sink}`).digest('hex').slice(0, 32);
}

/**
 * Writes outbox rows for every alert whose current revision has not been
 * planned yet (all alerts, or only `ids`). Call inside a transaction.
 */
export function planAlertRevisions(db: Database, config: AlertingConfig, now: string, ids?: readonly string[]): number {
  const due = (ids
    ? ids.map((id) => db.prepare('SELECT id, org, severity, revision FROM alerts WHERE id = ? AND planned_revision < revision').get(id)).filter(Boolean)
    : db.prepare('SELECT id, org, severity, revision FROM alerts WHERE planned_revision < revision ORDER BY first_seen').all()) as {
    id: string;
    org: string;
    severity: SinkConfig['min_severity'];
    revision: number;
  }[];
  const ins = insertOutbox(db);
  let queued = 0;
  for (const a of due) {
    const sinks = sinksOf(config, 'alert', a.org).filter((s) => severityAtLeast(a.severity, s.sink.min_severity));
    if (sinks.length) {
      const payload = JSON.stringify(buildAlertPayload(db, a.id));
      for (const s of sinks) {
        queued += ins.run({
          channel: 'alert',
          alert_id: a.id,
          revision: a.revision,
          event_id: null,
          org: a.org,
          sink: s.name,
          key: idempotencyKey(`${a.id}.${a.revision}`, a.org, s.name),
          payload,
          next: Date.parse(now),
          now,
        }).changes;
      }
    }
    db.prepare('UPDATE alerts SET planned_revision = ? WHERE id = ?').run(a.revision, a.id);
  }
  return queued;
}

/** The prepared INSERT of an outbox row; an existing key is left alone. */
export function insertOutbox(db: Database) {
  return db.prepare(
    `INSERT INTO outbox (channel, alert_id, revision, event_id, org, sink, idempotency_key, payload_json, next_attempt_at, created_at)
     VALUES (@channel, @alert_id, @revision, @event_id, @org, @sink, @key, @payload, @next, @now)
     ON CONFLICT (idempotency_key) DO NOTHING`,
  );
}
