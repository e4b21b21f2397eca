/** Loads the organizations a command matches against: imported bundles plus keys from the config. */
import { readFileSync } from 'node:fs';
import { LeakwatchError } from '../errors.js';
import type { LoadedConfig } from '../config/load.js';
import { decodeBundleHeader } from '../bundle/format.js';
import { loadOrgKey } from '../keys/key-source.js';
import { readKeyFile } from '../keys/org-key.js';
import { loadOrgIndex, type OrgIndex } from './org-index.js';
import type { Store } from '../store/store.js';

/** What loading one organization takes: plain data (the bundle's bytes, the key, options). */
export interface OrgSpec {
  bytes: Uint8Array;
  key: Uint8Array;
  options: Parameters<typeof loadOrgIndex>[2];
}

/** Builds the index of one spec (throws LW_KEY_MISMATCH, LW_BUNDLE_* as loadOrgIndex does). */
export function loadOrgSpec(spec: OrgSpec): OrgIndex {
  const buf = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength);
  return loadOrgIndex(buf(spec.bytes), buf(spec.key), spec.options);
}

/** Every configured org with an imported bundle (or just `only`). */
export function loadOrgsFromStore(cfg: LoadedConfig, store: Store, only?: string): OrgIndex[] {
  return orgSpecsFromStore(cfg, store, only).map(loadOrgSpec);
}

/** The specs behind loadOrgsFromStore. */
export function orgSpecsFromStore(cfg: LoadedConfig, store: Store, only?: string): OrgSpec[] {
  const headers = store.bundleHeaders();
  const wanted = cfg.orgs.filter((o) => !only || o.id === only);
  if (only && wanted.length === 0) throw new LeakwatchError('LW_USAGE', `--org ${only}: no such organization in the config`);
  const out: OrgSpec[] = [];
  for (const org of wanted) {
    if (!headers.some((h) => h.org === org.id)) {
      if (only) throw new LeakwatchError('LW_USAGE', `--org ${only}: no bundle imported yet (run 'leakwatch import BUNDLE')`);
      continue;
    }
    out.push({
      bytes: store.bundleBytes(org.id)!,
      key: loadOrgKey(org.key),
      options: { where: `store bundle of ${org.id}`, org: org.id, watchTerms: org.watch_terms, criticalRecords: org.critical_records },
    });
  }
  return out;
}

/** Loads one bundle file with its key file (no store involved). */
export function loadOrgFromFiles(bundlePath: string, keyPath: string, cfg: LoadedConfig): OrgIndex {
  return loadOrgSpec(orgSpecFromFiles(bundlePath, keyPath, cfg));
}

/** The spec behind loadOrgFromFiles. */
export function orgSpecFromFiles(bundlePath: string, keyPath: string, cfg: LoadedConfig): OrgSpec {
  let bytes: Buffer;
  try {
    bytes = readFileSync(bundlePath);
  } catch (err) {
    throw new LeakwatchError('LW_FILE_UNREADABLE', `${bundlePath}: cannot read (${(err as NodeJS.ErrnoException).code ?? 'error'})`, { cause: err });
  }
  const header = decodeBundleHeader(bytes, bundlePath);
  const org = cfg.orgs.find((o) => o.id === header.org);
  return {
    bytes,
    key: readKeyFile(keyPath),
    options: { where: bundlePath, watchTerms: org?.watch_terms, criticalRecords: org?.critical_records },
  };
}
