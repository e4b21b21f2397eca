import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { recordFindings } from '../../src/alerts/record-findings.js';
import { main } from '../../src/cli/main.js';
import { loadConfig } from '../../src/config/load.js';
import { Store } from '../../src/store/store.js';
import { docOf, recordFinding } from './fixtures.js';
import { httpReceiver } from './receivers.js';

const BIN = join(import.meta.dirname, '../../src/cli/bin.ts');

/** Runs the CLI in this process, capturing what it writes (fast; the receivers live here too). */
async function run(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const saved = { out: process.stdout.write, err: process.stderr.write, env: Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]])) };
  let stdout = '';
  let stderr = '';
  process.stdout.write = ((c: string | Uint8Array) => ((stdout += String(c)), true)) as typeof process.stdout.write;
  process.stderr.write = ((c: string | Uint8Array) => ((stderr += String(c)), true)) as typeof process.stderr.write;
  Object.assign(process.env, env);
  try {
    const code = await main(args);
    return { code, stdout, stderr };
  } finally {
    process.stdout.write = saved.out;
    process.stderr.write = saved.err;
    for (const [k, v] of Object.entries(saved.env)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

/** Runs the real bin in a child process without blocking this event loop. */
function spawnCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const c = spawn(process.execPath, ['--import', 'tsx', BIN, ...args], { env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    c.stdout.on('data', (b: Buffer) => (stdout += b));
    c.stderr.on('data', (b: Buffer) => (stderr += b));
    c.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

test('alerts CLI: list (table, --json, --severity), show, ack, test, export stix|misp', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'lw-cli-alerts-'));
  const good = await httpReceiver({ secret: 'cli-secret' });
  const bad = await httpReceiver({ respond: () => 500 });
  t.after(async () => {
    await good.close();
    await bad.close();
  });
  const config = join(dir, 'leakwatch.yaml');
  writeFileSync(
    config,
    `data_dir: var
orgs:
  - id: clinic-a
    name: Lakeside Therapy Centre
    key: { env: LW_KEY }
    alerts:
      sinks:
        - { type: webhook, name: soc, url: "${good.url}", secret: { env: LW_HOOK_SECRET } }
        - { type: webhook, name: broken, url: "${bad.url}", secret: { env: LW_HOOK_SECRET }, min_severity: critical }
`,
  );
  const env = { LW_HOOK_SECRET: 'cli-secret', LEAKWATCH_LOG_LEVEL: 'silent' };
  const cfg = loadConfig(config);
  const store = Store.open(cfg.dataDir);
  const a = recordFinding('clinic-a', 'P-1', { url: 'http://aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.onion/p/1', bytes: 'one' });
  const b = recordFinding('clinic-a', 'P-2', { path: '/evidence/dump.zip', entry: 'export/patients.csv', bytes: 'two' }, { kind: 'canary', severity: 'critical' });
  recordFindings(store, { findings: [a], docs: [docOf(a)] }, { config: cfg });
  const idB = recordFindings(store, { findings: [b], docs: [docOf(b)] }, { config: cfg }).alerts[0]!.id;
  store.close();

  const list = await spawnCli(['alerts', '--config', config], env);
  assert.equal(list.code, 0, list.stderr);
  assert.match(list.stdout, /^ID\s+ORG\s+SEVERITY/);
  assert.match(list.stdout, new RegExp(`${idB}\\s+clinic-a\\s+CRITICAL\\s+open`));

  const json = await run(['alerts', '--json', '--severity', 'critical', '--config', config], env);
  const lines = json.stdout.trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(lines.map((l) => l.id), [idB]);
  assert.equal(lines[0].counts.canaries, 1);
  assert.deepEqual(lines[0].deliveries, { pending: 2, delivered: 0, failed: 0 });

  const show = await run(['alerts', 'show', idB, '--config', config], env);
  const detail = JSON.parse(show.stdout);
  assert.equal(detail.payload.canaries[0].ref, 'P-2');
  assert.deepEqual(detail.deliveries.map((d: { sink: string }) => d.sink), ['soc', 'broken']);
  assert.equal((await run(['alerts', 'show', 'al_nope', '--config', config], env)).code, 2);

  assert.equal((await run(['alerts', 'ack', idB, '--config', config], env)).code, 0);
  const open = await run(['alerts', '--json', '--config', config], env);
  assert.equal(open.stdout.trim().split('\n').length, 1, 'acknowledged alerts are hidden by default');
  const all = await run(['alerts', '--json', '--all', '--config', config], env);
  assert.equal(all.stdout.trim().split('\n').length, 2);

  const tst = await run(['alerts', 'test', '--org', 'clinic-a', '--config', config], env);
  assert.equal(tst.code, 1, 'a failing sink makes the command fail');
  assert.match(tst.stdout, /^ok {4}\s*soc \(webhook\)/m);
  assert.match(tst.stdout, /^FAILED {2}broken \(webhook\) \d+ ms: LW_DELIVERY: POST http:\/\/127\.0\.0\.1:\d+\/…: HTTP 500/m);
  const testBody = JSON.parse(good.requests.at(-1)!.body);
  assert.equal(testBody.test, true);
  assert.equal(good.requests.at(-1)!.headers['x-leakwatch-event'], 'test');
  assert.equal(good.requests.at(-1)!.signatureOk, true);

  const stixFile = join(dir, 'out.stix.json');
  assert.equal((await run(['alerts', 'export', '--format', 'stix', '--all', '--out', stixFile, '--config', config], env)).code, 0);
  const bundle = JSON.parse(readFileSync(stixFile, 'utf8'));
  assert.equal(bundle.type, 'bundle');
  const types = bundle.objects.map((o: { type: string }) => o.type);
  for (const ty of ['identity', 'file', 'url', 'observed-data', 'report']) assert.ok(types.includes(ty), ty);
  const file = bundle.objects.find((o: { type: string; name?: string }) => o.type === 'file' && o.name === 'patients.csv');
  assert.equal(file.hashes['SHA-256'], b.source.sha256);
  assert.match(file.id, /^file--[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.ok(!JSON.stringify(bundle).includes('P-2'), 'no record ids in exports');

  const misp = JSON.parse((await run(['alerts', 'export', '--format', 'misp', '--all', '--config', config], env)).stdout);
  assert.equal(misp.Event.threat_level_id, '1');
  assert.equal(misp.Event.distribution, '0');
  assert.ok(misp.Event.Object.every((o: { name: string; template_uuid: string }) => o.name === 'file' && o.template_uuid === '688c46fb-5edb-40a3-8273-1af7923e2215'));
  assert.ok(misp.Event.Object.some((o: { Attribute: { type: string; value: string }[] }) => o.Attribute.some((x) => x.type === 'sha256' && x.value === a.source.sha256)));
  assert.deepEqual(misp.Event.Attribute.map((x: { type: string; value: string }) => [x.type, x.value]), [['url', a.source.url]]);
  assert.ok(!JSON.stringify(misp).includes('P-1'), 'no record ids in exports');
});
