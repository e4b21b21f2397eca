/**
 * The long-running service: node-cron schedules per site (UTC, no overlap,
 * random start delay), graceful SIGTERM (finish the current document, close the
 * store), SIGHUP reload of config and bundles without a restart.
 */
import { schedule, type ScheduledTask } from 'node-cron';
import { loadConfig, type LoadedConfig } from '../config/load.js';
import type { SiteConfig } from '../config/schema.js';
import type { Logger } from '../log/logger.js';
import type { OrgIndex } from '../matcher/org-index.js';
import { Store } from '../store/store.js';
import { loadOrgsFromStore } from '../matcher/load-orgs.js';
import { createMetrics, type Metrics } from '../ops/metrics.js';
import { startMetricsServer, type MetricsServer } from '../ops/metrics-server.js';
import { CrawlState } from '../store/crawl-state.js';
import { DeliveryWorker } from '../alerts/delivery-worker.js';
import { runSitePass, type FetchFactory } from './site-runner.js';

export interface DaemonOptions {
  configPath?: string;
  log: Logger;
  fetchFactory?: FetchFactory;
  /** Upper bound of the random delay before a scheduled pass starts (spreads load, hides the schedule). */
  maxStartDelayMs?: number;
  /** How long SIGTERM waits for the current document before aborting. */
  stopGraceMs?: number;
  /** Metrics sink; by default one is created when `metrics.enabled` is set in the config. */
  metrics?: Metrics;
}

/** The daemon; whoever starts it stops it. */
export class Daemon {
  readonly #opts: DaemonOptions;
  #cfg!: LoadedConfig;
  #store!: Store;
  #orgs: OrgIndex[] = [];
  #tasks: ScheduledTask[] = [];
  readonly #running = new Map<string, Promise<unknown>>();
  #stopping = false;
  readonly #abort = new AbortController();
  #metrics: Metrics | null = null;
  #metricsServer: Promise<MetricsServer | null> = Promise.resolve(null);
  #worker: DeliveryWorker | null = null;

  constructor(opts: DaemonOptions) {
    this.#opts = opts;
  }

