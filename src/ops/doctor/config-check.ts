/** Doctor: does the configuration load? Every problem becomes its own line with its path. */
import { loadConfig, type LoadedConfig } from '../../config/load.js';
import { LeakwatchError } from '../../errors.js';
import { check, type CheckResult } from './check.js';

const FIX = 'edit the config file; every key is described in docs/configuration.md';

/** Loads the config; on failure returns one failed check per problem and no config. */
export function checkConfig(configPath: string | undefined, env: NodeJS.ProcessEnv): { results: CheckResult[]; cfg: LoadedConfig | null } {
  let cfg: LoadedConfig;
  try {
    cfg = loadConfig(configPath, env);
  } catch (err) {
    if (!(err instanceof LeakwatchError)) throw err;
    return { results: configProblems(err.message).map((p) => check('fail', 'config', p, FIX)), cfg: null };
  }
  const enabled = cfg.sites.filter((s) => s.enabled).length;
  const summary = `${cfg.orgs.length} org(s), ${cfg.sites.length} site(s) (${enabled} enabled), data_dir ${cfg.dataDir}`;
  if (cfg.path === null) {
    return {
      results: [check('warn', 'config', `no config file found; using defaults: ${summary}`, 'create config/leakwatch.yaml or set LEAKWATCH_CONFIG (see config/leakwatch.example.yaml)')],
      cfg,
    };
  }
  return { results: [check('ok', 'config', `${cfg.path}: ${summary}`)], cfg };
}

/**
 * Splits loadConfig's one-line message (`FILE: N problem(s): a; b`, or
 * `FILE: a; b` for cross-field problems) into `FILE: a`, `FILE: b`.
 */
export function configProblems(message: string): string[] {
  const m = /^(.*?): (?:\d+ problem\(s\): )?(.*)$/s.exec(message);
  if (!m || !m[2]!.includes('; ')) return [message];
  return m[2]!.split('; ').map((p) => `${m[1]}: ${p}`);
}
