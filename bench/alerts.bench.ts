/**
 * Alert delivery benchmark: latency from "findings committed" (recordFindings
 * returned, outbox row durable) to "webhook received" on a loopback receiver,
 * median and p99 over N alerts fed at a steady rate; then throughput with a
 * burst of N alerts queued at once. Reference in the same run: the same
 * signed POSTs sent directly, without store or outbox.
 *
 *   npx tsx bench/alerts.bench.ts [--alerts 1000] [--rate 50]
 *
 * Prints numbers; never fails on them.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeliveryWorker } from '../src/alerts/delivery-worker.js';
import { recordFindings } from '../src/alerts/record-findings.js';
import { webhookSink } from '../src/alerts/sinks/webhook.js';
import type { AlertPayload } from '../src/alerts/types.js';
import { configSchema } from '../src/config/schema.js';
import type { Finding } from '../src/matcher/findings.js';
import { Store } from '../src/store/store.js';
import { printTable } from './lib/print-table.js';

function arg(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  const value = at >= 0 ? Number(process.argv[at + 1]) : fallback;
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

const N = arg('alerts', 1000);
const RATE = arg('rate', 50);
const SECRET = 'bench-secret';
process.env.LW_BENCH_SECRET = SECRET;

/** Receiver: remembers when each alert id first arrived. */
const arrivals = new Map<string, number>();
const server = createServer((req, res) => {
  let body = '';
  req.on('data', (c: Buffer) => (body += c));
  req.on('end', () => {
    const id = (JSON.parse(body) as AlertPayload).alert_id;
    if (!arrivals.has(id)) arrivals.set(id, performance.now());
    res.writeHead(200).end('ok');
  });
});
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
const config = configSchema.parse({
  orgs: [{ id: 'bench', key: { env: 'X' }, alerts: { sinks: [{ type: 'webhook', name: 'soc', url, secret: { env: 'LW_BENCH_SECRET' } }] } }],
  alerts: { delivery: { concurrency: 8, poll_ms: 1000 } },
});

let serial = 0;
function finding(): Finding {
  const n = serial++;
  const bytes = `bench document ${n}`;
  return {
    org: 'bench',
    kind: 'record',
    record: `R-${n}`,
    confidence: 'high',
    fields: ['fi_hetu', 'name'],
    severity: 'high',
    source: { url: `http://benchbenchbenchbenchbenchbenchbenchbenchbenchbenchbenc.onion/post/${n}`, path: null, entry: null, sha256: createHash('sha256').update(bytes).digest('hex'), size: bytes.length },
    seen_at: new Date().toISOString(),
  };
}

function commit(store: Store): { id: string; at: number } {
  const f = finding();
  const out = recordFindings(store, { findings: [f], docs: [{ sha256: f.source.sha256, size: f.source.size, mediaType: 'text/plain', url: f.source.url, path: null, entry: null, seenAt: f.seen_at }] }, { config });
  return { id: out.alerts[0]!.id, at: performance.now() };
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
const ms = (v: number) => v.toFixed(2);

async function waitFor(ids: readonly string[], limitMs = 120_000): Promise<void> {
  const end = Date.now() + limitMs;
  while (ids.some((id) => !arrivals.has(id))) {
    if (Date.now() > end) throw new Error('bench: deliveries did not arrive in time');
    await new Promise((r) => setTimeout(r, 2));
  }
}

// ---- latency: steady feed, worker woken after each commit (as the crawler's process would) ----
const dir1 = mkdtempSync(join(tmpdir(), 'lw-bench-alerts-'));
const store1 = Store.open(dir1);
const worker1 = new DeliveryWorker({ store: store1, config });
worker1.start();
const committed: { id: string; at: number }[] = [];
const commitCost: number[] = [];
const t0 = performance.now();
for (let i = 0; i < N; i++) {
  const before = performance.now();
  const c = commit(store1);
  commitCost.push(c.at - before);
  committed.push(c);
  worker1.wake();
  const next = t0 + ((i + 1) * 1000) / RATE;
  const wait = next - performance.now();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
}
await waitFor(committed.map((c) => c.id));
await worker1.stop();
const lat = committed.map((c) => arrivals.get(c.id)! - c.at).sort((a, b) => a - b);
commitCost.sort((a, b) => a - b);
store1.close();

// ---- throughput: N alerts already committed, then one worker drains them ----
const dir2 = mkdtempSync(join(tmpdir(), 'lw-bench-alerts-'));
const store2 = Store.open(dir2);
const burst: string[] = [];
const c0 = performance.now();
for (let i = 0; i < N; i++) burst.push(commit(store2).id);
const commitRate = N / ((performance.now() - c0) / 1000);
const worker2 = new DeliveryWorker({ store: store2, config });
const d0 = performance.now();
worker2.start();
await waitFor(burst);
const drainS = (performance.now() - d0) / 1000;
await worker2.stop();
store2.close();

// ---- reference: the same signed POSTs, 8 in flight, no store, no outbox ----
const sink = webhookSink({ name: 'ref', url, secret: () => SECRET, timeoutMs: 10_000, userAgent: 'leakwatch/bench' });
const refIds = Array.from({ length: N }, (_, i) => `ref_${i}`);
const r0 = performance.now();
let next = 0;
await Promise.all(
  Array.from({ length: 8 }, async () => {
    while (next < N) {
      const id = refIds[next++]!;
      await sink.send({ payload: { type: 'leakwatch.alert', alert_id: id } as AlertPayload, idempotencyKey: id }, new AbortController().signal);
    }
  }),
);
const refS = (performance.now() - r0) / 1000;
server.close();
rmSync(dir1, { recursive: true, force: true });
rmSync(dir2, { recursive: true, force: true });

printTable(`alert delivery, ${N} alerts, one webhook on loopback, SQLite WAL synchronous=FULL on ${tmpdir()}`, [
  ['measure', 'value'],
  [`latency commit -> received, median (fed at ${RATE}/s)`, `${ms(pct(lat, 50))} ms`],
  ['latency commit -> received, p99', `${ms(pct(lat, 99))} ms`],
  ['latency commit -> received, max', `${ms(lat.at(-1)!)} ms`],
  ['recordFindings commit, median', `${ms(pct(commitCost, 50))} ms`],
  ['recordFindings commit, p99', `${ms(pct(commitCost, 99))} ms`],
  ['commit rate (burst, one transaction per alert)', `${commitRate.toFixed(0)} alerts/s`],
  ['delivery throughput (burst drained by the worker, 8 in flight)', `${(N / drainS).toFixed(0)} alerts/s`],
  ['reference: direct signed POSTs, no outbox (8 in flight)', `${(N / refS).toFixed(0)} alerts/s`],
]);
