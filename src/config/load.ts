/** Loads, validates and freezes the configuration. */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { LeakwatchError } from '../errors.js';
import { configSchema, type LeakwatchConfig } from './schema.js';
import { deepFreeze } from './deep-freeze.js';

/** Resolved configuration plus where it came from. */
export interface LoadedConfig extends LeakwatchConfig {
  /** Absolute path of the config file, or null when defaults were used. */
  readonly path: string | null;
  /** data_dir resolved to an absolute path. */
  readonly dataDir: string;
}

/** Formats zod issues as `path: message` lines. */
export function formatIssues(issues: readonly z.core.$ZodIssue[]): string[] {
  return issues.map((i) => {
    const path = i.path
      .map((p, n) => (typeof p === 'number' ? `[${p}]` : n === 0 ? String(p) : `.${String(p)}`))
      .join('');
    return `${path || '(root)'}: ${i.message}`;
  });
}

/** The default config path: --config, else LEAKWATCH_CONFIG, else config/leakwatch.yaml. */
export function defaultConfigPath(env: NodeJS.ProcessEnv = process.env): string {
  return env.LEAKWATCH_CONFIG ?? 'config/leakwatch.yaml';
}

/** Validates a parsed config object; throws one error listing every problem with its path. */
export function parseConfig(raw: unknown, where: string, env: NodeJS.ProcessEnv = process.env): LeakwatchConfig {
  const input = (raw ?? {}) as Record<string, unknown>;
  if (typeof input !== 'object' || Array.isArray(input)) {
    throw new LeakwatchError('LW_CONFIG_INVALID', `${where}: top level must be a mapping`);
  }
  const merged: Record<string, unknown> = { ...input };
  if (env.LEAKWATCH_DATA_DIR) merged.data_dir = env.LEAKWATCH_DATA_DIR;
  if (env.LEAKWATCH_LOG_LEVEL) merged.log = { ...(merged.log as object), level: env.LEAKWATCH_LOG_LEVEL };
  if (env.LEAKWATCH_TOR_SOCKS_URL) merged.tor = { ...(merged.tor as object), socks_url: env.LEAKWATCH_TOR_SOCKS_URL };
  const result = configSchema.safeParse(merged);
  if (!result.success) {
    const lines = formatIssues(result.error.issues);
    throw new LeakwatchError('LW_CONFIG_INVALID', `${where}: ${lines.length} problem(s): ${lines.join('; ')}`);
  }
  const cfg = result.data;
  const dupes = (ids: string[]) => ids.filter((v, i) => ids.indexOf(v) !== i);
  const problems = [
    ...dupes(cfg.orgs.map((o) => o.id)).map((id) => `orgs: duplicate id '${id}'`),
    ...dupes(cfg.sites.map((s) => s.name)).map((n) => `sites: duplicate name '${n}'`),
  ];
  if (problems.length) throw new LeakwatchError('LW_CONFIG_INVALID', `${where}: ${problems.join('; ')}`);
  return cfg;
}

/**
 * Loads the config file. A missing file is an error only when it was named
 * explicitly; otherwise defaults apply (so `scan` works without any setup).
 */
export function loadConfig(path: string | undefined, env: NodeJS.ProcessEnv = process.env): LoadedConfig {
  const explicit = path ?? env.LEAKWATCH_CONFIG;
  const file = resolve(explicit ?? defaultConfigPath(env));
  let raw: unknown = {};
  let source: string | null = null;
  if (existsSync(file)) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw new LeakwatchError('LW_CONFIG_INVALID', `${file}: cannot read (${(err as NodeJS.ErrnoException).code})`, { cause: err });
    }
    try {
      raw = parseYaml(text);
    } catch (err) {
      const pos = (err as { linePos?: { line: number; col: number }[] }).linePos?.[0];
      throw new LeakwatchError('LW_CONFIG_INVALID', `${file}${pos ? `:${pos.line}:${pos.col}` : ''}: invalid YAML`, { cause: err });
    }
    source = file;
  } else if (explicit) {
    throw new LeakwatchError('LW_CONFIG_INVALID', `${file}: config file not found`);
  }
  const cfg = parseConfig(raw, source ?? '(defaults)', env);
  const base = source ? dirname(source) : process.cwd();
  const dataDir = isAbsolute(cfg.data_dir) ? cfg.data_dir : join(base, cfg.data_dir);
  const resolvedOrgs = cfg.orgs.map((o) =>
    'file' in o.key && !isAbsolute(o.key.file) ? { ...o, key: { file: join(base, o.key.file) } } : o,
  );
  return deepFreeze({ ...cfg, orgs: resolvedOrgs, path: source, dataDir });
}
