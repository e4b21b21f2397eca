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
/** Wall-clock bound of one hostile pass. */
const MAX_PASS_MS = 30_000;
/** Short whole-fetch timeout so the slow-drip body ends in seconds (the daemon's default is 15 minutes). */
const TIMEOUTS = { totalMs: 6_000 };

interface Case {
  name: string;
  hostile: Hostile;
  /** Asserts what the pass recorded about the trap. */
  check(r: ObservedPass, ctx: { socksHostsBefore: number }): void;
  limits?: Record<string, number>;
}

const codes = (r: ObservedPass) => new Set([...r.issues.map((i) => i.code), ...r.warnings.map((w) => w.code ?? '')]);
const issueOn = (r: ObservedPass, file: string, code: string) =>
  r.issues.some((i) => i.code === code && (i.ref.source.includes(file) || i.ref.entry.some((e) => e.includes(file))));

const figures: (string | number)[][] = [['case', 'outcome', 'ms', 'peak RSS growth MB', 'requests', 'MB moved', 'records found', 'recorded']];

describe('hostile sites, through the crawler', () => {
  const cases: Case[] = [
    {
      name: 'zip bomb (1 GiB entry)',
      hostile: { zipBomb: true },
      check: (r) => assert.ok(issueOn(r, 'full_database.zip', 'LW_EXTRACT_LIMIT'), [...codes(r)].join()),
    },
    {
      name: 'nested zip bomb (8 deep x 4)',
      hostile: { nestedZipBomb: true },
      check: (r) => assert.ok(issueOn(r, 'archive_nested.zip', 'LW_EXTRACT_LIMIT'), [...codes(r)].join()),
    },
    {
      name: 'gzip bomb (Content-Encoding)',
      hostile: { gzipBomb: true },
      check: (r) => assert.ok(codes(r).has('LW_LIMIT_EXCEEDED'), [...codes(r)].join()),
    },
    {
      name: 'endless chunked body',
      hostile: { endlessChunked: true },
      check: (r) => assert.ok(codes(r).has('LW_LIMIT_EXCEEDED') || codes(r).has('LW_TIMEOUT'), [...codes(r)].join()),
    },
    {
      name: 'slow drip (1 byte / 500 ms)',
      hostile: { slowDrip: true },
      check: (r) => assert.ok(codes(r).has('LW_TIMEOUT'), [...codes(r)].join()),
    },
    {
      name: 'redirect loop',
      hostile: { redirectLoop: true },
      check: (r) => assert.ok(codes(r).has('LW_REDIRECT_REFUSED'), [...codes(r)].join()),
    },
    {
      name: 'redirect to clearnet',
      hostile: { clearnetRedirect: true },
      check: (r) => assert.ok(codes(r).has('LW_REDIRECT_REFUSED'), [...codes(r)].join()),
    },
    {
      name: 'endless pagination',
      hostile: { endlessPagination: true },
      limits: { max_pages: 200 },
      check: (r) => assert.ok(r.stats.pages <= 200, `${r.stats.pages} pages`),
    },
    {
      name: '100,000 links on a page',
      hostile: { manyLinks: true },
      check: () => {},
    },
    {
      name: 'broken HTML: 100k nested divs, bad UTF-8, mixed encodings',
      hostile: { brokenHtml: true },
      check: () => {},
    },
    {
      name: '100 MiB single line',
      hostile: { hugeLine: true },
      check: () => {},
    },
    {
      name: 'wrong content types',
      hostile: { wrongContentTypes: true },
      check: () => {},
    },
    {
      name: 'corrupt PDF and DOCX',
      hostile: { corruptDocs: true },
      check: (r) => {
        assert.ok(issueOn(r, 'session_notes_scan.pdf', 'LW_EXTRACT_CORRUPT'), [...codes(r)].join());
        assert.ok(issueOn(r, 'session_notes_final.docx', 'LW_EXTRACT_CORRUPT'), [...codes(r)].join());
      },
    },
  ];

  for (const c of cases) {
    test(c.name, { timeout: MAX_PASS_MS + 20_000 }, async () => {
      const env = await startCrawlEnv('ransomware-blog', { posts: 3 });
      try {
        env.site.setHostile(c.hostile);
        const socksHostsBefore = env.socks.requests.length;
        const m = await measured(() => observedPass(env, { shape: 'ransomware-blog', limits: c.limits, timeouts: TIMEOUTS }));
        const r = m.value;
        const growth = m.peakRss - m.baseRss;
        const found = recordIds(r.found);
        const leaked = env.site.manifest.leakedPatientIds;
        figures.push([c.name, r.outcome, m.ms, (growth / MB).toFixed(0), r.stats.requests, (r.stats.bytes / MB).toFixed(1), `${[...found].filter((id) => leaked.includes(id)).length}/${leaked.length}`, [...codes(r)].join(' ') || '-']);
        assert.ok(m.ms < MAX_PASS_MS, `pass took ${m.ms} ms`);
        assert.ok(growth < MAX_RSS_GROWTH, `RSS grew ${(growth / MB).toFixed(0)} MB`);
        assert.equal(r.outcome, 'ok');
        assert.deepEqual(env.state.health('sim').map((h) => h.state), ['up']);
        // The rest of the pass: every record leaked on the ordinary posts is found in this same pass.
        for (const id of leaked) assert.ok(found.has(id), `record ${id} found despite the trap`);
        // The crawler never asked the proxy for anything but the onion.
        assert.deepEqual(new Set(env.socks.requests.slice(socksHostsBefore).map((q) => q.host)), new Set([onion('a')]));
        c.check(r, { socksHostsBefore });
      } finally {
        await env.close();
      }
    });
  }

  after(() => {
    console.log(`\nhostile sites (through SOCKS5 loopback, one fresh store per case)\n${table(figures)}\n`);
  });
});
