/**
 * From synthetic records to exact findings, through the real CLI: keygen,
 * enroll, import, scan --json and inspect, across the reformatting cases a
 * leak really shows (phone formats, case, reversed names, Finnish dates,
 * semicolon CSV, JSON, HTML tables, free text, nested zips).
 */
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { before, describe, test } from 'node:test';
import { strToU8, zipSync } from 'fflate';
import {
  CLINIC_MAPPING_YAML,
  finnishDate,
  makeFiller,
  makeNotes,
  makePatients,
  patientsCsv,
  reformatPhone,
  reverseName,
  type Patient,
} from '../../src/demo/synthetic-clinic.js';
import { createRng } from '../../src/matcher/identifiers/synthetic.js';
import { normalizeValue } from '../../src/matcher/identifiers/registry.js';
import { nameTokens } from '../../src/matcher/identifiers/name.js';
import { normalizeText } from '../../src/matcher/text-normalize.js';
import { BIN, cli } from '../support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'lw-e2e-'));
const patients = makePatients(60, 11);
const canaries = makePatients(1, 12, 90_000);
const notes = makeNotes(12, 13, 200);
const leak = join(dir, 'leak');
const config = join(dir, 'leakwatch.yaml');

interface Row {
  kind: string;
  ref: string;
  confidence: string;
  where: string;
}

function findings(stdout: string): Row[] {
  return stdout
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, any>)
    .map((f) => ({
      kind: f.kind,
      ref: f.record ?? f.document ?? f.term,
      confidence: f.confidence,
      where: [basename(f.source.path), f.source.entry].filter(Boolean).join(' > '),
    }))
    .sort((a, b) => `${a.where}${a.kind}${a.ref}`.localeCompare(`${b.where}${b.kind}${b.ref}`));
}

function writeLeak(ps: Patient[]): void {
  mkdirSync(leak, { recursive: true });
  const rng = createRng(5);
  // Semicolon CSV, reformatted: lower-case hetu, "SURNAME, First", Finnish dates, other phone forms, upper-case e-mail.
  writeFileSync(
    join(leak, 'dump-semicolon.csv'),
    ['hetu;nimi;syntynyt;puhelin;email']
      .concat(ps.slice(0, 10).map((p, i) => `${p.hetu.toLowerCase()};"${reverseName(p.full_name)}";${finnishDate(p.birth_date)};${reformatPhone(p.phone, i)};${p.email.toUpperCase()}`))
      .join('\r\n'),
  );
  // JSON Lines with nested objects and E.164 phones.
  writeFileSync(
    join(leak, 'export.jsonl'),
    ps
      .slice(10, 15)
      .map((p) => JSON.stringify({ id: p.hetu, contact: { mail: p.email, tel: reformatPhone(p.phone, 0).replace(/ /g, '') }, nimi: p.full_name }))
      .join('\n'),
  );
  // An HTML table: e-mail and name only.
  writeFileSync(
    join(leak, 'table.html'),
    `<html><body><table><tr><th>Name</th><th>Mail</th></tr>${ps
      .slice(15, 20)
      .map((p) => `<tr><td>${p.full_name}</td><td>${p.email}</td></tr>`)
      .join('')}</table><script>document.write('x')</script></body></html>`,
  );
  // Free text: a phone near the name (medium); an e-mail alone, far from anything of its record (low).
  const p20 = ps[20]!;
  const p21 = ps[21]!;
  writeFileSync(
    join(leak, 'post.txt'),
    `${makeFiller(rng, 60)}\nCall ${p20.full_name} at ${reformatPhone(p20.phone, 1)} about the invoice.\n${makeFiller(rng, 120)}\n` +
      `Contact: ${p21.email}\n${makeFiller(rng, 80)}\nBroken id: 131052-308A and 999999-9999.\n`,
  );
  // A zip holding a nested zip with a CSV (two patients) and a note excerpt, reformatted.
  const note = notes[3]!.text;
  const excerpt = note.slice(200, 360).toUpperCase().replace(/\. /g, ' ... ');
  const inner = zipSync({ 'patients.csv': strToU8(patientsCsv(ps.slice(22, 24))) });
  writeFileSync(
    join(leak, 'archive.zip'),
    zipSync({ 'inner/part2.zip': inner, 'story.txt': strToU8(`${makeFiller(rng, 50)}\n${excerpt}\n${makeFiller(rng, 50)}`) }),
  );
  // The canary, on a paste.
  writeFileSync(join(leak, 'paste.txt'), `${makeFiller(rng, 30)} ${canaries[0]!.email} ${makeFiller(rng, 10)}`);
}

