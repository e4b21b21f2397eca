/**
 * MISP event JSON of alerts for CERT sharing: one event, per alert a MISP
 * "file" object (sha256, size, filename) and the URL it was seen at. No
 * content and no record ids. Distribution "your organization only" and
 * TLP:AMBER by default; widen it in MISP deliberately.
 */
import { basename } from 'node:path';
import type { Severity } from '../matcher/findings.js';
import type { AlertPayload } from './types.js';
import { LEAKWATCH_NS, uuidV5 } from './uuid-v5.js';

/** The MISP "file" object template. */
const FILE_TEMPLATE = { uuid: '688c46fb-5edb-40a3-8273-1af7923e2215', version: '23' };
/** MISP threat levels: 1 high, 2 medium, 3 low. */
const THREAT: Record<Severity, string> = { critical: '1', high: '1', medium: '2', low: '3' };

const unix = (iso: string) => String(Math.floor(Date.parse(iso) / 1000));

/** The MISP event for `alerts`. */
export function mispEvent(alerts: readonly AlertPayload[], orgNames: ReadonlyMap<string, string>, now: Date): object {
  const worst = alerts.reduce<Severity>((w, a) => (THREAT[a.severity] < THREAT[w] ? a.severity : w), 'low');
  const orgs = [...new Set(alerts.map((a) => orgNames.get(a.org) ?? a.org))];
  const eventUuid = uuidV5(LEAKWATCH_NS, `misp-event:${now.toISOString()}:${alerts.map((a) => `${a.alert_id}.${a.revision}`).join(',')}`);
  const objects = alerts.map((a) => {
    const uid = (what: string) => uuidV5(LEAKWATCH_NS, `misp:${a.alert_id}.${a.revision}:${what}`);
    const name = a.source.entry ? basename(a.source.entry.split('!').pop()!) : a.source.path ? basename(a.source.path) : null;
    const attr = (relation: string, type: string, category: string, value: string) => ({
      uuid: uid(relation),
      object_relation: relation,
      type,
      category,
      value,
      to_ids: false,
      disable_correlation: type === 'size-in-bytes',
      timestamp: unix(a.last_seen),
    });
    const attributes = [attr('sha256', 'sha256', 'External analysis', a.source.sha256), attr('size-in-bytes', 'size-in-bytes', 'Other', String(a.source.size))];
    if (name) attributes.push(attr('filename', 'filename', 'External analysis', name));
    return {
      uuid: uid('object'),
      name: 'file',
      'meta-category': 'file',
      template_uuid: FILE_TEMPLATE.uuid,
      template_version: FILE_TEMPLATE.version,
      description: 'A leaked document as seen on a leak site (hash and size only)',
      comment: `leakwatch alert ${a.alert_id}, severity ${a.severity}: ${a.counts.records} record(s), ${a.counts.documents} document(s), ${a.counts.canaries} canary(ies), ${a.counts.sightings} sighting(s)`,
      timestamp: unix(a.last_seen),
      distribution: '5',
      Attribute: attributes,
    };
  });
  const urls = alerts
    .filter((a) => a.source.url)
    .map((a) => ({
      uuid: uuidV5(LEAKWATCH_NS, `misp:${a.alert_id}.${a.revision}:url`),
      type: 'url',
      category: 'Network activity',
      value: a.source.url!,
      to_ids: false,
      comment: `where leakwatch alert ${a.alert_id} was seen`,
      timestamp: unix(a.last_seen),
      distribution: '5',
    }));
  return {
    Event: {
      uuid: eventUuid,
      info: `leakwatch: ${alerts.length} leak sighting(s) of ${orgs.join(', ') || 'no organization'}`,
      date: now.toISOString().slice(0, 10),
      threat_level_id: THREAT[worst],
      analysis: '2',
      distribution: '0',
      published: false,
      timestamp: String(Math.floor(now.getTime() / 1000)),
      Tag: [{ name: 'tlp:amber' }, { name: 'leakwatch' }],
      Attribute: urls,
      Object: objects,
    },
  };
}
