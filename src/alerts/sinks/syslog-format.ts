/**
 * Syslog message formats: RFC 5424 (with structured data) and ArcSight CEF
 * carried as the RFC 5424 MSG. One line each; all values escaped.
 */
import type { Severity } from '../../matcher/findings.js';
import type { Delivery } from '../types.js';
import { render } from './render-text.js';

/** RFC 5424 severities: critical -> 2 (crit), high -> 3 (err), medium -> 4 (warning), low -> 5 (notice). */
export const SYSLOG_SEVERITY: Record<Severity, number> = { critical: 2, high: 3, medium: 4, low: 5 };
/** CEF severities (0-10). */
export const CEF_SEVERITY: Record<Severity, number> = { critical: 10, high: 8, medium: 5, low: 3 };
/** SD-ID under the IANA example enterprise number (RFC 5612): there is no registered leakwatch PEN. */
export const SD_ID = 'leakwatch@32473';
const BOM = '\uFEFF';

export interface SyslogHeader {
  facility: number;
  hostname: string;
  appName: string;
  procId: string;
  version: string;
}

/** SD-PARAM value escaping (RFC 5424 section 6.3.3): '"', '\' and ']'. */
export function sdEscape(v: string): string {
  return v.replace(/[\\"\]]/g, (c) => `\\${c}`);
}

/** CEF header field escaping: '\' and '|'. */
export function cefHeaderEscape(v: string): string {
  return v.replace(/[\\|]/g, (c) => `\\${c}`).replace(/[\r\n]+/g, ' ');
}

/** CEF extension value escaping: '\', '=', and line breaks as \n and \r. */
export function cefValueEscape(v: string): string {
  return v.replace(/[\\=]/g, (c) => `\\${c}`).replace(/\r/g, '\\r').replace(/\n/g, '\\n');
}

const oneLine = (s: string) => s.replace(/[\r\n]+/g, ' ');
const printable = (s: string, max: number) => (s.replace(/[^!-~]/g, '').slice(0, max) || '-');

function sd(d: Delivery): string {
  const p = d.payload;
  const params: [string, string][] =
    p.type === 'leakwatch.alert'
      ? [['alert', p.alert_id], ['revision', String(p.revision)], ['org', p.org], ['severity', p.severity], ['sha256', p.source.sha256], ['records', String(p.counts.records)], ['canaries', String(p.counts.canaries)]]
      : [['event', String(p.event_id)], ['kind', p.kind], ['severity', p.severity]];
  params.push(['key', d.idempotencyKey]);
  if (p.test) params.push(['test', 'true']);
  return `[${SD_ID} ${params.map(([k, v]) => `${k}="${sdEscape(v)}"`).join(' ')}]`;
}

function msgId(d: Delivery): string {
  const p = d.payload;
  if (p.test) return 'TEST';
  return p.type === 'leakwatch.alert' ? (p.reason === 'updated' ? 'ALERT_UPDATE' : 'ALERT') : 'OPERATOR';
}

function header(d: Delivery, h: SyslogHeader, at: Date, sdPart: string): string {
  const pri = h.facility * 8 + SYSLOG_SEVERITY[d.payload.severity];
  return `<${pri}>1 ${at.toISOString()} ${printable(h.hostname, 255)} ${printable(h.appName, 48)} ${printable(h.procId, 128)} ${msgId(d)} ${sdPart}`;
}

/** RFC 5424 message: header, structured data, BOM and a one-line summary. */
export function formatRfc5424(d: Delivery, h: SyslogHeader, at: Date): string {
  const r = render(d.payload);
  const p = d.payload;
  const where = p.type === 'leakwatch.alert' ? ` source=${p.source.url ?? p.source.path ?? '-'}${p.source.entry ? `!${p.source.entry}` : ''}` : p.reason ? ` reason=${p.reason}` : '';
  return `${header(d, h, at, sd(d))} ${BOM}${oneLine(`${r.title}${where}`)}`;
}

/** CEF:0 message carried as the MSG of an RFC 5424 header (no structured data). */
export function formatCef(d: Delivery, h: SyslogHeader, at: Date): string {
  const p = d.payload;
  const r = render(p);
  const ext: [string, string | number | null][] = [];
  let sig: string;
  if (p.type === 'leakwatch.alert') {
    sig = p.test ? 'leak-alert-test' : p.reason === 'updated' ? 'leak-alert-update' : 'leak-alert';
    ext.push(
      ['rt', Date.parse(p.last_seen) || at.getTime()],
      ['externalId', p.alert_id],
      ['cs1Label', 'org'],
      ['cs1', p.org],
      ['cs2Label', 'severity'],
      ['cs2', p.severity],
      ['cs3Label', 'idempotencyKey'],
      ['cs3', d.idempotencyKey],
      ['cs4Label', 'site'],
      ['cs4', p.source.site],
      ['request', p.source.url],
      ['filePath', p.source.path],
      ['fname', p.source.entry],
      ['fileHash', p.source.sha256],
      ['fsize', p.source.size],
      ['cnt', p.counts.records],
      ['cn1Label', 'canaries'],
      ['cn1', p.counts.canaries],
      ['cn2Label', 'documents'],
      ['cn2', p.counts.documents],
      ['cn3Label', 'revision'],
      ['cn3', p.revision],
    );
  } else {
    sig = p.test ? 'operator-test' : `operator-${p.kind}`;
    ext.push(
      ['rt', Date.parse(p.at) || at.getTime()],
      ['externalId', String(p.event_id)],
      ['cs1Label', 'kind'],
      ['cs1', p.kind],
      ['cs2Label', 'severity'],
      ['cs2', p.severity],
      ['cs3Label', 'idempotencyKey'],
      ['cs3', d.idempotencyKey],
      ['cs4Label', 'site'],
      ['cs4', p.site],
      ['cs5Label', 'state'],
      ['cs5', p.state],
      ['reason', p.reason],
    );
  }
  ext.push(['msg', r.title]);
  const extension = ext
    .filter(([, v]) => v !== null && v !== undefined && v !== '')
    .map(([k, v]) => `${k}=${cefValueEscape(String(v))}`)
    .join(' ');
  const cef = ['CEF:0', 'leakwatch', 'leakwatch', h.version, sig, r.title, String(CEF_SEVERITY[p.severity])].map((f, i) => (i === 0 ? f : cefHeaderEscape(f))).join('|');
  return `${header(d, h, at, '-')} ${cef}|${extension}`;
}
