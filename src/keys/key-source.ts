/** Resolves an organization's key from a file, the environment, or a systemd credential. */
import { join } from 'node:path';
import { LeakwatchError } from '../errors.js';
import type { KeyRef } from '../config/schema.js';
import { decodeKey, readKeyFile } from './org-key.js';

/** Loads the key an org's config points at; errors name the source, never the key. */
export function loadOrgKey(ref: KeyRef, env: NodeJS.ProcessEnv = process.env): Buffer {
  if ('file' in ref) return readKeyFile(ref.file);
  if ('env' in ref) {
    const value = env[ref.env];
    if (!value) throw new LeakwatchError('LW_KEY_INVALID', `environment variable ${ref.env} is not set`);
    return decodeKey(value, `environment variable ${ref.env}`);
  }
  const dir = env.CREDENTIALS_DIRECTORY;
  if (!dir) {
    throw new LeakwatchError('LW_KEY_INVALID', `credential '${ref.credential}': CREDENTIALS_DIRECTORY is not set (run under systemd with LoadCredential=)`);
  }
  // systemd credential files are owned by the service and mode 0400; the directory itself is private.
  return readKeyFile(join(dir, ref.credential), { allowLooseMode: false });
}
