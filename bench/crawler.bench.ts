/**
 * Crawler benchmark (issue 3): a simulated ransomware blog with many posts and
 * attachments behind a SOCKS5 proxy that adds Tor-like latency (0.5-2 s per
 * connection); first-pass wall time and pages/minute at the default concurrency,
 * second-pass bytes and requests as a share of the first, and peak RSS while
 * streaming a 1 GB archive through extraction and matching. Prints figures.
 *
 *   npx tsx bench/crawler.bench.ts                  # 1,000 posts, 1 GB archive
 *   npx tsx bench/crawler.bench.ts --posts 200 --archive-mb 256
 */
import { createServer } from 'node:http';
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { Zip, ZipPassThrough } from 'fflate';
import { siteSchema } from '../src/config/schema.js';
import { crawlSite } from '../src/crawler/crawl-site.js';
import { loadProfile } from '../src/crawler/profiles/schema.js';
import { createSiteFetch } from '../src/crawler/site-fetcher.js';
import { CLINIC_MAPPING_YAML, makeFiller, makeNotes, makePatients, patientsCsv } from '../src/demo/synthetic-clinic.js';
import { enroll } from '../src/enroll/enroll.js';
import { parseMapping } from '../src/enroll/mapping.js';
import { generateKey } from '../src/keys/org-key.js';
import { createRng } from '../src/matcher/identifiers/synthetic.js';
import { loadOrgIndex } from '../src/matcher/org-index.js';
import { startLeakSite } from '../src/sim/leak-site/server.js';
import { startSocks5Server } from '../src/sim/socks5-server.js';
import { CrawlState } from '../src/store/crawl-state.js';
import { Store } from '../src/store/store.js';
import { printTable } from './lib/print-table.js';
import { peakRssOf } from '../test/support/proof-measure.js';

const args = process.argv.slice(2);
const opt = (n: string, d: string) => (args.includes(`--${n}`) ? args[args.indexOf(`--${n}`) + 1]! : d);
const POSTS = Number(opt('posts', '1000'));
const ARCHIVE_MB = Number(opt('archive-mb', '1024'));
const ONION = `${'b'.repeat(56)}.onion`;
const BIG = `${'z'.repeat(56)}.onion`;

const dir = mkdtempSync(join(tmpdir(), 'lw-crawl-bench-'));
mkdirSync(join(dir, 'notes'));
const patients = makePatients(2_000, 61);
const notes = makeNotes(50, 62, 200);
writeFileSync(join(dir, 'p.csv'), patientsCsv(patients));
for (const n of notes) writeFileSync(join(dir, n.ref), n.text);
const key = generateKey();
await enroll({ org: 'bench', key, mapping: parseMapping(parseYaml(CLINIC_MAPPING_YAML), 'm'), recordFiles: [join(dir, 'p.csv')], documentsDir: join(dir, 'notes'), out: join(dir, 'b.lwb') });
const org = loadOrgIndex(readFileSync(join(dir, 'b.lwb')), key, { where: 'b', watchTerms: ['Lakeside Therapy Centre'] });
const store = Store.open(join(dir, 'var'));

const site = await startLeakSite({ shape: 'ransomware-blog', posts: POSTS, perPage: 20, patients, notes });

// A 1 GB zip served as a stream (stored entries of synthetic text), for the memory figure.
const big = createServer((req, res) => {
  if (req.url === '/') {
    res.writeHead(200, { 'content-type': 'text/html' }).end('<html><body><a href="/dump.zip">dump</a></body></html>');
    return;
  }
  res.writeHead(200, { 'content-type': 'application/zip' });
  const rng = createRng(7);
  const block = Buffer.from(`${makeFiller(rng, 150_000)}\n`);
  const zip = new Zip((err, chunk, final) => {
    if (err) return res.destroy(err);
    res.write(chunk);
    if (final) res.end();
  });
  const perEntry = 64 * 1024 * 1024;
  let sent = 0;
  let entryNo = 0;
  const pump = () => {
    while (sent < ARCHIVE_MB * 1024 * 1024) {
      const e = new ZipPassThrough(`dump/part-${entryNo++}.txt`);
      zip.add(e);
      for (let n = 0; n < perEntry; n += block.length) {
        e.push(block);
        sent += block.length;
      }
      e.push(new Uint8Array(0), true);
      // Backpressure per 64 MiB entry: wait for the socket to drain before the next one.
      if (res.writableLength > 64 * 1024 * 1024) return void res.once('drain', pump);
    }
    zip.end();
  };
  pump();
});
await new Promise<void>((r) => big.listen(0, '127.0.0.1', () => r()));
const bigPort = (big.address() as { port: number }).port;

