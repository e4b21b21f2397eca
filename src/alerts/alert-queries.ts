/** Reading and acknowledging alerts for the CLI and exports. */
import type { Database } from 'better-sqlite3';
import { LeakwatchError } from '../errors.js';
import { severityAtLeast, type Severity } from '../matcher/findings.js';
import { buildAlertPayload } from './build-payload.js';
import type { AlertPayload } from './types.js';

export interface AlertSummary {
  id: string;
  org: string;
  severity: Severity;
  status: 'open' | 'acked';
  first_seen: string;
  last_seen: string;
  revision: number;
  location: string;
  site: string | null;
  sha256: string;
  counts: { records: number; documents: number; canaries: number; terms: number; sightings: number };
  deliveries: { pending: number; delivered: number; failed: number };
}

export interface AlertFilter {
  org?: string;
  /** Minimum severity. */
  severity?: Severity;
  /** Include acknowledged alerts (default: open only). */
  all?: boolean;
  limit?: number;
}

/** Alerts, most recently seen first. */
export function listAlerts(db: Database, f: AlertFilter = {}): AlertSummary[] {
  const rows = db
    .prepare(
      `SELECT a.*,
         (SELECT COUNT(*) FROM alert_items i WHERE i.alert_id = a.id AND i.kind = 'record') AS n_records,
         (SELECT COUNT(*) FROM alert_items i WHERE i.alert_id = a.id AND i.kind = 'document') AS n_documents,
         (SELECT COUNT(*) FROM alert_items i WHERE i.alert_id = a.id AND i.kind = 'canary') AS n_canaries,
         (SELECT COUNT(*) FROM alert_items i WHERE i.alert_id = a.id AND i.kind = 'term') AS n_terms,
         (SELECT COUNT(*) FROM alert_sightings s WHERE s.alert_id = a.id) AS n_sightings,
         (SELECT COUNT(*) FROM outbox o WHERE o.alert_id = a.id AND o.state IN ('pending','sending')) AS d_pending,
         (SELECT COUNT(*) FROM outbox o WHERE o.alert_id = a.id AND o.state = 'delivered') AS d_delivered,
         (SELECT COUNT(*) FROM outbox o WHERE o.alert_id = a.id AND o.state = 'failed') AS d_failed
       FROM alerts a
       WHERE (@org IS NULL OR a.org = @org) AND (@all = 1 OR a.status = 'open')
       ORDER BY a.last_seen DESC, a.id LIMIT @limit`,
    )
    .all({ org: f.org ?? null, all: f.all ? 1 : 0, limit: f.limit ?? 1000 }) as Record<string, unknown>[];
  return rows
    .map(
      (r): AlertSummary => ({
        id: r.id as string,
        org: r.org as string,
        severity: r.severity as Severity,
        status: r.status as AlertSummary['status'],
        first_seen: r.first_seen as string,
        last_seen: r.last_seen as string,
        revision: r.revision as number,
        location: r.location as string,
        site: (r.site as string | null) ?? null,
        sha256: r.sha256 as string,
        counts: {
          records: r.n_records as number,
          documents: r.n_documents as number,
          canaries: r.n_canaries as number,
          terms: r.n_terms as number,
          sightings: r.n_sightings as number,
        },
        deliveries: { pending: r.d_pending as number, delivered: r.d_delivered as number, failed: r.d_failed as number },
      }),
    )
    .filter((a) => !f.severity || severityAtLeast(a.severity, f.severity));
}

export interface DeliveryStatus {
  sink: string;
  revision: number | null;
  state: string;
  attempts: number;
  idempotency_key: string;
  last_error: string | null;
  delivered_at: string | null;
  failed_at: string | null;
}

/** One alert with its current payload, acknowledgement and deliveries. */
export function alertDetail(db: Database, id: string): { payload: AlertPayload; status: string; acked_at: string | null; deliveries: DeliveryStatus[] } {
  const payload = buildAlertPayload(db, id);
  if (!payload) throw new LeakwatchError('LW_USAGE', `no alert with id ${id}`);
  const a = db.prepare('SELECT status, acked_at FROM alerts WHERE id = ?').get(id) as { status: string; acked_at: string | null };
  const deliveries = db
    .prepare('SELECT sink, revision, state, attempts, idempotency_key, last_error, delivered_at, failed_at FROM outbox WHERE alert_id = ? ORDER BY id')
    .all(id) as DeliveryStatus[];
  return { payload, status: a.status, acked_at: a.acked_at, deliveries };
}

/** Marks an alert acknowledged; a later revision (new records) reopens it. */
export function ackAlert(db: Database, id: string, now: string): void {
  const r = db.prepare(`UPDATE alerts SET status = 'acked', acked_at = ? WHERE id = ?`).run(now, id);
  if (r.changes === 0) throw new LeakwatchError('LW_USAGE', `no alert with id ${id}`);
}
