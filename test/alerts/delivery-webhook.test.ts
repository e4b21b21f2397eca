import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { DeliveryWorker } from '../../src/alerts/delivery-worker.js';
import { recordFindings } from '../../src/alerts/record-findings.js';
import { signatureHeader } from '../../src/alerts/sinks/webhook.js';
import { backoffMs } from '../../src/alerts/backoff.js';
import { CrawlState } from '../../src/store/crawl-state.js';
import { alertConfig, docOf, outbox, recordFinding, tempStore } from './fixtures.js';
import { deadPort, httpReceiver, verifySignature } from './receivers.js';

const SECRET = 'whsec-test-0123456789abcdef';
const env = { LW_HOOK_SECRET: SECRET };
const hook = (url: string, extra: object = {}) => ({ type: 'webhook', name: 'soc', url, secret: { env: 'LW_HOOK_SECRET' }, ...extra });
const src = (n: number) => ({ url: `http://aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.onion/post/${n}`, bytes: `dump ${n}` });

function seed(store: ReturnType<typeof tempStore>, cfg: ReturnType<typeof alertConfig>, n = 1): void {
  for (let i = 0; i < n; i++) {
    const f = recordFinding('clinic-a', `P-${i}`, src(i));
    recordFindings(store, { findings: [f], docs: [docOf(f)] }, { config: cfg });
  }
}

test('signature scheme: t=<unix>,v1=hex(HMAC-SHA256(secret, "<t>.<body>"))', () => {
  // Vector from: printf '%s' '1700000000.{"a":1}' | openssl dgst -sha256 -hmac k
  const h = signatureHeader('k', 1700000000, '{"a":1}');
  assert.equal(h, 't=1700000000,v1=1b6ad1bc9bf48c52ce01939866d5877c6cc4e87ddad27e16673cb8c4964394a3');
  assert.equal(verifySignature('k', `t=${Math.floor(Date.now() / 1000)},v1=${h.split('v1=')[1]}`, '{"a":1}'), false, 'the timestamp is part of what is signed');
});

test('backoff doubles with jitter and stays under the cap', () => {
  const p = { base_ms: 100, max_ms: 1_000 };
  assert.equal(backoffMs(1, p, () => 0), 50);
  assert.equal(backoffMs(1, p, () => 0.999999), 100);
  assert.equal(backoffMs(3, p, () => 0), 200);
  assert.equal(backoffMs(30, p, () => 0.999999), 1_000);
});

test('webhook delivery: signed JSON, idempotency key, receiver verifies the signature', async (t) => {
  const rx = await httpReceiver({ secret: SECRET });
  t.after(() => rx.close());
  const store = tempStore();
  t.after(() => store.close());
  const cfg = alertConfig({ orgs: [{ id: 'clinic-a', sinks: [hook(rx.url)] }] });
  seed(store, cfg, 3);
  const r = await new DeliveryWorker({ store, config: cfg, env }).drainOnce();
  assert.deepEqual([r.delivered, r.failed, r.retrying], [3, 0, 0]);
  assert.equal(rx.requests.length, 3);
  for (const q of rx.requests) {
    assert.equal(q.signatureOk, true);
    assert.equal(q.headers['content-type'], 'application/json; charset=utf-8');
    assert.equal(q.headers['x-leakwatch-event'], 'alert');
    const body = JSON.parse(q.body);
    assert.equal(body.type, 'leakwatch.alert');
    assert.equal(body.org, 'clinic-a');
    assert.ok(outbox(store).some((o) => o.idempotency_key === q.headers['x-leakwatch-idempotency-key']));
  }
  assert.ok(outbox(store).every((o) => o.state === 'delivered'));
});

test('a receiver failing twice (503) then succeeding gets the same idempotency key each time', async (t) => {
  const rx = await httpReceiver({ secret: SECRET, respond: (n) => (n < 2 ? 503 : 200) });
  t.after(() => rx.close());
  const store = tempStore();
  t.after(() => store.close());
  const cfg = alertConfig({ orgs: [{ id: 'clinic-a', sinks: [hook(rx.url)] }], retry: { max_attempts: 5, base_ms: 1_000, max_ms: 10_000 } });
  seed(store, cfg);
  let now = Date.now();
  const w = new DeliveryWorker({ store, config: cfg, env, clock: () => now, random: () => 0 });
  assert.equal((await w.drainOnce()).retrying, 1);
  // Not due yet: nothing is sent.
  assert.equal((await w.drainOnce()).retrying + (await w.drainOnce()).delivered, 0);
  now += 500;
  assert.equal((await w.drainOnce()).retrying, 1);
  now += 1_000;
  assert.equal((await w.drainOnce()).delivered, 1);
  assert.equal(rx.requests.length, 3);
  assert.equal(new Set(rx.requests.map((q) => q.headers['x-leakwatch-idempotency-key'])).size, 1);
  assert.equal(new Set(rx.requests.map((q) => q.body)).size, 1, 'the body is the same on every retry');
  const [row] = outbox(store);
  assert.equal(row!.attempts, 3);
  assert.equal(row!.state, 'delivered');
});

