/**
 * loadConfig run in a short-lived worker thread, for commands that hold a
 * large organization and scan with it (`scan`): the YAML parser, zod and the
 * schemas (with the cron parser they check schedules with) are then compiled
 * and run in the worker's heap, which goes away with it, and never in the
 * heap the scan grows. With the benchmark's 1M-record organization, loading
 * the config in the scanning thread raised the peak RSS of the 1 GB zip's
 * scan by about 20 MiB (docs/performance.md, tenth session). This module
 * imports load.ts only as a type, so that none of it is loaded here.
 */
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { LeakwatchError, type ErrorCode } from '../errors.js';
import type { LoadedConfig } from './load.js';
import { deepFreeze } from './deep-freeze.js';

type Reply = { ok: LoadedConfig } | { error: { code?: string; message?: string } };

/** The worker's code: load.js (load.ts under tsx, whose hooks it registers first), one call, one reply. */
function workerCode(typescript: boolean): string {
  return `
    const { parentPort, workerData } = require('node:worker_threads');
    (async () => {
      ${typescript ? "(await import('tsx/esm/api')).register();" : ''}
      const { loadConfig } = await import(workerData.module);
      try {
        parentPort.postMessage({ ok: loadConfig(workerData.path) });
      } catch (err) {
        parentPort.postMessage({ error: { code: err && err.code, message: err && err.message } });
      }
    })();
  `;
}

/**
 * What loadConfig(path) returns, or throws, computed in a worker thread (with
 * this process's environment). Its own errors (LW_CONFIG_INVALID, …) come
 * back with their code and message; anything else is LW_INTERNAL.
 */
export async function loadConfigInWorker(path: string | undefined): Promise<LoadedConfig> {
  const here = fileURLToPath(import.meta.url);
  const module = new URL(`./load${extname(here)}`, import.meta.url).href;
  const worker = new Worker(workerCode(extname(here) === '.ts'), { eval: true, workerData: { module, path } });
  let reply: Reply;
  try {
    reply = await new Promise<Reply>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`the worker exited (${code}) without a reply`)));
    });
  } catch (err) {
    throw new LeakwatchError('LW_INTERNAL', 'loading the configuration failed (its worker thread did not answer)', { cause: err });
  } finally {
    void worker.terminate();
  }
  if ('ok' in reply) return deepFreeze(reply.ok);
  const { code, message } = reply.error;
  // Only our own errors carry a message fit to show (it names the file and the place, never a secret).
  if (code?.startsWith('LW_')) throw new LeakwatchError(code as ErrorCode, message ?? '');
  throw new LeakwatchError('LW_INTERNAL', 'loading the configuration failed');
}
