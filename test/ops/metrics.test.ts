/**
 * Metrics: the registry's exposition after the daemon's calls, the loopback
 * HTTP endpoint scraped for real, the listen-address policy in the config
 * schema, and the daemon wired to it (a real pass through a loopback SOCKS5
 * server that refuses the onion).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { stringify } from 'yaml';
import { encodeBundle } from '../../src/bundle/format.js';
import { parseConfig } from '../../src/config/load.js';
import type { PassResult } from '../../src/crawler/crawl-site.js';
import { Daemon } from '../../src/daemon/daemon.js';
import { hasCode } from '../../src/errors.js';
import { createLogger } from '../../src/log/logger.js';
import type { Finding } from '../../src/matcher/findings.js';
import { isLoopbackHost, parseListenAddress } from '../../src/ops/listen-address.js';
import { createMetrics, errorClass } from '../../src/ops/metrics.js';
import { startMetricsServer } from '../../src/ops/metrics-server.js';
import { startSocks5Server } from '../../src/sim/socks5-server.js';
import type { HealthRecord } from '../../src/store/crawl-state.js';
import { Store } from '../../src/store/store.js';
import { syntheticBundle } from '../support/bundles.js';

const onion = (c: string) => `${c.repeat(56)}.onion`;

/** The value of one sample line `name{labels} value`, or undefined. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split('\n')) {
    const m = /^([a-z_:]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = m[2] ? m[2].split(',') : [];
    if (want.length === have.length && want.every((w) => have.includes(w))) return Number(m[3]);
  }
  return undefined;
}

const finding = (org: string, kind: Finding['kind'], confidence: Finding['confidence']): Finding => ({
  org,
  kind,
  confidence,
  severity: 'high',
  source: { url: null, path: 'x', entry: null, sha256: '0'.repeat(64), size: 1 },
  seen_at: '2026-11-23T10:00:00.000Z',
});

describe('metrics registry', () => {
  test('pass, health, errors, findings, alerts, delivery and fingerprint counts', async () => {
    const m = createMetrics({ processMetrics: false });
    const result: PassResult = {
      site: 'blog',
      outcome: 'ok',
      location: `http://${onion('b')}/`,
      stats: { requests: 12, bytes: 34_567, pages: 5, documents: 7, findings: 2 },
      removed: [],
      findings: 2,
    };
    const health: HealthRecord[] = [
      { site: 'blog', location: `http://${onion('a')}/`, state: 'down', reason: 'LW_ONION_NOT_FOUND: SOCKS proxy: onion descriptor not found (reply 0xf0)', since: '2026-11-23T10:00:01Z', checkedAt: '2026-11-23T10:00:01Z' },
      { site: 'blog', location: `http://${onion('b')}/`, state: 'up', reason: null, since: '2026-11-20T00:00:00Z', checkedAt: '2026-11-23T10:00:02Z' },
      // Checked before this pass: not counted as an error of it.
      { site: 'blog', location: `http://${onion('c')}/`, state: 'error', reason: 'LW_PROXY_UNREACHABLE: x', since: '2026-11-22T00:00:00Z', checkedAt: '2026-11-22T00:00:00Z' },
    ];
    m.passFinished(result, { health, startedAt: '2026-11-23T10:00:00Z' });
    m.passFinished({ ...result, outcome: 'down', stats: { requests: 1, bytes: 0, pages: 0, documents: 0, findings: 0 } }, { health: [], startedAt: '2026-11-23T11:00:00Z' });
    m.passFailed('paste', 'LW_STORE_FULL');
    m.findingsRecorded([finding('clinic-a', 'record', 'high'), finding('clinic-a', 'record', 'high'), finding('clinic-a', 'term', 'low')]);
    m.alertRaised('clinic-a', 'critical');
    m.deliveryFinished('webhook-0', true, 0.2);
    m.deliveryFinished('webhook-0', false, 12);
    const b = syntheticBundle('clinic-a', 9);
    m.fingerprintCounts([b.header, { ...syntheticBundle('clinic-b', 3).header }]);
    m.fingerprintCounts([b.header]);

    const { contentType, body } = await m.render();
    assert.match(contentType, /^text\/plain; version=0\.0\.4/);
    assert.equal(sample(body, 'leakwatch_crawl_passes_total', { site: 'blog', outcome: 'ok' }), 1);
    assert.equal(sample(body, 'leakwatch_crawl_passes_total', { site: 'blog', outcome: 'down' }), 1);
    assert.equal(sample(body, 'leakwatch_crawl_passes_total', { site: 'paste', outcome: 'error' }), 1);
    assert.equal(sample(body, 'leakwatch_crawl_requests_total', { site: 'blog' }), 13);
    assert.equal(sample(body, 'leakwatch_crawl_bytes_total', { site: 'blog' }), 34_567);
    assert.equal(sample(body, 'leakwatch_crawl_pages_total', { site: 'blog' }), 5);
    assert.equal(sample(body, 'leakwatch_documents_scanned_total', { site: 'blog' }), 7);
    assert.equal(sample(body, 'leakwatch_crawl_errors_total', { site: 'blog', code: 'LW_ONION_NOT_FOUND' }), 1);
    assert.equal(sample(body, 'leakwatch_crawl_errors_total', { site: 'blog', code: 'LW_PROXY_UNREACHABLE' }), undefined);
    assert.equal(sample(body, 'leakwatch_crawl_errors_total', { site: 'paste', code: 'LW_STORE_FULL' }), 1);
    assert.equal(sample(body, 'leakwatch_site_health', { site: 'blog', location: `http://${onion('a')}/`, state: 'down' }), 1);
    assert.equal(sample(body, 'leakwatch_site_health', { site: 'blog', location: `http://${onion('a')}/`, state: 'up' }), 0);
    assert.equal(sample(body, 'leakwatch_site_health', { site: 'blog', location: `http://${onion('b')}/`, state: 'up' }), 1);
    assert.equal(sample(body, 'leakwatch_findings_total', { org: 'clinic-a', kind: 'record', confidence: 'high' }), 2);
    assert.equal(sample(body, 'leakwatch_findings_total', { org: 'clinic-a', kind: 'term', confidence: 'low' }), 1);
    assert.equal(sample(body, 'leakwatch_alerts_total', { org: 'clinic-a', severity: 'critical' }), 1);
    assert.equal(sample(body, 'leakwatch_alert_delivery_seconds_count', { sink: 'webhook-0' }), 2);
    assert.equal(sample(body, 'leakwatch_alert_delivery_seconds_bucket', { sink: 'webhook-0', le: '0.25' }), 1);
    assert.equal(sample(body, 'leakwatch_alert_delivery_failures_total', { sink: 'webhook-0' }), 1);
    assert.equal(sample(body, 'leakwatch_fingerprints', { org: 'clinic-a', family: 'identifier' }), 9);
    assert.equal(sample(body, 'leakwatch_enrolled_records', { org: 'clinic-a' }), 9);
    // A reload replaces the counts: an org no longer imported disappears.
    assert.equal(sample(body, 'leakwatch_enrolled_records', { org: 'clinic-b' }), undefined);
    assert.ok(!body.includes('process_cpu'), 'process metrics were turned off');
  });

  test('error classes come only from stable codes', () => {
    assert.equal(errorClass('LW_TIMEOUT: SOCKS handshake timed out'), 'LW_TIMEOUT');
    assert.equal(errorClass('some free text'), 'LW_INTERNAL');
    assert.equal(errorClass(null), 'LW_INTERNAL');
  });

  test('two registries do not share counters', async () => {
    const a = createMetrics({ processMetrics: false });
    const b = createMetrics({ processMetrics: false });
    a.alertRaised('x', 'low');
    assert.equal(sample((await b.render()).body, 'leakwatch_alerts_total', { org: 'x', severity: 'low' }), undefined);
  });
});

describe('metrics endpoint', () => {
  test('serves /metrics and /healthz on loopback; 404, 405 and 503 where due', async () => {
    const m = createMetrics();
    m.alertRaised('clinic-a', 'high');
    let alive = true;
    const server = await startMetricsServer({ metrics: m, listen: '127.0.0.1:0', alive: () => alive });
    try {
      assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
      const res = await fetch(`${server.url}/metrics`);
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type') ?? '', /^text\/plain/);
      const body = await res.text();
      assert.equal(sample(body, 'leakwatch_alerts_total', { org: 'clinic-a', severity: 'high' }), 1);
      assert.ok(body.includes('process_resident_memory_bytes'));
      const health = await fetch(`${server.url}/healthz`);
      assert.equal(health.status, 200);
      assert.equal(await health.text(), 'ok\n');
      assert.equal((await fetch(`${server.url}/other`)).status, 404);
      assert.equal((await fetch(`${server.url}/metrics`, { method: 'POST', body: 'x' })).status, 405);
      alive = false;
      assert.equal((await fetch(`${server.url}/healthz`)).status, 503);
    } finally {
      await server.close();
    }
  });

  test('refuses a non-loopback address unless allowed; reports a port in use', async () => {
    const m = createMetrics({ processMetrics: false });
    await assert.rejects(startMetricsServer({ metrics: m, listen: '0.0.0.0:0' }), (e) => hasCode(e, 'LW_CONFIG_INVALID'));
    const open = await startMetricsServer({ metrics: m, listen: '0.0.0.0:0', allowRemote: true });
    try {
      const port = Number(new URL(open.url).port);
      await assert.rejects(startMetricsServer({ metrics: m, listen: `127.0.0.1:${port}` }), (e) => hasCode(e, 'LW_NETWORK') && /EADDRINUSE/.test((e as Error).message));
    } finally {
      await open.close();
    }
  });

  test('listen addresses and the config schema', () => {
    assert.deepEqual(parseListenAddress('127.0.0.1:9464'), { host: '127.0.0.1', port: 9464 });
    assert.deepEqual(parseListenAddress('[::1]:9464'), { host: '::1', port: 9464 });
    assert.equal(parseListenAddress('9464'), null);
    assert.equal(parseListenAddress('[nope]:1'), null);
    assert.equal(parseListenAddress('h:70000'), null);
    for (const h of ['localhost', '127.0.0.1', '127.3.2.1', '::1', '0:0:0:0:0:0:0:1']) assert.ok(isLoopbackHost(h), h);
    for (const h of ['0.0.0.0', '::', '10.0.0.1', 'example.org', '128.0.0.1']) assert.ok(!isLoopbackHost(h), h);

    assert.deepEqual(parseConfig({}, 't', {}).metrics, { enabled: false, listen: '127.0.0.1:9464', allow_remote: false });
    assert.throws(() => parseConfig({ metrics: { enabled: true, listen: '0.0.0.0:9464' } }, 't', {}), /metrics\.listen: not a loopback address/);
    assert.throws(() => parseConfig({ metrics: { listen: 'nonsense' } }, 't', {}), /metrics\.listen: must be host:port/);
    assert.equal(parseConfig({ metrics: { listen: '0.0.0.0:9464', allow_remote: true } }, 't', {}).metrics.allow_remote, true);
  });
});

describe('the daemon with metrics enabled', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'lw-metrics-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('serves fingerprint counts from the start and pass metrics after a real pass', async () => {
    // The proxy answers the site's onion with "onion descriptor invalid": a down site, no retries.
    const socks = await startSocks5Server({ resolve: () => ({ reply: 0xf1 }) });
    const store = Store.open(join(dir, 'var'));
    const b = syntheticBundle('clinic-z', 4);
    store.importBundle(b.header, encodeBundle(b));
    store.close();
    const cfgFile = join(dir, 'leakwatch.yaml');
    writeFileSync(
      cfgFile,
      stringify({
        data_dir: 'var',
        tor: { socks_url: `socks5h://127.0.0.1:${socks.port}` },
        sites: [{ name: 'blog', profile: 'ransomware-blog', locations: [`http://${onion('a')}/`] }],
        metrics: { enabled: true, listen: '127.0.0.1:0' },
      }),
    );
    const log = createLogger({ level: 'silent', destination: new Writable({ write: (_c, _e, cb) => cb() }) });
    const daemon = new Daemon({ configPath: cfgFile, log, maxStartDelayMs: 0, stopGraceMs: 1000 });
    daemon.start();
    try {
      const url = await daemon.metricsUrl();
      assert.ok(url);
      const before = await (await fetch(`${url}/metrics`)).text();
      assert.equal(sample(before, 'leakwatch_fingerprints', { org: 'clinic-z', family: 'identifier' }), 4);
      await daemon.runNow('blog');
      const afterPass = await (await fetch(`${url}/metrics`)).text();
      assert.equal(sample(afterPass, 'leakwatch_crawl_passes_total', { site: 'blog', outcome: 'down' }), 1);
      assert.equal(sample(afterPass, 'leakwatch_crawl_errors_total', { site: 'blog', code: 'LW_ONION_NOT_FOUND' }), 1);
      assert.equal(sample(afterPass, 'leakwatch_site_health', { site: 'blog', location: `http://${onion('a')}/`, state: 'down' }), 1);
      assert.equal((await fetch(`${url}/healthz`)).status, 200);
    } finally {
      await daemon.stop();
      await socks.close();
    }
    // stop() closed the endpoint.
    await assert.rejects(fetch(`${(await daemon.metricsUrl())!}/healthz`));
  });
});
