/**
 * Findings become alerts in the same SQLite transaction that stores them:
 * one alert per organization and source document; a re-sighting (same bytes,
 * a keyed simhash within Hamming distance 3, or the same location updated)
 * joins the existing alert; anything new about it queues one notification.
 */
import { randomBytes } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import { LeakwatchError } from '../errors.js';
import type { DocumentResult } from '../matcher/document-matcher.js';
import { maxSeverity, type Finding, type Severity } from '../matcher/findings.js';
import { hamming64 } from '../matcher/simhash.js';
import { storeError, type ScannedDocument, type Store } from '../store/store.js';
import { planAlertRevisions } from './plan-outbox.js';
import type { AlertingConfig, AlertSighting } from './types.js';

/** Near-duplicate threshold for whole documents (design section 4). */
export const RESIGHTING_MAX_DISTANCE = 3;

/** A document's keyed simhash for one organization, tied to the document by its SHA-256. */
export type DocumentSimhash = DocumentResult['simhashes'][number] & { sha256: string };

export interface RecordInput {
  findings: readonly Finding[];
  docs: readonly ScannedDocument[];
  /** Keyed simhashes of the scanned documents (from DocumentResult.simhashes, with the document's SHA-256). */
  simhashes?: readonly DocumentSimhash[];
  /** Configured site name for crawled documents. */
  site?: string;
}

export interface RecordOptions {
  clock?: () => Date;
  /** Sinks to fan out to now; without it the delivery worker fans out later with its own config. */
  config?: AlertingConfig | null;
}

export interface RecordOutcome {
  /** Alerts created or changed, with the revision to notify (null when a sighting brought nothing new). */
  alerts: { id: string; created: boolean; notify: number | null }[];
  /** Outbox rows written. */
  queued: number;
}

interface Group {
  org: string;
  source: Finding['source'];
  findings: Finding[];
}

/** Stores findings and documents, aggregates them into alerts and queues their notifications, all in one transaction. */
export function recordFindings(store: Store, input: RecordInput, opts: RecordOptions = {}): RecordOutcome {
  const now = (opts.clock?.() ?? new Date()).toISOString();
  const db = store.db;
  try {
    return db.transaction((): RecordOutcome => {
      store.recordScan(input.findings, input.docs);
      const touched = new Map<string, { created: boolean; notify: number | null }>();
      for (const g of groupFindings(input.findings)) {
        const sims = (input.simhashes ?? []).filter((s) => s.sha256 === g.source.sha256 && s.org === g.org);
        const r = upsertAlert(db, g, sims, siteOf(g.source.url, input.site));
        const prev = touched.get(r.id);
        touched.set(r.id, { created: (prev?.created ?? false) || r.created, notify: r.notify ?? prev?.notify ?? null });
      }
      const queued = opts.config ? planAlertRevisions(db, opts.config, now, [...touched.keys()]) : 0;
      return { alerts: [...touched].map(([id, t]) => ({ id, ...t })), queued };
    }).immediate();
  } catch (err) {
    if (err instanceof LeakwatchError) throw err;
    throw storeError(err, 'recording findings and alerts');
  }
}

/** Groups findings per organization and source document, in first-seen order. */
function groupFindings(findings: readonly Finding[]): Group[] {
  const groups = new Map<string, Group>();
  for (const f of findings) {
    const k = JSON.stringify([f.org, f.source.url, f.source.path, f.source.entry, f.source.sha256]);
    let g = groups.get(k);
    if (!g) groups.set(k, (g = { org: f.org, source: f.source, findings: [] }));
    g.findings.push(f);
  }
  return [...groups.values()];
}

/** URL-or-path plus archive entry: what "the same document at the same place" means. */
export function locationOf(src: { url: string | null; path: string | null; entry: string | null }): string {
  return `${src.url ?? src.path ?? ''}${src.entry ? `!${src.entry}` : ''}`;
}

function siteOf(url: string | null, site: string | undefined): string | null {
  if (site) return site;
  if (!url) return null;
  try {
    return new URL(url).host || null;
  } catch {
    return null;
  }
}

/** The four 16-bit bands of a simhash: within distance 3, at least one band is equal (pigeonhole). */
function bands(hi: number, lo: number): [number, number, number, number] {
  return [hi >>> 16, hi & 0xffff, lo >>> 16, lo & 0xffff];
}

