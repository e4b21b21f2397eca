/**
 * STIX 2.1 bundle of alerts for CERT sharing: an identity for leakwatch and
 * for each organization, per alert an observed-data over a file (SHA-256,
 * size, name) and the URL it was seen at, and one report tying them together.
 * No content and no record ids: where and which bytes, how many, how bad.
 */
import { basename } from 'node:path';
import type { AlertPayload } from './types.js';
import { LEAKWATCH_NS, uuidV5 } from './uuid-v5.js';

/** The STIX 2.1 namespace for deterministic cyber-observable ids. */
export const STIX_SCO_NS = '00abedb4-aa42-466c-9c01-fed23315a9b7';

type StixObject = Record<string, unknown> & { type: string; id: string };

/** JSON with sorted keys: the canonical form SCO ids are computed over (enough for our string-only properties). */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

const sco = (type: string, contributing: Record<string, unknown>) => `${type}--${uuidV5(STIX_SCO_NS, canonical(contributing))}`;
const sdo = (type: string, name: string) => `${type}--${uuidV5(LEAKWATCH_NS, `${type}:${name}`)}`;
const stixTime = (iso: string) => new Date(iso).toISOString();

/** The bundle for `alerts` (current payloads); `now` stamps created/modified of the report. */
export function stixBundle(alerts: readonly AlertPayload[], orgNames: ReadonlyMap<string, string>, now: Date, version: string): object {
  const created = now.toISOString();
  const tool: StixObject = {
    type: 'identity',
    spec_version: '2.1',
    id: sdo('identity', 'leakwatch'),
    created: '2020-01-01T00:00:00.000Z',
    modified: '2020-01-01T00:00:00.000Z',
    name: 'leakwatch',
    identity_class: 'system',
    description: `leakwatch ${version}: leak-site monitoring with keyed fingerprints`,
  };
  const objects: StixObject[] = [tool];
  const orgIds = new Map<string, string>();
  for (const org of new Set(alerts.map((a) => a.org))) {
    const id = sdo('identity', `org:${org}`);
    orgIds.set(org, id);
    objects.push({ type: 'identity', spec_version: '2.1', id, created, modified: created, created_by_ref: tool.id, name: orgNames.get(org) ?? org, identity_class: 'organization' });
  }
  const observed: string[] = [];
  for (const a of alerts) {
    const refs: string[] = [];
    const name = a.source.entry ? basename(a.source.entry.split('!').pop()!) : a.source.path ? basename(a.source.path) : undefined;
    const fileProps: Record<string, unknown> = { hashes: { 'SHA-256': a.source.sha256 }, ...(name ? { name } : {}) };
    const file: StixObject = { type: 'file', spec_version: '2.1', id: sco('file', fileProps), ...fileProps, size: a.source.size };
    objects.push(file);
    refs.push(file.id);
    if (a.source.url) {
      const url: StixObject = { type: 'url', spec_version: '2.1', id: sco('url', { value: a.source.url }), value: a.source.url };
      objects.push(url);
      refs.push(url.id);
    }
    const od: StixObject = {
      type: 'observed-data',
      spec_version: '2.1',
      id: sdo('observed-data', `${a.alert_id}.${a.revision}`),
      created_by_ref: tool.id,
      created: stixTime(a.first_seen),
      modified: stixTime(a.last_seen),
      first_observed: stixTime(a.first_seen),
      last_observed: stixTime(a.last_seen),
      number_observed: Math.max(1, a.counts.sightings),
      object_refs: refs,
      x_leakwatch_alert_id: a.alert_id,
      x_leakwatch_org: a.org,
      x_leakwatch_severity: a.severity,
      x_leakwatch_counts: { records: a.counts.records, documents: a.counts.documents, canaries: a.counts.canaries, terms: a.counts.terms },
    };
    objects.push(od);
    observed.push(od.id);
  }
  const orgs = [...orgIds.keys()];
  objects.push({
    type: 'report',
    spec_version: '2.1',
    id: `report--${uuidV5(LEAKWATCH_NS, `report:${created}:${observed.join(',')}`)}`,
    created_by_ref: tool.id,
    created,
    modified: created,
    name: `leakwatch: ${alerts.length} leak sighting(s)${orgs.length === 1 ? ` of ${orgNames.get(orgs[0]!) ?? orgs[0]}` : ''}`,
    description: 'Documents of the named organization(s) seen on leak sites: where, file hashes and sizes, counts. No content is included.',
    report_types: ['observed-data'],
    published: created,
    object_refs: [...orgIds.values(), ...observed],
  });
  return { type: 'bundle', id: `bundle--${uuidV5(LEAKWATCH_NS, `bundle:${created}:${observed.join(',')}`)}`, objects };
}
