/**
 * The canary-string test: real enrollment and a real scan of a synthetic leak
 * produce the findings; every sink then delivers them to a real receiver.
 * None of the identifier values, names or note text that produced the
 * findings may appear in anything any receiver got, in the exports, or in
 * any log line.
 */
import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { alertDetail, listAlerts } from '../../src/alerts/alert-queries.js';
import { buildAlertPayload } from '../../src/alerts/build-payload.js';
import { DeliveryWorker } from '../../src/alerts/delivery-worker.js';
import { mispEvent } from '../../src/alerts/export-misp.js';
import { stixBundle } from '../../src/alerts/export-stix.js';
import { recordFindings, type DocumentSimhash } from '../../src/alerts/record-findings.js';
import type { AlertPayload } from '../../src/alerts/types.js';
import { CLINIC_MAPPING_YAML, makeNotes, makePatients, NOTE_TEMPLATE_HEADER, patientsCsv } from '../../src/demo/synthetic-clinic.js';
import { enroll } from '../../src/enroll/enroll.js';
import { parseMapping } from '../../src/enroll/mapping.js';
import { createLogger } from '../../src/log/logger.js';
import type { Finding } from '../../src/matcher/findings.js';
import { loadOrgIndex } from '../../src/matcher/org-index.js';
import { scanPaths } from '../../src/scan/scan-files.js';
import type { ScannedDocument } from '../../src/store/store.js';
import { alertConfig, tempStore } from './fixtures.js';
import { httpReceiver, smtpReceiver, streamSyslog, testCert, udpSyslog, until } from './receivers.js';