interface Match {
  id: string;
  how: AlertSighting['match'];
  distance: number | null;
}

function findAlert(db: Database, g: Group, sims: readonly DocumentSimhash[]): Match | null {
  // Every alert has a sighting carrying each SHA-256 it was seen with, its own included.
  const exact = db
    .prepare(
      `SELECT s.alert_id AS id FROM alert_sightings s JOIN alerts a ON a.id = s.alert_id
       WHERE s.sha256 = ? AND a.org = ? ORDER BY s.id LIMIT 1`,
    )
    .get(g.source.sha256, g.org) as { id: string } | undefined;
  if (exact) return { id: exact.id, how: 'sha256', distance: 0 };
  let best: Match | null = null;
  const near = db.prepare(
    `SELECT alert_id, hi, lo FROM alert_simhashes WHERE org = @org AND (b0 = @b0 OR b1 = @b1 OR b2 = @b2 OR b3 = @b3)`,
  );
  for (const s of sims) {
    const [b0, b1, b2, b3] = bands(s.hi, s.lo);
    for (const c of near.all({ org: g.org, b0, b1, b2, b3 }) as { alert_id: string; hi: number; lo: number }[]) {
      const d = hamming64(s.hi, s.lo, c.hi, c.lo);
      if (d <= RESIGHTING_MAX_DISTANCE && (!best || d < best.distance!)) best = { id: c.alert_id, how: 'simhash', distance: d };
    }
  }
  if (best) return best;
  const same = db
    .prepare('SELECT id FROM alerts WHERE org = ? AND location = ? ORDER BY last_seen DESC LIMIT 1')
    .get(g.org, locationOf(g.source)) as { id: string } | undefined;
  return same ? { id: same.id, how: 'location', distance: null } : null;
}

