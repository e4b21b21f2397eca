/** Terminal tables for `leakwatch status`. */
import type { Status } from './status.js';

/** Sites table then orgs table, aligned in columns. */
export function statusText(s: Status): string {
  const siteRows: string[][] = [];
  for (const site of s.sites) {
    const p = site.lastPass;
    const pass = p ? [shortTime(p.finishedAt ?? p.startedAt), p.outcome ?? 'running', String(p.requests), humanBytes(p.bytes), String(p.findings)] : ['-', '-', '-', '-', '-'];
    const name = site.enabled === false ? `${site.name} (disabled)` : site.enabled === null ? `${site.name} (not in config)` : site.name;
    if (site.locations.length === 0) siteRows.push([name, '-', 'unknown', '-', ...pass]);
    site.locations.forEach((l, i) => siteRows.push([i === 0 ? name : '', shortLocation(l.location), l.state, shortTime(l.since), ...(i === 0 ? pass : ['', '', '', '', ''])]));
  }
  const orgRows = s.orgs.map((o) => {
    const b = o.bundle;
    const id = o.configured ? o.id : `${o.id} (not in config)`;
    return b
      ? [id, String(b.records), String(b.identifierFingerprints), String(b.corroboratingFingerprints), String(b.documentFingerprints), shortTime(b.importedAt), o.openAlerts === null ? '-' : String(o.openAlerts)]
      : [id, '-', '-', '-', '-', 'not imported', o.openAlerts === null ? '-' : String(o.openAlerts)];
  });
  return [
    `store ${s.store} (schema ${s.schema.current}/${s.schema.latest})`,
    '',
    s.sites.length ? table(['SITE', 'LOCATION', 'HEALTH', 'SINCE', 'LAST PASS', 'OUTCOME', 'REQUESTS', 'BYTES', 'FINDINGS'], siteRows) : 'no sites configured or crawled',
    '',
    s.orgs.length ? table(['ORG', 'RECORDS', 'ID FPS', 'CORROB FPS', 'DOC FPS', 'IMPORTED', 'OPEN ALERTS'], orgRows) : 'no organizations configured or imported',
  ].join('\n');
}

function table(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(head), ...rows.map(line)].join('\n');
}

/** `2026-11-23T10:00:00.123Z` -> `2026-11-23 10:00Z`. */
function shortTime(iso: string): string {
  return /^\d{4}-\d\d-\d\dT\d\d:\d\d/.test(iso) ? `${iso.slice(0, 10)} ${iso.slice(11, 16)}Z` : iso;
}

/** Onion hosts are 62 characters; the first 16 identify them well enough in a table. */
function shortLocation(url: string): string {
  const m = /^(https?:\/\/)([a-z2-7]{56})(\.onion.*)$/.exec(url);
  return m ? `${m[1]}${m[2]!.slice(0, 16)}…${m[3]}` : url;
}

function humanBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${n} B` : `${v.toFixed(1)} ${units[u]}`;
}
