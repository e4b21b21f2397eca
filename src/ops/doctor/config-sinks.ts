/**
 * The network endpoints of the alert sinks in the config: every
 * organization's `alerts.sinks` and the operator's `operator.sinks`. Chat
 * webhook URLs are secrets (references to a file, variable or credential);
 * they are read only to learn host and port, which is all that is kept.
 */
import { dirname } from 'node:path';
import { resolveSecret } from '../../alerts/secrets.js';
import type { LoadedConfig } from '../../config/load.js';
import type { SinkConfig } from '../../config/schema.js';
import { LeakwatchError } from '../../errors.js';
import { urlEndpoint, type SinkTarget } from './sink-check.js';

/** A sink whose endpoint could not be determined, with the reason (no secret in it). */
export interface UnresolvedSink {
  name: string;
  problem: string;
  /** warn when the secret is merely out of reach here (a systemd credential), fail when it is broken. */
  status: 'warn' | 'fail';
}

/** Reachability targets for every configured sink, plus the ones that could not be resolved. */
export function configuredSinks(cfg: LoadedConfig, env: NodeJS.ProcessEnv): { targets: SinkTarget[]; unresolved: UnresolvedSink[] } {
  const lists = [...cfg.orgs.map((o) => ({ scope: o.id, sinks: o.alerts.sinks })), { scope: 'operator', sinks: cfg.operator.sinks }];
  const targets: SinkTarget[] = [];
  const unresolved: UnresolvedSink[] = [];
  for (const { scope, sinks } of lists) {
    sinks.forEach((sink, i) => {
      // Same default name as the delivery side, so doctor lines and delivery logs agree.
      const name = `${scope}/${sink.name ?? `${sink.type}-${i}`}`;
      const target = endpoint(name, sink, cfg, env);
      if ('problem' in target) unresolved.push(target);
      else targets.push(target);
    });
  }
  return { targets, unresolved };
}

// Default ports as the delivery code uses them (src/alerts/sinks).
function endpoint(name: string, sink: SinkConfig, cfg: LoadedConfig, env: NodeJS.ProcessEnv): SinkTarget | UnresolvedSink {
  switch (sink.type) {
    case 'email':
      return { name, host: sink.host, port: sink.port ?? (sink.security === 'tls' ? 465 : 587), transport: 'tcp' };
    case 'syslog':
      return { name, host: sink.host, port: sink.port ?? (sink.transport === 'tls' ? 6514 : 514), transport: sink.transport === 'udp' ? 'udp' : 'tcp' };
    case 'webhook':
      return fromUrl(name, sink.url);
    case 'slack':
    case 'teams':
      try {
        return fromUrl(name, resolveSecret(sink.url, { baseDir: cfg.path ? dirname(cfg.path) : process.cwd(), env }));
      } catch (err) {
        if (!(err instanceof LeakwatchError)) throw err;
        const outOfReach = 'credential' in sink.url && !env.CREDENTIALS_DIRECTORY;
        return { name, problem: err.message, status: outOfReach ? 'warn' : 'fail' };
      }
  }
}

function fromUrl(name: string, url: string): SinkTarget | UnresolvedSink {
  const e = urlEndpoint(url);
  return e ? { name, ...e, transport: 'tcp' } : { name, problem: 'the webhook URL is not an http(s) URL', status: 'fail' };
}
