import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { decodeBundle, encodeBundle } from '../../src/bundle/format.js';
import { Store } from '../../src/store/store.js';
import { syntheticBundle } from '../support/bundles.js';

const dataDir = () => mkdtempSync(join(tmpdir(), 'lw-store-'));

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
