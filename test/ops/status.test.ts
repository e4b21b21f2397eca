/**
 * `leakwatch status`: what it reads from a real store (health, last passes,
 * bundles, open alerts before and after the alerts table exists), that it
 * never writes, and the table and JSON a user sees.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import Database from 'better-sqlite3';
import { stringify } from 'yaml';
import { encodeBundle } from '../../src/bundle/format.js';
import { main } from '../../src/cli/main.js';
import { loadConfig } from '../../src/config/load.js';
import { readStatus } from '../../src/ops/status.js';
import { statusText } from '../../src/ops/status-text.js';
import { CrawlState } from '../../src/store/crawl-state.js';
import { MIGRATIONS } from '../../src/store/migrations.js';
import { STORE_FILE, Store } from '../../src/store/store.js';
import { syntheticBundle } from '../support/bundles.js';
import { cli } from '../support/cli.js';

const onion = (c: string) => `${c.repeat(56)}.onion`;
let dir: string;
let cfgFile: string;

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'lw-status-'));
  cfgFile = join(dir, 'leakwatch.yaml');
  writeFileSync(
    cfgFile,
    stringify({
      data_dir: 'var',
      orgs: [
        { id: 'clinic-a', key: { file: 'a.key' } },
        { id: 'clinic-b', key: { file: 'b.key' } },
      ],
      sites: [
        { name: 'blog', locations: [`http://${onion('a')}/`, `http://${onion('b')}/`] },
        { name: 'paste', locations: [`http://${onion('c')}/`], enabled: false },
      ],
    }),
  );
  const store = Store.open(join(dir, 'var'));
  const b = syntheticBundle('clinic-a', 7);
  store.importBundle(b.header, encodeBundle(b), new Date('2026-11-20T08:00:00Z'));
  const state = new CrawlState(store);
  state.setHealth('blog', `http://${onion('a')}/`, 'down', 'LW_ONION_NOT_FOUND: x', '2026-11-22T01:00:00.000Z');
  state.setHealth('blog', `http://${onion('b')}/`, 'up', null, '2026-11-21T00:00:00.000Z');
  state.setHealth('blog', `http://${onion('b')}/`, 'up', null, '2026-11-22T01:00:05.000Z');
  state.setHealth('gone', `http://${onion('d')}/`, 'seized', 'seizure banner', '2026-11-01T00:00:00.000Z');
  const old = state.startPass('blog', '2026-11-21T00:00:00.000Z');
  state.finishPass(old, 'ok', { requests: 1, bytes: 1, pages: 1, documents: 1, findings: 0 }, '2026-11-21T00:05:00.000Z');
  const last = state.startPass('blog', '2026-11-22T01:00:00.000Z');
  state.finishPass(last, 'ok', { requests: 42, bytes: 3 * 1024 * 1024, pages: 9, documents: 30, findings: 4 }, '2026-11-22T01:10:00.000Z');
  store.close();
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('sites with health per location and the last pass; orgs with fingerprint counts', () => {
  const cfg = loadConfig(cfgFile, {});
  const store = Store.open(cfg.dataDir, { readonly: true });
  try {
    const s = readStatus(store, cfg);
    assert.deepEqual(s.sites.map((x) => [x.name, x.enabled]), [['blog', true], ['paste', false], ['gone', null]]);
    const blog = s.sites[0]!;
    assert.deepEqual(blog.locations.map((l) => [l.state, l.since]), [['down', '2026-11-22T01:00:00.000Z'], ['up', '2026-11-21T00:00:00.000Z']]);
    assert.deepEqual(blog.lastPass, {
      startedAt: '2026-11-22T01:00:00.000Z',
      finishedAt: '2026-11-22T01:10:00.000Z',
      outcome: 'ok',
      requests: 42,
      bytes: 3 * 1024 * 1024,
      pages: 9,
      documents: 30,
      findings: 4,
    });
    assert.equal(s.sites[1]!.lastPass, null);
    const a = s.orgs.find((o) => o.id === 'clinic-a')!;
    assert.equal(a.bundle?.records, 7);
    assert.equal(a.bundle?.identifierFingerprints, 7);
    assert.equal(a.bundle?.importedAt, '2026-11-20T08:00:00.000Z');
    assert.equal(s.orgs.find((o) => o.id === 'clinic-b')!.bundle, null);
    const hasAlertsTable = MIGRATIONS.some((m) => /CREATE TABLE alerts\b/.test(m));
    assert.equal(a.openAlerts, hasAlertsTable ? 0 : null);
  } finally {
    store.close();
  }
});

test('open alerts are counted per org once an alerts table exists, and not before', () => {
  const d = join(dir, 'alerts');
  mkdirSync(d);
  const db = new Database(join(d, STORE_FILE));
  db.exec(MIGRATIONS[0]!);
  db.exec(MIGRATIONS[1]!);
  db.pragma('user_version = 2');
  db.close();
  const cfg = { ...loadConfig(cfgFile, {}), dataDir: d };
  const read = () => {
    const store = Store.open(d, { readonly: true });
    try {
      return readStatus(store, cfg).orgs.map((o) => [o.id, o.openAlerts]);
    } finally {
      store.close();
    }
  };
  assert.deepEqual(read(), [['clinic-a', null], ['clinic-b', null]]);
  const w = new Database(join(d, STORE_FILE));
  w.exec(`CREATE TABLE alerts (id TEXT PRIMARY KEY, org TEXT NOT NULL, status TEXT NOT NULL)`);
  w.exec(`INSERT INTO alerts VALUES ('1','clinic-a','open'), ('2','clinic-a','open'), ('3','clinic-a','acked'), ('4','clinic-b','acked')`);
  w.close();
  assert.deepEqual(read(), [['clinic-a', 2], ['clinic-b', 0]]);
});

test('the status command prints tables or JSON and leaves the store untouched', () => {
  const file = join(dir, 'var', STORE_FILE);
  const digest = () => createHash('sha256').update(readFileSync(file)).digest('hex');
  const before = digest();
  const json = cli(['status', '--json', '--config', cfgFile]);
  assert.equal(json.code, 0, json.stderr);
  const s = JSON.parse(json.stdout);
  assert.equal(s.sites[0].name, 'blog');
  assert.equal(s.orgs[0].bundle.records, 7);
  const table = cli(['status', '--config', cfgFile]);
  assert.equal(table.code, 0, table.stderr);
  const lines = table.stdout.split('\n');
  assert.match(lines.find((l) => l.startsWith('SITE'))!, /^SITE\s+LOCATION\s+HEALTH\s+SINCE\s+LAST PASS\s+OUTCOME\s+REQUESTS\s+BYTES\s+FINDINGS$/);
  assert.match(lines.find((l) => l.startsWith('blog '))!, /^blog\s+http:\/\/a{16}….onion\/\s+down\s+2026-11-22 01:00Z\s+2026-11-22 01:10Z\s+ok\s+42\s+3\.0 MiB\s+4$/);
  assert.ok(lines.some((l) => /^paste \(disabled\)\s+-\s+unknown/.test(l)));
  assert.ok(lines.some((l) => /^gone \(not in config\)\s+\S+\s+seized/.test(l)));
  assert.match(lines.find((l) => l.startsWith('clinic-a'))!, /^clinic-a\s+7\s+7\s+0\s+0\s+2026-11-20 08:00Z\s+\S+$/);
  assert.match(lines.find((l) => l.startsWith('clinic-b'))!, /not imported/);
  assert.equal(digest(), before);

});

test('without a store the command fails with one line and creates nothing', async () => {
  const nowhere = join(dir, 'nowhere');
  const written: string[] = [];
  const write = process.stderr.write;
  process.stderr.write = ((chunk: string) => written.push(chunk) > 0) as typeof process.stderr.write;
  process.env.LEAKWATCH_DATA_DIR = nowhere;
  let code: number;
  try {
    code = await main(['status', '--config', cfgFile]);
  } finally {
    process.stderr.write = write;
    delete process.env.LEAKWATCH_DATA_DIR;
  }
  assert.equal(code, 1);
  assert.match(written.join(''), /^leakwatch: LW_STORE: no store in .*nowhere yet .*\n$/);
  assert.equal(existsSync(nowhere), false);
});

test('the text table is stable for an empty status', () => {
  assert.equal(
    statusText({ store: '/x/leakwatch.sqlite', schema: { current: 2, latest: 2 }, sites: [], orgs: [] }),
    'store /x/leakwatch.sqlite (schema 2/2)\n\nno sites configured or crawled\n\nno organizations configured or imported',
  );
});
