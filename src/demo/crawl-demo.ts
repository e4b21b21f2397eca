/**
 * The crawler half of the demo: the synthetic clinic's data posted on a
 * simulated ransomware blog, published as a v3 onion service of a private Tor
 * network on loopback (or, without a `tor` binary, behind a loopback SOCKS5
 * proxy), crawled through SOCKS5h like a real site.
 */
import { existsSync } from 'node:fs';
import { siteSchema } from '../config/schema.js';
import { crawlSite, type PassResult } from '../crawler/crawl-site.js';
import { loadProfile } from '../crawler/profiles/schema.js';
import { createSiteFetch } from '../crawler/site-fetcher.js';
import type { Finding } from '../matcher/findings.js';
import type { OrgIndex } from '../matcher/org-index.js';
import { startLeakSite } from '../sim/leak-site/server.js';
import { startSocks5Server } from '../sim/socks5-server.js';
import { startTorNetwork, TOR_BIN, TOR_GENCERT_BIN } from '../sim/tor-network.js';
import { CrawlState } from '../store/crawl-state.js';
import type { Store } from '../store/store.js';
import type { Note, Patient } from './synthetic-clinic.js';

export interface CrawlDemoResult {
  viaTor: boolean;
  onion: string;
  first: PassResult & { found: Finding[] };
  second: PassResult;
  bootstrapMs: number | null;
}

const FALLBACK_ONION = `${'l'.repeat(56)}.onion`;

/** Publishes the leak, crawls it twice (the second pass shows incremental fetching), returns what was found. */
export async function runCrawlDemo(opts: {
  patients: Patient[];
  notes: Note[];
  store: Store;
  org: OrgIndex;
  say: (line: string) => void;
  forceFallback?: boolean;
}): Promise<CrawlDemoResult> {
  const { say } = opts;
  const site = await startLeakSite({ shape: 'ransomware-blog', patients: opts.patients, notes: opts.notes, victimName: 'Lakeside Therapy Centre', posts: 6 });
  const useTor = !opts.forceFallback && existsSync(TOR_BIN) && existsSync(TOR_GENCERT_BIN);
  let stopProxy: () => Promise<void>;
  let socksPort: number;
  let onion: string;
  let bootstrapMs: number | null = null;
  try {
    if (useTor) {
      say('6. starting a private Tor network on loopback (3 directory authorities, 3 relays, an onion service, a client)…');
      const net = await startTorNetwork({ onionTargets: [{ port: 80, target: `127.0.0.1:${site.port}` }], timeoutMs: 75_000 });
      socksPort = net.socksPort;
      onion = net.onionHostnames[0]!;
      bootstrapMs = net.bootstrapMs;
      stopProxy = () => net.stop();
      say(`   Tor bootstrapped in ${(net.bootstrapMs / 1000).toFixed(1)} s; the simulated ransomware blog is ${onion}`);
    } else {
      const why = opts.forceFallback ? '--no-tor given' : "no 'tor' binary found (apt-get install tor)";
      say(`6. ${why}: crawling through a loopback SOCKS5 proxy that maps the onion name to the simulated site instead`);
      const proxy = await startSocks5Server({ resolve: (host) => (host === FALLBACK_ONION ? { host: '127.0.0.1', port: site.port } : null) });
      socksPort = proxy.port;
      onion = FALLBACK_ONION;
      stopProxy = () => proxy.close();
    }
  } catch (err) {
    await site.close();
    throw err;
  }
  try {
    const cfg = siteSchema.parse({
      name: 'demo-blog',
      locations: [`http://${onion}/`],
      profile: 'ransomware-blog',
      limits: { min_delay_ms: 0, concurrency: 2 },
    });
    const fetcher = createSiteFetch({ site: cfg.name, socksUrl: `socks5h://127.0.0.1:${socksPort}`, retryBaseMs: 500 });
    const state = new CrawlState(opts.store);
    const found: Finding[] = [];
    try {
      const deps = { store: opts.store, state, orgs: [opts.org], fetch: fetcher.fetch, onFindings: (f: Finding[]) => found.push(...f) };
      say(`7. $ leakwatch crawl --site demo-blog   (socks5h://127.0.0.1:${socksPort}, names resolved by ${useTor ? 'Tor' : 'the proxy'})`);
      const first = await crawlSite(cfg, loadProfile('ransomware-blog'), deps);
      const second = await crawlSite(cfg, loadProfile('ransomware-blog'), { ...deps, onFindings: () => {} });
      return { viaTor: useTor, onion, first: { ...first, found }, second, bootstrapMs };
    } finally {
      fetcher.close();
    }
  } finally {
    await stopProxy();
    await site.close();
  }
}
