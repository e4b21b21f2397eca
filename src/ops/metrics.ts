/**
 * Prometheus metrics for the daemon, on a registry of our own (never
 * prom-client's global one, so tests and embedders get isolated counters).
 * Labels carry site names, onion locations, org ids, finding kinds and error
 * codes: configuration and classifications, never content or identifiers.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { BundleHeader } from '../bundle/format.js';
import type { PassResult } from '../crawler/crawl-site.js';
import type { Finding, Severity } from '../matcher/findings.js';
import type { HealthRecord, HealthState } from '../store/crawl-state.js';

const HEALTH_STATES: readonly HealthState[] = ['up', 'down', 'empty', 'seized', 'error'];
const FAILED_STATES: ReadonlySet<HealthState> = new Set(['down', 'error']);
// Webhooks answer in milliseconds, SMTP relays in seconds, a struggling sink in tens of seconds.
const DELIVERY_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

/** What the daemon (and later the alert outbox) reports; every method is cheap and synchronous. */
export interface Metrics {
  readonly registry: Registry;
  /**
   * A finished crawl pass. `health` is the site's health after the pass;
   * locations checked since `startedAt` with a failed state count as errors
   * under the error code their reason starts with.
   */
  passFinished(result: PassResult, context: { health: readonly HealthRecord[]; startedAt: string }): void;
  /** A pass that threw before producing a result. */
  passFailed(site: string, code: string): void;
  /** Findings the matcher reported during a pass or scan. */
  findingsRecorded(findings: readonly Finding[]): void;
  /** Current health of locations (replaces the previous state of each given location). */
  siteHealth(records: readonly HealthRecord[]): void;
  /** An alert was raised for an organization. */
  alertRaised(org: string, severity: Severity): void;
  /** One delivery attempt to a sink finished after `seconds`. */
  deliveryFinished(sink: string, ok: boolean, seconds: number): void;
  /** Fingerprint counts of every imported bundle (replaces previous values). */
  fingerprintCounts(headers: readonly BundleHeader[]): void;
  /** The Prometheus text exposition and its content type. */
  render(): Promise<{ contentType: string; body: string }>;
}

/** Creates a fresh registry with leakwatch's metrics (and Node process metrics). */
export function createMetrics(options: { processMetrics?: boolean } = {}): Metrics {
  const registry = new Registry();
  const registers = [registry];
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry });

  const passes = new Counter({ name: 'leakwatch_crawl_passes_total', help: 'Crawl passes by site and outcome.', labelNames: ['site', 'outcome'], registers });
  const pages = new Counter({ name: 'leakwatch_crawl_pages_total', help: 'Pages fetched (listings, posts, post pages).', labelNames: ['site'], registers });
  const requests = new Counter({ name: 'leakwatch_crawl_requests_total', help: 'HTTP requests made through Tor.', labelNames: ['site'], registers });
  const bytes = new Counter({ name: 'leakwatch_crawl_bytes_total', help: 'Body bytes received from leak sites.', labelNames: ['site'], registers });
  const documents = new Counter({ name: 'leakwatch_documents_scanned_total', help: 'Documents (pages, attachments, archive entries) run through the matcher.', labelNames: ['site'], registers });
  const errors = new Counter({ name: 'leakwatch_crawl_errors_total', help: 'Crawl failures by error class (stable error code).', labelNames: ['site', 'code'], registers });
  const lastPass = new Gauge({ name: 'leakwatch_crawl_last_pass_timestamp_seconds', help: 'When the last pass of a site finished (Unix time).', labelNames: ['site'], registers });
  const health = new Gauge({ name: 'leakwatch_site_health', help: '1 for the current health state of a site location, 0 for the others.', labelNames: ['site', 'location', 'state'], registers });
  const findings = new Counter({ name: 'leakwatch_findings_total', help: 'Findings by organization, kind and confidence.', labelNames: ['org', 'kind', 'confidence'], registers });
  const alerts = new Counter({ name: 'leakwatch_alerts_total', help: 'Alerts raised by organization and severity.', labelNames: ['org', 'severity'], registers });
  const delivery = new Histogram({ name: 'leakwatch_alert_delivery_seconds', help: 'Alert delivery latency per sink (successful and failed attempts).', labelNames: ['sink'], buckets: DELIVERY_BUCKETS, registers });
  const deliveryFailures = new Counter({ name: 'leakwatch_alert_delivery_failures_total', help: 'Failed alert delivery attempts per sink.', labelNames: ['sink'], registers });
  const fingerprints = new Gauge({ name: 'leakwatch_fingerprints', help: 'Enrolled fingerprints per organization and family.', labelNames: ['org', 'family'], registers });
  const records = new Gauge({ name: 'leakwatch_enrolled_records', help: 'Enrolled records (canaries included) per organization.', labelNames: ['org'], registers });

  const setHealth = (records: readonly HealthRecord[]): void => {
    for (const r of records) {
      for (const state of HEALTH_STATES) health.set({ site: r.site, location: r.location, state }, state === r.state ? 1 : 0);
    }
  };

  return {
    registry,
    passFinished(result, context) {
      const site = result.site;
      passes.inc({ site, outcome: result.outcome });
      pages.inc({ site }, result.stats.pages);
      requests.inc({ site }, result.stats.requests);
      bytes.inc({ site }, result.stats.bytes);
      documents.inc({ site }, result.stats.documents);
      lastPass.set({ site }, Date.now() / 1000);
      const siteHealth = context.health.filter((h) => h.site === site);
      setHealth(siteHealth);
      for (const h of siteHealth) {
        if (h.checkedAt >= context.startedAt && FAILED_STATES.has(h.state)) errors.inc({ site, code: errorClass(h.reason) });
      }
      if (result.outcome === 'error' && !siteHealth.some((h) => h.checkedAt >= context.startedAt && FAILED_STATES.has(h.state))) {
        errors.inc({ site, code: 'LW_INTERNAL' });
      }
    },
    passFailed(site, code) {
      passes.inc({ site, outcome: 'error' });
      errors.inc({ site, code: errorClass(code) });
    },
    findingsRecorded(list) {
      for (const f of list) findings.inc({ org: f.org, kind: f.kind, confidence: f.confidence });
    },
    siteHealth: setHealth,
    alertRaised(org, severity) {
      alerts.inc({ org, severity });
    },
    deliveryFinished(sink, ok, seconds) {
      delivery.observe({ sink }, seconds);
      if (!ok) deliveryFailures.inc({ sink });
    },
    fingerprintCounts(headers) {
      fingerprints.reset();
      records.reset();
      for (const h of headers) {
        fingerprints.set({ org: h.org, family: 'identifier' }, h.counts.identifier_fingerprints);
        fingerprints.set({ org: h.org, family: 'corroborating' }, h.counts.corroborating_fingerprints);
        fingerprints.set({ org: h.org, family: 'document' }, h.counts.document_fingerprints);
        records.set({ org: h.org }, h.counts.records);
      }
    },
    async render() {
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
}

/** The stable error code a health reason or code string starts with; free text never becomes a label. */
export function errorClass(reason: string | null): string {
  const m = /^(LW_[A-Z_]+)\b/.exec(reason ?? '');
  return m ? m[1]! : 'LW_INTERNAL';
}
