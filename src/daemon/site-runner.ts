/** Runs one site's pass with everything it needs built from the config. */
import type { LoadedConfig } from '../config/load.js';
import type { SiteConfig } from '../config/schema.js';
import { crawlSite, type CrawlDeps, type PassResult } from '../crawler/crawl-site.js';
import { loadProfile } from '../crawler/profiles/schema.js';
import { createSiteFetch, type SiteFetch } from '../crawler/site-fetcher.js';
import type { Logger } from '../log/logger.js';
import type { OrgIndex } from '../matcher/org-index.js';
import type { Finding } from '../matcher/findings.js';
import { CrawlState } from '../store/crawl-state.js';
import type { Store } from '../store/store.js';
import { dirname } from 'node:path';

/** Builds a site's fetcher; tests replace it to go through their own proxy. */
export type FetchFactory = (site: SiteConfig, cfg: LoadedConfig) => { fetch: SiteFetch; close(): void };

export const torFetchFactory: FetchFactory = (site, cfg) => createSiteFetch({ site: site.name, socksUrl: cfg.tor.socks_url });

export interface SiteRunDeps {
  cfg: LoadedConfig;
  store: Store;
  orgs: readonly OrgIndex[];
  log: Logger;
  fetchFactory?: FetchFactory;
  signal?: AbortSignal;
  shouldStop?: () => boolean;
  onFindings?: (findings: Finding[]) => void;
}

/** One pass over `site`; logs the outcome (no content, no credentials). */
export async function runSitePass(site: SiteConfig, deps: SiteRunDeps): Promise<PassResult> {
  const profile = loadProfile(site.profile, deps.cfg.path ? dirname(deps.cfg.path) : process.cwd());
  const fetcher = (deps.fetchFactory ?? torFetchFactory)(site, deps.cfg);
  const log = deps.log.child({ site: site.name });
  const started = Date.now();
  try {
    const crawlDeps: CrawlDeps = {
      store: deps.store,
      state: new CrawlState(deps.store),
      orgs: deps.orgs,
      fetch: fetcher.fetch,
      limits: {
        maxDepth: deps.cfg.extract.max_depth,
        maxEntries: deps.cfg.extract.max_entries,
        maxTotalBytes: deps.cfg.extract.max_total_bytes,
        maxRatio: deps.cfg.extract.max_ratio,
        maxBufferBytes: deps.cfg.extract.max_buffer_bytes,
      },
      signal: deps.signal,
      alerting: deps.cfg,
      shouldStop: deps.shouldStop,
      log,
      onFindings: deps.onFindings,
      onIssue: (i) => log.warn({ code: i.code, entry_depth: i.ref.entry.length }, 'extraction issue'),
    };
    const result = await crawlSite(site, profile, crawlDeps);
    log.info(
      { outcome: result.outcome, requests: result.stats.requests, bytes: result.stats.bytes, documents: result.stats.documents, findings: result.findings, removed: result.removed.length, ms: Date.now() - started },
      'crawl pass finished',
    );
    return result;
  } finally {
    fetcher.close();
  }
}
