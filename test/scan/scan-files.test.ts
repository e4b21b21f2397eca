import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { ExtractIssue } from '../../src/extract/types.js';
import { scanPathsParallel } from '../../src/scan/parallel-scan.js';
import { scanPaths } from '../../src/scan/scan-files.js';

const dir = mkdtempSync(join(tmpdir(), 'lw-scan-files-'));
after(() => rmSync(dir, { recursive: true, force: true }));
for (let i = 0; i < 4; i++) writeFileSync(join(dir, `f${i}.txt`), `plain text number ${i}\n`);

test('a failing onDocument (the output closed, the store failing) ends the scan with its own error, not as an unreadable file', async () => {
  const failure = new Error('sink failed');
  const issues: ExtractIssue[] = [];
  let documents = 0;
  await assert.rejects(
    scanPaths([dir], {
      orgs: [],
      onDocument: () => {
        if (++documents === 2) throw failure;
      },
      onIssue: (i) => issues.push(i),
    }),
    (err) => err === failure,
  );
  assert.equal(documents, 2, 'no file is scanned after the failure');
  assert.equal(issues.length, 0);
  // Without a failing callback the same files scan cleanly.
  const summary = await scanPaths([dir], { orgs: [], onIssue: (i) => issues.push(i) });
  assert.equal(summary.documents, 4);
  assert.equal(issues.length, 0);
});

test('with worker threads too: the scan rejects with the callback\'s error and calls it no more', async () => {
  const failure = new Error('sink failed');
  const issues: ExtractIssue[] = [];
  let documents = 0;
  await assert.rejects(
    scanPathsParallel([dir], {
      specs: [],
      jobs: 2,
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
});
