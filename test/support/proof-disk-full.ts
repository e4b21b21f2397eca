/**
 * Runs inside `unshare --user --map-root-user --mount` for
 * test/proof/store-failures.test.ts: mounts a small tmpfs (private to this
 * mount namespace), copies the store onto it, fills the filesystem, runs a
 * CLI command that must fail with LW_STORE_FULL, frees the space, checks the
 * store, and runs the command again. Prints one JSON line; {"unsupported": ...}
 * when the tmpfs cannot be mounted here.
 *
 *   args: JSON { dataDir, mnt, command: string[], leave: bytes left free }
 */
import { spawnSync } from 'node:child_process';
import { closeSync, cpSync, ftruncateSync, mkdirSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';

const BIN = join(import.meta.dirname, '../../src/cli/bin.ts');
const args = JSON.parse(process.argv[2]!) as { dataDir: string; mnt: string; command: string[]; leave: number };

const out = (o: object) => process.stdout.write(`${JSON.stringify(o)}\n`);

mkdirSync(args.mnt, { recursive: true });
const m = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=8m', 'tmpfs', args.mnt], { encoding: 'utf8' });
if (m.status !== 0) {
  out({ unsupported: `mount tmpfs: ${m.stderr.trim()}` });
  process.exit(0);
}
const data = join(args.mnt, 'var');
cpSync(args.dataDir, data, { recursive: true });

/** Fills the filesystem, then frees `leave` bytes. */
function fill(leave: number): string {
  const path = join(args.mnt, 'filler');
  const fd = openSync(path, 'w');
  const chunk = Buffer.alloc(64 * 1024, 0xaa);
  try {
    for (;;) writeSync(fd, chunk);
  } catch {
    // ENOSPC: the filesystem is full.
  }
  ftruncateSync(fd, Math.max(0, statSync(path).size - leave));
  closeSync(fd);
  return path;
}

const run = () => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', BIN, ...args.command], {
    encoding: 'utf8',
    env: { ...process.env, LEAKWATCH_DATA_DIR: data },
    timeout: 60_000,
  });
  return { code: r.status, stderr: r.stderr.trim(), stdout: r.stdout.trim() };
};

const snapshot = () => {
  const db = new Database(join(data, 'leakwatch.sqlite'), { fileMustExist: true });
  try {
    return {
      integrity: db.pragma('integrity_check', { simple: true }) as string,
      findings: (db.prepare('SELECT COUNT(*) AS n FROM findings').get() as { n: number }).n,
      bundle: (db.prepare("SELECT header_json FROM org_bundles WHERE org = 'clinic-a'").get() as { header_json: string } | undefined)?.header_json ?? null,
    };
  } finally {
    db.close();
  }
};

const before = snapshot();
const filler = fill(args.leave);
const full = run();
rmSync(filler);
const afterFull = snapshot();
const again = run();
const recovered = snapshot();
out({ before, full, afterFull, again, recovered });
