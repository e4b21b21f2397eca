/**
 * `leakwatch doctor` against real parts: temp stores, real key files with
 * wrong modes, a loopback SOCKS5 server standing in for Tor, closed ports,
 * and the CLI as a child process.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { stringify } from 'yaml';
import { encodeBundle } from '../../src/bundle/format.js';
import { loadConfig, type LoadedConfig } from '../../src/config/load.js';
import { orgSchema } from '../../src/config/schema.js';
import { deriveKeys, encodeKey, generateKey, writeNewKeyFile } from '../../src/keys/org-key.js';
import type { CheckResult } from '../../src/ops/doctor/check.js';
import { checkConfig, configProblems } from '../../src/ops/doctor/config-check.js';
import { configuredSinks } from '../../src/ops/doctor/config-sinks.js';
import { checkCoreDumps, coreLimit } from '../../src/ops/doctor/core-dump-check.js';
import { checkOrgKey } from '../../src/ops/doctor/key-check.js';
import { doctorJson, doctorText } from '../../src/ops/doctor/render.js';
import { checkSinks } from '../../src/ops/doctor/sink-check.js';
import { checkStore } from '../../src/ops/doctor/store-check.js';
import { checkTor } from '../../src/ops/doctor/tor-check.js';
import { STORE_FILE, Store } from '../../src/store/store.js';
import { syntheticBundle } from '../support/bundles.js';
import { startSocks5Server, type Socks5Server } from '../../src/sim/socks5-server.js';

const onion = (c: string) => `${c.repeat(56)}.onion`;
const BIN = join(import.meta.dirname, '../../src/cli/bin.ts');

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'lw-doctor-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** A fresh sub-directory of the test's temp dir. */
function sub(name: string): string {
  const d = join(dir, name);
  mkdirSync(d);
  return d;
}

/** A store under `dataDir` holding a bundle for `org` made with `key`. */
function storeWithBundle(dataDir: string, org: string, key: Buffer): void {
  const store = Store.open(dataDir);
  const b = syntheticBundle(org, 5, 1, deriveKeys(key).kcv);
  store.importBundle(b.header, encodeBundle(b), new Date('2026-11-20T08:00:00Z'));
  store.close();
}

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** A TCP server that answers every connection with `reply` and closes it (reading what the client sent). */
function answering(reply = ''): Server {
  return createServer((s) => {
    s.on('error', () => undefined);
    s.resume();
    s.end(reply);
  });
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as AddressInfo).port;
}

/** Minimal LoadedConfig for the Tor and sink checks. */
function torConfig(socksPort: number, sites: { name: string; location: string; enabled?: boolean }[]): LoadedConfig {
  return {
    tor: { socks_url: `socks5h://127.0.0.1:${socksPort}` },
    sites: sites.map((s) => ({ name: s.name, locations: [s.location], enabled: s.enabled ?? true })),
    orgs: [],
  } as unknown as LoadedConfig;
}

const byName = (rs: readonly CheckResult[], name: string) => rs.find((r) => r.name === name);

describe('config', () => {
  test('every problem is its own failed line with its path', () => {
    const file = join(sub('cfg-bad'), 'leakwatch.yaml');
    writeFileSync(file, stringify({ orgs: [{ id: 'Bad Id', key: { file: 'k' } }], sites: [{ name: 's', locations: [`http://${onion('a')}/`], schedule: 'every tuesday' }] }));
    const { results, cfg } = checkConfig(file, {});
    assert.equal(cfg, null);
    assert.equal(results.length, 2);
    assert.ok(results.every((r) => r.status === 'fail' && r.name === 'config' && r.detail.startsWith(`${file}: `)));
    assert.ok(results.some((r) => r.detail.includes('orgs[0].id')));
    assert.ok(results.some((r) => r.detail.includes('sites[0].schedule')));
  });

  test('a valid file is ok; no file at all is a warning with defaults', () => {
    const file = join(sub('cfg-ok'), 'leakwatch.yaml');
    writeFileSync(file, stringify({ sites: [{ name: 's', locations: [`http://${onion('a')}/`] }] }));
    const ok = checkConfig(file, {});
    assert.equal(ok.results[0]!.status, 'ok');
    assert.match(ok.results[0]!.detail, /1 site\(s\) \(1 enabled\)/);
    const none = checkConfig(undefined, { LEAKWATCH_CONFIG: undefined });
    assert.equal(none.results[0]!.status, 'warn');
  });

  test('messages without a problem list stay one line', () => {
    assert.deepEqual(configProblems('/x.yaml:3:1: invalid YAML'), ['/x.yaml:3:1: invalid YAML']);
    assert.deepEqual(configProblems('/x.yaml: orgs: duplicate id \'a\'; sites: duplicate name \'b\''), ["/x.yaml: orgs: duplicate id 'a'", "/x.yaml: sites: duplicate name 'b'"]);
  });
});

