/**
 * Child process for the alert crash tests: records alerts and/or runs the
 * delivery worker against one webhook, until it is killed with SIGKILL.
 * argv: dataDir mode(record|deliver|both) webhookUrl count
 */
import { DeliveryWorker } from '../../src/alerts/delivery-worker.js';
import { recordFindings } from '../../src/alerts/record-findings.js';
import { configSchema } from '../../src/config/schema.js';
import { Store } from '../../src/store/store.js';
import { docOf, recordFinding } from '../alerts/fixtures.js';

const [dataDir, mode, url, countArg] = process.argv.slice(2) as [string, string, string, string];
const config = configSchema.parse({
  orgs: [{ id: 'clinic-a', key: { env: 'LW_TEST_KEY' }, alerts: { sinks: [{ type: 'webhook', name: 'soc', url, secret: { env: 'LW_HOOK_SECRET' } }] } }],
  alerts: { retry: { max_attempts: 50, base_ms: 20, max_ms: 200 }, delivery: { timeout_ms: 400, concurrency: 4, poll_ms: 20 } },
});
const store = Store.open(dataDir);
if (mode === 'deliver' || mode === 'both') new DeliveryWorker({ store, config }).start();
if (mode === 'record' || mode === 'both') {
  const start = (store.db.prepare('SELECT COUNT(*) AS n FROM alerts').get() as { n: number }).n;
  for (let i = start; i < start + Number(countArg); i++) {
    const f = recordFinding('clinic-a', `P-${i}`, { url: `http://aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.onion/post/${i}`, bytes: `dump ${i}` });
    recordFindings(store, { findings: [f], docs: [docOf(f)] }, { config });
    process.stdout.write(`committed ${i + 1}\n`);
    await new Promise((r) => setTimeout(r, 2));
  }
}
process.stdout.write('ready\n');
setInterval(() => undefined, 60_000);
