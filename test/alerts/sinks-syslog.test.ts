import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { DeliveryWorker } from '../../src/alerts/delivery-worker.js';
import { recordFindings } from '../../src/alerts/record-findings.js';
import { cefHeaderEscape, cefValueEscape, sdEscape } from '../../src/alerts/sinks/syslog-format.js';
import { octetFrame } from '../../src/alerts/sinks/syslog.js';
import { alertConfig, docOf, outbox, recordFinding, tempStore } from './fixtures.js';
import { parseOctetFrames, streamSyslog, testCert, udpSyslog, until } from './receivers.js';

/** RFC 5424: <PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID SD [MSG]. */
const RFC5424 = /^<(\d{1,3})>1 (\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z) ([!-~]{1,255}) ([!-~]{1,48}) ([!-~]{1,128}) ([!-~]{1,32}) (-|\[.*?[^\\]\]) ([\s\S]*)$/;

/** Splits a CEF string into its 7 header fields and extension map, honouring escapes. */
function parseCef(s: string): { header: string[]; ext: Record<string, string> } {
  const header: string[] = [];
  let cur = '';
  let i = 0;
  for (; i < s.length && header.length < 7; i++) {
    if (s[i] === '\\') cur += s[++i];
    else if (s[i] === '|') {
      header.push(cur);
      cur = '';
    } else cur += s[i];
  }
  const ext: Record<string, string> = {};
  const rest = s.slice(i);
  const re = /(\w+)=((?:\\.|[^\\=])*?)(?=\s\w+=|$)/g;
  for (const m of rest.matchAll(re)) ext[m[1]!] = m[2]!.replace(/\\n/g, '\n').replace(/\\r/g, '\r').replace(/\\(.)/g, '$1');
  return { header, ext };
}

function seed(store: ReturnType<typeof tempStore>, cfg: ReturnType<typeof alertConfig>): string {
  // A path with the characters CEF and SD must escape.
  const f = recordFinding('clinic-a', 'P-1', { path: '/cases/a|b=c]"\\d.zip', entry: 'x/y.csv', bytes: 'z' }, { severity: 'critical' });
  return recordFindings(store, { findings: [f], docs: [docOf(f)] }, { config: cfg }).alerts[0]!.id;
}

test('escaping: SD-PARAM values, CEF header fields and CEF extension values', () => {
  assert.equal(sdEscape('a"b\\c]d'), 'a\\"b\\\\c\\]d');
  assert.equal(cefHeaderEscape('a|b\\c=d'), 'a\\|b\\\\c=d');
  assert.equal(cefValueEscape('a=b\\c|d\ne\rf'), 'a\\=b\\\\c|d\\ne\\rf');
  assert.deepEqual(parseOctetFrames(Buffer.concat([octetFrame('hé'), octetFrame('x y')])), ['hé', 'x y']);
  assert.equal(octetFrame('hé').toString('latin1').startsWith('3 '), true, 'the count is in bytes, not characters');
});

for (const transport of ['udp', 'tcp', 'tls'] as const) {
  for (const format of ['rfc5424', 'cef'] as const) {
    test(`syslog over ${transport}, ${format}`, async (t) => {
      const rx = transport === 'udp' ? await udpSyslog() : await streamSyslog(transport === 'tls');
      const store = tempStore();
      t.after(async () => {
        await rx.close();
        store.close();
      });
      const cfg = alertConfig({
        orgs: [{ id: 'clinic-a', sinks: [{ type: 'syslog', name: 'siem', host: '127.0.0.1', port: rx.port, transport, format, hostname: 'lw-host', ...(transport === 'tls' ? { ca_file: testCert().certFile } : {}) }] }],
      });
      const id = seed(store, cfg);
      const r = await new DeliveryWorker({ store, config: cfg }).drainOnce();
      assert.equal(r.delivered, 1, outbox(store)[0]?.last_error ?? '');
      await until(() => rx.messages.length === 1);
      const m = RFC5424.exec(rx.messages[0]!);
      assert.ok(m, `not RFC 5424: ${rx.messages[0]}`);
      const [, pri, , host, app, , msgid, sd, msg] = m;
      assert.equal(Number(pri), 10 * 8 + 2, 'facility authpriv, severity crit');
      assert.equal(host, 'lw-host');
      assert.equal(app, 'leakwatch');
      assert.equal(msgid, 'ALERT');
      const key = outbox(store)[0]!.idempotency_key;
      if (format === 'rfc5424') {
        assert.match(sd!, new RegExp(`^\\[leakwatch@32473 alert="${id}" revision="1" org="clinic-a" severity="critical" sha256="[0-9a-f]{64}" records="1" canaries="0" key="${key}"\\]$`));
        assert.ok(msg!.startsWith('\uFEFF'), 'UTF-8 MSG starts with a BOM');
        assert.match(msg!, /leakwatch CRITICAL: leak sighting for clinic-a source=\/cases\/a\|b=c\]"\\d\.zip!x\/y\.csv$/);
      } else {
        assert.equal(sd, '-');
        const cef = parseCef(msg!);
        assert.deepEqual(cef.header.slice(0, 7), ['CEF:0', 'leakwatch', 'leakwatch', cef.header[3], 'leak-alert', 'leakwatch CRITICAL: leak sighting for clinic-a', '10']);
        assert.equal(cef.ext.externalId, id);
        assert.equal(cef.ext.cs1, 'clinic-a');
        assert.equal(cef.ext.cs3, key);
        assert.equal(cef.ext.filePath, '/cases/a|b=c]"\\d.zip', 'escaped and restored');
        assert.equal(cef.ext.fname, 'x/y.csv');
        assert.equal(cef.ext.cnt, '1');
        assert.match(cef.ext.fileHash!, /^[0-9a-f]{64}$/);
      }
    });
  }
}

test('syslog over TCP to a closed port is retried', async (t) => {
  const store = tempStore();
  t.after(() => store.close());
  const cfg = alertConfig({ orgs: [{ id: 'clinic-a', sinks: [{ type: 'syslog', host: '127.0.0.1', port: 9, transport: 'tcp' }] }] });
  seed(store, cfg);
  const r = await new DeliveryWorker({ store, config: cfg }).drainOnce();
  assert.equal(r.retrying, 1);
  assert.match(outbox(store)[0]!.last_error!, /syslog tcp:\/\/127\.0\.0\.1:9: ECONNREFUSED/);
});
