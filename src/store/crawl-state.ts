/**
 * What the crawler remembers per site: URLs seen with their validators and
 * hashes (never content, not even titles, which may name people), site health with its history, and pass statistics.
 */
import type { Store } from './store.js';
import { storeError } from './store.js';

export type ItemKind = 'listing' | 'post' | 'attachment' | 'page';
export type HealthState = 'up' | 'down' | 'empty' | 'seized' | 'error';

export interface CrawlItem {
  site: string;
  url: string;
  kind: ItemKind;
  etag: string | null;
  lastModified: string | null;
  sha256: string | null;
  size: number | null;
  firstSeen: string;
  lastSeen: string;
  removedAt: string | null;
}

export interface HealthRecord {
  site: string;
  location: string;
  state: HealthState;
  reason: string | null;
  since: string;
  checkedAt: string;
}

export interface PassStats {
  requests: number;
  bytes: number;
  pages: number;
  documents: number;
  findings: number;
}

/** Crawl bookkeeping on top of the store's database. */
export class CrawlState {
  readonly #store: Store;

  constructor(store: Store) {
    this.#store = store;
  }

  /** The remembered item, or null. */
  item(site: string, url: string): CrawlItem | null {
    const r = this.#store.db.prepare('SELECT * FROM crawl_items WHERE site = ? AND url = ?').get(site, url) as Record<string, unknown> | undefined;
    return r ? toItem(r) : null;
  }

  /** Records that an item was seen now (inserting or refreshing it, un-removing it). */
  saw(item: Pick<CrawlItem, 'site' | 'url' | 'kind'> & Partial<Pick<CrawlItem, 'etag' | 'lastModified' | 'sha256' | 'size'>>, now: string): void {
    try {
      this.#store.db
        .prepare(
          `INSERT INTO crawl_items (site, url, kind, etag, last_modified, sha256, size, first_seen, last_seen)
           VALUES (@site, @url, @kind, @etag, @lastModified, @sha256, @size, @now, @now)
           ON CONFLICT (site, url) DO UPDATE SET
             kind = excluded.kind,
             etag = COALESCE(excluded.etag, etag),
             last_modified = COALESCE(excluded.last_modified, last_modified),
             sha256 = COALESCE(excluded.sha256, sha256),
             size = COALESCE(excluded.size, size),
             last_seen = excluded.last_seen,
             removed_at = NULL`,
        )
        .run({
          site: item.site,
          url: item.url,
          kind: item.kind,
          etag: item.etag ?? null,
          lastModified: item.lastModified ?? null,
          sha256: item.sha256 ?? null,
          size: item.size ?? null,
          now,
        });
    } catch (err) {
      throw storeError(err, 'recording a crawled item');
    }
  }

