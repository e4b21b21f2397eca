/**
 * Resolves sink secrets (HMAC secrets, SMTP passwords, chat webhook URLs) from
 * a file, the environment or a systemd credential, at send time, so a rotated
 * secret takes effect without a restart. Errors name the source, never the value.
 */
import { readFileSync, statSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import type { SecretRef } from '../config/schema.js';
import { LeakwatchError } from '../errors.js';

/** Where relative secret and CA files are looked up, and the environment to read. */
export interface SecretScope {
  baseDir: string;
  env: NodeJS.ProcessEnv;
}

function fail(what: string): never {
  throw new LeakwatchError('LW_CONFIG_INVALID', `${what}`);
}

/** The secret's value, trimmed of surrounding whitespace. */
export function resolveSecret(ref: SecretRef, scope: SecretScope): string {
  if ('env' in ref) {
    const v = scope.env[ref.env]?.trim();
    return v || fail(`environment variable ${ref.env} is not set`);
  }
  let file: string;
  if ('file' in ref) {
    file = isAbsolute(ref.file) ? ref.file : join(scope.baseDir, ref.file);
  } else {
    const dir = scope.env.CREDENTIALS_DIRECTORY;
    if (!dir) fail(`credential '${ref.credential}': CREDENTIALS_DIRECTORY is not set (run under systemd with LoadCredential=)`);
    file = join(dir, ref.credential);
  }
  let mode: number;
  let text: string;
  try {
    mode = statSync(file).mode;
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new LeakwatchError('LW_CONFIG_INVALID', `secret file ${file}: cannot read (${(err as NodeJS.ErrnoException).code})`, { cause: err });
  }
  // A secret anyone on the machine can read is not a secret.
  if (mode & 0o004) fail(`secret file ${file} is world-readable; chmod o-r it`);
  return text.trim() || fail(`secret file ${file} is empty`);
}

/** Reads a PEM CA file named in a sink's config. */
export function readCaFile(path: string, scope: SecretScope): Buffer {
  const file = isAbsolute(path) ? path : join(scope.baseDir, path);
  try {
    return readFileSync(file);
  } catch (err) {
    throw new LeakwatchError('LW_CONFIG_INVALID', `CA file ${file}: cannot read (${(err as NodeJS.ErrnoException).code})`, { cause: err });
  }
}
