/**
 * Corroboration near a primary hit: which words and dates count, in rows and
 * in free text. Enrolls a few synthetic patients for real and feeds the
 * matcher parts directly.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { enrollSyntheticClinic } from '../../src/demo/enroll-clinic.js';
import { makePatients, type Patient } from '../../src/demo/synthetic-clinic.js';
import { loadOrgIndex, type OrgIndex } from '../../src/matcher/org-index.js';
import type { Part } from '../../src/extract/types.js';
import { matchParts } from '../support/match-parts.js';

const dir = mkdtempSync(join(tmpdir(), 'lw-corro-'));
let org: OrgIndex;
let patients: Patient[];

/** Record findings (record id -> confidence and fields) for one document made of `parts`. */
function scan(parts: Part[]): Map<string, { confidence: string; fields: string[] }> {
  const found = matchParts([org], parts);
  return new Map(found.filter((f) => f.kind === 'record').map((f) => [f.record!, { confidence: f.confidence, fields: [...f.fields!].sort() }]));
}

const row = (...cells: string[]): Part => ({ kind: 'row', cells });
const text = (t: string): Part => ({ kind: 'text', text: t });
const isoToFinnish = (iso: string) => iso.split('-').reverse().map(Number).join('.');

before(async () => {
  patients = makePatients(6, 77);
  const { key, bundlePath } = await enrollSyntheticClinic(dir, patients, []);
  org = loadOrgIndex(readFileSync(bundlePath), key, { where: 'bundle' });
});

after(() => rmSync(dir, { recursive: true, force: true }));

