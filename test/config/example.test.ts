import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { parseConfig } from '../../src/config/load.js';
import { readMapping } from '../../src/enroll/mapping.js';
import { loadProfile } from '../../src/crawler/profiles/schema.js';

const root = join(import.meta.dirname, '../..');

test('the shipped example config, mapping and site profiles are valid', () => {
  const cfg = parseConfig(parseYaml(readFileSync(join(root, 'config/leakwatch.example.yaml'), 'utf8')), 'example', {});
  assert.ok(cfg.orgs.length >= 1 && cfg.sites.length >= 1);
  assert.equal(cfg.sites[0]!.profile, 'ransomware-blog');
  const m = readMapping(join(root, 'config/mapping.example.yaml'));
  assert.equal(m.recordId, 'patient_id');
  for (const p of ['generic', 'ransomware-blog', 'forum', 'paste']) assert.equal(loadProfile(p).name, p);
});