describe('end to end through the CLI', () => {
  before(() => {
    mkdirSync(join(dir, 'clinic/notes'), { recursive: true });
    writeFileSync(join(dir, 'clinic/patients.csv'), patientsCsv(patients));
    writeFileSync(join(dir, 'clinic/canaries.csv'), patientsCsv(canaries));
    writeFileSync(join(dir, 'clinic/mapping.yaml'), CLINIC_MAPPING_YAML);
    for (const n of notes) writeFileSync(join(dir, 'clinic', n.ref), n.text);
    writeFileSync(
      config,
      `data_dir: var\norgs:\n  - id: clinic-a\n    key: { file: clinic-a.key }\n    watch_terms: ["Lakeside Therapy Centre"]\n    critical_records: 5\n`,
    );
    writeLeak(patients);
  });

  test('keygen, enroll, import', () => {
    const k = cli(['keygen', '--out', join(dir, 'clinic-a.key')]);
    assert.equal(k.code, 0, k.stderr);
    const e = cli([
      'enroll', '--org', 'clinic-a', '--key', join(dir, 'clinic-a.key'), '--records', join(dir, 'clinic/patients.csv'),
      '--mapping', join(dir, 'clinic/mapping.yaml'), '--documents', join(dir, 'clinic/notes'),
      '--canaries', join(dir, 'clinic/canaries.csv'), '--out', join(dir, 'clinic-a.lwb'),
    ]);
    assert.equal(e.code, 0, e.stderr);
    assert.match(e.stdout, /records 61 \(canaries 1\)/);
    const i = cli(['import', join(dir, 'clinic-a.lwb'), '--config', config]);
    assert.equal(i.code, 0, i.stderr);
    assert.match(i.stdout, /imported clinic-a: 61 records/);
    // enroll writes the current layout (aligned sections, fingerprints in key order): stored as it is.
    assert.doesNotMatch(i.stdout, /current bundle layout/);
  });

  test('scan --json finds exactly the leaked records, the excerpt and the canary', () => {
    const r = cli(['scan', '--json', leak, '--config', config]);
    assert.equal(r.code, 0, r.stderr);
    const rec = (p: Patient, confidence: string, where: string): Row => ({ kind: 'record', ref: p.patient_id, confidence, where });
    const expected: Row[] = [
      ...patients.slice(0, 10).map((p) => rec(p, 'high', 'dump-semicolon.csv')),
      ...patients.slice(10, 15).map((p) => rec(p, 'high', 'export.jsonl')),
      ...patients.slice(15, 20).map((p) => rec(p, 'medium', 'table.html')),
      rec(patients[20]!, 'medium', 'post.txt'),
      rec(patients[21]!, 'low', 'post.txt'),
      ...patients.slice(22, 24).map((p) => rec(p, 'high', 'archive.zip > inner/part2.zip!patients.csv')),
      { kind: 'document', ref: notes[3]!.ref.replace(/^notes\//, ''), confidence: 'low', where: 'archive.zip > story.txt' },
      { kind: 'canary', ref: canaries[0]!.patient_id, confidence: 'high', where: 'paste.txt' },
    ].sort((a, b) => `${a.where}${a.kind}${a.ref}`.localeCompare(`${b.where}${b.kind}${b.ref}`));
    const got = findings(r.stdout);
    // The excerpt's confidence depends on how much of the note it covers; assert kind and reference.
    const doc = got.find((f) => f.kind === 'document');
    assert.ok(doc, 'note excerpt found');
    doc.confidence = 'low';
    assert.deepEqual(got, expected);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    const severity = (w: string) => lines.find((l) => [basename(l.source.path), l.source.entry].filter(Boolean).join(' > ') === w)?.severity;
    assert.equal(severity('dump-semicolon.csv'), 'critical');
    assert.equal(severity('paste.txt'), 'critical');
    assert.equal(severity('archive.zip > story.txt'), 'high');
    for (const l of lines) assert.match(l.source.sha256, /^[0-9a-f]{64}$/);
  });

  test('scan --jobs 2 reports exactly what one thread reports; bad --jobs and a wrong key fail clearly', () => {
    const one = cli(['scan', '--json', '--no-store', leak, '--config', config]);
    const two = cli(['scan', '--json', '--no-store', '--jobs', '2', leak, '--config', config]);
    assert.equal(two.code, 0, two.stderr);
    assert.ok(findings(one.stdout).length > 20);
    assert.deepEqual(findings(two.stdout), findings(one.stdout));
    const bad = cli(['scan', '--jobs', '0', leak, '--config', config]);
    assert.equal(bad.code, 2, bad.stderr);
    assert.match(bad.stderr, /^leakwatch: LW_USAGE: --jobs must be/);
    assert.equal(cli(['keygen', '--out', join(dir, 'other-jobs.key')]).code, 0);
    const wrong = cli(['scan', '--no-store', '--jobs', '2', '--bundle', join(dir, 'clinic-a.lwb'), '--key', join(dir, 'other-jobs.key'), leak, '--config', config]);
    assert.notEqual(wrong.code, 0);
    assert.match(wrong.stderr, /^leakwatch: LW_KEY_MISMATCH: /);
    assert.equal(wrong.stderr.trim().split('\n').length, 1, wrong.stderr);
  });

  test('a reader that stops early (scan | head) ends the scan with LW_OUTPUT_CLOSED, not as an unreadable file', async () => {
    for (const jobs of ['1', '2']) {
      const child = spawn(process.execPath, ['--import', 'tsx', BIN, 'scan', '--json', '--no-store', '--jobs', jobs, leak, '--config', config]);
      // The reading end closes before the first finding is written: that write fails with EPIPE.
      child.stdout.destroy();
      let stderr = '';
      child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      assert.equal(code, 1, stderr);
      assert.equal(stderr, 'leakwatch: LW_OUTPUT_CLOSED: standard output was closed before the output ended (EPIPE); the rest of it was not written\n', `--jobs ${jobs}`);
    }
  });

  test('the human summary names files, records and severity', () => {
    const r = cli(['scan', leak, '--config', config, '--no-store']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /dump-semicolon\.csv[^\n]*\n\s+clinic-a: severity CRITICAL/);
    assert.match(r.stdout, /CANARY P-90000/);
    assert.match(r.stdout, /scanned 6 file\(s\)/);
  });

  test('inspect reports types and offsets, never values', () => {
    const r = cli(['inspect', '--json', join(leak, 'dump-semicolon.csv')]);
    assert.equal(r.code, 0, r.stderr);
    const hits = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { type: string; offset: number; length: number });
    const count = (t: string) => hits.filter((h) => h.type === t).length;
    assert.equal(count('fi_hetu'), 10);
    assert.equal(count('email'), 10);
    assert.ok(count('phone') >= 10);
    for (const p of patients.slice(0, 10)) {
      assert.ok(!r.stdout.includes(p.email.toUpperCase()) && !r.stdout.toLowerCase().includes(p.hetu.toLowerCase()));
    }
    // Offsets are UTF-8 byte offsets into the extracted text: CSV rows become tab-joined cells, one per line.
    const extracted = Buffer.from(
      readFileSync(join(leak, 'dump-semicolon.csv'), 'utf8')
        .split('\r\n')
        .map((line) => `${line.replace(/"/g, '').split(';').join('\t')}\n`)
        .join(''),
    );
    const leakedHetus = new Set(patients.slice(0, 10).map((p) => p.hetu.toLowerCase()));
    for (const h of hits.filter((x) => x.type === 'fi_hetu')) {
      assert.ok(leakedHetus.has(extracted.subarray(h.offset, h.offset + h.length).toString()), `hetu at ${h.offset}`);
    }
  });

  test('neither the bundle nor the store holds any enrolled value in any normalized form, or any note text', () => {
    // Everything under the data directory: the database and the imported bundle's file under bundles/.
    const under = (d: string): string[] => readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? under(join(d, e.name)) : [join(d, e.name)]));
    const files = [join(dir, 'clinic-a.lwb'), ...under(join(dir, 'var'))];
    assert.ok(files.some((f) => f.includes(`${join('var', 'bundles')}/`)), 'the store keeps the bundle in a file');
    assert.ok(files.length >= 3);
    const needles = new Set<string>();
    for (const p of [...patients, ...canaries]) {
      for (const v of [p.hetu, p.email, p.phone, p.full_name, p.birth_date, p.mrn, finnishDate(p.birth_date), reverseName(p.full_name)]) needles.add(v);
      for (const [t, v, region] of [
        ['fi_hetu', p.hetu, undefined], ['email', p.email, undefined], ['phone', p.phone, 'FI'], ['name', p.full_name, undefined], ['date', p.birth_date, undefined],
      ] as const) {
        const n = normalizeValue(t, v, { region });
        if (n) needles.add(n);
      }
      for (const tok of nameTokens(p.full_name)) if (tok.length >= 5) needles.add(tok);
    }
    for (const n of notes) {
      const body = n.text.slice(n.text.indexOf('\n\n') + 2);
      const norm = normalizeText(body);
      for (let i = 0; i + 40 <= body.length; i += 40) needles.add(body.slice(i, i + 40));
      for (let i = 0; i + 40 <= norm.length; i += 40) needles.add(norm.slice(i, i + 40));
    }
    let hits = 0;
    for (const f of files) {
      const bytes = readFileSync(f);
      for (const needle of needles) if (bytes.includes(Buffer.from(needle, 'utf8'))) hits++;
    }
    assert.ok(needles.size > 500);
    assert.equal(hits, 0);
  });
});

