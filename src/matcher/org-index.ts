/**
 * One organization's fingerprints, loaded for matching: hash tables over the
 * keyed identifier and text fingerprints, the simhash index, and the sub-keys
 * needed to fingerprint scanned content the same way enrollment did.
 */
import { closeSync, readSync } from 'node:fs';
import { LeakwatchError } from '../errors.js';
import { decodeBundle, decodeBundleFile, encodeBundle, packIdentifierFields, type Bundle, type WinnowOnDisk } from '../bundle/format.js';
import { FileStringList, JsonStringList, type FileStringListParts, type JsonStringListParts } from '../bundle/string-list.js';
import { fieldsFromBundle, type ResolvedField } from '../enroll/fields.js';
import { deriveKeys, type DerivedKeys } from '../keys/org-key.js';
import { DiskTable, type DiskTableParts } from './disk-table.js';
import { FILTER_MIN_ENTRIES, FingerprintTable, type FingerprintTableParts } from './fingerprint-table.js';
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
  /** Text fingerprint -> document index: in memory, or read from the bundle file (loadOrgIndexFromFile). */
  winnow: FingerprintTable | DiskTable;
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
  const keys = checkKey(bundle, key, options);
  // The tables keep the bundle's arrays, in key order (a bundle from an older enrollment is sorted here,
  // and the record and field of each identifier entry move with it).
  const ids = FingerprintTable.build(bundle.ids.hi, bundle.ids.lo, null, { shared, carry: [bundle.ids.rec, bundle.ids.field] });
  const winnow = FingerprintTable.build(bundle.winnow.hi, bundle.winnow.lo, bundle.winnow.doc, { shared });
  return assemble(bundle, keys, ids, winnow, options);
}

/** The organization's sub-keys, after checking that `key` made the bundle (and that it is the expected org's). */
function checkKey(bundle: Bundle, key: Buffer, options: OrgIndexOptions): DerivedKeys {
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
  return keys;
}

/** Options of loadOrgIndexFromFile. */
export interface OrgIndexFileOptions extends OrgIndexOptions {
  /**
   * Leave the text fingerprints in the file when there are at least this many
   * (default FILTER_MIN_ENTRIES; Infinity: always load them into memory).
   * Smaller tables get no filter in memory, so every lookup would read the file.
   */
  textOnDiskFrom?: number;
}

/**
 * Loads a bundle file with its key, like loadOrgIndex, without holding the
 * whole file: each section is read into memory of its own, and a large table
 * of text fingerprints stays in the file (DiskTable), with the record
 * references (FileStringList); the index then keeps the file open: release it
 * with closeOrgIndex. The identifier table keeps its keys compact (6 bytes
 * instead of 8 when large), only the low halves of the corroborating
 * fingerprints are kept, and identifier fields are packed into their records
 * (Bundle.trimmed): the bundle cannot be encoded again.
 */
export function loadOrgIndexFromFile(path: string, key: Buffer, options: OrgIndexFileOptions): OrgIndex {
  const shared = options.shared === true;
  const bundle = decodeBundleFile(path, options.where, { shared, winnowOnDiskFrom: options.textOnDiskFrom ?? FILTER_MIN_ENTRIES });
  try {
    const keys = checkKey(bundle, key, options);
    // Corroboration compares low halves only (inWindow in document-matcher.ts): the high halves are not kept.
    bundle.corro.hi = new Uint32Array(0);
    bundle.trimmed = true;
    const ids = FingerprintTable.build(bundle.ids.hi, bundle.ids.lo, null, { shared, carry: [bundle.ids.rec, bundle.ids.field], compactKeys: true });
    // A compact table keeps the high halves in 16 bits of its own.
    if (ids.compact) bundle.ids.hi = new Uint32Array(0);
    // Now that the table has put them in key order: each entry's field into its record's top byte.
    packIdentifierFields(bundle.ids, bundle.canary.length);
    const onDisk = bundle.winnowOnDisk ? DiskTable.build(bundle.winnowOnDisk, { shared }) : null;
    if (bundle.winnowOnDisk && !onDisk) {
      // Not in key order (an earlier enrollment): read into memory and sorted there, as loadOrgIndex does.
      bundle.winnow = readWinnow(bundle.winnowOnDisk, shared);
      bundle.olderLayout = true;
      // The file stays open for the record references (Bundle.openFile).
      delete bundle.winnowOnDisk;
    }
    const winnow = onDisk ?? FingerprintTable.build(bundle.winnow.hi, bundle.winnow.lo, bundle.winnow.doc, { shared });
    const index = assemble(bundle, keys, ids, winnow, options);
    // An index a long-running process drops without closeOrgIndex (the daemon's, replaced on reload while a pass may still use it) closes its file once unreachable.
    if (bundle.openFile) openFiles.register(index, bundle.openFile.fd, bundle);
    return index;
  } catch (err) {
    if (bundle.openFile) closeSync(bundle.openFile.fd);
    throw err;
  }
}

