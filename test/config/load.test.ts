import { strict as assert } from 'node:assert';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { hasCode } from '../../src/errors.js';
import { loadConfig, parseConfig } from '../../src/config/load.js';

test('every problem is reported together with its path', () => {
  assert.throws(
    () =>
      parseConfig(
        { orgs: [{ id: 'Bad Id', key: { file: 'k' } }], sites: [{ name: 's', locations: ['http://example.com/'] }], tor: { socks_url: 'socks5://x:1' } },
        'cfg.yaml',
        {},
      ),
    (e) => {
      const m = (e as Error).message;
      return hasCode(e, 'LW_CONFIG_INVALID') && m.includes('orgs[0].id') && m.includes('sites[0].locations[0]') && m.includes('tor.socks_url');
    },
  );
});

test('duplicate org ids are refused', () => {
  const org = { id: 'a', key: { env: 'K' } };
  assert.throws(() => parseConfig({ orgs: [org, org] }, 'c', {}), /duplicate id 'a'/);
});

test('defaults apply without a file; an explicitly named missing file is an error', () => {
  const d = mkdtempSync(join(tmpdir(), 'lw-cfg-'));
  const cfg = loadConfig(undefined, { LEAKWATCH_CONFIG: undefined } as NodeJS.ProcessEnv);
  assert.equal(cfg.tor.socks_url, 'socks5h://127.0.0.1:9050');
  assert.throws(() => loadConfig(join(d, 'nope.yaml'), {}), (e) => hasCode(e, 'LW_CONFIG_INVALID'));
});

test('relative paths resolve against the config file; environment overrides; result is frozen', () => {
  const d = mkdtempSync(join(tmpdir(), 'lw-cfg-'));
  const p = join(d, 'leakwatch.yaml');
  writeFileSync(p, 'data_dir: state\norgs:\n  - id: clinic-a\n    key: { file: keys/a.key }\n');
  const cfg = loadConfig(p, {});
  assert.equal(cfg.dataDir, join(d, 'state'));
  assert.deepEqual(cfg.orgs[0]!.key, { file: join(d, 'keys/a.key') });
  assert.ok(Object.isFrozen(cfg) && Object.isFrozen(cfg.orgs[0]));
  assert.equal(loadConfig(p, { LEAKWATCH_DATA_DIR: '/srv/lw' }).dataDir, '/srv/lw');
  writeFileSync(p, 'orgs: [\n');
  assert.throws(() => loadConfig(p, {}), (e) => hasCode(e, 'LW_CONFIG_INVALID') && /invalid YAML/.test((e as Error).message));
});
