/** Runs every doctor check in order: config, store, keys, Tor, sinks, core dumps. */
import type { LoadedConfig } from '../../config/load.js';
import { check, type CheckResult } from './check.js';
import type { UnresolvedSink } from './config-sinks.js';
import { checkConfig } from './config-check.js';
import { checkCoreDumps } from './core-dump-check.js';
import { checkOrgKey } from './key-check.js';
import { checkSinks, type SinkTarget } from './sink-check.js';
import { checkStore } from './store-check.js';
import { checkTor } from './tor-check.js';

export interface DoctorDeps {
  configPath?: string;
  env: NodeJS.ProcessEnv;
  /** Contents of /proc/self/limits, or null where there is none. */
  readLimits: () => string | null;
  /** The alert sinks the config defines (reachability targets only). */
  sinks: (cfg: LoadedConfig) => { targets: SinkTarget[]; unresolved: UnresolvedSink[] };
  socksTimeoutMs: number;
  circuitTimeoutMs: number;
  sinkTimeoutMs: number;
}

/** All check results; the config's problems stop the checks that need a config. */
export async function runDoctor(deps: DoctorDeps): Promise<CheckResult[]> {
  const config = checkConfig(deps.configPath, deps.env);
  const results = [...config.results];
  const cfg = config.cfg;
  if (cfg) {
    const store = checkStore(cfg.dataDir);
    results.push(...store.results);
    for (const org of cfg.orgs) results.push(checkOrgKey(org, store.bundles, deps.env));
    results.push(...(await checkTor(cfg, { socksTimeoutMs: deps.socksTimeoutMs, circuitTimeoutMs: deps.circuitTimeoutMs })));
    const sinks = deps.sinks(cfg);
    results.push(...sinks.unresolved.map((u) => check(u.status, `sink ${u.name}`, u.problem, "fix the sink's configuration or its secret reference")));
    results.push(...(await checkSinks(sinks.targets, deps.sinkTimeoutMs)));
  }
  results.push(checkCoreDumps(deps.readLimits()));
  return results;
}
