/** Loads the organizations a command matches against: imported bundles plus keys from the config. */
import { closeSync, openSync, readSync } from 'node:fs';
import { LeakwatchError } from '../errors.js';
import type { LoadedConfig } from '../config/load.js';
import { BUNDLE_MAGIC, decodeBundleHeader } from '../bundle/format.js';
import { loadOrgKey } from '../keys/key-source.js';
import { readKeyFile } from '../keys/org-key.js';
import { closeOrgIndex, loadOrgIndex, loadOrgIndexFromFile, type OrgIndex } from './org-index.js';
import type { Store } from '../store/store.js';

/** What loading one organization takes: plain data (the bundle's bytes or its file, the key, options). */
export type OrgSpec = { key: Uint8Array; options: Parameters<typeof loadOrgIndex>[2] } & ({ bytes: Uint8Array } | { file: string });

/**
 * Builds the index of one spec (throws LW_KEY_MISMATCH, LW_BUNDLE_* as
 * loadOrgIndex does). An index from a file may keep it open (see
 * loadOrgIndexFromFile): release it with closeOrgIndex.
 */
export function loadOrgSpec(spec: OrgSpec): OrgIndex {
  const buf = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength);
  return 'file' in spec ? loadOrgIndexFromFile(spec.file, buf(spec.key), spec.options) : loadOrgIndex(buf(spec.bytes), buf(spec.key), spec.options);
}

/** The indexes of several specs; when one fails to load, those loaded before it are released (closeOrgIndex). */
export function loadOrgSpecs(specs: readonly OrgSpec[]): OrgIndex[] {
  const out: OrgIndex[] = [];
  try {
    for (const spec of specs) out.push(loadOrgSpec(spec));
    return out;
  } catch (err) {
    out.forEach(closeOrgIndex);
    throw err;
  }
}

/** Every configured org with an imported bundle (or just `only`). */
export function loadOrgsFromStore(cfg: LoadedConfig, store: Store, only?: string): OrgIndex[] {
  return loadOrgSpecs(orgSpecsFromStore(cfg, store, only));
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
    const options = { where: `store bundle of ${org.id}`, org: org.id, watchTerms: org.watch_terms, criticalRecords: org.critical_records };
    // Read from its file, as --bundle files are (its large tables can stay there); a row from before files (a read-only store) by its bytes.
    const file = store.bundleFile(org.id);
    out.push(file ? { file, key: loadOrgKey(org.key), options } : { bytes: store.bundleBytes(org.id)!, key: loadOrgKey(org.key), options });
  }
  return out;
}

/** Loads one bundle file with its key file (no store involved). */
export function loadOrgFromFiles(bundlePath: string, keyPath: string, cfg: LoadedConfig): OrgIndex {
  return loadOrgSpec(orgSpecFromFiles(bundlePath, keyPath, cfg));
}

/** The spec behind loadOrgFromFiles: the bundle is read when the spec is loaded, only its header now. */
export function orgSpecFromFiles(bundlePath: string, keyPath: string, cfg: LoadedConfig): OrgSpec {
  const header = decodeBundleHeader(readHead(bundlePath), bundlePath);
  const org = cfg.orgs.find((o) => o.id === header.org);
  return {
    file: bundlePath,
    key: readKeyFile(keyPath),
    options: { where: bundlePath, watchTerms: org?.watch_terms, criticalRecords: org?.critical_records },
  };
}

/** The first bytes of a bundle file: its magic, version and header. */
function readHead(path: string): Buffer {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    throw new LeakwatchError('LW_FILE_UNREADABLE', `${path}: cannot read (${(err as NodeJS.ErrnoException).code ?? 'error'})`, { cause: err });
  }
  try {
    const read = (at: number, length: number): Buffer => {
      const b = Buffer.alloc(length);
      let n = 0;
      while (n < length) {
        const r = readSync(fd, b, n, length - n, at + n);
        if (r === 0) break;
        n += r;
      }
      return b.subarray(0, n);
    };
    const start = read(0, 16);
    // A header is a few kilobytes of JSON; a length beyond the file is reported by decodeBundleHeader as truncated.
    if (start.length < 16 || start.toString('ascii', 0, 8) !== BUNDLE_MAGIC) return start;
    return Buffer.concat([start, read(16, Math.min(start.readUInt32LE(12), 1 << 24))]);
  } catch (err) {
    throw new LeakwatchError('LW_FILE_UNREADABLE', `${path}: cannot read (${(err as NodeJS.ErrnoException).code ?? 'error'})`, { cause: err });
  } finally {
    closeSync(fd);
  }
}