  /** Marks posts of a site not seen since `passStart` as removed; returns their URLs. */
  markRemoved(site: string, passStart: string, now: string): string[] {
    const rows = this.#store.db
      .prepare(`SELECT url FROM crawl_items WHERE site = ? AND kind = 'post' AND removed_at IS NULL AND last_seen < ?`)
      .all(site, passStart) as { url: string }[];
    const upd = this.#store.db.prepare('UPDATE crawl_items SET removed_at = ? WHERE site = ? AND url = ?');
    this.#store.db.transaction(() => {
      for (const r of rows) upd.run(now, site, r.url);
    })();
    return rows.map((r) => r.url);
  }

  /** All items of a site. */
  items(site: string): CrawlItem[] {
    return (this.#store.db.prepare('SELECT * FROM crawl_items WHERE site = ? ORDER BY url').all(site) as Record<string, unknown>[]).map(toItem);
  }

  /**
   * Sets a location's health. A change of state is also written as an
   * operator event (for the alerting side) and returned.
   */
  setHealth(site: string, location: string, state: HealthState, reason: string | null, now: string): { changed: boolean; previous: HealthState | null } {
    const prev = this.#store.db.prepare('SELECT state FROM site_health WHERE site = ? AND location = ?').get(site, location) as
      | { state: HealthState }
      | undefined;
    const changed = prev?.state !== state;
    this.#store.db.transaction(() => {
      this.#store.db
        .prepare(
          `INSERT INTO site_health (site, location, state, reason, since, checked_at) VALUES (?, ?, ?, ?, ?, ?)
           ON CONFLICT (site, location) DO UPDATE SET state = excluded.state, reason = excluded.reason,
             since = CASE WHEN site_health.state = excluded.state THEN site_health.since ELSE excluded.since END,
             checked_at = excluded.checked_at`,
        )
        .run(site, location, state, reason, now, now);
      if (changed) {
        this.#store.db
          .prepare(
            `INSERT INTO operator_events (kind, site, location, state, previous_state, reason, at) VALUES ('site_health', ?, ?, ?, ?, ?, ?)`,
          )
          .run(site, location, state, prev?.state ?? null, reason, now);
      }
    })();
    return { changed, previous: prev?.state ?? null };
  }

  /** Health of every location (of one site, or all). */
  health(site?: string): HealthRecord[] {
    const rows = (site
      ? this.#store.db.prepare('SELECT * FROM site_health WHERE site = ? ORDER BY site, location').all(site)
      : this.#store.db.prepare('SELECT * FROM site_health ORDER BY site, location').all()) as Record<string, unknown>[];
    return rows.map((r) => ({
      site: r.site as string,
      location: r.location as string,
      state: r.state as HealthState,
      reason: (r.reason as string | null) ?? null,
      since: r.since as string,
      checkedAt: r.checked_at as string,
    }));
  }

  /** Operator events, oldest first. */
  events(): { id: number; kind: string; site: string | null; location: string | null; state: string | null; previousState: string | null; reason: string | null; at: string }[] {
    return (this.#store.db.prepare('SELECT * FROM operator_events ORDER BY id').all() as Record<string, unknown>[]).map((r) => ({
      id: r.id as number,
      kind: r.kind as string,
      site: (r.site as string | null) ?? null,
      location: (r.location as string | null) ?? null,
      state: (r.state as string | null) ?? null,
      previousState: (r.previous_state as string | null) ?? null,
      reason: (r.reason as string | null) ?? null,
      at: r.at as string,
    }));
  }

  /** Closes pass records left open by a process that died (kill -9, power loss); returns how many. */
  closeInterrupted(now: string): number {
    return this.#store.db
      .prepare(`UPDATE crawl_passes SET finished_at = ?, outcome = 'interrupted' WHERE finished_at IS NULL`)
      .run(now).changes;
  }

  /** Starts a pass record; returns its id. */
  startPass(site: string, now: string): number {
    return Number(this.#store.db.prepare('INSERT INTO crawl_passes (site, started_at) VALUES (?, ?)').run(site, now).lastInsertRowid);
  }

  /** Closes a pass record with its outcome and statistics. */
  finishPass(id: number, outcome: string, stats: PassStats, now: string): void {
    this.#store.db
      .prepare(
        `UPDATE crawl_passes SET finished_at = ?, outcome = ?, requests = ?, bytes = ?, pages = ?, documents = ?, findings = ? WHERE id = ?`,
      )
      .run(now, outcome, stats.requests, stats.bytes, stats.pages, stats.documents, stats.findings, id);
  }

  /** The latest pass of each site. */
  lastPasses(): { site: string; startedAt: string; finishedAt: string | null; outcome: string | null; stats: PassStats }[] {
    return (this.#store.db
      .prepare('SELECT * FROM crawl_passes WHERE id IN (SELECT MAX(id) FROM crawl_passes GROUP BY site) ORDER BY site')
      .all() as Record<string, unknown>[]).map((r) => ({
      site: r.site as string,
      startedAt: r.started_at as string,
      finishedAt: (r.finished_at as string | null) ?? null,
      outcome: (r.outcome as string | null) ?? null,
      stats: { requests: r.requests as number, bytes: r.bytes as number, pages: r.pages as number, documents: r.documents as number, findings: r.findings as number },
    }));
  }
}

function toItem(r: Record<string, unknown>): CrawlItem {
  return {
    site: r.site as string,
    url: r.url as string,
    kind: r.kind as ItemKind,
    etag: (r.etag as string | null) ?? null,
    lastModified: (r.last_modified as string | null) ?? null,
    sha256: (r.sha256 as string | null) ?? null,
    size: (r.size as number | null) ?? null,
    firstSeen: r.first_seen as string,
    lastSeen: r.last_seen as string,
    removedAt: (r.removed_at as string | null) ?? null,
  };
}
