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
import { runSitePass, type FetchFactory } from './site-runner.js';

export interface DaemonOptions {
  configPath?: string;
  log: Logger;
  fetchFactory?: FetchFactory;
  /** Upper bound of the random delay before a scheduled pass starts (spreads load, hides the schedule). */
  maxStartDelayMs?: number;
  /** How long SIGTERM waits for the current document before aborting. */
  stopGraceMs?: number;
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

  constructor(opts: DaemonOptions) {
    this.#opts = opts;
  }

  /** Loads config and bundles, opens the store, schedules every enabled site. */
  start(): void {
    this.#cfg = loadConfig(this.#opts.configPath);
    this.#store = Store.open(this.#cfg.dataDir);
    this.#orgs = loadOrgsFromStore(this.#cfg, this.#store);
    this.#schedule();
    this.#opts.log.info({ sites: this.#cfg.sites.filter((s) => s.enabled).length, orgs: this.#orgs.length }, 'leakwatch daemon started');
  }

  /** Re-reads config and bundles; on any error keeps the running configuration. */
  reload(): boolean {
    try {
      const cfg = loadConfig(this.#opts.configPath);
      const orgs = loadOrgsFromStore(cfg, this.#store);
      this.#cfg = cfg;
      this.#orgs = orgs;
      this.#unschedule();
      this.#schedule();
      this.#opts.log.info({ sites: cfg.sites.filter((s) => s.enabled).length, orgs: orgs.length }, 'configuration reloaded');
      return true;
    } catch (err) {
      this.#opts.log.error({ code: (err as { code?: string }).code ?? 'LW_INTERNAL', msg_detail: (err as Error).message }, 'reload failed; keeping the running configuration');
      return false;
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
    const grace = setTimeout(() => this.#abort.abort(), this.#opts.stopGraceMs ?? 30_000);
    await Promise.allSettled([...this.#running.values()]);
    clearTimeout(grace);
    this.#store.close();
    this.#opts.log.info({}, 'leakwatch daemon stopped');
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
          const delayMs = Math.floor(Math.random() * (this.#opts.maxStartDelayMs ?? 5 * 60_000));
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

  async #pass(site: SiteConfig): Promise<void> {
    if (this.#running.has(site.name) || this.#stopping) return;
    const p = runSitePass(site, {
      cfg: this.#cfg,
      store: this.#store,
      orgs: this.#orgs,
      log: this.#opts.log,
      fetchFactory: this.#opts.fetchFactory,
      signal: this.#abort.signal,
      shouldStop: () => this.#stopping,
    }).catch((err) => this.#opts.log.error({ site: site.name, code: (err as { code?: string }).code ?? 'LW_INTERNAL' }, 'crawl pass failed'));
    this.#running.set(site.name, p);
    try {
      await p;
    } finally {
      this.#running.delete(site.name);
    }
  }
}
