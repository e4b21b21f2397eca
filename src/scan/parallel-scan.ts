/**
 * Offline scan on several cores: one worker thread per job, handed one file at
 * a time. The organizations' indexes are loaded once, in the calling thread,
 * onto SharedArrayBuffer, and every worker reads that one copy (only the record
 * and document references, strings, are copied to each). Results come back to
 * the calling thread, which alone writes the store and the output.
 */
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { LeakwatchError, type ErrorCode } from '../errors.js';
import type { ExtractIssue, ExtractLimits } from '../extract/types.js';
import type { DocumentResult } from '../matcher/document-matcher.js';
import { loadOrgSpec, type OrgSpec } from '../matcher/load-orgs.js';
import { closeOrgIndex, shareOrgIndex, type OrgIndex, type SharedOrgIndex } from '../matcher/org-index.js';
import type { ScannedDocument } from '../store/store.js';
import type { ScanSummary } from './scan-files.js';
import { expandPaths } from './walk.js';

export interface ParallelScanDeps {
  specs: readonly OrgSpec[];
  jobs: number;
  limits?: Partial<ExtractLimits>;
  signal?: AbortSignal;
  onDocument?: (result: DocumentResult, doc: ScannedDocument) => void;
  onIssue?: (issue: ExtractIssue) => void;
}

/** Messages from a scan worker (see scan-worker.ts). */
export type WorkerMessage =
  | { type: 'ready' }
  | { type: 'fatal'; code: string; message: string }
  | { type: 'document'; result: DocumentResult; doc: ScannedDocument }
  | { type: 'issue'; issue: ExtractIssue }
  | { type: 'done'; summary: ScanSummary };

/** Data every worker starts with. */
export interface WorkerSetup {
  orgs: readonly SharedOrgIndex[];
  limits?: Partial<ExtractLimits>;
}

/** Starts a worker on the module next to this one, in TypeScript under tsx and JavaScript once built. */
function startWorker(setup: WorkerSetup): Worker {
  const here = fileURLToPath(import.meta.url);
  const url = new URL(`./scan-worker${extname(here)}`, import.meta.url);
  if (extname(here) === '.ts') {
    // Worker threads do not inherit tsx's loader hooks in every launch mode: register them first.
    const boot = `import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(url.href)}); })`;
    return new Worker(boot, { eval: true, workerData: setup });
  }
  return new Worker(url, { workerData: setup });
}

/**
 * Scans every file under `paths` with `jobs` workers; per-file failures become
 * issues. A spec that does not load (wrong key, corrupt bundle) rejects before
 * any worker starts, with loadOrgIndex's error.
 */
export async function scanPathsParallel(paths: readonly string[], deps: ParallelScanDeps): Promise<ScanSummary> {
  const files = expandPaths(paths);
  const summary: ScanSummary = { files: files.length, documents: 0, bytes: 0, issues: 0, findings: 0 };
  const queue = [...files];
  const jobs = Math.max(1, Math.min(deps.jobs, files.length));
  const loaded: OrgIndex[] = [];
  let orgs: SharedOrgIndex[];
  try {
    orgs = deps.specs.map((spec) => {
      const options = { ...spec.options, shared: true };
      const index = loadOrgSpec({ ...spec, options });
      loaded.push(index);
      return shareOrgIndex(index, options);
    });
  } catch (err) {
    loaded.forEach(closeOrgIndex);
    throw err;
  }
  /** Every worker started: a bundle file the indexes read stays open until all are gone. */
  const workers = new Set<{ terminate(): Promise<number> }>();
  const setup: WorkerSetup = { orgs, limits: deps.limits };
  let callerFailed = false;
  const issue = (i: ExtractIssue) => {
    summary.issues++;
    deps.onIssue?.(i);
  };

  const runOne = () =>
    new Promise<void>((resolve, reject) => {
      const worker = startWorker(setup);
      workers.add(worker);
      let current: string | null = null;
      let ready = false;
      let settled = false;
      const finish = (err?: Error) => {
        if (settled) return;
        settled = true;
        deps.signal?.removeEventListener('abort', onAbort);
        void worker.terminate();
        if (err) reject(err);
        else resolve();
      };
      const next = () => {
        current = deps.signal?.aborted ? null : (queue.shift() ?? null);
        if (current === null) finish();
        else worker.postMessage(current);
      };
      const onAbort = () => finish();
      deps.signal?.addEventListener('abort', onAbort, { once: true });
      worker.on('message', (m: WorkerMessage) => {
        if (callerFailed) return;
        try {
          handle(m);
        } catch (err) {
          // The caller's own callback failed (the output closed, the store failing): the scan ends
          // with that error, and no worker's later messages reach the callbacks.
          callerFailed = true;
          finish(err as Error);
        }
      });
      const handle = (m: WorkerMessage): void => {
        switch (m.type) {
          case 'ready':
            ready = true;
            next();
            break;
          case 'fatal':
            finish(new LeakwatchError(m.code as ErrorCode, m.message));
            break;
          case 'document':
            deps.onDocument?.(m.result, m.doc);
            break;
          case 'issue':
            issue(m.issue);
            break;
          case 'done':
            summary.documents += m.summary.documents;
            summary.bytes += m.summary.bytes;
            summary.findings += m.summary.findings;
            next();
            break;
        }
      };
      // A worker that dies (out of memory, say) costs its current file, not the scan.
      worker.on('error', (err) => {
        if (!ready) {
          finish(new LeakwatchError('LW_INTERNAL', `a scan worker failed to start (${err.name})`, { cause: err }));
          return;
        }
        if (current !== null) {
          issue({
            ref: { source: current, entry: [], mediaType: 'application/octet-stream' },
            code: 'LW_INTERNAL',
            message: `${current}: the scan worker failed on this file; it was not scanned`,
          });
        }
        current = null;
        if (settled) return;
        settled = true;
        deps.signal?.removeEventListener('abort', onAbort);
        // The queue goes on with a fresh worker.
        runOne().then(resolve, reject);
      });
    });

  try {
    await Promise.all(Array.from({ length: jobs }, runOne));
  } finally {
    // Also those still running when another failed.
    await Promise.allSettled([...workers].map((w) => w.terminate()));
    loaded.forEach(closeOrgIndex);
  }
  return summary;
}