  /** Loads config and bundles, opens the store, schedules every enabled site. */
  start(): void {
    this.#cfg = loadConfig(this.#opts.configPath);
    this.#store = Store.open(this.#cfg.dataDir);
    this.#orgs = loadOrgsFromStore(this.#cfg, this.#store);
    this.#warnOlderLayouts(this.#orgs);
    const interrupted = new CrawlState(this.#store).closeInterrupted(new Date().toISOString());
    if (interrupted) this.#opts.log.warn({ passes: interrupted }, 'closed crawl passes left open by an earlier crash');
    this.#startMetrics();
    const metrics = this.#metrics;
    this.#worker = new DeliveryWorker({
      store: this.#store,
      config: this.#cfg,
      log: this.#opts.log,
      onAttempt: metrics ? (sink, ok, seconds) => metrics.deliveryFinished(sink, ok, seconds) : undefined,
    });
    this.#worker.start();
    this.#schedule();
    this.#opts.log.info({ sites: this.#cfg.sites.filter((s) => s.enabled).length, orgs: this.#orgs.length }, 'leakwatch daemon started');
  }

  /** Re-reads config and bundles; on any error keeps the running configuration. */
  reload(): boolean {
    try {
      const cfg = loadConfig(this.#opts.configPath);
      const orgs = loadOrgsFromStore(cfg, this.#store);
      this.#warnOlderLayouts(orgs);
      this.#cfg = cfg;
      this.#orgs = orgs;
      this.#worker?.setConfig(cfg);
      this.#metrics?.fingerprintCounts(this.#store.bundleHeaders().map((b) => b.header));
      this.#unschedule();
      this.#schedule();
      this.#opts.log.info({ sites: cfg.sites.filter((s) => s.enabled).length, orgs: orgs.length }, 'configuration reloaded');
      return true;
    } catch (err) {
      this.#opts.log.error({ code: (err as { code?: string }).code ?? 'LW_INTERNAL', msg_detail: (err as Error).message }, 'reload failed; keeping the running configuration');
      return false;
    }
  }

  /** Bundles stored by an earlier leakwatch load slowly and take more memory until imported again. */
  #warnOlderLayouts(orgs: readonly OrgIndex[]): void {
    for (const o of orgs.filter((x) => x.bundle.olderLayout)) {
      this.#opts.log.warn({ org: o.org }, "bundle stored in an older layout: it loads more slowly and takes more memory; run 'leakwatch import BUNDLE' again");
    }
  }

  /** Runs a pass of `name` now unless one is already running. */
  async runNow(name: string): Promise<void> {
    const site = this.#cfg.sites.find((s) => s.name === name);
    if (!site || this.#stopping) return;
    await this.#pass(site);
  }

  /** Stops scheduling, lets running passes finish their current document, closes the store. */
  async stop(): Promise<void> {
    if (this.#stopping) return;
    this.#stopping = true;
    this.#unschedule();
    const grace = setTimeout(() => this.#abort.abort(), this.#opts.stopGraceMs ?? this.#cfg.daemon.stop_grace_ms);
    await Promise.allSettled([...this.#running.values()]);
    clearTimeout(grace);
    await (await this.#metricsServer)?.close();
    await this.#worker?.stop();
    this.#store.close();
    this.#opts.log.info({}, 'leakwatch daemon stopped');
  }

  /** Base URL of the metrics endpoint once it listens; null when metrics are off or it could not bind. */
  async metricsUrl(): Promise<string | null> {
    return (await this.#metricsServer)?.url ?? null;
  }

  /** Names of sites with a pass in flight. */
  get running(): string[] {
    return [...this.#running.keys()];
  }

  #schedule(): void {
    for (const site of this.#cfg.sites.filter((s) => s.enabled)) {
      const task = schedule(
        site.schedule,
        async () => {
          const delayMs = Math.floor(Math.random() * (this.#opts.maxStartDelayMs ?? this.#cfg.daemon.max_start_delay_ms));
          await new Promise((r) => setTimeout(r, delayMs));
          await this.#pass(site);
        },
        { timezone: 'Etc/UTC', name: `site:${site.name}`, noOverlap: true },
      );
      this.#tasks.push(task);
    }
  }

  #unschedule(): void {
    for (const t of this.#tasks) void t.stop();
    this.#tasks = [];
  }

  // Listening is asynchronous while start() is not; a bind failure is logged and the daemon crawls on without metrics.
  #startMetrics(): void {
    const m = this.#cfg.metrics;
    this.#metrics = this.#opts.metrics ?? (m.enabled ? createMetrics() : null);
    if (!this.#metrics) return;
    this.#metrics.fingerprintCounts(this.#store.bundleHeaders().map((b) => b.header));
    this.#metrics.siteHealth(new CrawlState(this.#store).health());
    if (!m.enabled) return;
    this.#metricsServer = startMetricsServer({ metrics: this.#metrics, listen: m.listen, allowRemote: m.allow_remote, alive: () => !this.#stopping }).then(
      (server) => {
        this.#opts.log.info({ url: server.url }, 'metrics endpoint listening');
        return server;
      },
      (err: unknown) => {
        this.#opts.log.error({ code: (err as { code?: string }).code ?? 'LW_INTERNAL', msg_detail: (err as Error).message }, 'metrics endpoint not started');
        return null;
      },
    );
  }

  async #pass(site: SiteConfig): Promise<void> {
    if (this.#running.has(site.name) || this.#stopping) return;
    const startedAt = new Date().toISOString();
    const metrics = this.#metrics;
    const p = runSitePass(site, {
      cfg: this.#cfg,
      store: this.#store,
      orgs: this.#orgs,
      log: this.#opts.log,
      fetchFactory: this.#opts.fetchFactory,
      signal: this.#abort.signal,
      shouldStop: () => this.#stopping,
      onFindings: (findings) => {
        metrics?.findingsRecorded(findings);
        // Findings and their outbox rows are committed by now: deliver without waiting for the next poll.
        this.#worker?.wake();
      },
    })
      .then((result) => {
        this.#worker?.wake();
        metrics?.passFinished(result, { health: new CrawlState(this.#store).health(site.name), startedAt });
      })
      .catch((err) => {
        const code = (err as { code?: string }).code ?? 'LW_INTERNAL';
        metrics?.passFailed(site.name, code);
        this.#opts.log.error({ site: site.name, code }, 'crawl pass failed');
      });
    this.#running.set(site.name, p);
    try {
      await p;
    } finally {
      this.#running.delete(site.name);
    }
  }
}