test('no identifier value, name or note text reaches any sink, export or log line', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'lw-canary-'));
  const patients = makePatients(30, 71);
  const canaryPatients = makePatients(1, 72, 90_000);
  const notes = makeNotes(3, 73, 200);
  mkdirSync(join(dir, 'docs/notes'), { recursive: true });
  writeFileSync(join(dir, 'records.csv'), patientsCsv(patients));
  writeFileSync(join(dir, 'canaries.csv'), patientsCsv(canaryPatients));
  for (const n of notes) writeFileSync(join(dir, 'docs', n.ref), n.text);
  const key = randomBytes(32);
  await enroll({
    org: 'clinic-a',
    key,
    mapping: parseMapping(parseYaml(CLINIC_MAPPING_YAML), 'mapping'),
    recordFiles: [join(dir, 'records.csv')],
    canaryFiles: [join(dir, 'canaries.csv')],
    documentsDir: join(dir, 'docs'),
    out: join(dir, 'bundle.lwb'),
  });
  const org = loadOrgIndex(readFileSync(join(dir, 'bundle.lwb')), key, { where: 'bundle', watchTerms: ['Lakeside Therapy Centre'], criticalRecords: 10 });

  // The leak: the records (and the canary) as a dump, and one note pasted into a forum post.
  const leak = join(dir, 'leak');
  mkdirSync(leak);
  writeFileSync(join(leak, 'patients-export.csv'), patientsCsv([...patients.slice(0, 20), ...canaryPatients], ';'));
  writeFileSync(join(leak, 'post.txt'), `Lakeside Therapy Centre got owned. Sample:\n${notes[0]!.text}`);
  const findings: Finding[] = [];
  const docs: ScannedDocument[] = [];
  const simhashes: DocumentSimhash[] = [];
  await scanPaths([leak], {
    orgs: [org],
    onDocument: (r, d) => {
      findings.push(...r.findings);
      docs.push(d);
      for (const h of r.simhashes) simhashes.push({ ...h, sha256: r.sha256 });
    },
  });
  assert.ok(findings.some((f) => f.kind === 'canary'), 'the canary was found');
  assert.ok(findings.some((f) => f.kind === 'document'), 'the note excerpt was found');
  assert.ok(findings.filter((f) => f.kind === 'record').length >= 20, 'the records were found');

  // Everything that must never leave: identifier values, names, note text (beyond the org's own boilerplate header).
  const canaries = new Set<string>();
  for (const p of [...patients, ...canaryPatients]) for (const v of [p.hetu, p.full_name, p.email, p.phone, p.birth_date, p.mrn]) canaries.add(v);
  for (const n of notes) {
    const body = n.text.replace(NOTE_TEMPLATE_HEADER, '').trim().split(/\s+/);
    for (let i = 0; i + 5 <= body.length; i += 5) canaries.add(body.slice(i, i + 5).join(' '));
  }
  // The canaries are real strings of the leak, so the search below would find them if they were passed on.
  const leakText = readFileSync(join(leak, 'post.txt'), 'utf8') + readFileSync(join(leak, 'patients-export.csv'), 'utf8');
  assert.ok([...canaries].filter((c) => leakText.includes(c)).length > 100);
  const logLines: string[] = [];
  const log = createLogger({
    level: 'trace',
    destination: new Writable({
      write(chunk, _e, cb) {
        logLines.push(String(chunk));
        cb();
      },
    }),
  });

  const secret = 'canary-test-secret';
  const hook = await httpReceiver({ secret });
  const flaky = await httpReceiver({ secret, respond: (n) => (n === 0 ? 500 : 200) });
  const rejecting = await httpReceiver({ respond: () => 422 });
  const chat = await httpReceiver();
  const ops = await httpReceiver({ secret });
  const smtp = await smtpReceiver({ secure: false, user: 'lw', pass: 'pw' });
  const udp = await udpSyslog();
  const tcp = await streamSyslog(false);
  const store = tempStore();
  t.after(async () => {
    for (const r of [hook, flaky, rejecting, chat, ops, smtp]) await r.close();
    await udp.close();
    await tcp.close();
    store.close();
  });
  const env = { S: secret, SMTP: 'pw', SLACK: `${chat.url}/slack`, TEAMS: `${chat.url}/teams`, LEGACY: `${chat.url}/legacy` };
  const cfg = alertConfig({
    orgs: [{
      id: 'clinic-a',
      sinks: [
        { type: 'webhook', name: 'hook', url: hook.url, secret: { env: 'S' } },
        { type: 'webhook', name: 'flaky', url: flaky.url, secret: { env: 'S' } },
        { type: 'webhook', name: 'rejecting', url: rejecting.url, secret: { env: 'S' } },
        { type: 'email', name: 'mail', host: '127.0.0.1', port: smtp.port, username: 'lw', password: { env: 'SMTP' }, from: 'lw@example.invalid', to: ['soc@example.invalid'], ca_file: testCert().certFile },
        { type: 'slack', name: 'slack', url: { env: 'SLACK' } },
        { type: 'teams', name: 'teams', url: { env: 'TEAMS' } },
        { type: 'teams', name: 'legacy', url: { env: 'LEGACY' }, format: 'message_card' },
        { type: 'syslog', name: 'udp', host: '127.0.0.1', port: udp.port, transport: 'udp' },
        { type: 'syslog', name: 'cef', host: '127.0.0.1', port: tcp.port, transport: 'tcp', format: 'cef' },
      ],
    }],
    operator: [{ type: 'webhook', name: 'ops', url: ops.url, secret: { env: 'S' } }],
    retry: { max_attempts: 3, base_ms: 10, max_ms: 20 },
  });
  recordFindings(store, { findings, docs, simhashes }, { config: cfg });
  const w = new DeliveryWorker({ store, config: cfg, env, log });
  for (let i = 0; i < 6; i++) {
    await w.drainOnce();
    await new Promise((r) => setTimeout(r, 30));
  }
  const alerts = listAlerts(store.db);
  assert.equal(alerts.length, 2, 'one alert per leaked document');
  await until(() => udp.messages.length === 2 && tcp.messages.length === 2);
  assert.equal(hook.requests.length, 2);
  assert.equal(flaky.requests.length, 3, 'one 500, then both delivered');
  assert.equal(smtp.mails.length, 2);
  assert.equal(chat.requests.length, 6);
  assert.equal(ops.requests.length, 2, 'the rejected deliveries reached the operator');

  const payloads = alerts.map((a) => buildAlertPayload(store.db, a.id)!) as AlertPayload[];
  assert.ok(payloads.some((p) => p.canaries.length === 1 && p.severity === 'critical'));
  assert.ok(payloads.some((p) => p.documents.some((d) => d.ref === notes[0]!.ref)));
  const everything = [
    ...[hook, flaky, rejecting, chat, ops].flatMap((r) => r.requests.map((q) => `${JSON.stringify(q.headers)}\n${q.body}`)),
    ...smtp.mails.map((m) => m.raw),
    ...udp.messages,
    ...tcp.messages,
    JSON.stringify(stixBundle(payloads, new Map([['clinic-a', 'Lakeside Therapy Centre']]), new Date(), '0.0.0')),
    JSON.stringify(mispEvent(payloads, new Map(), new Date())),
    ...alerts.map((a) => JSON.stringify(alertDetail(store.db, a.id))),
    ...logLines,
  ];
  assert.ok(logLines.length >= 10, 'the worker did log');
  // Mail bodies are quoted-printable: undo soft breaks so a value split across lines would still be caught.
  const haystack = everything.join('\n').replace(/=\r?\n/g, '');
  const leaked = [...canaries].filter((c) => haystack.includes(c));
  assert.deepEqual(leaked, [], 'no content in any payload, export or log line');
  // And the references that should be there, are.
  assert.ok(haystack.includes(patients[0]!.patient_id));
});