/** Closes the bundle files of indexes collected without closeOrgIndex (the unregister token is the index's bundle). */
const openFiles = new FinalizationRegistry<number>((fd) => {
  try {
    closeSync(fd);
  } catch {
    /* closed already */
  }
});

/** The text fingerprint sections of a bundle file, read into memory. */
function readWinnow(source: WinnowOnDisk, shared: boolean): Bundle['winnow'] {
  const section = (at: number): Uint32Array => {
    const words = new Uint32Array(shared ? new SharedArrayBuffer(4 * source.count) : new ArrayBuffer(4 * source.count));
    const bytes = new Uint8Array(words.buffer);
    for (let n = 0; n < bytes.length; ) {
      const r = readSync(source.fd, bytes, n, bytes.length - n, at + n);
      if (r === 0) throw new LeakwatchError('LW_BUNDLE_INVALID', `${source.where}: the bundle file was truncated while in use`);
      n += r;
    }
    return words;
  };
  return { hi: section(source.hiAt), lo: section(source.loAt), doc: section(source.docAt) };
}

/**
 * Releases what an index holds besides memory: the open bundle file its text
 * fingerprints and record references are read from (loadOrgIndexFromFile). Only the thread that loaded the index calls it,
 * after every worker using a share of it has finished; the index must not be
 * used afterwards.
 */
export function closeOrgIndex(index: OrgIndex): void {
  const file = index.bundle.openFile;
  if (!file) return;
  openFiles.unregister(index.bundle);
  delete index.bundle.openFile;
  closeSync(file.fd);
}

/** The parts of an OrgIndex built by the loader; the rest is cheap to make again. */
function assemble(bundle: Bundle, keys: DerivedKeys, ids: FingerprintTable, winnow: FingerprintTable | DiskTable, options: OrgIndexOptions): OrgIndex {
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
  recordIds: JsonStringListParts | FileStringListParts | string[];
  keys: DerivedKeys;
  ids: FingerprintTableParts;
  winnow: FingerprintTableParts | DiskTableParts;
  options: OrgIndexOptions;
}

/** What a worker needs to use `index` without decoding the bundle or building the tables again. */
export function shareOrgIndex(index: OrgIndex, options: OrgIndexOptions): SharedOrgIndex {
  const { recordIds, ...bundle } = index.bundle;
  // A class instance loses its prototype and private fields in a structured clone: send what it is made of.
  const refs = recordIds instanceof JsonStringList || recordIds instanceof FileStringList ? recordIds.parts : [...recordIds];
  return { bundle, recordIds: refs, keys: index.keys, ids: index.ids.parts, winnow: index.winnow.parts, options };
}

/** The index a `shareOrgIndex` describes, in this thread, over the same memory. */
export function orgIndexFromShared(s: SharedOrgIndex): OrgIndex {
  const keys: DerivedKeys = Object.freeze({ ...s.keys });
  const recordIds = Array.isArray(s.recordIds) ? s.recordIds : 'fd' in s.recordIds ? new FileStringList(s.recordIds) : new JsonStringList(s.recordIds);
  const winnow = 'source' in s.winnow ? new DiskTable(s.winnow) : new FingerprintTable(s.winnow);
  return assemble({ ...s.bundle, recordIds }, keys, new FingerprintTable(s.ids), winnow, s.options);
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
