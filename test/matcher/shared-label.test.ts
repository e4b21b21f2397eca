/**
 * Two primary fields of one type (a home and a mobile phone) hash their values
 * under the same label, so one fingerprint can stand for either field: a hit
 * counts for the field whose value it is, and only for that one.
 */
import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { enroll } from '../../src/enroll/enroll.js';
import { parseMapping } from '../../src/enroll/mapping.js';
import type { Part } from '../../src/extract/types.js';
import { loadOrgIndex } from '../../src/matcher/org-index.js';
import { matchParts } from '../support/match-parts.js';

const dir = mkdtempSync(join(tmpdir(), 'lw-label-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const MAPPING = `record_id: id
fields:
  - { column: home,   type: phone, role: primary, region: FI }
  - { column: mobile, type: phone, role: primary, region: FI }
  - { column: name,   type: name,  role: corroborating }
`;

test('a value of one of two fields sharing a label counts for that field alone', async () => {
  // Synthetic Finnish numbers; A's mobile is B's home, so that one fingerprint has two records and two fields.
  writeFileSync(join(dir, 'records.csv'), 'id,home,mobile,name\nA,040 123 4567,050 765 4321,Ada Lind\nB,050 765 4321,044 111 2222,Bo Rask\n');
  const key = randomBytes(32);
  await enroll({ org: 'org-a', key, mapping: parseMapping(parseYaml(MAPPING), 'mapping'), recordFiles: [join(dir, 'records.csv')], out: join(dir, 'b.lwb') });
  const org = loadOrgIndex(readFileSync(join(dir, 'b.lwb')), key, { where: 'b.lwb' });
  const scan = (parts: Part[]) => new Map(matchParts([org], parts).filter((f) => f.kind === 'record').map((f) => [f.record!, f.confidence]));
  // One number: one primary field for each record that has it (A's mobile, B's home), never both fields.
  assert.deepEqual(scan([{ kind: 'row', cells: ['050-7654321'] }]), new Map([['A', 'low'], ['B', 'low']]));
  // A's two numbers: two primary fields of A; B has only the shared one.
  assert.deepEqual(scan([{ kind: 'row', cells: ['0401234567', '+358 50 765 4321'] }]), new Map([['A', 'medium'], ['B', 'low']]));
});
