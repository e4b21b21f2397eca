/**
 * A crawl pass over a crawl-env with everything the proof tests want to see:
 * extraction issues, the crawler's warnings, and timeouts short enough to run
 * slow-drip and endless bodies in a test.
 */
import { siteSchema, type SiteConfig } from '../../src/config/schema.js';
import { crawlSite, type PassResult } from '../../src/crawler/crawl-site.js';
import { loadProfile } from '../../src/crawler/profiles/schema.js';
import { createSiteFetch } from '../../src/crawler/site-fetcher.js';
import type { FetchTimeouts } from '../../src/crawler/transport/http-client.js';
import type { ExtractIssue } from '../../src/extract/types.js';
import type { Finding } from '../../src/matcher/findings.js';
import { onion, type CrawlEnv } from './crawl-env.js';

export interface ObservedPass extends PassResult {
  found: Finding[];
  issues: ExtractIssue[];
  /** Warnings the crawler logged (objects with their codes, no content). */
  warnings: { msg: string; code?: string }[];
}

export interface ProofPassOptions {
  shape: SiteConfig['profile'];
  limits?: Partial<SiteConfig['limits']>;
  timeouts?: Partial<FetchTimeouts>;
  locations?: string[];
  socksPort?: number;
}

/** Runs one pass of `env`'s site with the given limits and timeouts, recording issues and warnings. */
export async function observedPass(env: CrawlEnv, opts: ProofPassOptions): Promise<ObservedPass> {
  const cfg = siteSchema.parse({
    name: 'sim',
    locations: opts.locations ?? [`http://${onion('a')}/`],
    profile: opts.shape,
    limits: { min_delay_ms: 0, concurrency: 2, ...opts.limits },
  });
  const fetcher = createSiteFetch({
    site: cfg.name,
    socksUrl: `socks5h://127.0.0.1:${opts.socksPort ?? env.socks.port}`,
    timeouts: { connectMs: 5_000, firstByteMs: 5_000, idleMs: 3_000, totalMs: 20_000, ...opts.timeouts },
    attempts: 2,
    retryBaseMs: 10,
  });
  const found: Finding[] = [];
  const issues: ExtractIssue[] = [];
  const warnings: ObservedPass['warnings'] = [];
  try {
    const r = await crawlSite(cfg, loadProfile(opts.shape), {
      store: env.store,
      state: env.state,
      orgs: [env.org],
      fetch: fetcher.fetch,
      onFindings: (f) => found.push(...f),
      onIssue: (i) => issues.push(i),
      log: {
        info: () => {},
        warn: (o, msg) => warnings.push({ msg: msg ?? '', code: (o as { code?: string }).code }),
      },
    });
    return { ...r, found, issues, warnings };
  } finally {
    fetcher.close();
  }
}

/** Record ids among the findings. */
export const recordIds = (fs: readonly Finding[]): Set<string> => new Set(fs.filter((f) => f.kind === 'record').map((f) => f.record!));