describe('keys', () => {
  test('a key file readable by others fails with a chmod fix; 0600 and matching is ok', () => {
    const d = sub('keys-mode');
    const keyFile = join(d, 'clinic-a.key');
    writeNewKeyFile(keyFile);
    const org = orgSchema.parse({ id: 'clinic-a', key: { file: keyFile } });
    chmodSync(keyFile, 0o644);
    const loose = checkOrgKey(org, new Map(), {});
    assert.equal(loose.status, 'fail');
    assert.match(loose.detail, /mode 0644/);
    assert.equal(loose.fix, `chmod 600 ${keyFile}`);
    chmodSync(keyFile, 0o600);
    const noBundle = checkOrgKey(org, new Map(), {});
    assert.equal(noBundle.status, 'warn');
    assert.match(noBundle.detail, /no bundle imported/);
  });

  test('the key check value must match the imported bundle of that org', () => {
    const d = sub('keys-kcv');
    const good = join(d, 'good.key');
    const other = join(d, 'other.key');
    const goodKey = generateKey();
    writeNewKeyFile(good, goodKey);
    writeNewKeyFile(other);
    storeWithBundle(join(d, 'var'), 'clinic-a', goodKey);
    const { bundles } = checkStore(join(d, 'var'));
    const ok = checkOrgKey(orgSchema.parse({ id: 'clinic-a', key: { file: good } }), bundles, {});
    assert.equal(ok.status, 'ok', ok.detail);
    assert.match(ok.detail, /matches the bundle imported 2026-11-20/);
    const wrong = checkOrgKey(orgSchema.parse({ id: 'clinic-a', key: { file: other } }), bundles, {});
    assert.equal(wrong.status, 'fail');
    assert.match(wrong.detail, /does not match/);
    const missing = checkOrgKey(orgSchema.parse({ id: 'clinic-a', key: { file: join(d, 'nope.key') } }), bundles, {});
    assert.equal(missing.status, 'fail');
    assert.match(missing.detail, /ENOENT/);
  });

  test('environment and credential keys; the key never appears in a result', () => {
    const d = sub('keys-env');
    const key = generateKey();
    storeWithBundle(join(d, 'var'), 'clinic-a', key);
    const { bundles } = checkStore(join(d, 'var'));
    const text = encodeKey(key);
    const env = checkOrgKey(orgSchema.parse({ id: 'clinic-a', key: { env: 'LW_TEST_KEY' } }), bundles, { LW_TEST_KEY: text });
    assert.equal(env.status, 'ok');
    const unset = checkOrgKey(orgSchema.parse({ id: 'clinic-a', key: { env: 'LW_TEST_KEY' } }), bundles, {});
    assert.equal(unset.status, 'fail');
    const cred = orgSchema.parse({ id: 'clinic-a', key: { credential: 'clinic-a.key' } });
    assert.equal(checkOrgKey(cred, bundles, {}).status, 'warn');
    const credDir = sub('creds');
    writeNewKeyFile(join(credDir, 'clinic-a.key'), key);
    assert.equal(checkOrgKey(cred, bundles, { CREDENTIALS_DIRECTORY: credDir }).status, 'ok');
    for (const r of [env, unset]) assert.ok(!JSON.stringify(r).includes(text.trim().split(':')[1]!));
  });
});

