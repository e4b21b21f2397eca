/**
 * A complete crawl environment on loopback: a synthetic clinic enrolled into a
 * real store, a simulated leak site, and a SOCKS5 proxy that maps the site's
 * onion names to it (and records what it was asked to resolve).
 */
import { enrollSyntheticClinic } from '../../src/demo/enroll-clinic.js';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { siteSchema, type SiteConfig } from '../../src/config/schema.js';
import { crawlSite, type PassResult } from '../../src/crawler/crawl-site.js';
import { loadProfile } from '../../src/crawler/profiles/schema.js';
import { createSiteFetch } from '../../src/crawler/site-fetcher.js';
import { makeNotes, makePatients } from '../../src/demo/synthetic-clinic.js';
import type { Finding } from '../../src/matcher/findings.js';
import { loadOrgIndex, type OrgIndex } from '../../src/matcher/org-index.js';
import { CrawlState } from '../../src/store/crawl-state.js';
import { Store } from '../../src/store/store.js';
import { startLeakSite } from '../../src/sim/leak-site/server.js';
import type { LeakSite, LeakSiteOptions } from '../../src/sim/leak-site/types.js';
import { startSocks5Server, type Socks5Server } from '../../src/sim/socks5-server.js';

/** A syntactically valid v3 onion name made from a letter. */
export const onion = (c: string) => `${c.repeat(56)}.onion`;

export interface CrawlEnv {
  dir: string;
  store: Store;
  state: CrawlState;
  org: OrgIndex;
  site: LeakSite;
  socks: Socks5Server;
  patients: ReturnType<typeof makePatients>;
  /** Runs one pass; findings of the pass are returned too. */
  pass(overrides?: Partial<Omit<SiteConfig, 'limits'>> & { limits?: Partial<SiteConfig['limits']> }): Promise<PassResult & { found: Finding[] }>;
  close(): Promise<void>;
}

/** Sets everything up for one site shape. */
export async function startCrawlEnv(shape: LeakSiteOptions['shape'], opts: Partial<LeakSiteOptions> = {}): Promise<CrawlEnv> {
  const dir = mkdtempSync(join(tmpdir(), 'lw-crawl-'));
  const patients = makePatients(48, 21);
  const notes = makeNotes(10, 22, 180);
  const { key, bundlePath } = await enrollSyntheticClinic(dir, patients, notes);
  const store = Store.open(join(dir, 'var'));
  const org = loadOrgIndex(readFileSync(bundlePath), key, {
    where: 'bundle',
    watchTerms: ['Lakeside Therapy Centre'],
    criticalRecords: 5,
  });
  const site = await startLeakSite({ shape, patients, notes, victimName: 'Lakeside Therapy Centre', ...opts });
  const socks = await startSocks5Server({
    resolve: (host) => (host === onion('a') || host === onion('b') ? { host: '127.0.0.1', port: site.port } : null),
  });
  const state = new CrawlState(store);
  const profile = loadProfile(shape);
  return {
    dir,
    store,
    state,
    org,
    site,
    socks,
    patients,
    async pass(overrides = {}) {
      const { limits, ...rest } = overrides;
      const cfg = siteSchema.parse({
        name: 'sim',
        locations: [`http://${onion('a')}/`],
        profile: shape,
        ...rest,
        limits: { min_delay_ms: 0, concurrency: 2, max_pages: 200, ...limits },
      });
      const fetcher = createSiteFetch({
        site: cfg.name,
        socksUrl: `socks5h://127.0.0.1:${socks.port}`,
        timeouts: { connectMs: 5_000, firstByteMs: 5_000, idleMs: 3_000, totalMs: 20_000 },
        attempts: 2,
        retryBaseMs: 10,
      });
      const found: Finding[] = [];
      try {
        const r = await crawlSite(cfg, profile, {
          store,
          state,
          orgs: [org],
          fetch: fetcher.fetch,
          limits: { maxTotalBytes: 256 * 1024 ** 2 },
          onFindings: (f) => found.push(...f),
        });
        return { ...r, found };
      } finally {
        fetcher.close();
      }
    },
    async close() {
      store.close();
      await site.close();
      await socks.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
