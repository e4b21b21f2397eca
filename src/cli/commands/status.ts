/** `leakwatch status [--json]`: sites with health and last pass, orgs with fingerprint counts and open alerts. */
import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../config/load.js';
import { LeakwatchError } from '../../errors.js';
import { readStatus } from '../../ops/status.js';
import { statusText } from '../../ops/status-text.js';
import { STORE_FILE, Store } from '../../store/store.js';

export function registerStatus(program: Command): void {
  program
    .command('status')
    .description('show site health and last passes, and organizations with fingerprint counts and open alerts (read-only)')
    .option('--json', 'one JSON document instead of tables')
    .option('--config <file>', 'config file (default config/leakwatch.yaml or LEAKWATCH_CONFIG)')
    .action((opts: { config?: string; json?: boolean }) => {
      const cfg = loadConfig(opts.config);
      if (!existsSync(join(cfg.dataDir, STORE_FILE))) {
        throw new LeakwatchError('LW_STORE', `no store in ${cfg.dataDir} yet ('leakwatch import' or 'leakwatch run' creates it)`);
      }
      const store = Store.open(cfg.dataDir, { readonly: true });
      try {
        const status = readStatus(store, cfg);
        process.stdout.write(`${opts.json ? JSON.stringify(status) : statusText(status)}\n`);
      } finally {
        store.close();
      }
    });
}
