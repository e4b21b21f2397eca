/** `leakwatch import BUNDLE`: atomically replaces an organization's fingerprints in the store. */
import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { decodeBundleHeader } from '../../bundle/format.js';
import { loadConfig } from '../../config/load.js';
import { LeakwatchError } from '../../errors.js';
import { loadOrgKey } from '../../keys/key-source.js';
import { bundleInCurrentLayout, loadOrgIndex } from '../../matcher/org-index.js';
import { Store } from '../../store/store.js';

export function registerImport(program: Command): void {
  program
    .command('import')
    .description("load a bundle into the store, atomically replacing that organization's fingerprints")
    .argument('<bundle>', 'bundle file from enroll')
    .option('--config <file>', 'config file (default config/leakwatch.yaml or LEAKWATCH_CONFIG)')
    .action((bundlePath: string, opts: { config?: string }) => {
      const cfg = loadConfig(opts.config);
      let bytes: Buffer;
      try {
        bytes = readFileSync(bundlePath);
      } catch (err) {
        throw new LeakwatchError('LW_FILE_UNREADABLE', `${bundlePath}: cannot read (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
      }
      const header = decodeBundleHeader(bytes, bundlePath);
      const org = cfg.orgs.find((o) => o.id === header.org);
      if (!org) throw new LeakwatchError('LW_CONFIG_INVALID', `${bundlePath}: organization '${header.org}' is not in the config (add it under orgs:)`);
      // Full decode with the configured key: verifies integrity and that the key matches before anything is written.
      const index = loadOrgIndex(bytes, loadOrgKey(org.key), { where: bundlePath, org: org.id });
      const stored = bundleInCurrentLayout(index, bytes);
      const store = Store.open(cfg.dataDir);
      try {
        store.importBundle(header, stored);
      } finally {
        store.close();
      }
      const c = header.counts;
      process.stdout.write(
        `imported ${header.org}: ${c.records} records, ${c.identifier_fingerprints} identifier and ${c.document_fingerprints} text fingerprints, ${c.documents} documents\n`,
      );
      if (stored !== bytes) {
        process.stdout.write('stored in the current bundle layout (same content; it loads faster): the bundle was enrolled by an earlier leakwatch\n');
      }
    });
}
