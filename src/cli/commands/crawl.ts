/** `leakwatch crawl [--site NAME]` and `leakwatch run`. */
import type { Command } from 'commander';
import { loadConfig } from '../../config/load.js';
import { Daemon } from '../../daemon/daemon.js';
import { runSitePass } from '../../daemon/site-runner.js';
import { deliverPending } from '../../alerts/delivery-worker.js';
import { LeakwatchError } from '../../errors.js';
import { createLogger } from '../../log/logger.js';
import { Store } from '../../store/store.js';
import { loadOrgsFromStore } from '../../matcher/load-orgs.js';
import { findingJson } from '../output.js';

export function registerCrawl(program: Command): void {
  program
    .command('crawl')
    .description('run one crawl pass now (all enabled sites, or one), print findings as JSON lines, then exit')
    .option('--site <name>', 'only this site (also when disabled)')
    .option('--config <file>', 'config file (default config/leakwatch.yaml or LEAKWATCH_CONFIG)')
    .action(async (opts: { site?: string; config?: string }) => {
      const cfg = loadConfig(opts.config);
      const sites = opts.site ? cfg.sites.filter((s) => s.name === opts.site) : cfg.sites.filter((s) => s.enabled);
      if (opts.site && sites.length === 0) throw new LeakwatchError('LW_USAGE', `--site ${opts.site}: no such site in the config`);
      if (sites.length === 0) throw new LeakwatchError('LW_USAGE', 'no enabled sites in the config');
      const log = createLogger({ level: cfg.log.level });
      const store = Store.open(cfg.dataDir);
      const abort = new AbortController();
      const onSignal = () => abort.abort();
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      let failed = 0;
      try {
        const orgs = loadOrgsFromStore(cfg, store);
        for (const site of sites) {
          const r = await runSitePass(site, {
            cfg,
            store,
            orgs,
            log,
            signal: abort.signal,
            onFindings: (fs) => fs.forEach((f) => process.stdout.write(`${findingJson(f)}\n`)),
          });
          process.stderr.write(
            `leakwatch: ${site.name}: ${r.outcome}${r.location ? ` via ${r.location}` : ''}; ${r.stats.requests} requests, ${r.stats.bytes} bytes, ${r.stats.documents} documents, ${r.findings} findings, ${r.removed.length} removed\n`,
          );
          if (r.outcome === 'error' || r.outcome === 'aborted') failed++;
        }
        // One delivery attempt for what this run raised; anything left is retried by the daemon's worker.
        await deliverPending(store, cfg, log);
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
        store.close();
      }
      if (failed) throw new LeakwatchError('LW_NETWORK', `${failed} site pass(es) failed; see the log for the reason`);
    });

  program
    .command('run')
    .description('run the daemon: crawl every enabled site on its schedule until SIGTERM (SIGHUP reloads)')
    .option('--config <file>', 'config file (default config/leakwatch.yaml or LEAKWATCH_CONFIG)')
    .action(async (opts: { config?: string }) => {
      const cfg = loadConfig(opts.config);
      const log = createLogger({ level: cfg.log.level });
      const daemon = new Daemon({ configPath: opts.config, log });
      daemon.start();
      await new Promise<void>((resolve) => {
        const stop = () => {
          process.off('SIGHUP', hup);
          void daemon.stop().then(resolve);
        };
        const hup = () => daemon.reload();
        process.on('SIGHUP', hup);
        process.once('SIGTERM', stop);
        process.once('SIGINT', stop);
      });
    });
}