describe('corroboration', () => {
  it('counts the name and the birth date in the same row, in any order and case', () => {
    const [p, q] = patients as [Patient, Patient];
    const [first, last] = p.full_name.split(' ') as [string, string];
    const got = scan([
      row(p.hetu, `${last.toUpperCase()}, ${first}`, isoToFinnish(p.birth_date)),
      row(q.hetu, 'Someone Else', '1.1.1900'),
    ]);
    assert.deepEqual(got.get(p.patient_id), { confidence: 'high', fields: ['date', 'fi_hetu', 'name'] });
    assert.deepEqual(got.get(q.patient_id), { confidence: 'low', fields: ['fi_hetu'] });
  });

  it('finds name tokens inside words with digits or @ (addresses, ids), and not in the hit itself', () => {
    const [p, q] = patients.slice(2) as [Patient, Patient];
    const [first, last] = p.full_name.split(' ') as [string, string];
    const address = `${first}.${last}77@mail.example`.toLowerCase();
    const got = scan([row(p.hetu, `id:${first.toUpperCase()}-${last}-42`), row(q.email)]);
    assert.deepEqual(got.get(p.patient_id)?.fields, ['fi_hetu', 'name']);
    // q's e-mail is the hit; its local part spells q's name but must not corroborate it.
    assert.deepEqual(got.get(q.patient_id), { confidence: 'low', fields: ['email'] });
    // The same address twice in one document: the second pass reads the tokens from the cache.
    const twice = scan([row(p.phone, address), row(p.email, address)]);
    assert.deepEqual(twice.get(p.patient_id)?.fields, ['email', 'name', 'phone']);
  });

  it('inside words with digits, reads ASCII tokens in any case, drops apostrophes, and reads non-ASCII letters as nameTokens does', () => {
    // Ville Koskinen, Liisa Korhonen, Sanna Nieminen: ASCII names (checked below).
    const [a, b, , c] = patients as [Patient, Patient, Patient, Patient];
    assert.ok([a, b, c].every((x) => /^[A-Za-z ]+$/.test(x.full_name)));
    const [aFirst, aLast] = a.full_name.split(' ') as [string, string];
    const [bFirst, bLast] = b.full_name.split(' ') as [string, string];
    // O'Brien = OBrien: an apostrophe inside a token is dropped, not a separator.
    const quoted = `${bLast.slice(0, 2)}'${bLast.slice(2)}`;
    const got = scan([
      row(a.hetu, `ID:${aFirst.toUpperCase()}-${aLast}-7`),
      row(b.hetu, `ref:${bFirst}-${quoted}-9`),
      row(c.hetu, `ñ:${c.full_name.replace(' ', '_')}-9`),
    ]);
    for (const x of [a, b, c]) assert.deepEqual(got.get(x.patient_id)?.fields, ['fi_hetu', 'name'], x.full_name);
  });

  it('reads a name written only in letters outside ASCII (full-width forms, which NFKC folds to ASCII)', () => {
    const p = patients[4]!;
    const [first, last] = p.full_name.split(' ') as [string, string];
    const fullWidth = (s: string) => s.replace(/[!-~]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) + 0xfee0));
    assert.ok(/^[^\x00-\x7f]+$/.test(fullWidth(first) + fullWidth(last)));
    const got = scan([row(p.hetu, `${fullWidth(last)} ${fullWidth(first)}`)]);
    assert.deepEqual(got.get(p.patient_id)?.fields, ['fi_hetu', 'name']);
  });

  it('gives records with the same fields one list, which no consumer can change', () => {
    const [p, q, r] = patients as [Patient, Patient, Patient];
    const found = matchParts([org], [row(p.hetu), row(q.hetu), row(q.email), row(r.hetu)]);
    const [fp, fq, fr] = [p, q, r].map((x) => found.find((f) => f.record === x.patient_id)!);
    assert.equal(fr!.fields, fp!.fields, 'one list for the same set of fields');
    assert.deepEqual(fp!.fields, ['fi_hetu']);
    assert.deepEqual(fq!.fields, ['fi_hetu', 'email']);
    assert.ok(Object.isFrozen(fp!.fields) && Object.isFrozen(fq!.fields));
    assert.throws(() => (fp!.fields as string[]).push('name'), TypeError);
  });

  it('needs two name tokens, and takes none from words without letters', () => {
    const p = patients[4]!;
    const [first] = p.full_name.split(' ') as [string, string];
    const got = scan([row(p.hetu, first, '12.12.2012', '040-123 4567', '+358')]);
    assert.deepEqual(got.get(p.patient_id), { confidence: 'low', fields: ['fi_hetu'] });
  });

  it('in a long batch of rows, each hit corroborates from its own row, whether hits share a row, follow each other or lie far apart', () => {
    const [p, q, r] = patients as [Patient, Patient, Patient];
    const filler = (n: number) => Array.from({ length: n }, (_, i) => row(`item ${i}`, 'nothing to see', `${i}`));
    const name = (x: Patient) => x.full_name;
    const got = scan([
      ...filler(3),
      // q first hit without its name, then, in the next row, with it: the second hit must look again.
      row(q.hetu, 'Someone Else'),
      row(q.email, name(q)),
      // p: three hits in one row, its name and date beside them.
      row(p.hetu, p.phone, p.email, name(p), isoToFinnish(p.birth_date)),
      ...filler(400),
      // r: its hit far below, its name only in the row above (which must not count).
      row('nobody', name(r), isoToFinnish(r.birth_date)),
      row(r.hetu, 'unrelated words'),
      ...filler(2),
    ]);
    assert.deepEqual(got.get(p.patient_id), { confidence: 'high', fields: ['date', 'email', 'fi_hetu', 'name', 'phone'] });
    assert.deepEqual(got.get(q.patient_id), { confidence: 'high', fields: ['email', 'fi_hetu', 'name'] });
    assert.deepEqual(got.get(r.patient_id), { confidence: 'low', fields: ['fi_hetu'] });
  });

  it('in free text, counts only what lies within the proximity window', () => {
    const p = patients[5]!;
    const filler = 'lorem ipsum dolor sit amet '.repeat(20);
    const near = scan([text(`${filler}Asiakas ${p.full_name} (${p.email}) soitti ${isoToFinnish(p.birth_date)}. ${filler}`)]);
    assert.deepEqual(near.get(p.patient_id), { confidence: 'high', fields: ['date', 'email', 'name'] });
    const far = scan([text(`${p.full_name} ${filler}${filler} ${p.email} ${filler}`)]);
    assert.deepEqual(far.get(p.patient_id), { confidence: 'low', fields: ['email'] });
  });
});
