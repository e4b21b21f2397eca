/**
 * Promise: a hostile leak site cannot take the crawler down. Every trap of the
 * simulator is switched on in turn, next to the site's ordinary leak posts, and
 * crawled through the loopback SOCKS5 proxy with the crawler's default limits
 * (timeouts shortened so slow bodies end within the test). For each: the pass
 * returns, memory stays bounded, the pass records what happened (outcome,
 * health, extraction issues or skipped-fetch warnings), and the ordinary posts
 * of the same pass are still matched.
 */
import { strict as assert } from 'node:assert';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { parsePost } from '../../src/crawler/page-parse.js';
import { loadProfile } from '../../src/crawler/profiles/schema.js';
import { extract } from '../../src/extract/extract.js';
import { DocumentMatcher } from '../../src/matcher/document-matcher.js';
import { startLeakSite } from '../../src/sim/leak-site/server.js';
import type { Hostile } from '../../src/sim/leak-site/types.js';
import { startSocks5Server } from '../../src/sim/socks5-server.js';
import { CrawlState } from '../../src/store/crawl-state.js';
import { Store } from '../../src/store/store.js';
import { onion, startCrawlEnv, type CrawlEnv } from '../support/crawl-env.js';
import { observedPass, recordIds, type ObservedPass } from '../support/proof-crawl.js';
import { Child, prepareClinic } from '../support/proof-daemon.js';
import { MB, measured, table } from '../support/proof-measure.js';

/** Peak RSS growth allowed for one hostile pass (site, proxy and crawler share this process). */
const MAX_RSS_GROWTH = 400 * MB;
/**
 * The one exception, measured: a page of 100,000 links (8.7 MB) is parsed into a
 * DOM twice (matching, then link extraction), about 190 MB each, and V8 keeps
 * the garbage until it needs the room. Pages are capped at 16 MiB, so this
 * bound scales with that cap, not with the site.
 */
const MAX_RSS_GROWTH_LINK_FARM = 1024 * MB;
/** Wall-clock bound of one hostile pass. */
const MAX_PASS_MS = 40_000;
/** Whole-fetch timeout for the never-ending bodies, so they end in seconds (the daemon's default is 15 minutes). */
const SHORT_TOTAL_MS = 3_000;

interface Case {
  name: string;
  hostile: Hostile;
  maxRssGrowth?: number;
  limits?: Record<string, number>;
  totalMs?: number;
  /** Asserts what the pass recorded about the trap. */
  check(r: ObservedPass, env: CrawlEnv): void | Promise<void>;
}

const codes = (r: ObservedPass) => new Set([...r.issues.map((i) => i.code), ...r.warnings.map((w) => w.code ?? '')]);
const codeList = (r: ObservedPass) => [...codes(r)].join(' ') || '-';
const issueOn = (r: ObservedPass, file: string, code: string) =>
  r.issues.some((i) => i.code === code && (i.ref.source.includes(file) || i.ref.entry.some((e) => e.includes(file))));
const warned = (r: ObservedPass, msg: string, code: string) => r.warnings.some((w) => w.msg === msg && w.code === code);

const figures: (string | number)[][] = [['case', 'outcome', 'ms', 'peak RSS +MB', 'requests', 'MB in', 'records found', 'what the pass recorded']];

/** Fetches a simulator page uncompressed, straight from loopback (the parser test needs the raw bytes). */
async function rawPage(env: CrawlEnv, path: string): Promise<Buffer> {
  const res = await fetch(env.site.url + path, { headers: { 'accept-encoding': 'identity' } });
  return Buffer.from(await res.arrayBuffer());
}

