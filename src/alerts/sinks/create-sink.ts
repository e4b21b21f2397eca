/** Builds a sink from its configuration; secrets are resolved at send time. */
import { hostname } from 'node:os';
import type { SinkConfig } from '../../config/schema.js';
import { readCaFile, resolveSecret, type SecretScope } from '../secrets.js';
import type { Sink } from '../types.js';
import { emailSink } from './email.js';
import { slackSink } from './slack.js';
import { syslogSink } from './syslog.js';
import { teamsSink } from './teams.js';
import { webhookSink } from './webhook.js';

export interface SinkContext extends SecretScope {
  /** Per-attempt timeout when the sink sets none. */
  timeoutMs: number;
  version: string;
}

/** The sink for one configured receiver. */
export function createSink(cfg: SinkConfig, name: string, ctx: SinkContext): Sink {
  const timeoutMs = cfg.timeout_ms ?? ctx.timeoutMs;
  const userAgent = `leakwatch/${ctx.version}`;
  switch (cfg.type) {
    case 'webhook':
      return webhookSink({ name, url: cfg.url, secret: () => resolveSecret(cfg.secret, ctx), timeoutMs, userAgent });
    case 'slack':
      return slackSink({ name, url: () => resolveSecret(cfg.url, ctx), timeoutMs, userAgent });
    case 'teams':
      return teamsSink({ name, url: () => resolveSecret(cfg.url, ctx), format: cfg.format, timeoutMs, userAgent });
    case 'email': {
      const password = cfg.password;
      return emailSink({
        name,
        host: cfg.host,
        port: cfg.port,
        security: cfg.security,
        username: cfg.username,
        password: password ? () => resolveSecret(password, ctx) : undefined,
        from: cfg.from,
        to: [...cfg.to],
        subjectPrefix: cfg.subject_prefix,
        ca: cfg.ca_file ? readCaFile(cfg.ca_file, ctx) : undefined,
        timeoutMs,
      });
    }
    case 'syslog':
      return syslogSink({
        name,
        host: cfg.host,
        port: cfg.port,
        transport: cfg.transport,
        format: cfg.format,
        ca: cfg.ca_file ? readCaFile(cfg.ca_file, ctx) : undefined,
        facility: cfg.facility,
        hostname: cfg.hostname ?? hostname(),
        appName: cfg.app_name,
        procId: String(process.pid),
        version: ctx.version,
        timeoutMs,
      });
  }
}
