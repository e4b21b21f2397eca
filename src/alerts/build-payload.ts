/**
 * Builds an alert's notification payload from the store. Only references the
 * store already holds go in: the org's own record and document ids, field
 * types, confidences, overlaps, URLs, paths, hashes, sizes, counts.
 */
import type { Database } from 'better-sqlite3';
import type { Confidence, Severity } from '../matcher/findings.js';
import type { AlertPayload, AlertSighting, AlertSource } from './types.js';

/** Items listed per kind; counts stay complete. Keeps mails and chat messages readable and webhooks small. */
export const MAX_LISTED_ITEMS = 500;
export const MAX_LISTED_SIGHTINGS = 20;

interface AlertRow {
  id: string;
  org: string;
  severity: Severity;
  source_url: string | null;
  source_path: string | null;
  source_entry: string | null;
  site: string | null;
  sha256: string;
  size: number;
  first_seen: string;
  last_seen: string;
  revision: number;
}

interface ItemRow {
  kind: 'record' | 'document' | 'canary' | 'term';
  ref: string;
  confidence: Confidence;
  fields_json: string | null;
  overlap: number | null;
  revision: number;
}

const CONF: Record<Confidence, number> = { high: 2, medium: 1, low: 0 };

/** The payload of the alert's current revision, or null when there is no such alert. */
export function buildAlertPayload(db: Database, alertId: string): AlertPayload | null {
  const a = db.prepare('SELECT * FROM alerts WHERE id = ?').get(alertId) as AlertRow | undefined;
  if (!a) return null;
  const items = db.prepare('SELECT kind, ref, confidence, fields_json, overlap, revision FROM alert_items WHERE alert_id = ?').all(alertId) as ItemRow[];
  // Newest and strongest references first, so a cut list keeps what matters.
  items.sort((x, y) => Number(y.revision === a.revision) - Number(x.revision === a.revision) || CONF[y.confidence] - CONF[x.confidence] || x.ref.localeCompare(y.ref));
  const of = (k: ItemRow['kind']) => items.filter((i) => i.kind === k);
  const records = of('record');
  const documents = of('document');
  const canaries = of('canary');
  const terms = of('term');
  const sightingCount = (db.prepare('SELECT COUNT(*) AS n FROM alert_sightings WHERE alert_id = ?').get(alertId) as { n: number }).n;
  const sightings = (db.prepare('SELECT * FROM alert_sightings WHERE alert_id = ? ORDER BY id DESC LIMIT ?').all(alertId, MAX_LISTED_SIGHTINGS) as Record<string, unknown>[]).map(
    (s): AlertSighting => ({
      url: (s.source_url as string | null) ?? null,
      path: (s.source_path as string | null) ?? null,
      entry: (s.source_entry as string | null) ?? null,
      site: (s.site as string | null) ?? null,
      sha256: s.sha256 as string,
      size: Number(s.size),
      seen_at: s.seen_at as string,
      match: s.match as AlertSighting['match'],
      distance: (s.distance as number | null) ?? null,
    }),
  );
  const source: AlertSource = { url: a.source_url, path: a.source_path, entry: a.source_entry, site: a.site, sha256: a.sha256, size: Number(a.size) };
  const isNew = (i: ItemRow) => i.revision === a.revision;
  const cut = <T,>(list: ItemRow[], map: (i: ItemRow) => T) => list.slice(0, MAX_LISTED_ITEMS).map(map);
  const recordRef = (i: ItemRow) => ({ ref: i.ref, confidence: i.confidence, fields: i.fields_json ? (JSON.parse(i.fields_json) as string[]) : [], new: isNew(i) });
  return {
    type: 'leakwatch.alert',
    version: 1,
    test: false,
    alert_id: a.id,
    notification_id: `${a.id}.${a.revision}`,
    revision: a.revision,
    reason: a.revision === 1 ? 'new' : 'updated',
    org: a.org,
    severity: a.severity,
    first_seen: a.first_seen,
    last_seen: a.last_seen,
    source,
    records: cut(records, recordRef),
    documents: cut(documents, (i) => ({ ref: i.ref, confidence: i.confidence, overlap: i.overlap, new: isNew(i) })),
    canaries: cut(canaries, recordRef),
    terms: cut(terms, (i) => ({ term: i.ref, confidence: i.confidence, new: isNew(i) })),
    sightings,
    counts: {
      records: records.length,
      documents: documents.length,
      canaries: canaries.length,
      terms: terms.length,
      sightings: sightingCount,
      new_items: items.filter(isNew).length,
    },
    truncated: [records, documents, canaries, terms].some((l) => l.length > MAX_LISTED_ITEMS) || sightingCount > MAX_LISTED_SIGHTINGS,
  };
}
