/**
 * Promise: when the store cannot be written, the CLI says why in one line with
 * a stable code, nothing is corrupted or half-written, and the same command
 * succeeds once the condition clears. For `import` (a new bundle) and `scan`
 * (leaked files), against the real store file:
 *
 * - disk full: a small tmpfs in a private mount namespace
 *   (`unshare --user --map-root-user --mount`), filled up -> LW_STORE_FULL;
 * - locked: another connection holds `BEGIN EXCLUSIVE` -> LW_STORE_LOCKED after
 *   the 5 s busy timeout (and a lock released within it is simply waited out);
 * - read-only: the store file is mode 0400 (when the test runs as root, the
 *   CLI runs as `nobody` so the mode applies) -> LW_STORE_READONLY.
 */
import { strict as assert } from 'node:assert';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { makePatients, patientsCsv } from '../../src/demo/synthetic-clinic.js';
import { STORE_FILE } from '../../src/store/store.js';
import { cli } from '../support/cli.js';
import { prepareClinic, type ClinicDir } from '../support/proof-daemon.js';
import { table } from '../support/proof-measure.js';

const BIN = join(import.meta.dirname, '../../src/cli/bin.ts');
const DISK_FULL = join(import.meta.dirname, '../support/proof-disk-full.ts');
const figures: (string | number)[][] = [['condition', 'command', 'exit', 'stderr (one line)', 'integrity', 'after it clears']];

let clinic: ClinicDir;
let leakDir: string;
let bundle2: string;
let dbPath: string;

const integrity = (): string => {
  const db = new Database(dbPath, { readonly: true });
  try {
    return db.pragma('integrity_check', { simple: true }) as string;
  } finally {
    db.close();
  }
};
const counts = () => {
  const db = new Database(dbPath, { readonly: true });
  try {
    return {
      findings: (db.prepare('SELECT COUNT(*) AS n FROM findings').get() as { n: number }).n,
      bundle: (db.prepare("SELECT header_json FROM org_bundles WHERE org = 'clinic-a'").get() as { header_json: string }).header_json,
    };
  } finally {
    db.close();
  }
};
const oneLine = (stderr: string, code: string) => {
  const lines = stderr.trim().split('\n');
  assert.equal(lines.length, 1, `one line: ${stderr}`);
  assert.match(lines[0]!, new RegExp(`^leakwatch: ${code}: store: `));
  return lines[0]!;
};