/** Creates or extends the alert for one group; returns the revision to notify, if any. */
function upsertAlert(
  db: Database,
  g: Group,
  sims: readonly DocumentSimhash[],
  site: string | null,
): { id: string; created: boolean; notify: number | null } {
  const severity = g.findings.reduce<Severity>((s, f) => maxSeverity(s, f.severity), 'low');
  const seen = g.findings.reduce((s, f) => (f.seen_at > s ? f.seen_at : s), g.findings[0]!.seen_at);
  const src = g.source;
  const match = findAlert(db, g, sims);
  let id: string;
  let revision: number;
  let created = false;
  if (!match) {
    id = `al_${randomBytes(8).toString('hex')}`;
    revision = 1;
    created = true;
    db.prepare(
      `INSERT INTO alerts (id, org, severity, source_url, source_path, source_entry, location, site, sha256, size, first_seen, last_seen, revision)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)`,
    ).run(id, g.org, severity, src.url, src.path, src.entry, locationOf(src), site, src.sha256, src.size, seen, seen);
  } else {
    id = match.id;
    const row = db.prepare('SELECT revision FROM alerts WHERE id = ?').get(id) as { revision: number };
    // Provisional: kept only when this sighting brings something new.
    revision = row.revision + 1;
    if (match.how === 'location') {
      // The post at the same place was updated: the alert now describes its current bytes.
      db.prepare('UPDATE alerts SET sha256 = ?, size = ? WHERE id = ?').run(src.sha256, src.size, id);
    }
  }
  db.prepare(
    `INSERT INTO alert_sightings (alert_id, match, distance, source_url, source_path, source_entry, site, sha256, size, seen_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(id, match?.how ?? 'new', match?.distance ?? null, src.url, src.path, src.entry, site, src.sha256, src.size, seen);
  const addSim = db.prepare('INSERT OR IGNORE INTO alert_simhashes (alert_id, org, hi, lo, b0, b1, b2, b3) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
  for (const s of sims) addSim.run(id, g.org, s.hi, s.lo, ...bands(s.hi, s.lo));
  const fresh = addItems(db, id, g.findings, revision, seen);
  if (created) return { id, created, notify: 1 };
  const cur = db.prepare('SELECT revision, severity, last_seen FROM alerts WHERE id = ?').get(id) as { revision: number; severity: Severity; last_seen: string };
  const raised = maxSeverity(cur.severity, severity) !== cur.severity;
  const last = seen > cur.last_seen ? seen : cur.last_seen;
  if (fresh > 0 || raised) {
    db.prepare(`UPDATE alerts SET revision = ?, severity = ?, last_seen = ?, status = 'open', acked_at = NULL WHERE id = ?`).run(revision, maxSeverity(cur.severity, severity), last, id);
    return { id, created, notify: revision };
  }
  db.prepare('UPDATE alerts SET last_seen = ? WHERE id = ?').run(last, id);
  return { id, created, notify: null };
}

/** Adds the findings' references to the alert; returns how many were new. Stronger confidence or overlap upgrades an item. */
function addItems(db: Database, id: string, findings: readonly Finding[], revision: number, seen: string): number {
  const ins = db.prepare(
    `INSERT INTO alert_items (alert_id, kind, ref, confidence, fields_json, overlap, first_seen, revision)
     VALUES (@id, @kind, @ref, @confidence, @fields, @overlap, @seen, @revision)
     ON CONFLICT (alert_id, kind, ref) DO UPDATE SET
       confidence = CASE WHEN (CASE excluded.confidence WHEN 'high' THEN 2 WHEN 'medium' THEN 1 ELSE 0 END)
                            > (CASE alert_items.confidence WHEN 'high' THEN 2 WHEN 'medium' THEN 1 ELSE 0 END)
                         THEN excluded.confidence ELSE alert_items.confidence END,
       overlap = MAX(COALESCE(alert_items.overlap, 0), COALESCE(excluded.overlap, 0)),
       fields_json = COALESCE(excluded.fields_json, alert_items.fields_json)
     RETURNING revision`,
  );
  let fresh = 0;
  for (const f of findings) {
    const ref = f.kind === 'term' ? f.term : f.kind === 'document' ? f.document : f.record;
    if (ref === undefined) continue;
    const r = ins.get({
      id,
      kind: f.kind,
      ref,
      confidence: f.confidence,
      fields: f.fields ? JSON.stringify([...f.fields].sort()) : null,
      overlap: f.overlap ?? null,
      seen,
      revision,
    }) as { revision: number };
    if (r.revision === revision) fresh++;
  }
  return fresh;
}

/** Limits of a FindingRecorder's batch. */
export interface BatchLimits {
  /** Documents held before they are recorded. */
  maxDocs: number;
  /** Findings held before they are recorded: a leak of an organization's own table yields one a row. */
  maxFindings: number;
}

/**
 * Findings of a scan on their way to the store, recorded in batches of whole
 * documents (`recordFindings`, one transaction each), so that memory stays
 * bounded however many a scan finds. Held until the 500th document, the
 * million findings of the 1 GB benchmark zip (20 documents) stayed to the end:
 * 653 MB peak RSS for `scan` with the store, 445 MB in batches.
 */
export class FindingRecorder {
  readonly #store: Store;
  readonly #options: RecordOptions;
  readonly #limits: BatchLimits;
  #findings: Finding[] = [];
  #docs: ScannedDocument[] = [];
  #simhashes: DocumentSimhash[] = [];
  /** Findings recorded so far. */
  recorded = 0;

  constructor(store: Store, options: RecordOptions, limits: BatchLimits = { maxDocs: 500, maxFindings: 20_000 }) {
    this.#store = store;
    this.#options = options;
    this.#limits = limits;
  }

  /** Adds one scanned document with its findings; records the batch once it reaches a limit. */
  add(result: Pick<DocumentResult, 'findings' | 'simhashes' | 'sha256'>, doc: ScannedDocument): void {
    for (const f of result.findings) this.#findings.push(f);
    this.#docs.push(doc);
    for (const h of result.simhashes) this.#simhashes.push({ ...h, sha256: result.sha256 });
    if (this.#docs.length >= this.#limits.maxDocs || this.#findings.length >= this.#limits.maxFindings) this.flush();
  }

  /** Records whatever is held. */
  flush(): void {
    if (this.#findings.length === 0 && this.#docs.length === 0) return;
    const batch = { findings: this.#findings, docs: this.#docs, simhashes: this.#simhashes };
    this.#findings = [];
    this.#docs = [];
    this.#simhashes = [];
    recordFindings(this.#store, batch, this.#options);
    this.recorded += batch.findings.length;
  }
}
