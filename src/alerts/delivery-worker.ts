/**
 * The delivery worker: claims due outbox rows in SQLite, sends them, and
 * records the outcome. Retries back off exponentially with jitter up to a cap;
 * past the cap a row is marked failed and raised as an operator event, never
 * dropped. A row being sent is leased: if the process dies mid-send, the lease
 * runs out and the row is sent again with the same idempotency key.
 */
import { dirname } from 'node:path';
import type { SinkConfig } from '../config/schema.js';
import { LeakwatchError } from '../errors.js';
import type { Store } from '../store/store.js';
import { backoffMs } from './backoff.js';
import { markEventDelivered, planOperatorEvents, raiseOperatorEvent } from './operator-events.js';
import { planAlertRevisions, sinksOf, type Channel } from './plan-outbox.js';
import { PRODUCT_VERSION } from './product-version.js';
import { createSink, type SinkContext } from './sinks/create-sink.js';
import type { AlertingConfig, Payload, Sink } from './types.js';

export interface WorkerLog {
  info(o: object, msg?: string): void;
  warn(o: object, msg?: string): void;
  error(o: object, msg?: string): void;
}

export interface DeliveryWorkerOptions {
  store: Store;
  config: AlertingConfig;
  log?: WorkerLog;
  /** Milliseconds since the epoch; tests move time forward to reach retries. */
  clock?: () => number;
  random?: () => number;
  env?: NodeJS.ProcessEnv;
  /** Builds a sink from its config (tests may wrap it). */
  sinkFactory?: (cfg: SinkConfig, name: string, ctx: SinkContext) => Sink;
  /** How long stop() lets deliveries in flight finish before aborting them. */
  stopGraceMs?: number;
  /** Called after every delivery attempt (for metrics). */
  onAttempt?: (sink: string, ok: boolean, seconds: number) => void;
}

export interface DrainResult {
  delivered: number;
  retrying: number;
  failed: number;
  /** Outbox rows written by planning (alerts and operator events not fanned out yet). */
  planned: number;
}

interface OutboxRow {
  id: number;
  channel: Channel;
  alert_id: string | null;
  revision: number | null;
  event_id: number | null;
  org: string | null;
  sink: string;
  idempotency_key: string;
  payload_json: string;
  attempts: number;
}

/** Sends the outbox; whoever starts it stops it. */
export class DeliveryWorker {
  readonly #o: DeliveryWorkerOptions;
  #config: AlertingConfig;
  #running = false;
  #stopping = false;
  #loop: Promise<void> | null = null;
  #wake: (() => void) | null = null;
  #abort = new AbortController();

  constructor(o: DeliveryWorkerOptions) {
    this.#o = o;
    this.#config = o.config;
  }

  /** Replaces the configuration (SIGHUP); rows already queued keep their payload and key. */
  setConfig(config: AlertingConfig): void {
    this.#config = config;
  }

