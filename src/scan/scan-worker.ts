/** One worker of scanPathsParallel: takes the shared indexes, then scans the files it is sent. */
import { parentPort, workerData } from 'node:worker_threads';
import { orgIndexFromShared, type OrgIndex } from '../matcher/org-index.js';
import type { WorkerMessage, WorkerSetup } from './parallel-scan.js';
import { scanPaths } from './scan-files.js';

const port = parentPort!;
const setup = workerData as WorkerSetup;
const send = (m: WorkerMessage) => port.postMessage(m);

let orgs: OrgIndex[];
try {
  orgs = setup.orgs.map(orgIndexFromShared);
} catch (err) {
  const e = err as { code?: string; message?: string };
  // Only our own errors carry a message fit to show; anything else is named by its code.
  send(e.code?.startsWith('LW_') ? { type: 'fatal', code: e.code, message: e.message ?? '' } : { type: 'fatal', code: 'LW_INTERNAL', message: 'loading the fingerprint indexes failed' });
  process.exit(0);
}

port.on('message', (file: string) => {
  void scanPaths([file], {
    orgs,
    limits: setup.limits,
    onDocument: (result, doc) => send({ type: 'document', result, doc }),
    onIssue: (issue) => send({ type: 'issue', issue }),
  }).then((summary) => send({ type: 'done', summary }));
});
send({ type: 'ready' });
