/**
 * Promise: kill -9 at any moment loses nothing and corrupts nothing.
 *
 * - During import: test/store/store.test.ts, "kill -9 during repeated imports
 *   leaves the old or the new set, never a mix" (fingerprints are the old or
 *   the new set).
 * - During a crawl pass (here): the daemon is killed without warning at
 *   several points of its passes and restarted each time; the store stays
 *   intact, nothing is half-recorded (findings, documents and alerts commit
 *   together; an item is marked fetched only after its findings committed),
 *   and once a pass completes every leaked record is in the store.
 * - During alert delivery: test/alerts/crash-recovery.test.ts (kill -9 after
 *   commit, during delivery, and at random points; every alert delivered, the
 *   only duplicates being redeliveries under the same idempotency key).
 */
import { strict as assert } from 'node:assert';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { startLeakSite } from '../../src/sim/leak-site/server.js';
import { startSocks5Server } from '../../src/sim/socks5-server.js';
import { Store } from '../../src/store/store.js';
import { onion } from '../support/crawl-env.js';
import { Child, prepareClinic } from '../support/proof-daemon.js';
import { table } from '../support/proof-measure.js';

const figures: (string | number)[][] = [['scenario', 'kills', 'restarts', 'integrity', 'records found', 'detail']];

/** Invariants of a store after a crash: SQLite integrity, and nothing half-recorded. */
function checkStore(dataDir: string): { findings: number; openPasses: number } {
  const store = Store.open(dataDir);
  try {
    const db = store.db;
    assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
    assert.deepEqual(db.pragma('foreign_key_check'), []);
    // Findings and their documents commit in one transaction.
    const orphanFindings = db.prepare('SELECT COUNT(*) AS n FROM findings f WHERE NOT EXISTS (SELECT 1 FROM scanned_documents d WHERE d.sha256 = f.sha256)').get() as { n: number };
    assert.equal(orphanFindings.n, 0, 'a finding without its document');
    // An item is marked fetched (sha256 set) only after what it contained was recorded.
    const doneWithoutDoc = db.prepare("SELECT COUNT(*) AS n FROM crawl_items i WHERE i.sha256 IS NOT NULL AND NOT EXISTS (SELECT 1 FROM scanned_documents d WHERE d.sha256 = i.sha256)").get() as { n: number };
    assert.equal(doneWithoutDoc.n, 0, 'an item marked fetched whose document was never recorded');
    const hasAlerts = (db.prepare("SELECT COUNT(*) AS n FROM sqlite_master WHERE name = 'alerts'").get() as { n: number }).n === 1;
    if (hasAlerts) {
      const emptyAlerts = db.prepare('SELECT COUNT(*) AS n FROM alerts a WHERE NOT EXISTS (SELECT 1 FROM alert_items i WHERE i.alert_id = a.id)').get() as { n: number };
      assert.equal(emptyAlerts.n, 0, 'an alert without its items');
      const alertless = db.prepare('SELECT COUNT(*) AS n FROM findings f WHERE NOT EXISTS (SELECT 1 FROM alert_sightings s WHERE s.sha256 = f.sha256)').get() as { n: number };
      assert.equal(alertless.n, 0, 'a finding that never became an alert');
    }
    const openPasses = (db.prepare('SELECT COUNT(*) AS n FROM crawl_passes WHERE finished_at IS NULL').get() as { n: number }).n;
    return { findings: (db.prepare('SELECT COUNT(*) AS n FROM findings').get() as { n: number }).n, openPasses };
  } finally {
    store.close();
  }
}

function recordedIds(dataDir: string): Set<string> {
  const store = Store.open(dataDir, { readonly: true });
  try {
    return new Set(store.findings({ limit: 1_000_000 }).filter((f) => f.kind === 'record').map((f) => f.record!));
  } finally {
    store.close();
  }
}

describe('crash safety (kill -9)', () => {
  test('kill -9 at five points of crawl passes, restart after each: intact store, nothing half-recorded, nothing lost', { timeout: 90_000 }, async () => {
    const clinic = prepareClinic({ prefix: 'lw-crash-crawl-', sites: [{ name: 'blog', limits: { min_delay_ms: 120, concurrency: 1 } }] });
    const site = await startLeakSite({ shape: 'ransomware-blog', patients: clinic.patients, notes: clinic.notes, posts: 6 });
    const socks = await startSocks5Server({ resolve: (h) => (h === onion('a') ? { host: '127.0.0.1', port: site.port } : null) });
    const env = { LEAKWATCH_TOR_SOCKS_URL: `socks5h://127.0.0.1:${socks.port}` };
    const dataDir = join(clinic.dir, 'var');
    const killedAfter: number[] = [];
    let found = 0;
    try {
      // Kill after this many requests reached the site in each run: the listing, a post, an attachment in flight...
      for (const k of [2, 4, 6, 9, 13]) {
        // New material each round, so every restarted pass has documents to fetch and record.
        if (killedAfter.length > 0) site.addPost();
        const d = new Child(['run', '--config', clinic.cfgPath], env);
        try {
          await d.waitFor((l) => l.msg === 'leakwatch daemon started');
          const start = site.requests.length;
          const t0 = Date.now();
          while (site.requests.length < start + k && d.alive && Date.now() - t0 < 20_000) await new Promise((r) => setTimeout(r, 5));
          assert.ok(!d.lines.some((l) => l.msg === 'crawl pass finished'), `killed in the middle of the pass, not after it (round ${killedAfter.length + 1}, ${site.requests.length - start} requests)`);
          await d.kill9();
          killedAfter.push(site.requests.length - start);
        } finally {
          if (d.alive) await d.kill9();
        }
        const s = checkStore(dataDir);
        found = s.findings;
        // Only the killed passes may stay open; there is one per kill at most.
        assert.ok(s.openPasses <= killedAfter.length, `${s.openPasses} open pass rows`);
      }
      const partial = recordedIds(dataDir).size;
      // Restart and let a pass complete: everything the site leaks is recorded.
      const d = new Child(['run', '--config', clinic.cfgPath], env);
      try {
        const done = await d.waitFor((l) => l.msg === 'crawl pass finished', 60_000);
        assert.equal(done.outcome, 'ok');
        d.proc.kill('SIGTERM');
        assert.equal(await d.exit(), 0);
      } finally {
        if (d.alive) await d.kill9();
      }
      const s = checkStore(dataDir);
      const ids = recordedIds(dataDir);
      const leaked = site.manifest.leakedPatientIds;
      for (const id of leaked) assert.ok(ids.has(id), `record ${id} recorded after the restarts`);
      figures.push(['crawl pass', killedAfter.length, killedAfter.length + 1, 'ok', `${partial} after the kills, ${leaked.length}/${leaked.length} after restart`, `killed after ${killedAfter.join(', ')} requests; ${s.openPasses} killed pass rows left open; ${found} findings before the last run`]);
    } finally {
      await site.close();
      await socks.close();
      rmSync(clinic.dir, { recursive: true, force: true });
    }
  });

  after(() => console.log(`\ncrash safety\n${table(figures)}\n`));
});
