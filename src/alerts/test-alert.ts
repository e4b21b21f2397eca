/**
 * `alerts test`: a clearly marked test alert sent straight to each of an
 * org's sinks (bypassing the outbox and minimum severities), one result per sink.
 */
import { randomBytes } from 'node:crypto';
import { dirname } from 'node:path';
import { LeakwatchError } from '../errors.js';
import { sinksOf } from './plan-outbox.js';
import { PRODUCT_VERSION } from './product-version.js';
import { createSink } from './sinks/create-sink.js';
import type { AlertingConfig, AlertPayload } from './types.js';

export interface TestResult {
  sink: string;
  type: string;
  ok: boolean;
  ms: number;
  error?: string;
}

/** The test payload: real shape, marked test, with obviously fake references. */
export function testPayload(org: string, now: Date): AlertPayload {
  const id = `test_${randomBytes(6).toString('hex')}`;
  const at = now.toISOString();
  return {
    type: 'leakwatch.alert',
    version: 1,
    test: true,
    alert_id: id,
    notification_id: `${id}.1`,
    revision: 1,
    reason: 'test',
    org,
    severity: 'low',
    first_seen: at,
    last_seen: at,
    source: { url: 'http://test.invalid/leakwatch-test-alert', path: null, entry: null, site: 'test', sha256: '0'.repeat(64), size: 0 },
    records: [{ ref: 'TEST-RECORD', confidence: 'low', fields: ['email'], new: true }],
    documents: [],
    canaries: [],
    terms: [],
    sightings: [],
    counts: { records: 1, documents: 0, canaries: 0, terms: 0, sightings: 1, new_items: 1 },
    truncated: false,
  };
}

/** Sends a test alert to every sink of `org`; never throws for a failing sink. */
export async function sendTestAlerts(config: AlertingConfig, org: string, opts: { env?: NodeJS.ProcessEnv; now?: Date } = {}): Promise<TestResult[]> {
  if (!config.orgs.some((o) => o.id === org)) throw new LeakwatchError('LW_USAGE', `--org ${org}: no such organization in the config`);
  const sinks = sinksOf(config, 'alert', org);
  if (sinks.length === 0) throw new LeakwatchError('LW_USAGE', `organization ${org} has no alert sinks configured (orgs[].alerts.sinks)`);
  const payload = testPayload(org, opts.now ?? new Date());
  const ctx = {
    baseDir: config.path ? dirname(config.path) : process.cwd(),
    env: opts.env ?? process.env,
    timeoutMs: config.alerts.delivery.timeout_ms,
    version: PRODUCT_VERSION,
  };
  return Promise.all(
    sinks.map(async ({ name, sink: cfg }) => {
      const started = Date.now();
      try {
        const sink = createSink(cfg, name, ctx);
        await sink.send({ payload, idempotencyKey: `${payload.notification_id}.${name}` }, new AbortController().signal);
        return { sink: name, type: cfg.type, ok: true, ms: Date.now() - started };
      } catch (err) {
        const e = err as LeakwatchError;
        return { sink: name, type: cfg.type, ok: false, ms: Date.now() - started, error: `${e.code ?? 'LW_INTERNAL'}: ${e.message}` };
      }
    }),
  );
}