describe('bad input gets a one-line error, a non-zero exit and nothing half-written', () => {
  const bad = join(dir, 'bad');
  mkdirSync(bad, { recursive: true });
  const key = join(bad, 'k.key');
  const records = join(bad, 'r.csv');
  const run = (mapping: string, out = join(bad, 'out.lwb'), rec = records) => {
    writeFileSync(join(bad, 'm.yaml'), mapping);
    return cli(['enroll', '--org', 'x', '--key', key, '--records', rec, '--mapping', join(bad, 'm.yaml'), '--out', out]);
  };
  before(() => {
    cli(['keygen', '--out', key]);
    writeFileSync(records, patientsCsv(patients.slice(0, 3)));
  });
  const oneLine = (r: { code: number; stderr: string }, code: string, where: RegExp) => {
    assert.notEqual(r.code, 0);
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0]!, new RegExp(`^leakwatch: ${code}: `));
    assert.match(lines[0]!, where);
  };

  test('missing column', () => {
    oneLine(run('record_id: patient_id\nfields:\n  - { column: nope, type: email, role: primary }\n'), 'LW_MAPPING_INVALID', /r\.csv: column\(s\) 'nope'/);
    assert.ok(!existsSync(join(bad, 'out.lwb')));
  });
  test('unknown type', () => oneLine(run('record_id: patient_id\nfields:\n  - { column: email, type: passport, role: primary }\n'), 'LW_MAPPING_INVALID', /m\.yaml: fields\[0\]\.type/));
  test('unsafe custom pattern', () =>
    oneLine(run("record_id: patient_id\nfields:\n  - { column: mrn, type: custom, role: primary, pattern: '(a+)+$' }\n"), 'LW_PATTERN_UNSAFE', /fields\[0\]\.pattern/));
  test('unreadable records file', () =>
    oneLine(run('record_id: patient_id\nfields:\n  - { column: email, type: email, role: primary }\n', join(bad, 'o2.lwb'), join(bad, 'missing.csv')), 'LW_(FILE_UNREADABLE|RECORDS_INVALID)', /missing\.csv/));
  test('wrong key at import', () => {
    const other = join(bad, 'other.key');
    cli(['keygen', '--out', other]);
    const cfg = join(bad, 'cfg.yaml');
    writeFileSync(cfg, `data_dir: var\norgs:\n  - id: clinic-a\n    key: { file: ${other} }\n`);
    oneLine(cli(['import', join(dir, 'clinic-a.lwb'), '--config', cfg]), 'LW_KEY_MISMATCH', /clinic-a\.lwb/);
    assert.ok(!existsSync(join(bad, 'var', 'leakwatch.sqlite')));
  });
  test('bundle of another version', () => {
    const bytes = readFileSync(join(dir, 'clinic-a.lwb'));
    bytes.writeUInt32LE(7, 8);
    writeFileSync(join(bad, 'v7.lwb'), bytes);
    oneLine(cli(['import', join(bad, 'v7.lwb'), '--config', config]), 'LW_BUNDLE_VERSION', /v7\.lwb: bundle format version 7/);
  });
  test('corrupt archive during scan is reported and the scan goes on', () => {
    const d = join(bad, 'scan');
    mkdirSync(d, { recursive: true });
    writeFileSync(join(d, 'a-broken.zip'), Buffer.concat([Buffer.from('PK\x03\x04'), Buffer.alloc(200, 7)]));
    writeFileSync(join(d, 'b-good.txt'), `mail ${patients[0]!.email}`);
    const r = cli(['scan', '--json', d, '--config', config, '--no-store']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /LW_EXTRACT_CORRUPT: .*a-broken\.zip/);
    assert.equal(findings(r.stdout).filter((f) => f.where === 'b-good.txt').length, 1);
  });
});
