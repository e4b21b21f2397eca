import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { DeliveryWorker } from '../../src/alerts/delivery-worker.js';
import { FindingRecorder, recordFindings } from '../../src/alerts/record-findings.js';
import { buildAlertPayload } from '../../src/alerts/build-payload.js';
import { listAlerts } from '../../src/alerts/alert-queries.js';
import { alertConfig, docOf, outbox, recordFinding, tempStore } from './fixtures.js';

const hook = (name = 'hook', min_severity = 'low') => ({ type: 'webhook', name, url: 'http://127.0.0.1:9/x', secret: { env: 'S' }, min_severity });
const cfg = alertConfig({ orgs: [{ id: 'clinic-a', sinks: [hook('hook'), hook('pager', 'critical')] }, { id: 'clinic-b', sinks: [hook()] }] });
const A = { url: 'http://aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.onion/post/1', bytes: 'dump v1' };

test('findings of one document become one alert per org, with one outbox row per matching sink, in the findings transaction', () => {
  const store = tempStore();
  const fs = [recordFinding('clinic-a', 'P-1', A), recordFinding('clinic-a', 'P-2', A), recordFinding('clinic-b', 'B-9', A, { severity: 'medium', confidence: 'medium' })];
  const out = recordFindings(store, { findings: fs, docs: [docOf(fs[0]!)], site: 'blog' }, { config: cfg });
  assert.equal(out.alerts.length, 2);
  assert.equal(store.findings().length, 3);
  const rows = outbox(store);
  // clinic-a: high goes to 'hook' but not to the critical-only 'pager'; clinic-b: one sink.
  assert.deepEqual(rows.map((r) => r.sink).sort(), ['hook', 'hook']);
  assert.equal(new Set(rows.map((r) => r.idempotency_key)).size, 2);
  const a = listAlerts(store.db, { org: 'clinic-a' });
  assert.equal(a.length, 1);
  assert.equal(a[0]!.counts.records, 2);
  assert.equal(a[0]!.site, 'blog');
  store.close();
});

test('a failing transaction leaves neither findings nor alerts nor outbox rows', () => {
  const store = tempStore();
  const f = recordFinding('clinic-a', 'P-1', A);
  store.db.exec(`CREATE TRIGGER boom BEFORE INSERT ON outbox BEGIN SELECT RAISE(ABORT, 'boom'); END`);
  assert.throws(() => recordFindings(store, { findings: [f], docs: [docOf(f)] }, { config: cfg }), { code: 'LW_STORE' });
  assert.equal(store.findings().length, 0);
  assert.equal(listAlerts(store.db, { all: true }).length, 0);
  store.close();
});

test('a mirror with the same bytes is a sighting of the existing alert and notifies nobody again', () => {
  const store = tempStore();
  const f1 = recordFinding('clinic-a', 'P-1', A);
  recordFindings(store, { findings: [f1], docs: [docOf(f1)] }, { config: cfg });
  const f2 = recordFinding('clinic-a', 'P-1', { url: 'http://bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb.onion/mirror', bytes: A.bytes }, { seen_at: '2026-11-23T10:00:00.000Z' });
  const r = recordFindings(store, { findings: [f2], docs: [docOf(f2)] }, { config: cfg });
  assert.equal(r.alerts[0]!.created, false);
  assert.equal(r.alerts[0]!.notify, null);
  assert.equal(outbox(store).length, 1);
  const [a] = listAlerts(store.db);
  assert.equal(a!.counts.sightings, 2);
  assert.equal(a!.last_seen, '2026-11-23T10:00:00.000Z');
  const p = buildAlertPayload(store.db, a!.id)!;
  assert.deepEqual(p.sightings.map((s) => s.match), ['sha256', 'new']);
  store.close();
});

test('a near-duplicate (keyed simhash within 3 bits) joins the alert; 4 bits apart is a new alert', () => {
  const store = tempStore();
  const base = { hi: 0x12345678, lo: 0x9abcdef0 };
  const f1 = recordFinding('clinic-a', 'P-1', A);
  recordFindings(store, { findings: [f1], docs: [docOf(f1)], simhashes: [{ org: 'clinic-a', sha256: f1.source.sha256, ...base }] }, { config: cfg });
  const near = recordFinding('clinic-a', 'P-1', { url: 'http://c.onion/repost', bytes: 'dump v1 re-encoded' });
  recordFindings(store, { findings: [near], docs: [docOf(near)], simhashes: [{ org: 'clinic-a', sha256: near.source.sha256, hi: base.hi ^ 0x80000001, lo: base.lo ^ 0x1 }] }, { config: cfg });
  assert.equal(listAlerts(store.db).length, 1);
  const p = buildAlertPayload(store.db, listAlerts(store.db)[0]!.id)!;
  assert.equal(p.sightings[0]!.match, 'simhash');
  assert.equal(p.sightings[0]!.distance, 3);
  const far = recordFinding('clinic-a', 'P-1', { url: 'http://d.onion/other', bytes: 'another dump' });
  recordFindings(store, { findings: [far], docs: [docOf(far)], simhashes: [{ org: 'clinic-a', sha256: far.source.sha256, hi: base.hi ^ 0xf, lo: base.lo }] }, { config: cfg });
  assert.equal(listAlerts(store.db).length, 2);
  // Another org's simhash never matches across organizations.
  const other = recordFinding('clinic-b', 'B-1', { url: 'http://e.onion/x', bytes: 'b dump' });
  recordFindings(store, { findings: [other], docs: [docOf(other)], simhashes: [{ org: 'clinic-b', sha256: other.source.sha256, ...base }] }, { config: cfg });
  assert.equal(listAlerts(store.db, { org: 'clinic-b' }).length, 1);
  store.close();
});

