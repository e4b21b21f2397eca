/**
 * One organization's fingerprints, loaded for matching: hash tables over the
 * keyed identifier and text fingerprints, the simhash index, and the sub-keys
 * needed to fingerprint scanned content the same way enrollment did.
 */
import { LeakwatchError } from '../errors.js';
import { decodeBundle, encodeBundle, type Bundle } from '../bundle/format.js';
import { JsonStringList, type JsonStringListParts } from '../bundle/string-list.js';
import { fieldsFromBundle, type ResolvedField } from '../enroll/mapping.js';
import { deriveKeys, type DerivedKeys } from '../keys/org-key.js';
import { FingerprintTable, type FingerprintTableParts } from './fingerprint-table.js';
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

/** How to load an organization (see loadOrgIndex). */
export interface OrgIndexOptions {
  /** Names the bundle in errors. */
  where: string;
  org?: string;
  watchTerms?: readonly string[];
  criticalRecords?: number;
  /** Build the index on SharedArrayBuffer, so that `shareOrgIndex` can hand it to worker threads. */
  shared?: boolean;
}

/**
 * Loads a bundle with its key; rejects a key that did not make the bundle.
 * Throws LW_KEY_MISMATCH and the LW_BUNDLE_* errors of decodeBundle.
 */
export function loadOrgIndex(bytes: Buffer, key: Buffer, options: OrgIndexOptions): OrgIndex {
  const shared = options.shared === true;
  const bundle = decodeBundle(bytes, options.where, { shared });
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
  // The tables keep the bundle's arrays, in key order (a bundle from an older enrollment is sorted here,
  // and the record and field of each identifier entry move with it).
  const ids = FingerprintTable.build(bundle.ids.hi, bundle.ids.lo, null, { shared, carry: [bundle.ids.rec, bundle.ids.field] });
  const winnow = FingerprintTable.build(bundle.winnow.hi, bundle.winnow.lo, bundle.winnow.doc, { shared });
  return assemble(bundle, keys, ids, winnow, options);
}

/** The parts of an OrgIndex built by the loader; the rest is cheap to make again. */
function assemble(bundle: Bundle, keys: DerivedKeys, ids: FingerprintTable, winnow: FingerprintTable, options: OrgIndexOptions): OrgIndex {
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

/**
 * An index as plain data for a worker thread (structured clone): its typed
 * arrays are shared, not copied, when it was loaded with `shared`; the record
 * and document references (strings) and the derived keys are copied.
 */
export interface SharedOrgIndex {
  /** The bundle without its record references, which travel as `recordIds`. */
  bundle: Omit<Bundle, 'recordIds'>;
  recordIds: JsonStringListParts | string[];
  keys: DerivedKeys;
  ids: FingerprintTableParts;
  winnow: FingerprintTableParts;
  options: OrgIndexOptions;
}

/** What a worker needs to use `index` without decoding the bundle or building the tables again. */
export function shareOrgIndex(index: OrgIndex, options: OrgIndexOptions): SharedOrgIndex {
  const { recordIds, ...bundle } = index.bundle;
  // A class instance loses its prototype and private fields in a structured clone: send what it is made of.
  const refs = recordIds instanceof JsonStringList ? recordIds.parts : [...recordIds];
  return { bundle, recordIds: refs, keys: index.keys, ids: index.ids.parts, winnow: index.winnow.parts, options };
}

/** The index a `shareOrgIndex` describes, in this thread, over the same memory. */
export function orgIndexFromShared(s: SharedOrgIndex): OrgIndex {
  const keys: DerivedKeys = Object.freeze({ ...s.keys });
  const recordIds = Array.isArray(s.recordIds) ? s.recordIds : new JsonStringList(s.recordIds);
  return assemble({ ...s.bundle, recordIds }, keys, new FingerprintTable(s.ids), new FingerprintTable(s.winnow), s.options);
}

/**
 * The bytes to store for a bundle just loaded from `bytes`: `bytes` itself
 * when it is already in this version's layout (aligned sections, fingerprints
 * in key order), else the same content encoded again in that layout, so that
 * every later load takes the fast path (a bundle enrolled by an earlier
 * leakwatch took ~1.8 s instead of ~0.4 s and twice the memory to load at a
 * million records). The loaded index holds the fingerprints already sorted.
 */
export function bundleInCurrentLayout(index: OrgIndex, bytes: Buffer): Buffer {
  return index.bundle.olderLayout ? encodeBundle(index.bundle) : bytes;
}
