/**
 * Doctor: can each organization's key be read, is its file private, and is it
 * the key the imported bundle was made with (key check values agree)?
 */
import { statSync } from 'node:fs';
import type { OrgConfig } from '../../config/schema.js';
import { LeakwatchError } from '../../errors.js';
import { loadOrgKey } from '../../keys/key-source.js';
import { deriveKeys } from '../../keys/org-key.js';
import { check, type CheckResult } from './check.js';

/** What the store knows about an org's bundle (null: no store to ask). */
export type ImportedBundles = ReadonlyMap<string, { kcv: string; importedAt: string }> | null;

/** Checks one organization's key against its imported bundle. */
export function checkOrgKey(org: OrgConfig, bundles: ImportedBundles, env: NodeJS.ProcessEnv): CheckResult {
  const name = `key ${org.id}`;
  const ref = org.key;
  if ('file' in ref) {
    let mode: number;
    try {
      mode = statSync(ref.file).mode & 0o777;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? 'error';
      return check('fail', name, `${ref.file}: cannot stat key file (${code})`, code === 'ENOENT' ? `copy ${org.id}'s key file to ${ref.file} (chmod 600), or fix orgs[].key.file` : `check the permissions of ${ref.file} and its directory`);
    }
    if ((mode & 0o077) !== 0) {
      return check('fail', name, `${ref.file}: mode ${mode.toString(8).padStart(4, '0')} lets group or others read the key`, `chmod 600 ${ref.file}`);
    }
  }
  if ('credential' in ref && !env.CREDENTIALS_DIRECTORY) {
    return check(
      'warn',
      name,
      `systemd credential '${ref.credential}' is only visible inside the service (CREDENTIALS_DIRECTORY is not set)`,
      `run the check inside the unit's credentials: systemd-run -P --wait -p LoadCredential=${ref.credential}:/etc/leakwatch/keys/${ref.credential} leakwatch doctor`,
    );
  }
  let kcv: string;
  try {
    kcv = deriveKeys(loadOrgKey(ref, env)).kcv;
  } catch (err) {
    if (!(err instanceof LeakwatchError)) throw err;
    return check('fail', name, err.message, keyFix(ref));
  }
  const source = 'file' in ref ? ref.file : 'env' in ref ? `environment variable ${ref.env}` : `credential ${ref.credential}`;
  const imported = bundles?.get(org.id);
  if (!bundles) return check('warn', name, `${source}: key readable; no store to compare it with`, 'import the organization\'s bundle: leakwatch import BUNDLE');
  if (!imported) return check('warn', name, `${source}: key readable; no bundle imported for ${org.id} yet`, 'leakwatch import BUNDLE (the bundle made by enroll with this key)');
  if (imported.kcv !== kcv) {
    return check(
      'fail',
      name,
      `${source}: key does not match the bundle imported ${imported.importedAt} (key check values differ)`,
      'configure the key the bundle was enrolled with, or re-enroll with this key and import the new bundle',
    );
  }
  return check('ok', name, `${source}: private, matches the bundle imported ${imported.importedAt}`);
}

function keyFix(ref: OrgConfig['key']): string {
  if ('file' in ref) return `check ${ref.file} is a key written by 'leakwatch keygen' (mode 0600)`;
  if ('env' in ref) return `set ${ref.env} to the key text (leakwatch-key-v1:...) in the service environment`;
  return `check LoadCredential=${ref.credential}:... in the unit points at the key file`;
}