const socks = await startSocks5Server({
  latencyMs: [500, 2000],
  resolve: (h) => (h === ONION ? { host: '127.0.0.1', port: site.port } : h === BIG ? { host: '127.0.0.1', port: bigPort } : null),
});

async function pass(name: string, location: string, profile: string, limits: Record<string, number> = {}) {
  const cfg = siteSchema.parse({ name, locations: [location], profile, limits: { max_pages: 100_000, ...limits } });
  const fetcher = createSiteFetch({ site: name, socksUrl: `socks5h://127.0.0.1:${socks.port}` });
  const t0 = Date.now();
  try {
    const r = await crawlSite(cfg, loadProfile(profile), { store, state: new CrawlState(store), orgs: [org], fetch: fetcher.fetch, limits: { maxTotalBytes: 4 * 1024 ** 3 } });
    return { ...r, ms: Date.now() - t0 };
  } finally {
    fetcher.close();
  }
}

console.log(`crawler benchmark: ${POSTS} posts, proxy latency 0.5-2 s per connection, default concurrency and delay; node ${process.version}`);
const first = await pass('blog', `http://${ONION}/`, 'ransomware-blog');
const attachments = site.requests.filter((q) => q.path.startsWith('/files/')).length;
const second = await pass('blog', `http://${ONION}/`, 'ransomware-blog');
printTable('incremental crawl', [
  ['pass', 'wall s', 'requests', 'pages/min', 'bytes', 'documents', 'findings'],
  ['first', (first.ms / 1000).toFixed(0), String(first.stats.requests), ((first.stats.pages / first.ms) * 60_000).toFixed(1), String(first.stats.bytes), String(first.stats.documents), String(first.findings)],
  ['second', (second.ms / 1000).toFixed(0), String(second.stats.requests), ((second.stats.pages / second.ms) * 60_000).toFixed(1), String(second.stats.bytes), String(second.stats.documents), String(second.findings)],
  ['second / first', '', `${((100 * second.stats.requests) / first.stats.requests).toFixed(1)}%`, '', `${((100 * second.stats.bytes) / first.stats.bytes).toFixed(2)}%`, '', ''],
]);
console.log(`attachments downloaded in pass 1: ${attachments}`);

// Memory while streaming the big archive (in this process: its peak RSS, VmHWM, before/after).
const peakMiB = (): number => (peakRssOf(process.pid) ?? process.resourceUsage().maxRSS * 1024) / 1048576;
const rssBefore = peakMiB();
const bigPass = await pass('big', `http://${BIG}/`, 'generic', { max_response_bytes: 2 * 1024 ** 3, max_pass_bytes: 4 * 1024 ** 3, min_delay_ms: 0 });
const rssAfter = peakMiB();
printTable(`streaming a ${ARCHIVE_MB} MB zip through Tor-like latency`, [
  ['what', 'value'],
  ['outcome', bigPass.outcome],
  ['bytes', String(bigPass.stats.bytes)],
  ['wall s', (bigPass.ms / 1000).toFixed(1)],
  ['MB/s', (bigPass.stats.bytes / 1e6 / (bigPass.ms / 1000)).toFixed(1)],
  ['peak RSS of the process before / after', `${rssBefore.toFixed(0)} MiB / ${rssAfter.toFixed(0)} MiB`],
]);
store.close();
await site.close();
await socks.close();
big.close();
rmSync(dir, { recursive: true, force: true });
