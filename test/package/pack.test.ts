/**
 * The published package: `npm pack` of a fresh build installs into a clean
 * project and its bin answers --version and --help. Installed with
 * --ignore-scripts (building better-sqlite3 from source takes over a minute),
 * which also proves that --version and --help never load the native module.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

const ROOT = join(import.meta.dirname, '../..');
const npmAvailable = spawnSync('npm', ['--version'], { encoding: 'utf8' }).status === 0;

function run(cmd: string, args: string[], cwd: string): string {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.status, 0, `${cmd} ${args.join(' ')} failed:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

test('npm pack installs in a clean directory and runs', { skip: !npmAvailable && 'npm not available', timeout: 180_000 }, () => {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { name: string; version: string };
  const dir = mkdtempSync(join(tmpdir(), 'lw-pack-'));
  try {
    run(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], ROOT);
    // The build just ran; --ignore-scripts skips prepack's second build.
    const packed = JSON.parse(run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], ROOT)) as {
      filename: string;
      files: { path: string }[];
    }[];
    const files = packed[0]!.files.map((f) => f.path);
    for (const needed of ['dist/cli/bin.js', 'dist/cli/main.js', 'systemd/leakwatch.service', 'systemd/tor-leakwatch.torrc', 'docs/operations.md', 'docs/configuration.md', 'config/leakwatch.example.yaml', 'README.md']) {
      assert.ok(files.includes(needed), `${needed} is in the package`);
    }
    assert.deepEqual(files.filter((f) => /^(src|test|bench|node_modules)\//.test(f)), [], 'no sources, tests or benchmarks');

    const project = join(dir, 'project');
    mkdirSync(project);
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'clean-project', version: '1.0.0', private: true }));
    run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--ignore-scripts', join(dir, packed[0]!.filename)], project);

    const bin = join(project, 'node_modules/.bin/leakwatch');
    assert.equal(run(bin, ['--version'], project).trim(), pkg.version);
    const help = run(bin, ['--help'], project);
    assert.match(help, /^Usage: leakwatch /);
    for (const command of ['keygen', 'enroll', 'import', 'scan', 'inspect', 'crawl', 'run', 'status', 'doctor', 'demo']) {
      assert.match(help, new RegExp(`^  ${command} `, 'm'), `${command} is listed`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
