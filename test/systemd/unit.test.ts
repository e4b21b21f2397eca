/**
 * The systemd unit passes `systemd-analyze verify` (unknown keys, bad values,
 * a missing binary all show up there), carries the hardening the issue asks
 * for, and the torrc snippet is valid for the installed Tor.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

const ROOT = join(import.meta.dirname, '../..');
const UNIT = readFileSync(join(ROOT, 'systemd/leakwatch.service'), 'utf8');
const TORRC = join(ROOT, 'systemd/tor-leakwatch.torrc');

const has = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;

/** Active (uncommented) `Key=value` lines of one section, in order. */
function directives(unit: string, section: string): [string, string][] {
  const out: [string, string][] = [];
  let current = '';
  for (const raw of unit.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('[')) current = line;
    else if (current === `[${section}]` && line && !line.startsWith('#') && line.includes('=')) {
      const i = line.indexOf('=');
      out.push([line.slice(0, i), line.slice(i + 1)]);
    }
  }
  return out;
}

/** A copy of the unit whose ExecStart names an executable that exists here (verify checks it). */
function runnableCopy(dir: string): string {
  const path = join(dir, 'leakwatch.service');
  writeFileSync(path, UNIT.replace(/^ExecStart=\/usr\/local\/bin\/leakwatch /m, `ExecStart=${process.execPath} ${join(ROOT, 'dist/cli/bin.js')} `));
  return path;
}

test('the unit has the service shape, environment and hardening of the issue', () => {
  const svc = directives(UNIT, 'Service');
  const get = (k: string) => svc.filter(([key]) => key === k).map(([, v]) => v);
  const expected: Record<string, string> = {
    Type: 'exec',
    ExecStart: '/usr/local/bin/leakwatch run',
    ExecReload: '/bin/kill -HUP $MAINPID',
    Restart: 'on-failure',
    DynamicUser: 'yes',
    StateDirectory: 'leakwatch',
    ConfigurationDirectory: 'leakwatch',
    UMask: '0077',
    LimitCORE: '0',
    NoNewPrivileges: 'yes',
    CapabilityBoundingSet: '',
    ProtectSystem: 'strict',
    ProtectHome: 'yes',
    PrivateTmp: 'yes',
    PrivateDevices: 'yes',
    ProtectKernelTunables: 'yes',
    ProtectKernelModules: 'yes',
    ProtectKernelLogs: 'yes',
    ProtectControlGroups: 'yes',
    RestrictAddressFamilies: 'AF_INET AF_INET6 AF_UNIX',
    RestrictNamespaces: 'yes',
    LockPersonality: 'yes',
  };
  for (const [key, value] of Object.entries(expected)) assert.deepEqual(get(key), [value], key);
  assert.ok(get('SystemCallFilter').includes('@system-service'));
  assert.match(get('RestartSec')[0] ?? '', /^\d+s$/);
  assert.match(get('MemoryMax')[0] ?? '', /^\d+[KMG]$/);
  assert.deepEqual(get('MemoryDenyWriteExecute'), [], 'MemoryDenyWriteExecute breaks V8');
  assert.ok(get('Environment').includes('LEAKWATCH_CONFIG=/etc/leakwatch/leakwatch.yaml'));
  assert.ok(get('Environment').includes('LEAKWATCH_DATA_DIR=%S/leakwatch'));
  assert.match(UNIT, /^#LoadCredential=\S+\.key:\/etc\/leakwatch\/keys\/\S+$/m);
  assert.match(UNIT, /^#LoadCredentialEncrypted=\S+$/m);
  const unit = directives(UNIT, 'Unit');
  assert.ok(unit.some(([k, v]) => k === 'Wants' && v.split(' ').includes('tor@default.service')));
  assert.ok(unit.some(([k, v]) => k === 'After' && v.split(' ').includes('tor@default.service')));
});

test('systemd-analyze verify accepts the unit and offline security analysis rates it OK', { skip: !has('systemd-analyze') && 'systemd-analyze not installed (Debian package: systemd)' }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'lw-unit-'));
  try {
    const path = runnableCopy(dir);
    const verify = spawnSync('systemd-analyze', ['verify', path], { encoding: 'utf8' });
    assert.equal(verify.status, 0, verify.stderr);
    // Unknown keys and bad values are only warnings (exit 0); any line about our unit is a defect.
    assert.equal(verify.stderr.split('\n').filter((l) => l.includes('leakwatch.service')).join('\n'), '');

    // The check can fail: a misspelt directive is reported.
    writeFileSync(path, readFileSync(path, 'utf8').replace('ProtectHome=yes', 'ProtectHomes=yes'));
    const bad = spawnSync('systemd-analyze', ['verify', path], { encoding: 'utf8' });
    assert.match(bad.stderr, /Unknown key.*ProtectHomes/);

    const sec = spawnSync('systemd-analyze', ['security', '--offline=true', runnableCopy(dir)], { encoding: 'utf8' });
    const m = /Overall exposure level for leakwatch\.service: (\d+\.\d+)/.exec(sec.stdout);
    assert.ok(m, sec.stdout + sec.stderr);
    assert.ok(Number(m[1]) <= 2.0, `exposure ${m[1]}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the torrc snippet is valid for the installed Tor', { skip: !has('tor') && 'tor not installed' }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'lw-torrc-'));
  try {
    const ok = spawnSync('tor', ['--verify-config', '-f', TORRC, '--DataDirectory', dir], { encoding: 'utf8' });
    assert.equal(ok.status, 0, ok.stdout);
    assert.match(readFileSync(TORRC, 'utf8'), /^SocksPort 127\.0\.0\.1:9050 IsolateSOCKSAuth ExtendedErrors$/m);
    // The optional control port, uncommented, is valid too.
    const withControl = join(dir, 'torrc');
    writeFileSync(withControl, readFileSync(TORRC, 'utf8').replace(/^#(ControlPort|CookieAuth)/gm, '$1'));
    const ctl = spawnSync('tor', ['--verify-config', '-f', withControl, '--DataDirectory', dir], { encoding: 'utf8' });
    assert.equal(ctl.status, 0, ctl.stdout);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
