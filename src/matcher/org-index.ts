/**
 * One organization's fingerprints, loaded for matching: hash tables over the
 * keyed identifier and text fingerprints, the simhash index, and the sub-keys
 * needed to fingerprint scanned content the same way enrollment did.
 */
import { LeakwatchError } from '../errors.js';
import { decodeBundle, type Bundle } from '../bundle/format.js';
import { fieldsFromBundle, type ResolvedField } from '../enroll/mapping.js';
import { deriveKeys, type DerivedKeys } from '../keys/org-key.js';
import { FingerprintTable } from './fingerprint-table.js';
import { HammingIndex } from './hamming-index.js';
import { IdentifierHasher } from './keyed-identifier.js';
import { normalizeText } from './text-normalize.js';

/** What the matcher needs about one organization. */
export interface OrgIndex {
  org: string;
  bundle: Bundle;
  fields: ResolvedField[];
  keys: DerivedKeys;
  hasher: IdentifierHasher;
  /** Identifier fingerprint -> entry index into bundle.ids. */
  ids: FingerprintTable;
  /** Text fingerprint -> document index. */
  winnow: FingerprintTable;
  simhash: HammingIndex | null;
  /** Watch terms, normalized like scanned text. */
  terms: { term: string; normalized: string }[];
  criticalRecords: number;
}

/** Loads a bundle with its key; rejects a key that did not make the bundle. */
export function loadOrgIndex(
  bytes: Buffer,
  key: Buffer,
  options: { where: string; org?: string; watchTerms?: readonly string[]; criticalRecords?: number },
): OrgIndex {
  const bundle = decodeBundle(bytes, options.where);
  const keys = deriveKeys(key);
  if (keys.kcv !== bundle.header.kcv) {
    throw new LeakwatchError(
      'LW_KEY_MISMATCH',
      `${options.where}: the key given is not the key this bundle of '${bundle.header.org}' was enrolled with (key check values differ)`,
    );
  }
  if (options.org && options.org !== bundle.header.org) {
    throw new LeakwatchError('LW_BUNDLE_INVALID', `${options.where}: bundle belongs to '${bundle.header.org}', not '${options.org}'`);
  }
  const ids = new FingerprintTable(bundle.ids.hi, bundle.ids.lo, null);
  const winnow = new FingerprintTable(bundle.winnow.hi, bundle.winnow.lo, bundle.winnow.doc);
  // The tables keep the high halves; the low halves now live only in their slots.
  bundle.ids.lo = new Uint32Array(0);
  bundle.winnow.lo = new Uint32Array(0);
  const entries: { hi: number; lo: number; id: number }[] = [];
  for (let d = 0; d < bundle.docRefs.length; d++) {
    if (bundle.simhash.has[d]) entries.push({ hi: bundle.simhash.hi[d]!, lo: bundle.simhash.lo[d]!, id: d });
  }
  return {
    org: bundle.header.org,
    bundle,
    fields: fieldsFromBundle(bundle.header.fields, options.where),
    keys,
    hasher: new IdentifierHasher(keys.identifier),
    ids,
    winnow,
    simhash: entries.length ? new HammingIndex(entries) : null,
    terms: (options.watchTerms ?? [])
      .map((term) => ({ term, normalized: normalizeText(term).trim() }))
      .filter((t) => t.normalized.length > 0),
    criticalRecords: options.criticalRecords ?? 10,
  };
}
