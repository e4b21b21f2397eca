import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { DeliveryWorker } from '../../src/alerts/delivery-worker.js';
import { recordFindings } from '../../src/alerts/record-findings.js';
import { alertConfig, docOf, outbox, recordFinding, tempStore } from './fixtures.js';
import { httpReceiver, smtpReceiver, testCert } from './receivers.js';

const env = { LW_SMTP_PASS: 's3cret-pass', LW_SLACK_URL: '', LW_TEAMS_URL: '' };
const SRC = { url: 'http://aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.onion/post/7', bytes: 'dump 7' };

function seed(store: ReturnType<typeof tempStore>, cfg: ReturnType<typeof alertConfig>): string {
  const fs = [recordFinding('clinic-a', 'P-100', SRC), { ...recordFinding('clinic-a', 'NOTE-4', SRC), kind: 'document' as const, record: undefined, document: 'NOTE-4', overlap: 0.42 }];
  return recordFindings(store, { findings: fs, docs: [docOf(fs[0]!)] }, { config: cfg }).alerts[0]!.id;
}

/** Undoes quoted-printable soft breaks and escapes, enough to search a part's text. */
const unqp = (s: string) => s.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));

/** The decoded body of the MIME part with the given content type. */
function part(raw: string, type: string): string | undefined {
  const boundary = /boundary="([^"]+)"/.exec(raw)?.[1];
  if (!boundary) return undefined;
  for (const p of raw.split(`--${boundary}`)) {
    const split = p.indexOf('\r\n\r\n');
    if (split > 0 && new RegExp(`Content-Type: ${type}`, 'i').test(p.slice(0, split))) return unqp(p.slice(split + 4));
  }
  return undefined;
}

for (const security of ['starttls', 'tls'] as const) {
  test(`email over SMTP (${security}) with AUTH: plain-text and HTML parts, idempotency header`, async (t) => {
    const smtp = await smtpReceiver({ secure: security === 'tls', user: 'leakwatch', pass: env.LW_SMTP_PASS });
    const store = tempStore();
    t.after(async () => {
      await smtp.close();
      store.close();
    });
    const cfg = alertConfig({
      orgs: [{
        id: 'clinic-a',
        sinks: [{ type: 'email', name: 'mail', host: '127.0.0.1', port: smtp.port, security, username: 'leakwatch', password: { env: 'LW_SMTP_PASS' }, from: 'leakwatch@example.invalid', to: ['soc@example.invalid'], ca_file: testCert().certFile }],
      }],
    });
    const id = seed(store, cfg);
    const r = await new DeliveryWorker({ store, config: cfg, env }).drainOnce();
    assert.equal(r.delivered, 1, outbox(store)[0]?.last_error ?? '');
    assert.equal(smtp.mails.length, 1);
    const m = smtp.mails[0]!;
    assert.equal(m.secure, true, 'the session was encrypted');
    assert.equal(m.user, 'leakwatch');
    assert.deepEqual(m.to, ['soc@example.invalid']);
    assert.match(m.raw, /^Subject: \[leakwatch\] leakwatch HIGH: leak sighting for clinic-a/m);
    assert.match(m.raw, /Content-Type: multipart\/alternative/);
    const key = outbox(store)[0]!.idempotency_key;
    assert.match(m.raw, new RegExp(`^X-Leakwatch-Idempotency-Key: ${key}`, 'm'));
    assert.match(m.raw, new RegExp(`^Message-ID: <${key}@leakwatch.invalid>`, 'm'));
    const plain = part(m.raw, 'text/plain');
    const html = part(m.raw, 'text/html');
    assert.ok(plain && html, 'both parts present');
    assert.match(plain, new RegExp(`Alert\\s+${id} \\(revision 1\\)`));
    assert.match(plain, /record P-100 high \[fi_hetu, name\]/);
    assert.match(plain, /document NOTE-4 high overlap 42\.0%/);
    assert.ok(!plain.includes('<td>'));
    assert.match(html, /<th align="left">Organization<\/th><td>clinic-a<\/td>/);
  });
}

test('email: a wrong password is a permanent failure (no retry)', async (t) => {
  const smtp = await smtpReceiver({ secure: false, user: 'leakwatch', pass: 'right' });
  const store = tempStore();
  t.after(async () => {
    await smtp.close();
    store.close();
  });
  const cfg = alertConfig({
    orgs: [{ id: 'clinic-a', sinks: [{ type: 'email', host: '127.0.0.1', port: smtp.port, username: 'leakwatch', password: { env: 'LW_SMTP_PASS' }, from: 'a@example.invalid', to: ['b@example.invalid'], ca_file: testCert().certFile }] }],
  });
  seed(store, cfg);
  const r = await new DeliveryWorker({ store, config: cfg, env }).drainOnce();
  assert.equal(r.failed, 1);
  assert.match(outbox(store).find((o) => o.channel === 'alert')!.last_error!, /mail via 127\.0\.0\.1: SMTP 535/);
});

test('Slack gets Block Kit with a text fallback; Teams an Adaptive Card or a MessageCard', async (t) => {
  const rx = await httpReceiver();
  const store = tempStore();
  t.after(async () => {
    await rx.close();
    store.close();
  });
  const e = { LW_SLACK_URL: `${rx.url}/slack`, LW_TEAMS_URL: `${rx.url}/teams`, LW_TEAMS_LEGACY: `${rx.url}/legacy` };
  const cfg = alertConfig({
    orgs: [{
      id: 'clinic-a',
      sinks: [
        { type: 'slack', name: 'slack', url: { env: 'LW_SLACK_URL' } },
        { type: 'teams', name: 'teams', url: { env: 'LW_TEAMS_URL' } },
        { type: 'teams', name: 'legacy', url: { env: 'LW_TEAMS_LEGACY' }, format: 'message_card' },
      ],
    }],
  });
  const id = seed(store, cfg);
  assert.equal((await new DeliveryWorker({ store, config: cfg, env: e }).drainOnce()).delivered, 3);
  const bodies = rx.requests.map((q) => JSON.parse(q.body) as Record<string, any>);
  const slack = bodies.find((b) => Array.isArray(b.blocks))!;
  assert.equal(slack.text, 'leakwatch HIGH: leak sighting for clinic-a');
  assert.equal(slack.blocks[0].type, 'header');
  assert.ok(slack.blocks[1].fields.some((f: { text: string }) => f.text === `*Alert*\n${id} (revision 1)`));
  const adaptive = bodies.find((b) => b.type === 'message')!;
  const card = adaptive.attachments[0];
  assert.equal(card.contentType, 'application/vnd.microsoft.card.adaptive');
  assert.equal(card.content.type, 'AdaptiveCard');
  assert.ok(card.content.body.some((b: { type: string; facts?: { title: string; value: string }[] }) => b.type === 'FactSet' && b.facts!.some((f) => f.title === 'Organization' && f.value === 'clinic-a')));
  const legacy = bodies.find((b) => b['@type'] === 'MessageCard')!;
  assert.equal(legacy.themeColor, 'E65100');
  assert.ok(legacy.sections[0].facts.some((f: { name: string; value: string }) => f.name === 'Severity' && f.value === 'HIGH'));
});