const cases: Case[] = [
  {
    name: 'zip bomb (1 GiB entry)',
    hostile: { zipBomb: true },
    check: (r) => assert.ok(issueOn(r, 'full_database.zip', 'LW_EXTRACT_LIMIT'), codeList(r)),
  },
  {
    name: 'nested zip bomb (8 deep x 4)',
    hostile: { nestedZipBomb: true },
    check: (r) => assert.ok(issueOn(r, 'archive_nested.zip', 'LW_EXTRACT_LIMIT'), codeList(r)),
  },
  {
    name: 'gzip bomb (Content-Encoding, 1 GiB)',
    hostile: { gzipBomb: true },
    check: (r) => assert.ok(issueOn(r, 'records_export.txt', 'LW_LIMIT_EXCEEDED'), codeList(r)),
  },
  {
    name: 'endless chunked body',
    hostile: { endlessChunked: true },
    totalMs: SHORT_TOTAL_MS,
    check: (r) => assert.ok(issueOn(r, 'patients_stream.csv', 'LW_TIMEOUT') || issueOn(r, 'patients_stream.csv', 'LW_LIMIT_EXCEEDED'), codeList(r)),
  },
  {
    name: 'slow drip (1 byte / 500 ms)',
    hostile: { slowDrip: true },
    totalMs: SHORT_TOTAL_MS,
    check: (r) => assert.ok(issueOn(r, 'billing_export.csv', 'LW_TIMEOUT'), codeList(r)),
  },
  {
    name: 'redirect loop',
    hostile: { redirectLoop: true },
    check: (r) => assert.ok(warned(r, 'page skipped', 'LW_REDIRECT_REFUSED'), codeList(r)),
  },
  {
    name: 'redirect to clearnet (IP and name)',
    hostile: { clearnetRedirect: true },
    check: (r) => assert.equal(r.warnings.filter((w) => w.code === 'LW_REDIRECT_REFUSED').length, 2, codeList(r)),
  },
  {
    name: 'endless pagination (max_pages 100)',
    hostile: { endlessPagination: true },
    limits: { max_pages: 100 },
    check: (r) => {
      assert.ok(r.stats.requests <= 100, `${r.stats.requests} requests`);
      assert.ok(r.stats.pages >= 50, 'the listing was walked until its share of the budget ran out');
    },
  },
  {
    name: 'page with 100,000 links (max_pages 500)',
    hostile: { manyLinks: true },
    limits: { max_pages: 500 },
    maxRssGrowth: MAX_RSS_GROWTH_LINK_FARM,
    check: (r) => {
      assert.equal(r.stats.requests, 500, 'stopped at max_pages requests');
      assert.ok(warned(r, 'attachment skipped', 'LW_HTTP_STATUS'), codeList(r));
    },
  },
  {
    name: 'broken HTML: 100k nested divs, bad UTF-8, mixed encodings',
    hostile: { brokenHtml: true },
    check: async (r, env) => {
      // Served gzip-compressed, its ratio alone gets it refused; the parser must cope when it is not compressed either.
      assert.ok(warned(r, 'page skipped', 'LW_LIMIT_EXCEEDED'), codeList(r));
      const path = env.site.manifest.hostile.find((h) => h.switch === 'brokenHtml')!.path;
      const raw = await rawPage(env, path);
      const t0 = performance.now();
      parsePost(raw.toString('utf8'), `http://${onion('a')}${path}`, loadProfile('ransomware-blog') as Parameters<typeof parsePost>[2]);
      const m = new DocumentMatcher({ orgs: [env.org], onDocument: () => {}, onIssue: () => {} }, { url: path, path: null });
      await extract((async function* () {
        yield raw;
      })(), path, m, { mediaTypeHint: 'text/html' });
      const ms = performance.now() - t0;
      figures.push(['  same page uncompressed: parse + extract', '-', Math.round(ms), '-', '-', (raw.length / MB).toFixed(1), '-', '-']);
      assert.ok(ms < 5_000, `parse + extract of the uncompressed page took ${ms} ms`);
    },
  },
  {
    name: '100 MiB single line',
    hostile: { hugeLine: true },
    totalMs: 40_000,
    check: (r) => assert.ok(r.stats.bytes >= 100 * MB, `${r.stats.bytes} bytes: the whole line was read and matched`),
  },
  {
    name: 'wrong content types (CSV as image/png, zip as text/html)',
    hostile: { wrongContentTypes: true },
    check: () => {},
  },
  {
    name: 'corrupt PDF and DOCX',
    hostile: { corruptDocs: true },
    check: (r) => {
      assert.ok(issueOn(r, 'session_notes_scan.pdf', 'LW_EXTRACT_CORRUPT'), codeList(r));
      assert.ok(issueOn(r, 'session_notes_final.docx', 'LW_EXTRACT_CORRUPT'), codeList(r));
    },
  },
];

