/**
 * A bundle stored by an earlier leakwatch (sections not aligned, fingerprints
 * not in key order) still matches, but loads more slowly: the daemon says so,
 * naming the organization, at start and at reload; a current bundle gets no
 * such line.
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { encodeBundle } from '../../src/bundle/format.js';
import { Daemon } from '../../src/daemon/daemon.js';
import { deriveKeys, generateKey, writeNewKeyFile } from '../../src/keys/org-key.js';
import type { Logger } from '../../src/log/logger.js';
import { sortByKey } from '../../src/matcher/fingerprint-table.js';
import { Store } from '../../src/store/store.js';
import { syntheticBundle, withoutPadding } from '../support/bundles.js';

/** Starts and reloads a daemon (no sites) over a store holding `bytes` for clinic-a; returns its warnings. */
async function warningsWith(bytes: (kcv: string) => Buffer): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'lw-layout-'));
  const key = generateKey();
  writeNewKeyFile(join(dir, 'clinic-a.key'), key);
  const store = Store.open(join(dir, 'var'));
  const b = bytes(deriveKeys(key).kcv);
  store.importBundle(syntheticBundle('clinic-a', 1, 1, deriveKeys(key).kcv).header, b);
  store.close();
  writeFileSync(join(dir, 'c.yaml'), `data_dir: ${join(dir, 'var')}\norgs:\n  - id: clinic-a\n    key: { file: ${join(dir, 'clinic-a.key')} }\nsites: []\n`);
  const warnings: string[] = [];
  const log = {
    info: () => {},
    error: () => {},
    debug: () => {},
    warn: (fields: { org?: string }, msg: string) => warnings.push(`${fields.org}: ${msg}`),
  } as unknown as Logger;
  const daemon = new Daemon({ configPath: join(dir, 'c.yaml'), log });
  daemon.start();
  assert.ok(daemon.reload());
  await daemon.stop();
  return warnings;
}

test('the daemon warns, at start and reload, about a bundle stored in an older layout', async () => {
  const warnings = await warningsWith((kcv) => withoutPadding(encodeBundle(syntheticBundle('clinic-a', 500, 1, kcv))));
  assert.equal(warnings.length, 2);
  for (const w of warnings) assert.match(w, /^clinic-a: bundle stored in an older layout.*leakwatch import BUNDLE/);
});

test('a bundle in the current layout gets no such warning', async () => {
  const warnings = await warningsWith((kcv) => {
    const b = syntheticBundle('clinic-a', 500, 1, kcv);
    sortByKey(b.ids.hi, b.ids.lo, [b.ids.rec, b.ids.field]);
    return encodeBundle(b);
  });
  assert.deepEqual(warnings, []);
});
