/**
 * Crawl passes through a loopback SOCKS5 proxy against the simulated leak sites:
 * what is found, what is fetched the second time, health, failover, removal.
 */
import { strict as assert } from 'node:assert';
import { after, before, describe, test } from 'node:test';
import { onion, startCrawlEnv, type CrawlEnv } from '../support/crawl-env.js';

const recordIds = (fs: { kind: string; record?: string }[]) => new Set(fs.filter((f) => f.kind === 'record').map((f) => f.record!));

describe('ransomware blog', () => {
  let env: CrawlEnv;
  before(async () => {
    env = await startCrawlEnv('ransomware-blog');
  });
  after(() => env.close());

  test('first pass finds the leaked records, the notes and the victim name on the listing', async () => {
    const r = await env.pass();
    assert.equal(r.outcome, 'ok');
    const leaked = new Set(env.site.manifest.leakedPatientIds);
    assert.ok(leaked.size > 0);
    assert.deepEqual(recordIds(r.found), leaked);
    const docs = new Set(r.found.filter((f) => f.kind === 'document').map((f) => `notes/${f.document}`));
    for (const ref of env.site.manifest.leakedNoteRefs) assert.ok(docs.has(ref), `note ${ref} found`);
    assert.ok(r.found.some((f) => f.kind === 'term' && f.source.url?.endsWith('/')), 'watch term on the listing');
    assert.ok(r.found.every((f) => f.source.url?.startsWith(`http://${onion('a')}/`)));
    // Every name went to the proxy unresolved, with the site's own isolation credentials.
    assert.ok(env.socks.requests.length > 0);
    assert.ok(env.socks.requests.every((q) => q.atyp === 'domain' && q.host === onion('a') && q.username === 'sim'));
    assert.deepEqual(env.state.health('sim').map((h) => h.state), ['up']);
  });

  test('second pass over the unchanged site sends conditional requests, downloads no attachment, moves < 5% of the bytes', async () => {
    const first = env.state.lastPasses()[0]!.stats.bytes;
    const before = env.site.requests.length;
    const r = await env.pass();
    assert.equal(r.outcome, 'ok');
    const reqs = env.site.requests.slice(before);
    assert.ok(reqs.every((q) => !q.path.startsWith('/files/')), 'no attachment fetched again');
    assert.ok(reqs.some((q) => q.headers['if-none-match'] || q.headers['if-modified-since']));
    assert.ok(r.stats.bytes < first * 0.05, `${r.stats.bytes} vs ${first}`);
    assert.equal(r.found.filter((f) => f.kind === 'record').length, 0);
  });

  test('an updated post is fetched again and its new attachment matched; a removed post is recorded', async () => {
    const leakedBefore = new Set(env.site.manifest.leakedPatientIds);
    const idx = env.site.manifest.posts.findIndex((p) => p.attachments.length > 0);
    env.site.updatePost(idx);
    const r = await env.pass();
    const added = [...env.site.manifest.leakedPatientIds].filter((id) => !leakedBefore.has(id));
    assert.ok(added.length > 0);
    for (const id of added) assert.ok(recordIds(r.found).has(id), `new record ${id}`);
    const removedPath = env.site.manifest.posts[0]!.path;
    env.site.removePost(0);
    const r2 = await env.pass();
    assert.ok(r2.removed.some((u) => u.endsWith(removedPath)), `removed ${removedPath}: ${r2.removed}`);
  });
});

describe('health, failover and hostile sites', () => {
  let env: CrawlEnv;
  before(async () => {
    env = await startCrawlEnv('ransomware-blog', { posts: 3 });
  });
  after(() => env.close());

  test('a dead mirror fails over to the next location', async () => {
    const r = await env.pass({ locations: [`http://${onion('c')}/`, `http://${onion('b')}/`] });
    assert.equal(r.outcome, 'ok');
    assert.equal(r.location, `http://${onion('b')}/`);
    const h = Object.fromEntries(env.state.health('sim').map((x) => [x.location, x]));
    assert.equal(h[`http://${onion('c')}/`]!.state, 'down');
    assert.match(h[`http://${onion('c')}/`]!.reason!, /LW_ONION_NOT_FOUND/);
  });

  test('down, then up again; empty; seized: each is a health state with an operator event', async () => {
    env.site.setHostile({ down: true });
    assert.equal((await env.pass()).outcome, 'down');
    assert.match(env.state.health('sim').find((h) => h.location.includes(onion('a')))!.reason!, /HTTP status 503/);
    env.site.setHostile({});
    assert.equal((await env.pass()).outcome, 'ok');
    env.site.setHostile({ empty: true });
    assert.equal((await env.pass()).outcome, 'empty');
    env.site.setHostile({ seizedBanner: true });
    assert.equal((await env.pass()).outcome, 'seized');
    env.site.setHostile({});
    const states = env.state.events().filter((e) => e.location?.includes(onion('a'))).map((e) => e.state);
    assert.deepEqual(states.slice(-4), ['down', 'up', 'empty', 'seized']);
  });

  test('redirects to clearnet addresses are refused and never reach the proxy; the pass goes on', async () => {
    env.site.setHostile({ clearnetRedirect: true, redirectLoop: true });
    const before = env.socks.requests.length;
    const r = await env.pass();
    env.site.setHostile({});
    assert.equal(r.outcome, 'ok');
    const hosts = new Set(env.socks.requests.slice(before).map((q) => q.host));
    assert.deepEqual([...hosts], [onion('a')]);
  });

  test('endless pagination stops at max_pages', async () => {
    env.site.setHostile({ endlessPagination: true });
    const r = await env.pass({ limits: { max_pages: 25 } });
    env.site.setHostile({});
    assert.ok(r.stats.pages <= 25, `${r.stats.pages} pages`);
  });

  test('a proxy that is down is reported as such, not as the site being down', async () => {
    const r = await env.pass({ locations: [`http://${onion('a')}/`] });
    assert.equal(r.outcome, 'ok');
    await env.socks.close();
    const down = await env.pass();
    assert.equal(down.outcome, 'error');
    assert.match(env.state.health('sim').find((h) => h.location.includes(onion('a')))!.reason!, /LW_PROXY_UNREACHABLE/);
  });
});

for (const shape of ['forum', 'paste'] as const) {
  describe(`${shape} shape`, () => {
    let env: CrawlEnv;
    before(async () => {
      env = await startCrawlEnv(shape);
    });
    after(() => env.close());
    test('a pass finds exactly the leaked records', async () => {
      const r = await env.pass();
      assert.equal(r.outcome, 'ok');
      assert.deepEqual(recordIds(r.found), new Set(env.site.manifest.leakedPatientIds));
    });
  });
}