test('a receiver down throughout: retries up to the cap, then failed + a delivery_failed operator event sent to the operator sink', async (t) => {
  const port = await deadPort();
  const op = await httpReceiver({ secret: SECRET });
  t.after(() => op.close());
  const store = tempStore();
  t.after(() => store.close());
  const cfg = alertConfig({
    orgs: [{ id: 'clinic-a', sinks: [hook(`http://127.0.0.1:${port}/hook`)] }],
    operator: [{ ...hook(op.url), name: 'ops' }],
    retry: { max_attempts: 3, base_ms: 10, max_ms: 20 },
  });
  seed(store, cfg);
  let now = Date.now();
  const w = new DeliveryWorker({ store, config: cfg, env, clock: () => now });
  const results = [];
  for (let i = 0; i < 3; i++) {
    results.push(await w.drainOnce());
    now += 100;
  }
  assert.deepEqual(results.map((r) => [r.retrying, r.failed]), [[1, 0], [1, 0], [0, 1]]);
  const rows = outbox(store);
  const failed = rows.find((r) => r.channel === 'alert')!;
  assert.equal(failed.state, 'failed');
  assert.equal(failed.attempts, 3);
  assert.match(failed.last_error!, /LW_DELIVERY: POST http:\/\/127\.0\.0\.1:\d+\/…: connection failed/);
  const events = new CrawlState(store).events().filter((e) => e.kind === 'delivery_failed');
  assert.equal(events.length, 1);
  assert.match(events[0]!.reason!, /^alert al_[0-9a-f]+ revision 1 to sink soc of clinic-a after 3 attempt\(s\)/);
  // The failure was planned for the operator in the same drain; the next drain sends it.
  await w.drainOnce();
  assert.equal(op.requests.length, 1);
  const body = JSON.parse(op.requests[0]!.body);
  assert.equal(body.type, 'leakwatch.operator_event');
  assert.equal(body.kind, 'delivery_failed');
  assert.equal(op.requests[0]!.headers['x-leakwatch-event'], 'operator_event');
  const ev = store.db.prepare('SELECT delivered_at FROM operator_events WHERE id = ?').get(events[0]!.id) as { delivered_at: string | null };
  assert.ok(ev.delivered_at);
});

test('4xx is permanent: one attempt, then failed; 429 and timeouts are retried', async (t) => {
  const rx = await httpReceiver({ secret: SECRET, respond: (n) => (n === 0 ? 400 : n === 1 ? 429 : 'hold') });
  t.after(() => rx.close());
  const store = tempStore();
  t.after(() => store.close());
  const cfg = alertConfig({ orgs: [{ id: 'clinic-a', sinks: [hook(rx.url, { timeout_ms: 200 })] }], retry: { max_attempts: 5 } });
  seed(store, cfg, 3);
  const w = new DeliveryWorker({ store, config: cfg, env });
  const r = await w.drainOnce();
  assert.equal(r.failed, 1);
  assert.equal(r.retrying, 2);
  const errs = outbox(store).map((o) => o.last_error ?? '');
  assert.ok(errs.some((e) => /HTTP 400/.test(e)));
  assert.ok(errs.some((e) => /HTTP 429/.test(e)));
  assert.ok(errs.some((e) => /timed out after 200 ms/.test(e)));
});

test('the background worker delivers promptly after wake() and stops cleanly', async (t) => {
  const rx = await httpReceiver({ secret: SECRET });
  t.after(() => rx.close());
  const store = tempStore();
  t.after(() => store.close());
  const cfg = alertConfig({ orgs: [{ id: 'clinic-a', sinks: [hook(rx.url)] }], delivery: { poll_ms: 60_000 } });
  const w = new DeliveryWorker({ store, config: cfg, env });
  w.start();
  t.after(() => w.stop());
  await new Promise((r) => setTimeout(r, 50));
  seed(store, cfg, 2);
  w.wake();
  const t0 = Date.now();
  while (rx.requests.length < 2 && Date.now() - t0 < 3_000) await new Promise((r) => setTimeout(r, 5));
  assert.equal(rx.requests.length, 2);
});
