/** `leakwatch alerts`: list, show, acknowledge, test and export alerts. */
import type { Command } from 'commander';
import { writeFileSync } from 'node:fs';
import { ackAlert, alertDetail, listAlerts, type AlertSummary } from '../../alerts/alert-queries.js';
import { buildAlertPayload } from '../../alerts/build-payload.js';
import { mispEvent } from '../../alerts/export-misp.js';
import { stixBundle } from '../../alerts/export-stix.js';
import { PRODUCT_VERSION } from '../../alerts/product-version.js';
import { sendTestAlerts } from '../../alerts/test-alert.js';
import type { AlertPayload } from '../../alerts/types.js';
import { loadConfig } from '../../config/load.js';
import { LeakwatchError } from '../../errors.js';
import type { Severity } from '../../matcher/findings.js';
import { Store } from '../../store/store.js';

const SEVERITIES = ['low', 'medium', 'high', 'critical'];
const CONFIG_HELP = 'config file (default config/leakwatch.yaml or LEAKWATCH_CONFIG)';

function severityOpt(s: string | undefined): Severity | undefined {
  if (s === undefined) return undefined;
  if (!SEVERITIES.includes(s)) throw new LeakwatchError('LW_USAGE', `--severity must be one of ${SEVERITIES.join(', ')}`);
  return s as Severity;
}

/** Opens the store read-write (ack) or read-only (everything else), closing it after `fn`. */
async function withStore<T>(config: string | undefined, fn: (store: Store, cfg: ReturnType<typeof loadConfig>) => T | Promise<T>): Promise<T> {
  const cfg = loadConfig(config);
  const store = Store.open(cfg.dataDir);
  try {
    return await fn(store, cfg);
  } finally {
    store.close();
  }
}

function table(alerts: readonly AlertSummary[]): string {
  if (alerts.length === 0) return 'no alerts\n';
  const rows = [
    ['ID', 'ORG', 'SEVERITY', 'STATUS', 'LAST SEEN', 'REC', 'DOC', 'CAN', 'SIGHT', 'DELIVERY', 'SOURCE'],
    ...alerts.map((a) => [
      a.id,
      a.org,
      a.severity.toUpperCase(),
      a.status,
      a.last_seen.replace(/\.\d+Z$/, 'Z'),
      String(a.counts.records),
      String(a.counts.documents),
      String(a.counts.canaries),
      String(a.counts.sightings),
      a.deliveries.failed ? `${a.deliveries.failed} FAILED` : a.deliveries.pending ? `${a.deliveries.pending} pending` : `${a.deliveries.delivered} sent`,
      a.location.length > 60 ? `…${a.location.slice(-59)}` : a.location,
    ]),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return `${rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ')).join('\n')}\n`;
}

/** Registers `alerts` and its subcommands. */
export function registerAlerts(program: Command): void {
  const alerts = program.command('alerts').description('alerts, one per organization and leaked document: list (default), show, ack, test, export');

  alerts
    .command('list', { isDefault: true })
    .description('list open alerts, most recently seen first (the default: `leakwatch alerts [options]`)')
    .option('--org <id>', 'only this organization')
    .option('--severity <s>', 'minimum severity: low, medium, high, critical')
    .option('--all', 'include acknowledged alerts')
    .option('--json', 'one JSON object per alert per line')
    .option('--config <file>', CONFIG_HELP)
    .action(async (opts: { org?: string; severity?: string; all?: boolean; json?: boolean; config?: string }) => {
      const severity = severityOpt(opts.severity);
      const list = await withStore(opts.config, (store) => listAlerts(store.db, { org: opts.org, severity, all: opts.all }));
      if (opts.json) for (const a of list) process.stdout.write(`${JSON.stringify(a)}\n`);
      else process.stdout.write(table(list));
    });

  alerts
    .command('show')
    .description('one alert: its payload (references only) and the state of each delivery')
    .argument('<id>', 'alert id')
    .option('--config <file>', CONFIG_HELP)
    .action(async (id: string, opts: { config?: string }) => {
      const detail = await withStore(opts.config, (store) => alertDetail(store.db, id));
      process.stdout.write(`${JSON.stringify(detail, null, 2)}\n`);
    });

  alerts
    .command('ack')
    .description('acknowledge an alert (new records in a later sighting reopen it)')
    .argument('<id>', 'alert id')
    .option('--config <file>', CONFIG_HELP)
    .action(async (id: string, opts: { config?: string }) => {
      await withStore(opts.config, (store) => ackAlert(store.db, id, new Date().toISOString()));
      process.stdout.write(`acknowledged ${id}\n`);
    });

  alerts
    .command('test')
    .description('send a clearly marked test alert to every sink of an organization and report each result')
    .requiredOption('--org <id>', 'organization')
    .option('--json', 'one JSON object per sink')
    .option('--config <file>', CONFIG_HELP)
    .action(async (opts: { org: string; json?: boolean; config?: string }) => {
      const cfg = loadConfig(opts.config);
      const results = await sendTestAlerts(cfg, opts.org);
      for (const r of results) {
        process.stdout.write(opts.json ? `${JSON.stringify(r)}\n` : `${r.ok ? 'ok    ' : 'FAILED'}  ${r.sink} (${r.type}) ${r.ms} ms${r.error ? `: ${r.error}` : ''}\n`);
      }
      const failed = results.filter((r) => !r.ok).length;
      if (failed) throw new LeakwatchError('LW_DELIVERY', `${failed} of ${results.length} sink(s) failed`);
    });

  alerts
    .command('export')
    .description('write alerts as a STIX 2.1 bundle or a MISP event for CERT sharing (hashes, URLs, counts; no content, no record ids)')
    .requiredOption('--format <f>', 'stix or misp')
    .option('--org <id>', 'only this organization')
    .option('--severity <s>', 'minimum severity')
    .option('--all', 'include acknowledged alerts')
    .option('--out <file>', 'write here instead of standard output')
    .option('--config <file>', CONFIG_HELP)
    .action(async (opts: { format: string; org?: string; severity?: string; all?: boolean; out?: string; config?: string }) => {
      if (opts.format !== 'stix' && opts.format !== 'misp') throw new LeakwatchError('LW_USAGE', '--format must be stix or misp');
      const severity = severityOpt(opts.severity);
      const text = await withStore(opts.config, (store, cfg) => {
        const payloads = listAlerts(store.db, { org: opts.org, severity, all: opts.all }).map((a) => buildAlertPayload(store.db, a.id)).filter((p): p is AlertPayload => p !== null);
        const names = new Map(cfg.orgs.map((o) => [o.id, o.name ?? o.id]));
        const doc = opts.format === 'stix' ? stixBundle(payloads, names, new Date(), PRODUCT_VERSION) : mispEvent(payloads, names, new Date());
        return `${JSON.stringify(doc, null, 2)}\n`;
      });
      if (opts.out) {
        writeFileSync(opts.out, text, { mode: 0o640, flag: 'wx' });
        process.stderr.write(`leakwatch: wrote ${opts.format} export to ${opts.out}\n`);
      } else process.stdout.write(text);
    });
}