  /** Starts the background loop: drain, then sleep until the next row is due, the poll interval passes, or wake(). */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#stopping = false;
    this.#abort = new AbortController();
    this.#loop = (async () => {
      while (this.#running) {
        try {
          await this.drainOnce();
        } catch (err) {
          this.#o.log?.error({ code: (err as LeakwatchError).code ?? 'LW_INTERNAL' }, 'delivery pass failed; will try again');
        }
        if (!this.#running) break;
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, this.#sleepMs());
          this.#wake = () => {
            clearTimeout(t);
            resolve();
          };
        });
        this.#wake = null;
      }
    })();
  }

  /** Asks the loop to look at the outbox now (after recordFindings in the same process). */
  wake(): void {
    this.#wake?.();
  }

  /** Stops the loop; deliveries in flight get `stopGraceMs` to finish, then are aborted and left for the next start. */
  async stop(): Promise<void> {
    if (!this.#running) return;
    this.#running = false;
    this.#stopping = true;
    this.#wake?.();
    const grace = setTimeout(() => this.#abort.abort(), this.#o.stopGraceMs ?? 5_000);
    await this.#loop;
    clearTimeout(grace);
    this.#loop = null;
  }

  /** Plans what is unplanned, then sends every row due now once (retries are scheduled, not awaited). */
  async drainOnce(): Promise<DrainResult> {
    const now = this.#now();
    const result: DrainResult = { delivered: 0, retrying: 0, failed: 0, planned: this.#plan(now) };
    const queue: OutboxRow[] = [];
    const n = this.#config.alerts.delivery.concurrency;
    const lane = async () => {
      while (!this.#stopping) {
        if (queue.length === 0) queue.push(...this.#claim(now, n));
        const row = queue.shift();
        if (!row) return;
        await this.#deliver(row, result);
      }
    };
    await Promise.all(Array.from({ length: n }, lane));
    // Rows claimed but not started because the worker is stopping go back untouched.
    for (const row of queue) this.#release(row);
    if (result.failed) result.planned += this.#plan(this.#now());
    return result;
  }

  #now(): number {
    return this.#o.clock?.() ?? Date.now();
  }

  #sleepMs(): number {
    const poll = this.#config.alerts.delivery.poll_ms;
    const next = this.#o.store.db.prepare(`SELECT MIN(next_attempt_at) AS t FROM outbox WHERE state = 'pending'`).get() as { t: number | null };
    return next.t === null ? poll : Math.max(0, Math.min(poll, next.t - this.#now()));
  }

  #plan(nowMs: number): number {
    const db = this.#o.store.db;
    return db.transaction(() => planAlertRevisions(db, this.#config, new Date(nowMs).toISOString()) + planOperatorEvents(db, this.#config, nowMs)).immediate();
  }

  /** A lease long enough for the slowest configured sink to time out, plus slack. */
  #leaseMs(): number {
    const c = this.#config;
    const all = [...c.operator.sinks, ...c.orgs.flatMap((o) => o.alerts.sinks)];
    return Math.max(c.alerts.delivery.timeout_ms, ...all.map((s) => s.timeout_ms ?? 0)) + 1_000;
  }

  #claim(now: number, n: number): OutboxRow[] {
    return this.#o.store.db
      .prepare(
        `UPDATE outbox SET state = 'sending', attempts = attempts + 1, lease_until = @lease
         WHERE id IN (SELECT id FROM outbox
                      WHERE (state = 'pending' AND next_attempt_at <= @now) OR (state = 'sending' AND lease_until <= @now)
                      ORDER BY next_attempt_at, id LIMIT @n)
         RETURNING id, channel, alert_id, revision, event_id, org, sink, idempotency_key, payload_json, attempts`,
      )
      .all({ now, n, lease: this.#now() + this.#leaseMs() }) as OutboxRow[];
  }

  #release(row: OutboxRow): void {
    this.#o.store.db
      .prepare(`UPDATE outbox SET state = 'pending', attempts = attempts - 1, lease_until = NULL, next_attempt_at = ? WHERE id = ? AND state = 'sending'`)
      .run(this.#now(), row.id);
  }

  #sinkFor(row: OutboxRow): Sink {
    const entry = sinksOf(this.#config, row.channel, row.org).find((s) => s.name === row.sink);
    if (!entry) throw new LeakwatchError('LW_DELIVERY', `sink ${row.sink} is no longer configured`, { retryable: false });
    const ctx: SinkContext = {
      baseDir: this.#config.path ? dirname(this.#config.path) : process.cwd(),
      env: this.#o.env ?? process.env,
      timeoutMs: this.#config.alerts.delivery.timeout_ms,
      version: PRODUCT_VERSION,
    };
    return (this.#o.sinkFactory ?? createSink)(entry.sink, entry.name, ctx);
  }

  async #deliver(row: OutboxRow, result: DrainResult): Promise<void> {
    const started = Date.now();
    const what = { channel: row.channel, org: row.org, sink: row.sink, alert: row.alert_id, revision: row.revision, event: row.event_id, attempt: row.attempts };
    try {
      const sink = this.#sinkFor(row);
      await sink.send({ payload: JSON.parse(row.payload_json) as Payload, idempotencyKey: row.idempotency_key }, this.#abort.signal);
    } catch (err) {
      if (this.#abort.signal.aborted) {
        this.#release(row);
        return;
      }
      this.#o.onAttempt?.(row.sink, false, (Date.now() - started) / 1000);
      this.#failed(row, err, what, result);
      return;
    }
    const db = this.#o.store.db;
    const at = new Date(this.#now()).toISOString();
    db.transaction(() => {
      db.prepare(`UPDATE outbox SET state = 'delivered', delivered_at = ?, lease_until = NULL, last_error = NULL WHERE id = ?`).run(at, row.id);
      if (row.event_id !== null) markEventDelivered(db, row.event_id, at);
    }).immediate();
    result.delivered++;
    this.#o.onAttempt?.(row.sink, true, (Date.now() - started) / 1000);
    this.#o.log?.info({ ...what, ms: Date.now() - started }, 'delivered');
  }

  #failed(row: OutboxRow, err: unknown, what: object, result: DrainResult): void {
    const e = err instanceof LeakwatchError ? err : new LeakwatchError('LW_INTERNAL', 'unexpected failure', { cause: err, retryable: true });
    const reason = `${e.code}: ${e.message}`.slice(0, 300);
    // A missing secret or CA file may be fixed while we retry.
    const retryable = e.retryable || e.code === 'LW_CONFIG_INVALID';
    const retry = this.#config.alerts.retry;
    const db = this.#o.store.db;
    const now = this.#now();
    if (retryable && row.attempts < retry.max_attempts) {
      const delay = backoffMs(row.attempts, retry, this.#o.random);
      db.prepare(`UPDATE outbox SET state = 'pending', next_attempt_at = ?, lease_until = NULL, last_error = ? WHERE id = ?`).run(now + delay, reason, row.id);
      result.retrying++;
      this.#o.log?.warn({ ...what, code: e.code, retry_in_ms: delay }, 'delivery failed; will retry');
      return;
    }
    const at = new Date(now).toISOString();
    const target = row.alert_id ? `alert ${row.alert_id} revision ${row.revision}` : `operator event ${row.event_id}`;
    db.transaction(() => {
      db.prepare(`UPDATE outbox SET state = 'failed', failed_at = ?, lease_until = NULL, last_error = ? WHERE id = ?`).run(at, reason, row.id);
      raiseOperatorEvent(db, {
        kind: 'delivery_failed',
        reason: `${target} to sink ${row.sink}${row.org ? ` of ${row.org}` : ''} after ${row.attempts} attempt(s): ${reason}`.slice(0, 500),
        at,
        // A failure to reach an operator sink is recorded and logged, not sent again to the operator sinks (no feedback loop).
        notify: row.channel === 'alert',
      });
    }).immediate();
    result.failed++;
    this.#o.log?.error({ ...what, code: e.code, permanent: !retryable }, 'delivery failed for good; raised as an operator event');
  }
}

/** One-shot delivery for `scan` and `crawl`: every due row is tried once; failures stay queued for the daemon. */
export async function deliverPending(store: Store, config: AlertingConfig, log?: WorkerLog): Promise<DrainResult> {
  return new DeliveryWorker({ store, config, log }).drainOnce();
}
