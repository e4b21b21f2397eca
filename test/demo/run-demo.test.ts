/**
 * The offline demo (`leakwatch demo --no-crawl`) end to end: it must finish,
 * find the synthetic leak, and search every file it made leakwatch write,
 * imported bundles under the data directory's bundles/ included (a directory
 * there once made it fail with EISDIR).
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runDemo } from '../../src/demo/run-demo.js';
import { expandPaths } from '../../src/scan/walk.js';

test('the offline demo finds the leak and checks every file leakwatch wrote, bundles included', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lw-demo-test-'));
  try {
    const lines: string[] = [];
    const result = await runDemo({ dir, skipCrawl: true, out: (l) => lines.push(l) });
    assert.equal(result.plaintextHits, 0);
    assert.ok(result.findings.some((f) => f.kind === 'record' && f.confidence === 'high'));
    assert.ok(result.findings.some((f) => f.kind === 'document'));
    // The demo reads its findings back after the check, so SQLite's -wal and -shm files exist again now.
    const stored = expandPaths([join(dir, 'var')]).filter((f) => !/-(wal|shm)$/.test(f));
    assert.ok(
      stored.some((f) => /[/]bundles[/][0-9a-f]{64}\.lwb$/.test(f)),
      'the imported bundle is a file under bundles/',
    );
    const check = lines.find((l) => l.includes('plaintext check'));
    assert.match(check ?? '', new RegExp(`searched ${stored.length + 1} files`), 'the enrolled bundle and every stored file');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
