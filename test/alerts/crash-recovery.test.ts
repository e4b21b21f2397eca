/**
 * kill -9 between commit and delivery, during delivery, and at random points,
 * then a restart: no alert is lost, and the only duplicates are redeliveries
 * with the same idempotency key and the same body.
 */
import { strict as assert } from 'node:assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Store } from '../../src/store/store.js';
import { httpReceiver, until, type HttpRequestSeen } from './receivers.js';

const CHILD = join(import.meta.dirname, '../support/alert-child.ts');
const SECRET = 'crash-secret';

function start(dir: string, mode: string, url: string, count = 0): { child: ChildProcess; out: () => string } {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, dir, mode, url, String(count)], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, LW_HOOK_SECRET: SECRET },
  });
  let out = '';
  child.stdout!.on('data', (b: Buffer) => (out += b.toString()));
  return { child, out: () => out };
}

async function kill9(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await gone;
}

/** Asserts: every alert's notification reached the receiver; every key seen is a real one; same key, same body. */
function assertExactlyOnceByKey(dir: string, requests: readonly HttpRequestSeen[]): { alerts: number; duplicates: number } {
  const store = Store.open(dir);
  const rows = store.db.prepare(`SELECT idempotency_key, state FROM outbox`).all() as { idempotency_key: string; state: string }[];
  const alerts = (store.db.prepare('SELECT COUNT(*) AS n FROM alerts').get() as { n: number }).n;
  store.close();
  const keys = new Set(rows.map((r) => r.idempotency_key));
  assert.equal(rows.length, alerts, 'one outbox row per alert');
  const bodies = new Map<string, string>();
  for (const q of requests) {
    const k = q.headers['x-leakwatch-idempotency-key'] as string;
    assert.ok(keys.has(k), 'no unknown key');
    assert.equal(q.signatureOk, true);
    if (bodies.has(k)) assert.equal(bodies.get(k), q.body, 'a redelivery carries the same body');
    bodies.set(k, q.body);
  }
  assert.equal(bodies.size, keys.size, 'every alert was delivered');
  return { alerts, duplicates: requests.length - bodies.size };
}

test('kill -9 after commit, before delivery: a restarted worker delivers everything once', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'lw-crash-'));
  const rx = await httpReceiver({ secret: SECRET });
  t.after(() => rx.close());
  const a = start(dir, 'record', rx.url, 25);
  await until(() => a.out().includes('ready'), 15_000);
  await kill9(a.child);
  assert.equal(rx.requests.length, 0);
  const b = start(dir, 'deliver', rx.url);
  t.after(() => kill9(b.child));
  await until(() => new Set(rx.requests.map((q) => q.headers['x-leakwatch-idempotency-key'])).size === 25, 15_000);
  await kill9(b.child);
  const r = assertExactlyOnceByKey(dir, rx.requests);
  assert.equal(r.alerts, 25);
  assert.equal(r.duplicates, 0);
});

test('kill -9 during delivery: the leased rows are sent again with the same key after restart', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'lw-crash-'));
  let holding = true;
  const rx = await httpReceiver({ secret: SECRET, respond: () => (holding ? 'hold' : 200) });
  t.after(() => rx.close());
  const a = start(dir, 'both', rx.url, 12);
  t.after(() => kill9(a.child));
  // Requests are in flight (held unanswered) when the process dies.
  await until(() => rx.requests.length >= 3, 15_000);
  await kill9(a.child);
  const inFlight = new Set(rx.requests.map((q) => q.headers['x-leakwatch-idempotency-key']));
  holding = false;
  const b = start(dir, 'deliver', rx.url);
  t.after(() => kill9(b.child));
  const store = Store.open(dir);
  const total = () => (store.db.prepare('SELECT COUNT(*) AS n FROM alerts').get() as { n: number }).n;
  const delivered = () => (store.db.prepare(`SELECT COUNT(*) AS n FROM outbox WHERE state = 'delivered'`).get() as { n: number }).n;
  await until(() => delivered() === total() && total() > 0, 15_000);
  store.close();
  await kill9(b.child);
  const r = assertExactlyOnceByKey(dir, rx.requests);
  assert.ok(r.duplicates >= inFlight.size, 'the in-flight ones were redelivered');
  // Each request that was in flight at the kill (never answered) was sent again, with the same key.
  for (const k of inFlight) assert.ok(rx.requests.filter((q) => q.headers['x-leakwatch-idempotency-key'] === k).length >= 2);
});

test('kill -9 at random points while recording and delivering: nothing lost across restarts', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'lw-crash-'));
  const rx = await httpReceiver({ secret: SECRET, respond: (n) => (n % 5 === 4 ? 503 : 200) });
  t.after(() => rx.close());
  for (let round = 0; round < 3; round++) {
    const c = start(dir, 'both', rx.url, 40);
    t.after(() => kill9(c.child));
    await until(() => /committed \d+/.test(c.out()), 15_000);
    await new Promise((r) => setTimeout(r, 20 + Math.floor(Math.random() * 120)));
    await kill9(c.child);
  }
  const last = start(dir, 'deliver', rx.url);
  t.after(() => kill9(last.child));
  const store = Store.open(dir);
  const pending = () => (store.db.prepare(`SELECT COUNT(*) AS n FROM outbox WHERE state <> 'delivered'`).get() as { n: number }).n;
  await until(() => pending() === 0, 20_000);
  assert.equal(store.db.pragma('integrity_check', { simple: true }), 'ok');
  store.close();
  await kill9(last.child);
  const r = assertExactlyOnceByKey(dir, rx.requests);
  assert.ok(r.alerts > 0);
});
