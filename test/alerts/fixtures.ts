/** Synthetic findings, documents and configs for the alert tests (no real data). */
import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AlertingConfig } from '../../src/alerts/types.js';
import { configSchema } from '../../src/config/schema.js';
import type { Finding } from '../../src/matcher/findings.js';
import { Store, type ScannedDocument } from '../../src/store/store.js';

export const sha = (s: string) => createHash('sha256').update(s).digest('hex');

export function tempStore(): Store {
  return Store.open(mkdtempSync(join(tmpdir(), 'lw-alerts-')));
}

/** A record finding for `org` in the document at `url` with bytes named `bytes`. */
export function recordFinding(org: string, record: string, src: { url?: string; path?: string; entry?: string; bytes: string }, over: Partial<Finding> = {}): Finding {
  return {
    org,
    kind: 'record',
    record,
    confidence: 'high',
    fields: ['fi_hetu', 'name'],
    severity: 'high',
    source: { url: src.url ?? null, path: src.path ?? null, entry: src.entry ?? null, sha256: sha(src.bytes), size: src.bytes.length },
    seen_at: '2026-11-22T10:00:00.000Z',
    ...over,
  };
}

/** The scanned-document row matching a finding's source. */
export function docOf(f: Finding): ScannedDocument {
  return { sha256: f.source.sha256, size: f.source.size, mediaType: 'text/csv', url: f.source.url, path: f.source.path, entry: f.source.entry, seenAt: f.seen_at };
}

/** A parsed config with the given org sinks, operator sinks and fast retry settings. */
export function alertConfig(raw: { orgs?: { id: string; sinks: unknown[] }[]; operator?: unknown[]; retry?: object; delivery?: object; site_down_after_ms?: number }): AlertingConfig {
  return configSchema.parse({
    orgs: (raw.orgs ?? []).map((o) => ({ id: o.id, key: { env: 'LW_TEST_KEY' }, alerts: { sinks: o.sinks } })),
    operator: { sinks: raw.operator ?? [], ...(raw.site_down_after_ms !== undefined ? { site_down_after_ms: raw.site_down_after_ms } : {}) },
    alerts: { retry: { max_attempts: 3, base_ms: 10, max_ms: 100, ...raw.retry }, delivery: { timeout_ms: 2_000, concurrency: 4, poll_ms: 50, ...raw.delivery } },
  });
}

/** Outbox rows of a store, oldest first. */
export function outbox(store: Store): { id: number; channel: string; alert_id: string | null; revision: number | null; sink: string; idempotency_key: string; state: string; attempts: number; last_error: string | null }[] {
  return store.db.prepare('SELECT * FROM outbox ORDER BY id').all() as never;
}
