import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { loadConfig } from '../../src/config/load.js';
import { loadConfigInWorker } from '../../src/config/load-in-worker.js';
import { LeakwatchError } from '../../src/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'lw-cfg-worker-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** What loadConfig threw, as code and message. */
function thrown(f: () => unknown): { code: string; message: string } {
  try {
    f();
  } catch (err) {
    assert.ok(err instanceof LeakwatchError);
    return { code: err.code, message: err.message };
  }
  assert.fail('no error');
}

test('the worker returns what loadConfig returns in this thread, frozen, with this process\'s environment', async () => {
  const p = join(dir, 'leakwatch.yaml');
  writeFileSync(p, 'data_dir: state\norgs:\n  - id: clinic-a\n    key: { file: keys/a.key }\n    watch_terms: ["Lakeside"]\nextract:\n  max_depth: 3\n');
  const cfg = await loadConfigInWorker(p);
  assert.deepEqual(cfg, loadConfig(p, process.env));
  assert.equal(cfg.dataDir, join(dir, 'state'));
  assert.equal(cfg.extract.max_depth, 3);
  assert.ok(Object.isFrozen(cfg) && Object.isFrozen(cfg.orgs[0]) && Object.isFrozen(cfg.orgs[0]!.watch_terms));
  const before = process.env.LEAKWATCH_DATA_DIR;
  process.env.LEAKWATCH_DATA_DIR = '/srv/lw';
  try {
    assert.equal((await loadConfigInWorker(p)).dataDir, '/srv/lw');
  } finally {
    if (before === undefined) delete process.env.LEAKWATCH_DATA_DIR;
    else process.env.LEAKWATCH_DATA_DIR = before;
  }
});

test('its errors are loadConfig\'s, code and message: invalid YAML, invalid fields, a missing file', async () => {
  const cases = ['orgs: [\n', 'orgs:\n  - id: Bad Id\n    key: { file: k }\nextract:\n  max_depth: -1\n'];
  for (const [i, text] of cases.entries()) {
    const p = join(dir, `bad-${i}.yaml`);
    writeFileSync(p, text);
    const expected = thrown(() => loadConfig(p, process.env));
    await assert.rejects(loadConfigInWorker(p), (err) => err instanceof LeakwatchError && err.code === expected.code && err.message === expected.message);
  }
  const missing = join(dir, 'none.yaml');
  await assert.rejects(loadConfigInWorker(missing), (err) => err instanceof LeakwatchError && err.code === 'LW_CONFIG_INVALID' && err.message === `${missing}: config file not found`);
});
