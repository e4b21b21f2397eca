import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { decodeBundle, encodeBundle } from '../../src/bundle/format.js';
import { BUNDLES_DIR, STORE_FILE, Store } from '../../src/store/store.js';
import { syntheticBundle } from '../support/bundles.js';

const dataDir = () => mkdtempSync(join(tmpdir(), 'lw-store-'));
const sha256Hex = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

test('the store is a WAL SQLite file with migrations applied', () => {
  const d = dataDir();
  const s = Store.open(d);
  assert.equal(s.db.pragma('journal_mode', { simple: true }), 'wal');
  assert.deepEqual(s.schemaVersion().current, s.schemaVersion().latest);
  s.close();
  const again = Store.open(d);
  assert.equal(again.schemaVersion().current, again.schemaVersion().latest);
  again.close();
});

test('import replaces an org bundle; other orgs are untouched', () => {
  const s = Store.open(dataDir());
  const a1 = syntheticBundle('a', 10, 1);
  const a2 = syntheticBundle('a', 20, 2);
  const b = syntheticBundle('b', 5, 3);
  s.importBundle(a1.header, encodeBundle(a1));
  s.importBundle(b.header, encodeBundle(b));
  s.importBundle(a2.header, encodeBundle(a2));
  assert.equal(decodeBundle(s.bundleBytes('a')!, 'a').recordIds.length, 20);
  assert.equal(decodeBundle(s.bundleBytes('b')!, 'b').recordIds.length, 5);
  assert.deepEqual(s.bundleHeaders().map((h) => h.org), ['a', 'b']);
  s.close();
});

test('an imported bundle is a file of its own in the data directory, and replacing it removes the old one', () => {
  const d = dataDir();
  const s = Store.open(d);
  const a1 = syntheticBundle('a', 10, 1);
  const a2 = syntheticBundle('a', 20, 2);
  const bytes1 = encodeBundle(a1);
  s.importBundle(a1.header, bytes1);
  const file1 = s.bundleFile('a')!;
  assert.equal(file1, join(d, BUNDLES_DIR, `${sha256Hex(bytes1)}.lwb`));
  assert.ok(statSync(file1).mode % 0o1000 === 0o600, 'readable by the owner only');
  assert.ok(s.bundleBytes('a')!.equals(bytes1));
  // The row holds no copy of it.
  assert.equal((s.db.prepare('SELECT length(bundle) AS n FROM org_bundles').get() as { n: number }).n, 0);
  // The same bytes again: the same file, kept.
  s.importBundle(a1.header, bytes1);
  assert.equal(s.bundleFile('a'), file1);
  assert.ok(existsSync(file1));
  s.importBundle(a2.header, encodeBundle(a2));
  assert.notEqual(s.bundleFile('a'), file1);
  assert.ok(!existsSync(file1), 'the replaced file is removed');
  assert.deepEqual(readdirSync(join(d, BUNDLES_DIR)), [s.bundleFile('a')!.split('/').pop()]);
  assert.equal(s.bundleFile('nobody'), null);
  s.close();
});

test('bundles stored in the database by an earlier leakwatch move to files when the store opens', () => {
  const d = dataDir();
  Store.open(d).close();
  const b = syntheticBundle('old-org', 30, 4);
  const bytes = encodeBundle(b);
  // A row as schema 3 wrote it: the bytes in the row, no file.
  const db = new Database(join(d, STORE_FILE));
  db.prepare('INSERT INTO org_bundles (org, kcv, header_json, bundle, imported_at) VALUES (?, ?, ?, ?, ?)').run('old-org', b.header.kcv, JSON.stringify(b.header), bytes, '2026-11-23T00:00:00.000Z');
  db.close();
  const readonly = Store.open(d, { readonly: true });
  assert.equal(readonly.bundleFile('old-org'), null, 'a read-only store moves nothing');
  assert.ok(readonly.bundleBytes('old-org')!.equals(bytes));
  readonly.close();
  const s = Store.open(d);
  assert.ok(s.bundleFile('old-org'));
  assert.ok(s.bundleBytes('old-org')!.equals(bytes));
  assert.equal((s.db.prepare('SELECT length(bundle) AS n FROM org_bundles').get() as { n: number }).n, 0);
  s.close();
});

test('files no row names are removed once an hour old (a crash between writing the file and the commit)', () => {
  const d = dataDir();
  const s = Store.open(d);
  const a = syntheticBundle('a', 10, 1);
  s.importBundle(a.header, encodeBundle(a));
  const dir = join(d, BUNDLES_DIR);
  writeFileSync(join(dir, 'old-orphan.lwb'), 'x');
  writeFileSync(join(dir, 'f.lwb.tmp-1234'), 'x');
  writeFileSync(join(dir, 'young.lwb'), 'x');
  const twoHoursAgo = new Date(Date.now() - 2 * 3600_000);
  utimesSync(join(dir, 'old-orphan.lwb'), twoHoursAgo, twoHoursAgo);
  utimesSync(join(dir, 'f.lwb.tmp-1234'), twoHoursAgo, twoHoursAgo);
  utimesSync(s.bundleFile('a')!, twoHoursAgo, twoHoursAgo);
  s.close();
  const again = Store.open(d);
  assert.deepEqual(readdirSync(dir).sort(), [again.bundleFile('a')!.split('/').pop(), 'young.lwb'].sort(), 'the named file stays, however old; a young unnamed one may be an import in progress');
  again.close();
});

test('kill -9 during repeated imports leaves the old or the new set, never a mix', async () => {
  const d = dataDir();
  const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, '../support/import-loop.ts'), d], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let imports = 0;
  await new Promise<void>((resolve) => {
    child.stdout.on('data', (b: Buffer) => {
      imports += b.toString().split('\n').filter((l) => l === 'imported').length;
      if (imports >= 3) resolve();
    });
  });
  // Let it get into the middle of another import, then kill without warning.
  await new Promise((r) => setTimeout(r, 37));
  child.kill('SIGKILL');
  await new Promise((r) => child.once('exit', r));
  const s = Store.open(d);
  const b = decodeBundle(s.bundleBytes('clinic-a')!, 'store');
  const seed = Number(b.recordIds.at(0)!.split('-')[1]);
  assert.deepEqual([...b.recordIds], [...syntheticBundle('clinic-a', 200_000, seed).recordIds].slice(0, b.recordIds.length));
  assert.equal(b.recordIds.length, 200_000);
  assert.equal(s.db.pragma('integrity_check', { simple: true }), 'ok');
  s.close();
});

test('findings round-trip with their source metadata', () => {
  const s = Store.open(dataDir());
  s.recordScan(
    [
      {
        org: 'a',
        kind: 'record',
        record: 'P-1',
        confidence: 'high',
        fields: ['fi_hetu', 'name'],
        severity: 'critical',
        source: { url: null, path: 'dump.zip', entry: 'x.csv', sha256: 'ab'.repeat(32), size: 10 },
        seen_at: '2026-11-22T10:00:00.000Z',
      },
    ],
    [],
  );
  const [f] = s.findings({ org: 'a' });
  assert.equal(f!.record, 'P-1');
  assert.deepEqual(f!.fields, ['fi_hetu', 'name']);
  assert.equal(s.findings({ org: 'b' }).length, 0);
  s.close();
});
