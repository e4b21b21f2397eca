/**
 * The crawler end to end through a real private Tor network on loopback: the
 * simulated ransomware blog is a v3 onion service, the crawler reaches it via
 * the Tor client's SOCKS port (socks5h, IsolateSOCKSAuth), and the findings are
 * exactly the leaked records. Also run by the demo. Never skipped: CI installs tor.
 */
import { enrollSyntheticClinic } from '../../src/demo/enroll-clinic.js';
import { strict as assert } from 'node:assert';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runCrawlDemo, type CrawlDemoResult } from '../../src/demo/crawl-demo.js';
import { makeNotes, makePatients } from '../../src/demo/synthetic-clinic.js';
import { loadOrgIndex } from '../../src/matcher/org-index.js';
import { TOR_BIN, TOR_GENCERT_BIN } from '../../src/sim/tor-network.js';
import { CrawlState } from '../../src/store/crawl-state.js';
import { Store } from '../../src/store/store.js';

describe('crawl through a private Tor network', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lw-torcrawl-'));
  const patients = makePatients(40, 31);
  const notes = makeNotes(6, 32, 150);
  let store: Store;
  let result: CrawlDemoResult;
  const lines: string[] = [];

  before(async () => {
    assert.ok(existsSync(TOR_BIN) && existsSync(TOR_GENCERT_BIN), `Debian's tor package is required (apt-get install tor): ${TOR_BIN}`);
    const { key, bundlePath } = await enrollSyntheticClinic(dir, patients, notes);
    store = Store.open(join(dir, 'var'));
    const org = loadOrgIndex(readFileSync(bundlePath), key, { where: 'b', watchTerms: ['Lakeside Therapy Centre'] });
    result = await runCrawlDemo({ patients, notes, store, org, say: (l) => lines.push(l) });
  });
  after(() => {
    store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('the pass went through Tor to a v3 onion and found the leaked records and notes', () => {
    assert.equal(result.viaTor, true, lines.join('\n'));
    assert.match(result.onion, /^[a-z2-7]{56}\.onion$/);
    assert.equal(result.first.outcome, 'ok');
    const records = result.first.found.filter((f) => f.kind === 'record');
    assert.ok(records.length >= 20, `${records.length} record findings`);
    assert.ok(records.every((f) => f.source.url!.startsWith(`http://${result.onion}/`)));
    assert.ok(result.first.found.some((f) => f.kind === 'document' && f.confidence === 'high'));
    assert.ok(result.first.found.some((f) => f.kind === 'term'));
    assert.deepEqual(new CrawlState(store).health().map((h) => h.state), ['up']);
  });

  test('the second pass over Tor transfers under 5% of the first and finds nothing new', () => {
    assert.equal(result.second.outcome, 'ok');
    assert.ok(result.second.stats.bytes < 0.05 * result.first.stats.bytes, `${result.second.stats.bytes} / ${result.first.stats.bytes}`);
    assert.equal(result.second.findings, 0);
  });
});
