import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { DeliveryWorker } from '../../src/alerts/delivery-worker.js';
import { raiseOperatorEvent } from '../../src/alerts/operator-events.js';
import { CrawlState } from '../../src/store/crawl-state.js';
import { alertConfig, tempStore } from './fixtures.js';
import { httpReceiver } from './receivers.js';

const T0 = Date.parse('2026-11-22T10:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();
const MIN = 60_000;

test('operator events: down past the threshold, flapping suppressed, seizure and Tor at once, recovery after a reported outage', async (t) => {
  const ops = await httpReceiver();
  const store = tempStore();
  t.after(async () => {
    await ops.close();
    store.close();
  });
  const cfg = alertConfig({ operator: [{ type: 'webhook', name: 'ops', url: ops.url, secret: { env: 'S' } }], site_down_after_ms: 30 * MIN });
  let now = T0;
  const w = new DeliveryWorker({ store, config: cfg, env: { S: 'x' }, clock: () => now });
  const state = new CrawlState(store);
  const kinds = () => ops.requests.map((q) => JSON.parse(q.body) as { kind: string; site: string | null; state: string | null; severity: string });

  state.setHealth('blog', 'http://a.onion/', 'up', null, iso(now));
  state.setHealth('flappy', 'http://f.onion/', 'down', 'LW_TIMEOUT: no answer', iso(now));
  state.setHealth('blog', 'http://a.onion/', 'down', 'LW_ONION_NOT_FOUND: descriptor not found', iso(now));
  await w.drainOnce();
  assert.equal(ops.requests.length, 0, 'a first "up" and fresh outages are not news');

  now += 5 * MIN;
  state.setHealth('flappy', 'http://f.onion/', 'up', null, iso(now));
  state.setHealth('seized', 'http://s.onion/', 'seized', 'seizure banner on the listing', iso(now));
  state.setHealth('any', 'http://t.onion/', 'error', 'LW_PROXY_UNREACHABLE: connect ECONNREFUSED', iso(now));
  await w.drainOnce();
  assert.deepEqual(kinds().map((k) => `${k.kind}:${k.site}:${k.state}:${k.severity}`).sort(), ['site_health:seized:seized:high', 'tor_unreachable:any:error:high']);

  now += 30 * MIN;
  await w.drainOnce();
  assert.deepEqual(kinds().slice(2).map((k) => `${k.site}:${k.state}`), ['blog:down'], 'flappy recovered within the threshold: never reported');

  now += MIN;
  state.setHealth('blog', 'http://a.onion/', 'up', null, iso(now));
  raiseOperatorEvent(store.db, { kind: 'tor_unreachable', reason: 'LW_PROXY_UNREACHABLE: socks5h://127.0.0.1:9050 refused', at: iso(now) });
  await w.drainOnce();
  assert.deepEqual(kinds().slice(3).map((k) => `${k.kind}:${k.state}`).sort(), ['site_health:up', 'tor_unreachable:null']);
  const undelivered = store.db.prepare(`SELECT COUNT(*) AS n FROM operator_events WHERE planned = 1 AND delivered_at IS NULL`).get() as { n: number };
  assert.equal(undelivered.n, 0, 'every notified event is marked delivered');
});