describe('store', () => {
  test('missing store is a warning; a current WAL store is ok', () => {
    const d = sub('store-ok');
    assert.equal(checkStore(join(d, 'var')).results[0]!.status, 'warn');
    storeWithBundle(join(d, 'var'), 'clinic-a', generateKey());
    chmodSync(join(d, 'var'), 0o700);
    const { results, bundles } = checkStore(join(d, 'var'));
    assert.deepEqual(results.map((r) => r.status), ['ok']);
    assert.match(results[0]!.detail, /\(current\), WAL/);
    assert.equal(bundles?.size, 1);
    // A bundle file lost from the data directory (a partial restore) fails the check, naming the org.
    const store = Store.open(join(d, 'var'));
    const file = store.bundleFile('clinic-a')!;
    store.close();
    rmSync(file);
    const lost = checkStore(join(d, 'var')).results;
    assert.equal(byName(lost, 'bundle clinic-a')?.status, 'fail');
    assert.match(byName(lost, 'bundle clinic-a')!.detail, /is missing: the store names it as clinic-a's bundle/);
  });

  test('a store from a newer leakwatch, a non-WAL store and a world-readable data dir are reported', () => {
    const d = sub('store-bad');
    const dataDir = join(d, 'var');
    storeWithBundle(dataDir, 'clinic-a', generateKey());
    const db = new Database(join(dataDir, STORE_FILE));
    const latest = db.pragma('user_version', { simple: true }) as number;
    db.pragma('journal_mode = DELETE');
    db.close();
    chmodSync(dataDir, 0o755);
    const rollback = checkStore(dataDir).results;
    assert.equal(rollback[0]!.status, 'fail');
    assert.match(rollback[0]!.detail, /journal mode is delete/);
    assert.equal(byName(rollback, 'store permissions')?.status, 'warn');
    const db2 = new Database(join(dataDir, STORE_FILE));
    db2.pragma(`user_version = ${latest + 1}`);
    db2.close();
    const newer = checkStore(dataDir).results[0]!;
    assert.equal(newer.status, 'fail');
    assert.match(newer.detail, /newer than this leakwatch/);
  });
});

describe('tor', () => {
  let socks: Socks5Server;
  let target: Server;
  before(async () => {
    target = answering();
    const port = await listen(target);
    socks = await startSocks5Server({
      resolve: (host) => (host === onion('a') ? { host: '127.0.0.1', port } : host === onion('b') ? { reply: 0xf0 } : null),
    });
  });
  after(async () => {
    await socks.close();
    await new Promise<void>((r) => target.close(() => r()));
  });

  test('nothing on the SOCKS port fails with the errno and a fix', async () => {
    const rs = await checkTor(torConfig(await closedPort(), []), { socksTimeoutMs: 2000, circuitTimeoutMs: 2000 });
    assert.equal(rs.length, 1);
    assert.equal(rs[0]!.status, 'fail');
    assert.match(rs[0]!.detail, /ECONNREFUSED/);
    assert.match(rs[0]!.fix ?? '', /tor@default/);
  });

  test('something that is not SOCKS5 fails', async () => {
    const http = answering('HTTP/1.1 400 Bad Request\r\n\r\n');
    const port = await listen(http);
    try {
      const rs = await checkTor(torConfig(port, []), { socksTimeoutMs: 2000, circuitTimeoutMs: 2000 });
      assert.equal(rs[0]!.status, 'fail');
      assert.match(rs[0]!.detail, /not as a SOCKS5 proxy/);
    } finally {
      await new Promise<void>((r) => http.close(() => r()));
    }
  });

  test('a circuit per enabled site: open, onion-level refusal; Tor counts as bootstrapped', async () => {
    const before = socks.requests.length;
    const rs = await checkTor(
      torConfig(socks.port, [
        { name: 'up', location: `http://${onion('a')}/` },
        { name: 'gone', location: `http://${onion('b')}:8080/` },
        { name: 'off', location: `http://${onion('c')}/`, enabled: false },
      ]),
      { socksTimeoutMs: 2000, circuitTimeoutMs: 3000 },
    );
    assert.deepEqual(rs.map((r) => [r.status, r.name]), [
      ['ok', 'tor socks'],
      ['ok', 'tor bootstrap'],
      ['ok', 'tor circuit up'],
      ['warn', 'tor circuit gone'],
    ]);
    assert.match(byName(rs, 'tor circuit gone')!.detail, /onion descriptor not found \(reply 0xf0\)/);
    // Names reach the proxy unresolved, each site under its own isolation username.
    const asked = socks.requests.slice(before);
    assert.deepEqual(asked.map((r) => [r.host, r.port, r.atyp]).sort(), [[onion('a'), 80, 'domain'], [onion('b'), 8080, 'domain']]);
    assert.deepEqual(asked.map((r) => r.username).sort(), ['leakwatch-doctor:gone', 'leakwatch-doctor:up']);
  });

  test('no circuit completing within the timeout means Tor is not bootstrapped', async () => {
    const slow = await startSocks5Server({ latencyMs: [5000, 5000], resolve: () => null });
    try {
      const started = Date.now();
      const rs = await checkTor(torConfig(slow.port, [{ name: 'a', location: `http://${onion('a')}/` }]), { socksTimeoutMs: 2000, circuitTimeoutMs: 300 });
      assert.ok(Date.now() - started < 2500);
      assert.equal(byName(rs, 'tor socks')!.status, 'ok');
      assert.equal(byName(rs, 'tor bootstrap')!.status, 'fail');
      assert.equal(byName(rs, 'tor circuit a')!.status, 'warn');
    } finally {
      await slow.close();
    }
  });
});

describe('sinks', () => {
  test('TCP reachability: a listening port is ok, a closed one fails, UDP is not checkable', async () => {
    const server = answering();
    const port = await listen(server);
    try {
      const rs = await checkSinks(
        [
          { name: 'up', host: '127.0.0.1', port, transport: 'tcp' },
          { name: 'down', host: '127.0.0.1', port: await closedPort(), transport: 'tcp' },
          { name: 'syslog', host: '127.0.0.1', port: 514, transport: 'udp' },
        ],
        2000,
      );
      assert.deepEqual(rs.map((r) => r.status), ['ok', 'fail', 'warn']);
      assert.match(rs[1]!.detail, /ECONNREFUSED/);
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  test('sinks of orgs and operator become host:port targets; secret URLs are read but never kept', () => {
    const secretUrl = 'https://hooks.example.net/services/T000/B000/very-secret-token';
    const d = sub('sinks-cfg');
    const file = join(d, 'leakwatch.yaml');
    writeFileSync(
      file,
      stringify({
        orgs: [
          {
            id: 'clinic-a',
            key: { file: 'a.key' },
            alerts: {
              sinks: [
                { type: 'webhook', url: 'https://soc.example.org:8443/leakwatch?token=abc', secret: { env: 'X' } },
                { type: 'email', name: 'mail', host: 'smtp.example.org', security: 'tls', from: 'a@example.org', to: ['soc@example.org'] },
                { type: 'slack', url: { env: 'LW_SLACK_URL' } },
                { type: 'teams', url: { credential: 'teams-url' } },
                { type: 'teams', url: { env: 'LW_UNSET_URL' } },
              ],
            },
          },
        ],
        operator: { sinks: [{ type: 'syslog', host: 'logs.example.org' }, { type: 'syslog', host: 'logs.example.org', transport: 'tls' }] },
      }),
    );
    const cfg = loadConfig(file, {});
    const { targets, unresolved } = configuredSinks(cfg, { LW_SLACK_URL: secretUrl });
    assert.deepEqual(targets, [
      { name: 'clinic-a/webhook-0', host: 'soc.example.org', port: 8443, transport: 'tcp' },
      { name: 'clinic-a/mail', host: 'smtp.example.org', port: 465, transport: 'tcp' },
      { name: 'clinic-a/slack-2', host: 'hooks.example.net', port: 443, transport: 'tcp' },
      { name: 'operator/syslog-0', host: 'logs.example.org', port: 514, transport: 'udp' },
      { name: 'operator/syslog-1', host: 'logs.example.org', port: 6514, transport: 'tcp' },
    ]);
    assert.deepEqual(unresolved.map((u) => [u.name, u.status]), [['clinic-a/teams-3', 'warn'], ['clinic-a/teams-4', 'fail']]);
    assert.ok(!JSON.stringify({ targets, unresolved }).includes('secret-token'));
    assert.ok(!JSON.stringify({ targets, unresolved }).includes('token=abc'));
  });
});

describe('core dumps and output', () => {
  const limits = (soft: string, hard: string) =>
    `Limit                     Soft Limit           Hard Limit           Units     \nMax cpu time              unlimited            unlimited            seconds   \nMax core file size        ${soft}                    ${hard}                    bytes     \n`;

  test('reads the core file size limit', () => {
    assert.deepEqual(coreLimit(limits('0', 'unlimited')), { soft: '0', hard: 'unlimited' });
    assert.equal(checkCoreDumps(limits('0', '0')).status, 'ok');
    assert.equal(checkCoreDumps(limits('unlimited', 'unlimited')).status, 'warn');
    assert.equal(checkCoreDumps(null).status, 'warn');
    assert.equal(checkCoreDumps('garbage').status, 'warn');
  });

  test('one aligned line per check; JSON says whether anything failed', () => {
    const rs: CheckResult[] = [
      { status: 'ok', name: 'config', detail: 'fine' },
      { status: 'fail', name: 'key clinic-a', detail: 'mode 0644', fix: 'chmod 600 k' },
    ];
    assert.equal(doctorText(rs), 'ok    config        fine\nfail  key clinic-a  mode 0644  (fix: chmod 600 k)');
    const j = JSON.parse(doctorJson(rs));
    assert.equal(j.ok, false);
    assert.deepEqual(j.counts, { ok: 1, warn: 0, fail: 1 });
  });
});

describe('the doctor command', () => {
  /** Runs the CLI without blocking this process (the SOCKS server lives here). */
  const run = (args: string[]) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, ['--import', 'tsx', BIN, ...args], { encoding: 'utf8', timeout: 60_000 }, (err, stdout, stderr) =>
        resolve({ code: err ? ((err as { code?: number }).code ?? -1) : 0, stdout, stderr }),
      );
    });

  test('exits 0 when nothing fails, 1 with a one-line reason when something does; --json', async () => {
    const d = sub('cli');
    const key = generateKey();
    writeNewKeyFile(join(d, 'clinic-a.key'), key);
    storeWithBundle(join(d, 'var'), 'clinic-a', key);
    chmodSync(join(d, 'var'), 0o700);
    const target = answering();
    const port = await listen(target);
    const socks = await startSocks5Server({ resolve: () => ({ host: '127.0.0.1', port }) });
    const cfgFile = join(d, 'leakwatch.yaml');
    const config = {
      data_dir: 'var',
      tor: { socks_url: `socks5h://127.0.0.1:${socks.port}` },
      orgs: [{ id: 'clinic-a', key: { file: 'clinic-a.key' } }],
      sites: [{ name: 'blog', locations: [`http://${onion('a')}/`] }],
      operator: { sinks: [{ type: 'syslog', host: '127.0.0.1', port, transport: 'tcp' }] },
    };
    writeFileSync(cfgFile, stringify(config));
    try {
      const good = await run(['doctor', '--config', cfgFile, '--circuit-timeout', '5']);
      assert.equal(good.code, 0, good.stdout + good.stderr);
      const lines = good.stdout.trim().split('\n');
      assert.deepEqual(lines.map((l) => l.split(/\s{2,}/).slice(0, 2).join('|')).filter((l) => !l.endsWith('core dumps')), [
        'ok|config',
        'ok|store',
        'ok|key clinic-a',
        'ok|tor socks',
        'ok|tor bootstrap',
        'ok|tor circuit blog',
        'ok|sink operator/syslog-0',
      ]);

      chmodSync(join(d, 'clinic-a.key'), 0o640);
      const bad = await run(['doctor', '--config', cfgFile, '--json', '--circuit-timeout', '5']);
      assert.equal(bad.code, 1);
      assert.equal(bad.stderr, 'leakwatch: LW_CHECK_FAILED: 1 check(s) failed\n');
      const j = JSON.parse(bad.stdout);
      assert.equal(j.ok, false);
      assert.equal(j.checks.find((c: CheckResult) => c.name === 'key clinic-a').status, 'fail');
    } finally {
      await socks.close();
      await new Promise<void>((r) => target.close(() => r()));
    }
  });
});