test('an updated post with new records updates the alert and queues exactly one more notification', () => {
  const store = tempStore();
  const f1 = recordFinding('clinic-a', 'P-1', A);
  recordFindings(store, { findings: [f1], docs: [docOf(f1)] }, { config: cfg });
  const v2 = { url: A.url, bytes: 'dump v2 with more' };
  const fs = [recordFinding('clinic-a', 'P-1', v2), recordFinding('clinic-a', 'P-3', v2), { ...recordFinding('clinic-a', 'C-1', v2), kind: 'canary' as const, severity: 'critical' as const }];
  const r = recordFindings(store, { findings: fs, docs: [docOf(fs[0]!)] }, { config: cfg });
  assert.equal(r.alerts[0]!.notify, 2);
  const [a] = listAlerts(store.db);
  assert.equal(a!.revision, 2);
  assert.equal(a!.severity, 'critical');
  const rows = outbox(store);
  // revision 1 to 'hook'; revision 2 (critical now) to 'hook' and 'pager'.
  assert.deepEqual(rows.map((x) => `${x.revision}:${x.sink}`), ['1:hook', '2:hook', '2:pager']);
  const p = buildAlertPayload(store.db, a!.id)!;
  assert.equal(p.reason, 'updated');
  assert.deepEqual(p.records.map((x) => [x.ref, x.new]), [['P-3', true], ['P-1', false]]);
  assert.deepEqual(p.canaries.map((x) => x.ref), ['C-1']);
  assert.equal(p.counts.new_items, 2);
  // The same update seen again brings nothing new.
  recordFindings(store, { findings: fs, docs: [docOf(fs[0]!)] }, { config: cfg });
  assert.equal(outbox(store).length, 3);
  store.close();
});

test('without a config the alert is recorded and the worker fans it out later', async () => {
  const store = tempStore();
  const f = recordFinding('clinic-a', 'P-1', A);
  recordFindings(store, { findings: [f], docs: [docOf(f)] });
  assert.equal(outbox(store).length, 0);
  const w = new DeliveryWorker({ store, config: cfg, sinkFactory: (_c, name) => ({ name, type: 'null', send: async () => undefined }) });
  const r = await w.drainOnce();
  assert.equal(r.planned, 1);
  assert.equal(r.delivered, 1);
  assert.equal(outbox(store)[0]!.state, 'delivered');
  store.close();
});

test('a FindingRecorder records whole documents in bounded batches, and the store ends as one recording would leave it', () => {
  const docs = ['dump a', 'dump b', 'dump c'].map((bytes, d) =>
    ['P-1', 'P-2', 'P-3'].map((r) => recordFinding('clinic-a', `${r}-${d}`, { url: `${A.url}/${d}`, bytes })),
  );
  const batched = tempStore();
  const recorder = new FindingRecorder(batched, { config: cfg }, { maxDocs: 500, maxFindings: 5 });
  recorder.add({ findings: docs[0]!, simhashes: [], sha256: docs[0]![0]!.source.sha256 }, docOf(docs[0]![0]!));
  assert.equal(batched.findings().length, 0, 'held below the limit');
  recorder.add({ findings: docs[1]!, simhashes: [], sha256: docs[1]![0]!.source.sha256 }, docOf(docs[1]![0]!));
  assert.equal(batched.findings().length, 6, 'recorded at the limit, both documents whole');
  recorder.add({ findings: docs[2]!, simhashes: [], sha256: docs[2]![0]!.source.sha256 }, docOf(docs[2]![0]!));
  assert.equal(batched.findings().length, 6);
  recorder.flush();
  assert.equal(recorder.recorded, 9);
  const once = tempStore();
  recordFindings(once, { findings: docs.flat(), docs: docs.map((f) => docOf(f[0]!)) }, { config: cfg });
  const summary = (s: typeof once) => listAlerts(s.db, { all: true }).map((a) => [a.org, a.counts.records, a.severity]).sort();
  assert.equal(summary(once).length, 3);
  assert.deepEqual(summary(batched), summary(once));
  assert.equal(outbox(batched).length, outbox(once).length);
  batched.close();
  once.close();
});
