/** Worker for the all-cores scan: loads the bundle and scans its share of the files. */
import { readFileSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { loadOrgIndex } from '../../src/matcher/org-index.js';
import { scanPaths } from '../../src/scan/scan-files.js';

const { paths, bundle, key } = workerData as { paths: string[]; bundle: string; key: string };
const org = loadOrgIndex(readFileSync(bundle), Buffer.from(key, 'base64'), { where: bundle });
let findings = 0;
await scanPaths(paths, { orgs: [org], onDocument: (r) => (findings += r.findings.length) });
parentPort!.postMessage(findings);