describe('hostile sites, through the crawler (loopback SOCKS5)', () => {
  for (const c of cases) {
    test(c.name, { timeout: MAX_PASS_MS + 20_000 }, async () => {
      const env = await startCrawlEnv('ransomware-blog', { posts: 3 });
      try {
        env.site.setHostile(c.hostile);
        const socksBefore = env.socks.requests.length;
        const m = await measured(() => observedPass(env, { shape: 'ransomware-blog', limits: c.limits, timeouts: { totalMs: c.totalMs ?? 20_000 } }));
        const r = m.value;
        const growth = m.peakRss - m.baseRss;
        const found = recordIds(r.found);
        const leaked = env.site.manifest.leakedPatientIds;
        figures.push([c.name, r.outcome, m.ms, (growth / MB).toFixed(0), r.stats.requests, (r.stats.bytes / MB).toFixed(1), `${leaked.filter((id) => found.has(id)).length}/${leaked.length}`, codeList(r)]);
        assert.ok(m.ms < MAX_PASS_MS, `pass took ${m.ms} ms`);
        assert.ok(growth < (c.maxRssGrowth ?? MAX_RSS_GROWTH), `RSS grew ${(growth / MB).toFixed(0)} MB`);
        assert.equal(r.outcome, 'ok');
        assert.deepEqual(env.state.health('sim').map((h) => h.state), ['up']);
        assert.equal(env.state.lastPasses()[0]!.outcome, 'ok', 'the pass row is closed with its outcome');
        // The rest of the pass: every record leaked on the ordinary posts is found in this same pass.
        assert.ok(leaked.length > 0);
        for (const id of leaked) assert.ok(found.has(id), `record ${id} found despite the trap`);
        // Nothing but the onion was ever asked of the proxy.
        assert.deepEqual(new Set(env.socks.requests.slice(socksBefore).map((q) => q.host)), new Set([onion('a')]));
        await c.check(r, env);
      } finally {
        await env.close();
      }
    });
  }

  test('the daemon (a real child process) crawls every trap at once, stays up, and keeps its memory bounded', { timeout: 120_000 }, async () => {
    const clinic = prepareClinic({
      prefix: 'lw-hostile-daemon-',
      sites: [{ name: 'blog', limits: { max_response_bytes: 32 * MB, max_pages: 300, concurrency: 2 } }],
    });
    const site = await startLeakSite({ shape: 'ransomware-blog', patients: clinic.patients, notes: clinic.notes, posts: 3 });
    const socks = await startSocks5Server({ resolve: (h) => (h === onion('a') ? { host: '127.0.0.1', port: site.port } : null) });
    // Every switch but slow drip, whose bound is the 15-minute whole-fetch timeout (measured above with a short one).
    site.setHostile({
      zipBomb: true, nestedZipBomb: true, gzipBomb: true, endlessChunked: true, redirectLoop: true, clearnetRedirect: true, endlessPagination: true,
      manyLinks: true, brokenHtml: true, hugeLine: true, wrongContentTypes: true, corruptDocs: true,
    });
    const d = new Child(['run', '--config', clinic.cfgPath], { LEAKWATCH_TOR_SOCKS_URL: `socks5h://127.0.0.1:${socks.port}` });
    try {
      await d.waitFor((l) => l.msg === 'leakwatch daemon started');
      const base = d.sample();
      const t0 = Date.now();
      const first = await d.waitFor((l) => l.msg === 'crawl pass finished', 100_000);
      const ms = Date.now() - t0;
      const peak = d.sample();
      assert.ok(d.alive, 'the daemon is still running after the hostile pass');
      assert.equal(first.outcome, 'ok');
      // The rest of that same pass: every ordinary leaked record is already in the store (read while the daemon runs).
      const during = Store.open(join(clinic.dir, 'var'), { readonly: true });
      try {
        const ids = new Set(during.findings({ limit: 100_000 }).filter((f) => f.kind === 'record').map((f) => f.record));
        for (const id of site.manifest.leakedPatientIds) assert.ok(ids.has(id), `record ${id} recorded by the first pass`);
      } finally {
        during.close();
      }
      // It keeps going: still up two seconds later (the next scheduled pass is under way), then stops cleanly.
      await new Promise((r) => setTimeout(r, 2_000));
      assert.ok(d.alive);
      d.proc.kill('SIGTERM');
      assert.equal(await d.exit(), 0);
      figures.push(['daemon child, all traps but slow drip', String(first.outcome), ms, ((peak - base) / MB).toFixed(0), Number(first.requests), (Number(first.bytes) / MB).toFixed(1), `${Number(first.findings)} findings`, `peak RSS ${(peak / MB).toFixed(0)} MB`]);
      assert.ok(peak - base < MAX_RSS_GROWTH_LINK_FARM, `daemon RSS grew ${((peak - base) / MB).toFixed(0)} MB`);
      const warnings = d.lines.filter((l) => l.level === 40).map((l) => String(l.code));
      for (const code of ['LW_EXTRACT_LIMIT', 'LW_REDIRECT_REFUSED', 'LW_LIMIT_EXCEEDED', 'LW_EXTRACT_CORRUPT']) assert.ok(warnings.includes(code), `logged ${code}`);
      const store = Store.open(join(clinic.dir, 'var'), { readonly: true });
      try {
        assert.equal(store.db.pragma('integrity_check', { simple: true }), 'ok');
        assert.deepEqual(new CrawlState(store).health('blog').map((h) => h.state), ['up']);
        // SIGTERM may land in a third pass: that one is 'aborted'; none failed, every row is closed.
        const passes = new CrawlState(store).lastPasses();
        assert.ok(passes.every((p) => p.finishedAt !== null && (p.outcome === 'ok' || p.outcome === 'aborted')), JSON.stringify(passes.map((p) => p.outcome)));
      } finally {
        store.close();
      }
    } finally {
      if (d.alive) await d.kill9();
      await site.close();
      await socks.close();
      rmSync(clinic.dir, { recursive: true, force: true });
    }
  });

  after(() => {
    console.log(`\nhostile sites: one fresh store per case; default site limits unless stated\n${table(figures)}\n`);
  });
});
