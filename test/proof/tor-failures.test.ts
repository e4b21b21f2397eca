/**
 * Promise: when Tor fails, the daemon says so, keeps running, retries with
 * backoff, and recovers by itself. One daemon child process, its SOCKS URL on
 * a relay the test switches off and on (same port) in front of the loopback
 * SOCKS5 server:
 *
 * - proxy down at start: each pass ends 'error', health says
 *   LW_PROXY_UNREACHABLE (not "site down"), the operator sink is told
 *   (tor_unreachable); every request is tried `attempts` times with backoff;
 * - Tor back: the next scheduled pass succeeds without a restart;
 * - proxy lost mid-pass: the pass ends 'error'; once Tor is back the next pass
 *   records everything the interrupted one missed;
 * - onion not found: health 'down' with LW_ONION_NOT_FOUND; when the onion is
 *   published again the site is crawled.
 */
import { strict as assert } from 'node:assert';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { startLeakSite } from '../../src/sim/leak-site/server.js';
import { startSocks5Server } from '../../src/sim/socks5-server.js';
import { CrawlState } from '../../src/store/crawl-state.js';
import { Store } from '../../src/store/store.js';
import { httpReceiver, until } from '../alerts/receivers.js';
import { onion } from '../support/crawl-env.js';
import { Child, configYaml, prepareClinic, type SiteSpec } from '../support/proof-daemon.js';
import { table } from '../support/proof-measure.js';
import { startProxySwitch } from '../support/proof-proxy-switch.js';

const figures: (string | number)[][] = [['scenario', 'what the daemon did', 'figure']];

