/** `leakwatch scan PATH...`: offline scan of files, folders and archives. */
import type { Command } from 'commander';
import { loadConfigInWorker } from '../../config/load-in-worker.js';
import { LeakwatchError } from '../../errors.js';
import { closeOrgIndex, type OrgIndex } from '../../matcher/org-index.js';
import type { DocumentResult } from '../../matcher/document-matcher.js';
import type { ExtractIssue } from '../../extract/types.js';
import { scanPaths } from '../../scan/scan-files.js';
import type { ScannedDocument } from '../../store/store.js';
import { availableParallelism } from 'node:os';
import { loadOrgSpecs, orgSpecFromFiles, orgSpecsFromStore } from '../../matcher/load-orgs.js';
import { findingJson, Output, writeFindingsText } from '../output.js';

interface ScanOpts {
  config?: string;
  org?: string;
  json?: boolean;
  bundle?: string;
  key?: string;
  jobs: string;
  store: boolean;
}

/** --jobs: a count of worker threads, or 'auto' for one per core. */
function parseJobs(value: string): number {
  if (value === 'auto') return availableParallelism();
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 256) throw new LeakwatchError('LW_USAGE', `--jobs must be 'auto' or a whole number from 1 to 256, not '${value}'`);
  return n;
}

export function registerScan(program: Command): void {
  program
    .command('scan')
    .description('scan files, folders and archives offline for enrolled records, documents, canaries and watch terms')
    .argument('<paths...>', 'files or folders (zip and gzip are opened, nested archives too)')
    .option('--org <id>', 'match only this organization')
    .option('--json', 'one JSON object per finding per line')
    .option('--bundle <file>', 'match against this bundle file instead of the store (needs --key)')
    .option('--key <file>', 'key file of the --bundle organization')
    .option('--jobs <n>', "worker threads scanning files in parallel, or 'auto' for one per core (all share one copy of the loaded indexes)", '1')
    .option('--no-store', 'do not record findings in the store')
    .option('--config <file>', 'config file (default config/leakwatch.yaml or LEAKWATCH_CONFIG)')
    .action(async (paths: string[], opts: ScanOpts) => {
      // In a worker thread: the config's parser and schemas then add nothing to the heap the scan grows.
      const cfg = await loadConfigInWorker(opts.config);
      if (Boolean(opts.bundle) !== Boolean(opts.key)) throw new LeakwatchError('LW_USAGE', '--bundle and --key go together');
      const jobs = parseJobs(opts.jobs);
      // The store, the alert sinks and the worker threads' code are loaded only when used: with
      // --bundle --no-store they would only add to the heap the scan's collections grow from.
      const store = opts.store || !opts.bundle ? (await import('../../store/store.js')).Store.open(cfg.dataDir) : null;
      // Written as the scan goes, waiting for a slow reader (see writeOut); what a failure interrupts is still written.
      const out = new Output();
      let orgs: OrgIndex[] = [];
      try {
        const specs = opts.bundle ? [orgSpecFromFiles(opts.bundle, opts.key!, cfg)] : orgSpecsFromStore(cfg, store!, opts.org);
        // With workers, each builds its own indexes; this thread then needs none.
        orgs = jobs > 1 ? [] : loadOrgSpecs(specs);
        if (specs.length === 0) {
          throw new LeakwatchError('LW_USAGE', "no organization to match: import a bundle ('leakwatch import') for an org in the config, or pass --bundle and --key");
        }
        // Nothing is held for the store with --no-store (or --bundle without a store).
        const recorder = store && opts.store ? new (await import('../../alerts/record-findings.js')).FindingRecorder(store, { config: cfg }) : null;
        const limits = {
          maxDepth: cfg.extract.max_depth,
          maxEntries: cfg.extract.max_entries,
          maxTotalBytes: cfg.extract.max_total_bytes,
          maxRatio: cfg.extract.max_ratio,
          maxBufferBytes: cfg.extract.max_buffer_bytes,
        };
        const onDocument = (r: DocumentResult, doc: ScannedDocument) => {
          if (opts.json) for (const f of r.findings) out.write(`${findingJson(f)}\n`);
          else writeFindingsText(r.findings, (line) => out.write(`${line}\n`));
          recorder?.add(r, doc);
        };
        const onIssue = (i: ExtractIssue) => {
          const where = [i.ref.source, ...i.ref.entry].join(' > ');
          process.stderr.write(`leakwatch: ${i.code}: ${where}: ${i.message}\n`);
        };
        const summary =
          jobs > 1
            ? await (await import('../../scan/parallel-scan.js')).scanPathsParallel(paths, { specs, jobs, limits, onDocument, onIssue })
            : await scanPaths(paths, { orgs, limits, onDocument, onIssue });
        recorder?.flush();
        // One delivery attempt now; whatever fails stays queued for the daemon's worker.
        if (store && recorder?.recorded) {
          const [{ deliverPending }, { createLogger }] = await Promise.all([import('../../alerts/delivery-worker.js'), import('../../log/logger.js')]);
          await deliverPending(store, cfg, createLogger({ level: cfg.log.level }));
        }
        if (!opts.json) {
          out.write(
            `scanned ${summary.files} file(s), ${summary.documents} document(s), ${(summary.bytes / 1e6).toFixed(1)} MB for ${specs.length} organization(s): ${summary.findings} finding(s), ${summary.issues} issue(s)\n`,
          );
        }
      } finally {
        orgs.forEach(closeOrgIndex);
        try {
          out.flush();
        } finally {
          // Also when the output's reader went away (LW_OUTPUT_CLOSED).
          store?.close();
        }
      }
    });
}
