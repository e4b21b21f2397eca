import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { ExtractIssue } from '../../src/extract/types.js';
import { scanPathsParallel } from '../../src/scan/parallel-scan.js';
import { scanPaths, type ScanDeps, type ScanSummary } from '../../src/scan/scan-files.js';

const dir = mkdtempSync(join(tmpdir(), 'lw-scan-files-'));
after(() => rmSync(dir, { recursive: true, force: true }));
for (let i = 0; i < 4; i++) writeFileSync(join(dir, `f${i}.txt`), `plain text number ${i}\n`);

type Callbacks = Pick<ScanDeps, 'onDocument' | 'onIssue'>;
const scans: [string, (callbacks: Callbacks) => Promise<ScanSummary>][] = [
  ['in this thread', (callbacks) => scanPaths([dir], { orgs: [], ...callbacks })],
  ['with worker threads', (callbacks) => scanPathsParallel([dir], { specs: [], jobs: 2, ...callbacks })],
];

for (const [name, scan] of scans) {
  test(`${name}: a failing onDocument (the output closed, the store failing) ends the scan with its own error, not as an unreadable file, and is called no more`, async () => {
    const failure = new Error('sink failed');
    const issues: ExtractIssue[] = [];
    let documents = 0;
    await assert.rejects(
      scan({
        onDocument: () => {
          documents++;
          throw failure;
        },
        onIssue: (i) => issues.push(i),
      }),
      (err) => err === failure,
    );
    assert.equal(documents, 1);
    assert.equal(issues.length, 0);
    // Without a failing callback the same files scan cleanly.
    const summary = await scan({ onIssue: (i) => issues.push(i) });
    assert.equal(summary.documents, 4);
    assert.equal(issues.length, 0);
  });
}
