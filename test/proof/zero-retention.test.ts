/**
 * Promise: leakwatch never keeps or passes on leaked content. A synthetic
 * clinic whose records and notes carry unique canary strings is enrolled; a
 * simulated leak site posts its records and notes (HTML pages, CSV, DOCX, PDF,
 * zip, text, gzip transfer encoding) and is crawled through the loopback SOCKS5
 * proxy (and once through a private Tor network, when `tor` is installed); the
 * same data in every format extract() reads is scanned offline; alerts go to
 * every sink (webhook, e-mail, Slack, Teams both formats, syslog UDP/TCP/TLS,
 * RFC 5424 and CEF, an operator webhook) on real loopback receivers; STIX and
 * MISP exports are written. Every byte written is then searched: the SQLite
 * store with its -wal and -shm (kept alive by an open reader), every log line,
 * every command's output, every payload received, the children's TMPDIR, the
 * bundle. Needles: each canary, each identifier value in every written and
 * normalized form, and every 40-character window of every note (as written
 * and normalized). Zero hits is the pass; a positive control shows the search
 * finds the same needles where content does exist.
 */
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { after, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { runCrawlDemo } from '../../src/demo/crawl-demo.js';
import { makeNotes, makePatients, patientsCsv, CLINIC_MAPPING_YAML, type Note, type Patient } from '../../src/demo/synthetic-clinic.js';
import { loadOrgKey } from '../../src/keys/key-source.js';
import { loadOrgIndex } from '../../src/matcher/org-index.js';
import { startLeakSite } from '../../src/sim/leak-site/server.js';
import { TOR_BIN, TOR_GENCERT_BIN } from '../../src/sim/tor-network.js';
import { startSocks5Server } from '../../src/sim/socks5-server.js';
import { Store } from '../../src/store/store.js';
import { httpReceiver, smtpReceiver, streamSyslog, testCert, udpSyslog, until } from '../alerts/receivers.js';
import { makeDocx, makePdf, makeXlsx, makeZip } from '../fixtures/make-fixtures.js';
import { onion } from '../support/crawl-env.js';
import { fileHaystack, filesUnder, identifierNeedles, mailDecoded, noteWindows, search } from '../support/proof-needles.js';
import { table } from '../support/proof-measure.js';

const BIN = join(import.meta.dirname, '../../src/cli/bin.ts');
const figures: (string | number)[][] = [['run', 'files searched', 'bytes searched', 'needles', 'note windows', 'hits']];

/** A token no other text contains. */
const canaryToken = () => `zq${randomBytes(6).toString('hex')}`;

/** Runs the CLI as a child with its own TMPDIR; returns exit code and both streams (kept as written output). */
function run(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const c = spawn(process.execPath, ['--import', 'tsx', BIN, ...args], { env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    c.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    c.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    c.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/** The clinic's data in every format extract() reads, for the offline scan. */
function leakFiles(dir: string, patients: readonly Patient[], notes: readonly Note[]): void {
  mkdirSync(dir, { recursive: true });
  const csv = patientsCsv(patients);
  const rows = patients.map((p) => [p.patient_id, p.hetu, p.full_name, p.email, p.phone, p.birth_date, p.mrn]);
  const header = ['patient_id', 'hetu', 'full_name', 'email', 'phone', 'birth_date', 'mrn'];
  writeFileSync(join(dir, 'patients.csv'), csv);
  writeFileSync(join(dir, 'patients-semicolon.csv'), patientsCsv(patients.slice(0, 8), ';'));
  writeFileSync(join(dir, 'patients.json'), JSON.stringify(patients.slice(0, 8)));
  writeFileSync(join(dir, 'patients.jsonl'), patients.slice(8, 16).map((p) => JSON.stringify(p)).join('\n'));
  writeFileSync(join(dir, 'patients.xlsx'), makeXlsx([{ name: 'Patients', rows: [header, ...rows.slice(0, 10)] }]));
  writeFileSync(join(dir, 'patients.html'), `<html><body><table><tr>${header.map((h) => `<th>${h}</th>`).join('')}</tr>${rows.slice(10, 18).map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('')}</table><p>${notes[0]!.text}</p></body></html>`);
  writeFileSync(join(dir, 'note-1.docx'), makeDocx(notes[1]!.text.split('\n')));
  writeFileSync(join(dir, 'note-2.pdf'), makePdf(notes[2]!.text.split('\n').filter(Boolean)));
  writeFileSync(join(dir, 'note-3.txt'), notes[3]!.text);
  writeFileSync(join(dir, 'patients.csv.gz'), gzipSync(csv));
  const inner = makeZip({ 'deep/patients.csv': csv, 'deep/note.txt': notes[0]!.text });
  writeFileSync(join(dir, 'dump.zip'), makeZip({ 'export/patients.csv': csv, 'notes/n1.docx': makeDocx([notes[1]!.text]), 'nested.zip': inner }));
}

describe('zero raw retention, end to end', () => {
  const D = mkdtempSync(join(tmpdir(), 'lw-zero-'));
  const tmp = join(D, 'tmp');
  mkdirSync(tmp);
  const streams: { where: string; text: string; bytes: number }[] = [];
  const keep = (where: string, text: string) => streams.push({ where, text, bytes: Buffer.byteLength(text) });

  // The clinic: canary tokens inside the e-mail addresses and every note, plus canary records.
  const tokens: string[] = [];
  const patients = makePatients(24, 611).map((p) => {
    const t = canaryToken();
    tokens.push(t);
    const [user, domain] = p.email.split('@');
    return { ...p, email: `${user}.${t}@${domain}` };
  });
  const canaries = makePatients(2, 612, 90_000);
  const notes = makeNotes(4, 613, 160).map((n) => {
    const t = canaryToken().toUpperCase();
    tokens.push(t);
    return { ...n, text: n.text.replace('\n\n', `\n\nReference ${t}. `) };
  });
  const needles = new Set([...tokens, ...identifierNeedles([...patients, ...canaries])]);
  const windows = noteWindows(notes);

  test('crawl (SOCKS5), offline scan of every format, every sink, exports: zero hits in every byte written', { timeout: 120_000 }, async () => {
    // Inputs (the organization's own plaintext; not part of what leakwatch writes).
    const input = join(D, 'input');
    mkdirSync(join(input, 'notes'), { recursive: true });
    writeFileSync(join(input, 'patients.csv'), patientsCsv(patients));
    writeFileSync(join(input, 'canaries.csv'), patientsCsv(canaries));
    writeFileSync(join(input, 'mapping.yaml'), CLINIC_MAPPING_YAML);
    for (const n of notes) writeFileSync(join(input, n.ref), n.text);
    leakFiles(join(D, 'leak'), [...patients, ...canaries], notes);

    const secret = 'zero-retention-secret';
    const hook = await httpReceiver({ secret });
    const chat = await httpReceiver();
    const ops = await httpReceiver({ secret });
    const smtp = await smtpReceiver({ secure: false, user: 'lw', pass: 'pw' });
    const udp = await udpSyslog();
    const tcp = await streamSyslog(false);
    const tls = await streamSyslog(true);
    const site = await startLeakSite({ shape: 'ransomware-blog', patients: [...canaries, ...patients], notes, victimName: 'Lakeside Therapy Centre', posts: 6 });
    const socks = await startSocks5Server({ resolve: (h) => (h === onion('a') ? { host: '127.0.0.1', port: site.port } : null) });
    let reader: Database.Database | null = null;
    try {
      const out = join(D, 'out');
      mkdirSync(out);
      const cfgPath = join(D, 'leakwatch.yaml');
      const ca = testCert().certFile;
      writeFileSync(
        cfgPath,
        [
          `data_dir: ${join(D, 'var')}`,
          'log: { level: trace }',
          'orgs:',
          '  - id: clinic-a',
          `    key: { file: ${join(D, 'clinic-a.key')} }`,
          '    watch_terms: ["Lakeside Therapy Centre"]',
          '    alerts:',
          '      sinks:',
          `        - { type: webhook, name: hook, url: "${hook.url}", secret: { env: LW_S } }`,
          `        - { type: email, name: mail, host: 127.0.0.1, port: ${smtp.port}, username: lw, password: { env: LW_SMTP }, from: lw@example.invalid, to: [soc@example.invalid], ca_file: ${ca} }`,
          '        - { type: slack, name: slack, url: { env: LW_SLACK } }',
          '        - { type: teams, name: teams, url: { env: LW_TEAMS } }',
          '        - { type: teams, name: legacy, url: { env: LW_LEGACY }, format: message_card }',
          `        - { type: syslog, name: udp, host: 127.0.0.1, port: ${udp.port}, transport: udp }`,
          `        - { type: syslog, name: cef, host: 127.0.0.1, port: ${tcp.port}, transport: tcp, format: cef }`,
          `        - { type: syslog, name: tls, host: 127.0.0.1, port: ${tls.port}, transport: tls, ca_file: ${ca} }`,
          'operator:',
          `  sinks: [ { type: webhook, name: ops, url: "${ops.url}", secret: { env: LW_S } } ]`,
          'sites:',
          `  - { name: sim, locations: ["http://${onion('a')}/"], profile: ransomware-blog, limits: { min_delay_ms: 0, concurrency: 2 } }`,
          '',
        ].join('\n'),
      );
      const env = {
        TMPDIR: tmp,
        LEAKWATCH_TOR_SOCKS_URL: `socks5h://127.0.0.1:${socks.port}`,
        LW_S: secret,
        LW_SMTP: 'pw',
        LW_SLACK: `${chat.url}/slack`,
        LW_TEAMS: `${chat.url}/teams`,
        LW_LEGACY: `${chat.url}/legacy`,
      };
      const step = async (name: string, args: string[]) => {
        const r = await run(args, env);
        keep(`${name}: stdout`, r.stdout);
        keep(`${name}: stderr`, r.stderr);
        assert.equal(r.code, 0, `${name}: ${r.stderr}`);
        return r;
      };
      await step('keygen', ['keygen', '--out', join(D, 'clinic-a.key')]);
      await step('enroll', ['enroll', '--org', 'clinic-a', '--key', join(D, 'clinic-a.key'), '--records', join(input, 'patients.csv'), '--canaries', join(input, 'canaries.csv'), '--mapping', join(input, 'mapping.yaml'), '--documents', join(input, 'notes'), '--out', join(out, 'clinic-a.lwb')]);
      await step('import', ['import', join(out, 'clinic-a.lwb'), '--config', cfgPath]);
      // An open reader keeps -wal and -shm on disk (the last connection to close would remove them).
      reader = new Database(join(D, 'var', 'leakwatch.sqlite'), { readonly: true });
      const crawl = await step('crawl', ['crawl', '--site', 'sim', '--config', cfgPath]);
      const found = crawl.stdout.trim().split('\n').map((l) => JSON.parse(l) as { kind: string; record?: string });
      for (const id of site.manifest.leakedPatientIds) assert.ok(found.some((f) => f.record === id), `crawl found ${id}`);
      assert.ok(found.some((f) => f.kind === 'canary'), 'the canary record was found');
      assert.ok(found.some((f) => f.kind === 'document'), 'the notes were found');
      const scan = await step('scan', ['scan', join(D, 'leak'), '--config', cfgPath]);
      assert.match(scan.stdout, /CANARY/);
      await step('alerts list', ['alerts', 'list', '--json', '--all', '--config', cfgPath]);
      await step('export stix', ['alerts', 'export', '--format', 'stix', '--out', join(out, 'stix.json'), '--config', cfgPath]);
      await step('export misp', ['alerts', 'export', '--format', 'misp', '--out', join(out, 'misp.json'), '--config', cfgPath]);
      await step('status', ['status', '--config', cfgPath]);
      await until(() => tcp.messages.length > 0 && tls.messages.length > 0 && udp.messages.length > 0, 10_000);
      for (const [name, n] of [['webhook', hook.requests.length], ['chat', chat.requests.length], ['mail', smtp.mails.length], ['udp', udp.messages.length], ['tcp', tcp.messages.length], ['tls', tls.messages.length]] as const) {
        assert.ok(n > 0, `${name} received alerts`);
      }

      // Everything received, as the receivers got it.
      for (const r of [hook, chat, ops]) for (const q of r.requests) keep(`http ${q.headers['user-agent'] ?? ''}`, `${JSON.stringify(q.headers)}\n${q.body}`);
      for (const m of smtp.mails) keep('smtp', mailDecoded(m.raw));
      for (const m of [...udp.messages, ...tcp.messages, ...tls.messages]) keep('syslog', m);

      const files = [...filesUnder(join(D, 'var')), ...filesUnder(tmp), ...filesUnder(out)];
      assert.ok(files.some((f) => f.path.endsWith('-wal')) && files.some((f) => f.path.endsWith('-shm')), 'the -wal and -shm files are searched');
      const result = search([...files.map((f) => fileHaystack(f.path)), ...streams], needles, windows);
      figures.push(['crawl + scan + sinks + exports', result.files, result.bytes, needles.size, windows.size, result.hits.length]);
      assert.deepEqual(result.hits, [], 'no canary, identifier value or note text in anything written');

      // Positive control: the same search finds the needles where the content does exist.
      const control = new Database(join(D, 'control.sqlite'));
      control.exec('CREATE TABLE t (v TEXT)');
      for (const f of filesUnder(join(D, 'leak'))) control.prepare('INSERT INTO t VALUES (?)').run(readFileSync(f.path).toString('latin1'));
      for (const n of notes) control.prepare('INSERT INTO t VALUES (?)').run(n.text);
      control.close();
      const positive = search([fileHaystack(join(D, 'control.sqlite')), fileHaystack(join(D, 'leak', 'patients.csv'))], needles, windows);
      figures.push(['positive control (content stored on purpose)', positive.files, positive.bytes, needles.size, windows.size, positive.hits.length]);
      assert.ok(positive.hits.length > 0, 'the search does find needles where they are');
    } finally {
      reader?.close();
      for (const r of [hook, chat, ops, smtp]) await r.close();
      await udp.close();
      await tcp.close();
      await tls.close();
      await site.close();
      await socks.close();
    }
  });

  test('once through a private Tor network (runCrawlDemo): zero hits in its store and temp files', { timeout: 150_000, skip: !(existsSync(TOR_BIN) && existsSync(TOR_GENCERT_BIN)) && 'no tor binary' }, async () => {
    const bundle = join(D, 'out', 'clinic-a.lwb');
    const key = loadOrgKey({ file: join(D, 'clinic-a.key') });
    const org = loadOrgIndex(readFileSync(bundle), key, { where: 'bundle', watchTerms: ['Lakeside Therapy Centre'] });
    const torTmp = join(D, 'tmp-tor');
    mkdirSync(torTmp);
    const dataDir = join(D, 'var-tor');
    const store = Store.open(dataDir);
    const reader = new Database(join(dataDir, 'leakwatch.sqlite'), { readonly: true });
    const oldTmp = process.env.TMPDIR;
    // The Tor network's own files go under this run's TMPDIR too.
    process.env.TMPDIR = torTmp;
    const said: string[] = [];
    try {
      const r = await runCrawlDemo({ patients: [...patients, ...canaries], notes, store, org, say: (l) => said.push(l) });
      assert.ok(r.viaTor, 'crawled through the private Tor network');
      assert.ok(r.first.found.some((f) => f.kind === 'record'));
      assert.ok(r.first.found.some((f) => f.kind === 'document'));
      keep('demo output', said.join('\n'));
      const files = [...filesUnder(dataDir), ...filesUnder(torTmp)];
      const result = search([...files.map((f) => fileHaystack(f.path)), { where: 'demo output', text: said.join('\n'), bytes: Buffer.byteLength(said.join('\n')) }], needles, windows);
      figures.push([`Tor crawl (bootstrap ${((r.bootstrapMs ?? 0) / 1000).toFixed(1)} s)`, result.files, result.bytes, needles.size, windows.size, result.hits.length]);
      assert.deepEqual(result.hits, []);
    } finally {
      if (oldTmp === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = oldTmp;
      reader.close();
      store.close();
    }
  });

  after(() => {
    rmSync(D, { recursive: true, force: true });
    console.log(`\nzero raw retention\n${table(figures)}\n`);
  });
});
