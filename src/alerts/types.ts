/**
 * What alerting sends: alert and operator-event payloads (references, hashes,
 * counts; never identifier values, names, note text or other content), and the
 * sink contract every receiver implements.
 */
import type { LeakwatchConfig } from '../config/schema.js';
import type { Confidence, Severity } from '../matcher/findings.js';

/** The parts of the configuration alerting reads; `path` anchors relative secret and CA files. */
export type AlertingConfig = Pick<LeakwatchConfig, 'orgs' | 'operator' | 'alerts'> & { readonly path?: string | null };

/** Where a sighted document was. */
export interface AlertSource {
  url: string | null;
  path: string | null;
  entry: string | null;
  /** Configured site name, or the URL's host when the site is not known. */
  site: string | null;
  sha256: string;
  size: number;
}

export interface AlertSighting extends AlertSource {
  seen_at: string;
  /** How it was tied to the alert: first sighting, same bytes, near-duplicate text, or same location. */
  match: 'new' | 'sha256' | 'simhash' | 'location';
  distance: number | null;
}

export interface RecordRef {
  ref: string;
  confidence: Confidence;
  fields: string[];
  /** True when first seen in this notification's revision. */
  new: boolean;
}

export interface DocumentRef {
  ref: string;
  confidence: Confidence;
  overlap: number | null;
  new: boolean;
}

export interface TermRef {
  term: string;
  confidence: Confidence;
  new: boolean;
}

/** One notification of one alert (design section 5). */
export interface AlertPayload {
  type: 'leakwatch.alert';
  version: 1;
  /** True only for `leakwatch alerts test`. */
  test: boolean;
  alert_id: string;
  /** `<alert_id>.<revision>`: stable across retries of this notification. */
  notification_id: string;
  revision: number;
  reason: 'new' | 'updated' | 'test';
  org: string;
  severity: Severity;
  first_seen: string;
  last_seen: string;
  source: AlertSource;
  records: RecordRef[];
  documents: DocumentRef[];
  canaries: RecordRef[];
  terms: TermRef[];
  /** Most recent sightings first (capped; see counts.sightings). */
  sightings: AlertSighting[];
  counts: { records: number; documents: number; canaries: number; terms: number; sightings: number; new_items: number };
  /** True when a list above was cut to keep the payload small; counts are complete. */
  truncated: boolean;
}

export type OperatorEventKind = 'site_health' | 'tor_unreachable' | 'delivery_failed';

/** One operator event (site health, Tor proxy, failed delivery). */
export interface OperatorPayload {
  type: 'leakwatch.operator_event';
  version: 1;
  test: boolean;
  event_id: number;
  kind: OperatorEventKind | string;
  severity: Severity;
  site: string | null;
  location: string | null;
  state: string | null;
  previous_state: string | null;
  /** A stable code and short content-free reason. */
  reason: string | null;
  at: string;
}

export type Payload = AlertPayload | OperatorPayload;

/** One delivery attempt: the payload and the key that stays the same across retries. */
export interface Delivery {
  payload: Payload;
  idempotencyKey: string;
}

/** A receiver. `send` resolves on acceptance and throws a LeakwatchError('LW_DELIVERY') saying whether a retry can help. */
export interface Sink {
  readonly name: string;
  readonly type: string;
  send(delivery: Delivery, signal: AbortSignal): Promise<void>;
}