describe('Tor failures (daemon child process)', () => {
  test('proxy down at start, flaky, back; lost mid-pass; onion not found: reported, retried, recovered without a restart', { timeout: 120_000 }, async () => {
    let ghostPublished = false;
    const clinic = prepareClinic({ prefix: 'lw-tor-fail-' });
    const site = await startLeakSite({ shape: 'ransomware-blog', patients: clinic.patients, notes: clinic.notes, posts: 4 });
    const socks = await startSocks5Server({
      resolve: (h) => (h === onion('a') || (h === onion('c') && ghostPublished) ? { host: '127.0.0.1', port: site.port } : h === onion('c') ? { reply: 0xf0 } : null),
    });
    const tor = await startProxySwitch(socks.port);
    const ops = await httpReceiver({ secret: 'ops-secret' });
    const blog: SiteSpec = { name: 'blog', limits: { min_delay_ms: 100 } };
    const writeConfig = (sites: SiteSpec[]) =>
      writeFileSync(
        clinic.cfgPath,
        configYaml(clinic, sites, [
          'operator:',
          '  site_down_after_ms: 0',
          `  sinks: [ { type: webhook, name: ops, url: "${ops.url}", secret: { env: LW_OPS_SECRET } } ]`,
          'alerts: { delivery: { poll_ms: 200 } }',
        ]),
      );
    writeConfig([blog]);
    const dataDir = join(clinic.dir, 'var');
    const health = (name: string) => {
      const s = Store.open(dataDir, { readonly: true });
      try {
        return new CrawlState(s).health(name);
      } finally {
        s.close();
      }
    };
    const passes = (d: Child, name: string) => d.lines.filter((l) => l.msg === 'crawl pass finished' && l.site === name);
    const nextPass = async (d: Child, name: string, ms = 30_000) => {
      const n = passes(d, name).length;
      await until(() => passes(d, name).length > n || !d.alive, ms);
      assert.ok(d.alive, 'the daemon is still running');
      return passes(d, name).at(-1)!;
    };

    await tor.down();
    const d = new Child(['run', '--config', clinic.cfgPath], { LEAKWATCH_TOR_SOCKS_URL: `socks5h://127.0.0.1:${tor.port}`, LW_OPS_SECRET: 'ops-secret' });
    try {
      // 1. Proxy down at start.
      await d.waitFor((l) => l.msg === 'leakwatch daemon started');
      const t0 = Date.now();
      const failed = await nextPass(d, 'blog');
      assert.equal(failed.outcome, 'error');
      const h = health('blog')[0]!;
      assert.equal(h.state, 'error');
      assert.match(h.reason ?? '', /^LW_PROXY_UNREACHABLE/);
      assert.ok(d.lines.some((l) => l.msg === 'site health changed' && l.state === 'error'), 'the health change is logged');
      await until(() => ops.requests.some((r) => r.body.includes('tor_unreachable')), 15_000);
      assert.ok(ops.requests.every((r) => r.signatureOk), 'operator notifications are signed');
      figures.push(['proxy down at start', `pass 'error', health error (LW_PROXY_UNREACHABLE), operator told`, `${Date.now() - t0} ms to the operator notification`]);

      // 2. Flaky proxy: count the attempts of exactly one pass.
      await tor.flaky();
      await nextPass(d, 'blog');
      const before = tor.refusedAt.length;
      const p = await nextPass(d, 'blog');
      const tries = tor.refusedAt.slice(before);
      assert.equal(p.outcome, 'error');
      assert.equal(tries.length, 3, 'the listing was tried 3 times (createSiteFetch default attempts) before the pass gave up');
      const gaps = tries.slice(1).map((t, i) => t - tries[i]!);
      figures.push(['proxy hangs up (flaky)', `${tries.length} attempts per pass, full-jitter exponential backoff (base 2 s)`, `gaps ${gaps.join(', ')} ms; pass ${p.ms} ms`]);

      // 3. Tor back: recovery on the next scheduled pass, no restart.
      await tor.up();
      const t1 = Date.now();
      let ok = await nextPass(d, 'blog');
      while (ok.outcome !== 'ok') ok = await nextPass(d, 'blog');
      assert.deepEqual(health('blog').map((x) => x.state), ['up']);
      figures.push(['Tor back', 'next scheduled pass ok, health up', `${Date.now() - t1} ms after the proxy returned`]);

      // 4. Lost mid-pass: new posts, Tor dies while they are being fetched, then returns.
      site.addPost();
      site.addPost();
      const start = site.requests.length;
      await until(() => site.requests.length >= start + 3, 30_000);
      await tor.down();
      const cutAfter = site.requests.length - start;
      const cut = await nextPass(d, 'blog');
      assert.equal(cut.outcome, 'error', 'the interrupted pass is recorded as failed');
      // The site itself answered this pass, so its health stays up; the log says why the pass ended.
      assert.ok(d.lines.some((l) => l.msg === 'crawl pass ended early' && l.code === 'LW_PROXY_UNREACHABLE'), 'logged with its code');
      await tor.up();
      ok = await nextPass(d, 'blog');
      while (ok.outcome !== 'ok') ok = await nextPass(d, 'blog');
      const s = Store.open(dataDir, { readonly: true });
      try {
        const ids = new Set(s.findings({ limit: 100_000 }).filter((f) => f.kind === 'record').map((f) => f.record));
        for (const id of site.manifest.leakedPatientIds) assert.ok(ids.has(id), `record ${id} recorded after the interruption`);
      } finally {
        s.close();
      }
      figures.push(['Tor lost mid-pass', `interrupted after ${cutAfter} requests: pass 'error'; next pass ok`, `${site.manifest.leakedPatientIds.length} leaked records all recorded`]);

      // 5. Onion not found, then published again.
      writeConfig([blog, { name: 'ghost', letter: 'c' }]);
      d.proc.kill('SIGHUP');
      await d.waitFor((l) => l.msg === 'configuration reloaded');
      const g = await nextPass(d, 'ghost');
      assert.equal(g.outcome, 'down');
      const gh = health('ghost')[0]!;
      assert.equal(gh.state, 'down');
      assert.match(gh.reason ?? '', /^LW_ONION_NOT_FOUND/);
      ghostPublished = true;
      let g2 = await nextPass(d, 'ghost');
      while (g2.outcome !== 'ok') g2 = await nextPass(d, 'ghost');
      assert.deepEqual(health('ghost').map((x) => x.state), ['up']);
      figures.push(['onion not found', `health down (LW_ONION_NOT_FOUND), then up once published`, `${passes(d, 'ghost').length} ghost passes`]);

      assert.ok(d.alive);
      d.proc.kill('SIGTERM');
      assert.equal(await d.exit(), 0);
    } finally {
      if (d.alive) await d.kill9();
      await tor.close();
      await ops.close();
      await site.close();
      await socks.close();
      rmSync(clinic.dir, { recursive: true, force: true });
    }
  });

  after(() => console.log(`\nTor failures\n${table(figures)}\n`));
});
