/** Loads the organizations a command matches against: imported bundles plus keys from the config. */
import { readFileSync } from 'node:fs';
import { LeakwatchError } from '../errors.js';
import type { LoadedConfig } from '../config/load.js';
import { decodeBundleHeader } from '../bundle/format.js';
import { loadOrgKey } from '../keys/key-source.js';
import { readKeyFile } from '../keys/org-key.js';
import { loadOrgIndex, type OrgIndex } from './org-index.js';
import type { Store } from '../store/store.js';

/** Every configured org with an imported bundle (or just `only`). */
export function loadOrgsFromStore(cfg: LoadedConfig, store: Store, only?: string): OrgIndex[] {
  const headers = store.bundleHeaders();
  const wanted = cfg.orgs.filter((o) => !only || o.id === only);
  if (only && wanted.length === 0) throw new LeakwatchError('LW_USAGE', `--org ${only}: no such organization in the config`);
  const out: OrgIndex[] = [];
  for (const org of wanted) {
    if (!headers.some((h) => h.org === org.id)) {
      if (only) throw new LeakwatchError('LW_USAGE', `--org ${only}: no bundle imported yet (run 'leakwatch import BUNDLE')`);
      continue;
    }
    const bytes = store.bundleBytes(org.id)!;
    out.push(
      loadOrgIndex(bytes, loadOrgKey(org.key), {
        where: `store bundle of ${org.id}`,
        org: org.id,
        watchTerms: org.watch_terms,
        criticalRecords: org.critical_records,
      }),
    );
  }
  return out;
}

/** Loads one bundle file with its key file (no store involved). */
export function loadOrgFromFiles(bundlePath: string, keyPath: string, cfg: LoadedConfig): OrgIndex {
  let bytes: Buffer;
  try {
    bytes = readFileSync(bundlePath);
  } catch (err) {
    throw new LeakwatchError('LW_FILE_UNREADABLE', `${bundlePath}: cannot read (${(err as NodeJS.ErrnoException).code ?? 'error'})`, { cause: err });
  }
  const header = decodeBundleHeader(bytes, bundlePath);
  const org = cfg.orgs.find((o) => o.id === header.org);
  return loadOrgIndex(bytes, readKeyFile(keyPath), {
    where: bundlePath,
    watchTerms: org?.watch_terms,
    criticalRecords: org?.critical_records,
  });
}
