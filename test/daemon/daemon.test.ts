/**
 * The daemon as a real child process: scheduled passes through a loopback
 * SOCKS5 proxy to the simulated site, SIGHUP reload (good and broken config),
 * SIGTERM in the middle of a slow pass (current document finished or aborted
 * within the grace period, store closed cleanly), and `crawl --site`.
 */
import { strict as assert } from 'node:assert';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CrawlState } from '../../src/store/crawl-state.js';
import { Store } from '../../src/store/store.js';
import { startLeakSite } from '../../src/sim/leak-site/server.js';
import type { LeakSite } from '../../src/sim/leak-site/types.js';
import { startSocks5Server, type Socks5Server } from '../../src/sim/socks5-server.js';
import { cli, cliAsync } from '../support/cli.js';
import { onion } from '../support/crawl-env.js';
import { Child } from '../support/proof-daemon.js';
import { makeNotes, makePatients, patientsCsv, CLINIC_MAPPING_YAML } from '../../src/demo/synthetic-clinic.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';

function configYaml(dir: string, sites: string[], schedule = '*/2 * * * * *'): string {
  return [
    'data_dir: var',
    'log: { level: info }',
    'daemon: { max_start_delay_ms: 0, stop_grace_ms: 3000 }',
    'orgs:',
    '  - id: clinic-a',
    `    key: { file: ${join(dir, 'clinic-a.key')} }`,
    '    watch_terms: ["Lakeside Therapy Centre"]',
    'sites:',
    ...sites.map((name, i) =>
      [
        `  - name: ${name}`,
        `    locations: ["http://${onion(i === 0 ? 'a' : 'b')}/"]`,
        `    schedule: "${schedule}"`,
        '    profile: ransomware-blog',
        '    limits: { min_delay_ms: 0, concurrency: 1 }',
      ].join('\n'),
    ),
    '',
  ].join('\n');
}

describe('leakwatch run', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lw-daemon-'));
  const cfgPath = join(dir, 'leakwatch.yaml');
  let site: LeakSite;
  let socks: Socks5Server;
  let env: NodeJS.ProcessEnv;

  before(async () => {
    const patients = makePatients(30, 41);
    const notes = makeNotes(4, 42, 120);
    mkdirSync(join(dir, 'notes'));
    writeFileSync(join(dir, 'p.csv'), patientsCsv(patients));
    writeFileSync(join(dir, 'm.yaml'), CLINIC_MAPPING_YAML);
    for (const n of notes) writeFileSync(join(dir, n.ref), n.text);
    assert.equal(cli(['keygen', '--out', join(dir, 'clinic-a.key')]).code, 0);
    const e = cli(['enroll', '--org', 'clinic-a', '--key', join(dir, 'clinic-a.key'), '--records', join(dir, 'p.csv'), '--mapping', join(dir, 'm.yaml'), '--documents', join(dir, 'notes'), '--out', join(dir, 'b.lwb')]);
    assert.equal(e.code, 0, e.stderr);
    writeFileSync(cfgPath, configYaml(dir, ['blog']));
    assert.equal(cli(['import', join(dir, 'b.lwb'), '--config', cfgPath]).code, 0);
    site = await startLeakSite({ shape: 'ransomware-blog', patients, notes, posts: 4 });
    socks = await startSocks5Server({ resolve: (h) => (h === onion('a') || h === onion('b') ? { host: '127.0.0.1', port: site.port } : null) });
    env = { LEAKWATCH_TOR_SOCKS_URL: `socks5h://127.0.0.1:${socks.port}` };
  });
  after(async () => {
    await site.close();
    await socks.close();
  });

  test('crawl --site runs one pass and prints findings as JSON lines', async () => {
    const r = await cliAsync(['crawl', '--site', 'blog', '--config', cfgPath], { env });
    assert.equal(r.code, 0, r.stderr);
    const findings = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { kind: string; source: { url: string } });
    assert.ok(findings.some((f) => f.kind === 'record'));
    assert.ok(findings.every((f) => f.source.url.startsWith(`http://${onion('a')}/`)));
    assert.match(r.stderr, /blog: ok/);
    assert.equal((await cliAsync(['crawl', '--site', 'nope', '--config', cfgPath], { env })).code, 2);
  });

  test('scheduled passes run; SIGHUP reloads (and survives a broken config); SIGTERM mid-pass stops cleanly', async () => {
    const d = new Child(['run', '--config', cfgPath], env);
    try {
      await d.waitFor((l) => l.msg === 'leakwatch daemon started' && l.sites === 1);
      await d.waitFor((l) => l.msg === 'crawl pass finished' && l.site === 'blog');
      writeFileSync(cfgPath, configYaml(dir, ['blog', 'mirror']));
      d.proc.kill('SIGHUP');
      await d.waitFor((l) => l.msg === 'configuration reloaded' && l.sites === 2);
      await d.waitFor((l) => l.msg === 'crawl pass finished' && l.site === 'mirror');
      writeFileSync(cfgPath, 'sites: [ {name: 1} ]\n');
      d.proc.kill('SIGHUP');
      await d.waitFor((l) => l.msg === 'reload failed; keeping the running configuration');
      // Make the next pass slow (a drip-fed attachment), then stop in the middle of it.
      writeFileSync(cfgPath, configYaml(dir, ['blog']));
      site.setHostile({ slowDrip: true });
      d.proc.kill('SIGHUP');
      await d.waitFor((l) => l.msg === 'configuration reloaded' && l.sites === 1 && d.lines.filter((x) => x.msg === 'configuration reloaded').length >= 2);
      const dripStart = Date.now();
      while (!site.requests.some((q) => q.path.includes('billing_export')) && Date.now() - dripStart < 30_000) await new Promise((r) => setTimeout(r, 50));
      const t0 = Date.now();
      d.proc.kill('SIGTERM');
      const code = await d.exit();
      assert.equal(code, 0);
      assert.ok(Date.now() - t0 < 10_000, `stopped in ${Date.now() - t0} ms`);
      assert.ok(d.lines.some((l) => l.msg === 'leakwatch daemon stopped'));
    } finally {
      d.proc.kill('SIGKILL');
      site.setHostile({});
    }
    const store = Store.open(join(dir, 'var'));
    try {
      assert.equal(store.db.pragma('integrity_check', { simple: true }), 'ok');
      const passes = new CrawlState(store).lastPasses();
      assert.ok(passes.every((p) => p.finishedAt !== null), 'every pass row closed');
    } finally {
      store.close();
    }
  });

  test('no log line carries content, identifiers or the proxy credentials', async () => {
    const d = new Child(['crawl', '--site', 'blog', '--config', cfgPath], { ...env, LEAKWATCH_LOG_LEVEL: 'debug' });
    await d.exit();
    const text = d.lines.map((l) => JSON.stringify(l)).join('\n');
    assert.ok(d.lines.some((l) => l.msg === 'crawl pass finished'), 'the log is not empty');
    assert.ok(!/socks5h:\/\/[^"\s]*@/.test(text), 'no proxy URL with credentials');
    for (const p of makePatients(30, 41)) {
      assert.ok(!text.includes(p.hetu) && !text.includes(p.email) && !text.includes(p.full_name), 'no identifier in logs');
    }
  });
});
