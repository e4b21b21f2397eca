/**
 * What `leakwatch status` shows: each site's health per location and its
 * last pass, each organization's enrolled fingerprint counts and open alerts.
 * Read from the store only (opened read-only), so it is safe next to a
 * running daemon.
 */
import type { LoadedConfig } from '../config/load.js';
import type { HealthState } from '../store/crawl-state.js';
import type { Store } from '../store/store.js';

export interface LocationStatus {
  location: string;
  state: HealthState;
  reason: string | null;
  since: string;
  checkedAt: string;
}

export interface PassStatus {
  startedAt: string;
  finishedAt: string | null;
  outcome: string | null;
  requests: number;
  bytes: number;
  pages: number;
  documents: number;
  findings: number;
}

export interface SiteStatus {
  name: string;
  /** From the config; null for a site the store remembers but the config no longer has. */
  enabled: boolean | null;
  locations: LocationStatus[];
  lastPass: PassStatus | null;
}

export interface OrgStatus {
  id: string;
  configured: boolean;
  bundle: {
    importedAt: string;
    createdAt: string;
    records: number;
    canaries: number;
    identifierFingerprints: number;
    corroboratingFingerprints: number;
    documents: number;
    documentFingerprints: number;
  } | null;
  /** Null before the alerts table exists. */
  openAlerts: number | null;
}

export interface Status {
  store: string;
  schema: { current: number; latest: number };
  sites: SiteStatus[];
  orgs: OrgStatus[];
}

/** Collects the status from an open (read-only) store and the config. */
export function readStatus(store: Store, cfg: LoadedConfig): Status {
  const tables = new Set((store.db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).all() as { name: string }[]).map((r) => r.name));
  const health = tables.has('site_health')
    ? (store.db.prepare('SELECT * FROM site_health ORDER BY site, location').all() as Record<string, string | null>[])
    : [];
  const passes = tables.has('crawl_passes')
    ? (store.db.prepare('SELECT * FROM crawl_passes WHERE id IN (SELECT MAX(id) FROM crawl_passes GROUP BY site)').all() as Record<string, string | number | null>[])
    : [];
  const siteNames = unique([...cfg.sites.map((s) => s.name), ...health.map((h) => h.site!), ...passes.map((p) => String(p.site))]);
  const sites = siteNames.map((name): SiteStatus => {
    const configured = cfg.sites.find((s) => s.name === name);
    const pass = passes.find((p) => p.site === name);
    return {
      name,
      enabled: configured ? configured.enabled : null,
      locations: health
        .filter((h) => h.site === name)
        .map((h) => ({ location: h.location!, state: h.state as HealthState, reason: h.reason ?? null, since: h.since!, checkedAt: h.checked_at! })),
      lastPass: pass
        ? {
            startedAt: String(pass.started_at),
            finishedAt: pass.finished_at === null ? null : String(pass.finished_at),
            outcome: pass.outcome === null ? null : String(pass.outcome),
            requests: Number(pass.requests),
            bytes: Number(pass.bytes),
            pages: Number(pass.pages),
            documents: Number(pass.documents),
            findings: Number(pass.findings),
          }
        : null,
    };
  });
  const bundles = tables.has('org_bundles') ? store.bundleHeaders() : [];
  const alerts = tables.has('alerts') ? openAlertCounts(store) : null;
  const orgIds = unique([...cfg.orgs.map((o) => o.id), ...bundles.map((b) => b.org)]);
  const orgs = orgIds.map((id): OrgStatus => {
    const b = bundles.find((x) => x.org === id);
    const c = b?.header.counts;
    return {
      id,
      configured: cfg.orgs.some((o) => o.id === id),
      bundle:
        b && c
          ? {
              importedAt: b.importedAt,
              createdAt: b.header.created_at,
              records: c.records,
              canaries: c.canaries,
              identifierFingerprints: c.identifier_fingerprints,
              corroboratingFingerprints: c.corroborating_fingerprints,
              documents: c.documents,
              documentFingerprints: c.document_fingerprints,
            }
          : null,
      openAlerts: alerts ? (alerts.get(id) ?? 0) : null,
    };
  });
  return { store: store.path, schema: store.schemaVersion(), sites, orgs };
}

/**
 * Open alerts per org. The alerts table belongs to the alerting side and
 * arrives with its migration; before it has a status column every alert
 * counts as open.
 */
function openAlertCounts(store: Store): Map<string, number> {
  const columns = new Set((store.db.prepare(`SELECT name FROM pragma_table_info('alerts')`).all() as { name: string }[]).map((r) => r.name));
  if (!columns.has('org')) return new Map();
  const where = columns.has('status') ? `WHERE status = 'open'` : '';
  const rows = store.db.prepare(`SELECT org, COUNT(*) AS n FROM alerts ${where} GROUP BY org`).all() as { org: string; n: number }[];
  return new Map(rows.map((r) => [r.org, r.n]));
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}