describe('store failures, through the CLI', () => {
  before(() => {
    clinic = prepareClinic({ prefix: 'lw-store-fail-' });
    dbPath = join(clinic.dir, 'var', STORE_FILE);
    // The leaked files to scan: part of the clinic's own records.
    leakDir = join(clinic.dir, 'leak');
    mkdirSync(leakDir);
    writeFileSync(join(leakDir, 'dump.csv'), patientsCsv(clinic.patients.slice(0, 12)));
    // A second bundle (more records, same key) for `import`: old or new set, never a mix.
    writeFileSync(join(clinic.dir, 'p2.csv'), patientsCsv(makePatients(45, 77)));
    bundle2 = join(clinic.dir, 'b2.lwb');
    const e = cli(['enroll', '--org', 'clinic-a', '--key', clinic.keyPath, '--records', join(clinic.dir, 'p2.csv'), '--mapping', join(clinic.dir, 'm.yaml'), '--out', bundle2]);
    assert.equal(e.code, 0, e.stderr);
  });

  const commands = () => ({
    import: ['import', bundle2, '--config', clinic.cfgPath],
    scan: ['scan', leakDir, '--config', clinic.cfgPath],
  });

  test('disk full (SQLITE_FULL on a filled tmpfs): LW_STORE_FULL, nothing written, works once there is space', { timeout: 90_000 }, (t) => {
    // 40 KiB free: the store opens, the write fails. 0 free: even opening (the -shm file) fails.
    const runs: [string, string[], number][] = [...Object.entries(commands()).map(([n, c]): [string, string[], number] => [n, c, 40 * 1024]), ['import (0 bytes free)', commands().import, 0]];
    for (const [name, command, leave] of runs) {
      const r = spawnSync('unshare', ['--user', '--map-root-user', '--mount', process.execPath, '--import', 'tsx', DISK_FULL, JSON.stringify({ dataDir: join(clinic.dir, 'var'), mnt: join(clinic.dir, `mnt-${name.split(' ')[0]}-${leave}`), command, leave })], {
        encoding: 'utf8',
        timeout: 50_000,
      });
      const line = r.stdout.trim().split('\n').at(-1) ?? '';
      if (r.status !== 0 || !line.startsWith('{') || 'unsupported' in JSON.parse(line)) {
        t.skip(`no private tmpfs here (${(r.stderr || line).trim().split('\n')[0]})`);
        return;
      }
      const o = JSON.parse(line) as {
        before: { integrity: string; findings: number; bundle: string };
        full: { code: number; stderr: string };
        afterFull: { integrity: string; findings: number; bundle: string };
        again: { code: number; stderr: string };
        recovered: { integrity: string; findings: number; bundle: string };
      };
      assert.equal(o.full.code, 1, o.full.stderr);
      const msg = oneLine(o.full.stderr, 'LW_STORE_FULL');
      assert.equal(o.afterFull.integrity, 'ok');
      assert.equal(o.afterFull.bundle, o.before.bundle, 'the old fingerprint set is intact');
      assert.equal(o.afterFull.findings, o.before.findings, 'no partial scan result');
      assert.equal(o.again.code, 0, o.again.stderr);
      assert.equal(o.recovered.integrity, 'ok');
      if (name.startsWith('import')) assert.notEqual(o.recovered.bundle, o.before.bundle, 'the new set replaced it');
      else assert.ok(o.recovered.findings > o.before.findings, 'the scan recorded its findings');
      figures.push(['disk full (tmpfs)', name, o.full.code, msg, o.afterFull.integrity, `exit ${o.again.code}`]);
    }
  });

  test('locked (another connection holds BEGIN EXCLUSIVE): LW_STORE_LOCKED after the busy timeout; a short lock is waited out', { timeout: 60_000 }, async () => {
    const before0 = counts();
    for (const [name, command] of Object.entries(commands())) {
      const holder = new Database(dbPath);
      holder.exec('BEGIN EXCLUSIVE');
      const t0 = Date.now();
      const r = cli(command);
      const waited = Date.now() - t0;
      holder.exec('ROLLBACK');
      holder.close();
      assert.equal(r.code, 1, r.stderr);
      const msg = oneLine(r.stderr, 'LW_STORE_LOCKED');
      assert.equal(integrity(), 'ok');
      assert.deepEqual(counts(), before0, 'nothing written while locked');
      figures.push(['locked (held)', name, r.code, msg, 'ok', `failed after ${waited} ms`]);
    }
    // A lock released while the command waits: it goes through.
    for (const [name, command] of [['import', commands().import]] as const) {
      const holder = new Database(dbPath);
      holder.exec('BEGIN EXCLUSIVE');
      const child = spawn(process.execPath, ['--import', 'tsx', BIN, ...command], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
      await new Promise((r) => setTimeout(r, 1_500));
      holder.exec('ROLLBACK');
      holder.close();
      const code = await new Promise<number | null>((r) => child.once('exit', r));
      assert.equal(code, 0, stderr);
      assert.equal(integrity(), 'ok');
      figures.push(['locked 1.5 s, then released', name, code ?? -1, '-', 'ok', 'waited, then succeeded']);
    }
  });

  test('read-only store file (mode 0400): LW_STORE_READONLY, then works once writable again', { timeout: 60_000 }, () => {
    const root = process.getuid?.() === 0;
    // Root ignores file modes: run the CLI as nobody, who owns the files but may only read the store.
    const owner = root ? { uid: 65534, gid: 65534 } : null;
    const chownAll = (dir: string) => {
      if (!owner) return;
      chownSync(dir, owner.uid, owner.gid);
      for (const f of readdirSync(dir, { withFileTypes: true })) {
        const p = join(dir, f.name);
        if (f.isDirectory()) chownAll(p);
        else chownSync(p, owner.uid, owner.gid);
      }
    };
    chownAll(clinic.dir);
    const run = (command: string[]) => {
      const r = spawnSync(process.execPath, ['--import', 'tsx', BIN, ...command], { encoding: 'utf8', timeout: 60_000, ...(owner ?? {}) });
      return { code: r.status ?? -1, stderr: r.stderr };
    };
    const mode = statSync(dbPath).mode & 0o777;
    for (const [name, command] of Object.entries(commands())) {
      const before0 = counts();
      chmodSync(dbPath, 0o400);
      const r = run(command);
      chmodSync(dbPath, mode);
      assert.equal(r.code, 1, r.stderr);
      const msg = oneLine(r.stderr, 'LW_STORE_READONLY');
      assert.equal(integrity(), 'ok');
      assert.deepEqual(counts(), before0, 'nothing written');
      const again = run(command);
      assert.equal(again.code, 0, again.stderr);
      assert.equal(integrity(), 'ok');
      figures.push(['read-only file (0400)', name, r.code, msg, 'ok', `exit ${again.code}`]);
    }
  });

  after(() => {
    rmSync(clinic.dir, { recursive: true, force: true });
    console.log(`\nstore failures\n${table(figures)}\n`);
  });
});
