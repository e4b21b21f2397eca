/** Child for the zip benchmark: scans one archive and prints its peak RSS (KiB), after loading and overall, and the scan's time. */
import { readFileSync } from 'node:fs';
import { loadOrgIndex } from '../../src/matcher/org-index.js';
import { scanPaths } from '../../src/scan/scan-files.js';

const [zip, bundle, key] = process.argv.slice(2) as [string, string, string];
const org = loadOrgIndex(readFileSync(bundle), Buffer.from(key, 'base64'), { where: bundle });
const loadRss = process.resourceUsage().maxRSS;
let findings = 0;
const issues: string[] = [];
const t0 = Date.now();
await scanPaths([zip], { orgs: [org], onDocument: (r) => (findings += r.findings.length), onIssue: (i) => issues.push(i.code) });
console.log(`findings=${findings} issues=${issues.length}${issues.length ? ` (${[...new Set(issues)].join(',')})` : ''} ms=${Date.now() - t0} loadRSS=${loadRss} maxRSS=${process.resourceUsage().maxRSS}`);
