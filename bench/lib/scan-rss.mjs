/**
 * Child for the zip benchmark: loads the organization and scans one archive
 * with the compiled code (plain JavaScript, run by node itself, as the
 * installed `leakwatch` is: under tsx, whose loader runs in a thread of its
 * own, the same scan peaked higher). Prints its peak RSS in KiB (VmHWM, see
 * peak-rss.mjs) after loading and overall, and the scan's time.
 *
 *   node bench/lib/scan-rss.mjs DIST_DIR ZIP BUNDLE KEY_BASE64
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { peakRssKiB } from './peak-rss.mjs';

const [compiled, zip, bundle, key] = process.argv.slice(2);
const load = (m) => import(pathToFileURL(join(compiled, m)).href);
const { loadOrgIndexFromFile } = await load('matcher/org-index.js');
const { scanPaths } = await load('scan/scan-files.js');
// As `leakwatch scan --bundle` loads a bundle file (a large table of text fingerprints stays in the file).
const org = loadOrgIndexFromFile(bundle, Buffer.from(key, 'base64'), { where: bundle });
const loadRss = peakRssKiB();
let findings = 0;
const issues = [];
const t0 = Date.now();
await scanPaths([zip], { orgs: [org], onDocument: (r) => (findings += r.findings.length), onIssue: (i) => issues.push(i.code) });
const kinds = issues.length ? ` (${[...new Set(issues)].join(',')})` : '';
console.log(`findings=${findings} issues=${issues.length}${kinds} ms=${Date.now() - t0} loadRSS=${loadRss} maxRSS=${peakRssKiB()}`);
