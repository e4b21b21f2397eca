/**
 * Enrollment, run on the organization's premises: records and documents in,
 * a bundle of keyed fingerprints out. Plaintext lives only in this process's
 * memory for as long as one record or document is being hashed.
 */
import { readdirSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import { LeakwatchError } from '../errors.js';
import { encodeBundle, BUNDLE_VERSION, type Bundle, type BundleHeader } from '../bundle/format.js';
import { readDocumentText, readRecords } from '../extract/read-records.js';
import { deriveKeys } from '../keys/org-key.js';
import { FingerprintTable, sortByKey } from '../matcher/fingerprint-table.js';
import { GrowableU32, GrowableU8 } from '../matcher/growable.js';
import { nameTokens } from '../matcher/identifiers/name.js';
import { IdentifierHasher } from '../matcher/keyed-identifier.js';
import { SimhashBuilder } from '../matcher/simhash.js';
import { normalizeText } from '../matcher/text-normalize.js';
import { Winnower } from '../matcher/winnow.js';
import { NAME_TOKEN_LABEL } from './fields.js';
import type { Mapping } from './mapping.js';

export { NAME_TOKEN_LABEL } from './fields.js';

/** Document file types enrollment reads. */
export const DOCUMENT_EXTENSIONS = new Set(['.txt', '.md', '.html', '.htm', '.docx', '.pdf']);

export interface EnrollProgress {
  records: number;
  documents: number;
  documentsTotal: number;
}

export interface EnrollOptions {
  org: string;
  key: Buffer;
  mapping: Mapping;
  recordFiles: string[];
  canaryFiles?: string[];
  documentsDir?: string;
  out: string;
  progress?: (p: EnrollProgress) => void;
  now?: () => Date;
}

const WINNOW_K = 40;
const WINNOW_W = 61;
const SHINGLE_WORDS = 3;

/** Runs enrollment and atomically writes the bundle; returns its header. */
export async function enroll(opts: EnrollOptions): Promise<BundleHeader> {
  const keys = deriveKeys(opts.key);
  const hasher = new IdentifierHasher(keys.identifier);
  const { mapping } = opts;
  const progress: EnrollProgress = { records: 0, documents: 0, documentsTotal: 0 };
  const tick = () => opts.progress?.(progress);

  const recordIndex = new Map<string, number>();
  const recordIds: string[] = [];
  const canary = new GrowableU8();
  const ids = { hi: new GrowableU32(), lo: new GrowableU32(), rec: new GrowableU32(), field: new GrowableU8() };
  const corroRaw = { rec: new GrowableU32(), hi: new GrowableU32(), lo: new GrowableU32(), field: new GrowableU8() };
  const invalid: Record<string, number> = {};
  const seenPrimary = new Set<string>();

  const files = [
    ...opts.recordFiles.map((f) => ({ path: f, isCanary: false })),
    ...(opts.canaryFiles ?? []).map((f) => ({ path: f, isCanary: true })),
  ];
  for (const file of files) {
    let checkedColumns = false;
    for await (const { row, fields } of readRecords(file.path)) {
      if (!checkedColumns) {
        const cols = Object.keys(fields);
        const missing = [mapping.recordId, ...mapping.fields.map((f) => f.column)].filter((c) => !cols.includes(c));
        if (missing.length) {
          throw new LeakwatchError(
            'LW_MAPPING_INVALID',
            `${file.path}: column(s) ${missing.map((c) => `'${c}'`).join(', ')} from the mapping not found (columns: ${cols.join(', ')})`,
          );
        }
        checkedColumns = true;
      }
      const ref = (fields[mapping.recordId] ?? '').trim();
      if (!ref) throw new LeakwatchError('LW_RECORDS_INVALID', `${file.path}: row ${row}: empty ${mapping.recordId}`);
      let rec = recordIndex.get(ref);
      if (rec === undefined) {
        rec = recordIds.length;
        recordIndex.set(ref, rec);
        recordIds.push(ref);
        canary.push(file.isCanary ? 1 : 0);
      }
      mapping.fields.forEach((f, fi) => {
        const raw = fields[f.column];
        if (raw === undefined || raw.trim() === '') return;
        if (f.role === 'corroborating' && f.type === 'name') {
          for (const tok of nameTokens(raw)) {
            const fp = hasher.hash(NAME_TOKEN_LABEL, tok);
            corroRaw.rec.push(rec!);
            corroRaw.hi.push(fp.hi);
            corroRaw.lo.push(fp.lo);
            corroRaw.field.push(fi);
          }
          return;
        }
        const canon = f.impl.normalize(raw, { region: f.region });
        if (canon === null) {
          invalid[f.column] = (invalid[f.column] ?? 0) + 1;
          return;
        }
        const fp = hasher.hash(f.label, canon);
        if (f.role === 'primary') {
          const dedupe = `${rec}:${fi}:${fp.hi}:${fp.lo}`;
          if (seenPrimary.has(dedupe)) return;
          seenPrimary.add(dedupe);
          ids.hi.push(fp.hi);
          ids.lo.push(fp.lo);
          ids.rec.push(rec!);
          ids.field.push(fi);
        } else {
          corroRaw.rec.push(rec!);
          corroRaw.hi.push(fp.hi);
          corroRaw.lo.push(fp.lo);
          corroRaw.field.push(fi);
        }
      });
      progress.records++;
      if (progress.records % 5000 === 0) tick();
    }
  }
  seenPrimary.clear();
  const corro = groupByRecord(corroRaw, recordIds.length);

  const docs = opts.documentsDir ? await fingerprintDocuments(opts.documentsDir, keys, progress, tick) : emptyDocs();
  const minDocs = mapping.boilerplateMinDocs ?? Math.max(3, Math.ceil(docs.refs.length * 0.005));
  const winnow = dropBoilerplate(docs, minDocs);
  tick();

  const header: BundleHeader = {
    format: 'leakwatch-bundle',
    version: BUNDLE_VERSION,
    org: opts.org,
    created_at: (opts.now?.() ?? new Date()).toISOString(),
    kcv: keys.kcv,
    record_id: mapping.recordId,
    fields: mapping.fields.map(({ impl: _impl, ...f }) => f),
    params: { winnow_k: WINNOW_K, winnow_w: WINNOW_W, shingle_words: SHINGLE_WORDS, boilerplate_min_docs: minDocs },
    counts: {
      records: recordIds.length,
      canaries: canary.toArray().reduce((a, b) => a + b, 0),
      identifier_fingerprints: ids.hi.length,
      corroborating_fingerprints: corro.hi.length,
      documents: docs.refs.length,
      document_fingerprints: winnow.hi.length,
      boilerplate_fingerprints: winnow.boilerplate,
      invalid_values: invalid,
    },
  };
  const idArrays = { hi: ids.hi.toArray(), lo: ids.lo.toArray(), rec: ids.rec.toArray(), field: ids.field.toArray() };
  // In key order, as the loader's tables keep them (and the document fingerprints already are).
  sortByKey(idArrays.hi, idArrays.lo, [idArrays.rec, idArrays.field]);
  const bundle: Bundle = {
    header,
    recordIds,
    canary: canary.toArray(),
    ids: idArrays,
    corro,
    docRefs: docs.refs,
    docFpCount: winnow.docFpCount,
    winnow: { hi: winnow.hi, lo: winnow.lo, doc: winnow.doc },
    simhash: docs.simhash,
  };
  writeAtomically(opts.out, encodeBundle(bundle));
  return header;
}

/** Writes via a temp file in the same directory and a rename, so a crash leaves no half bundle. */
export function writeAtomically(path: string, bytes: Uint8Array): void {
  const tmp = `${path}.tmp-${process.pid}`;
  try {
    writeFileSync(tmp, bytes, { mode: 0o600 });
    renameSync(tmp, path);
  } catch (err) {
    try {
      unlinkSync(tmp);
    } catch {
      /* the temp file may not exist */
    }
    throw new LeakwatchError('LW_FILE_UNREADABLE', `${path}: cannot write bundle (${(err as NodeJS.ErrnoException).code ?? 'error'})`, {
      cause: err,
    });
  }
}

function groupByRecord(
  raw: { rec: GrowableU32; hi: GrowableU32; lo: GrowableU32; field: GrowableU8 },
  nRecords: number,
): Bundle['corro'] {
  const rec = raw.rec.toArray();
  const hi = raw.hi.toArray();
  const lo = raw.lo.toArray();
  const field = raw.field.toArray();
  const start = new Uint32Array(nRecords + 1);
  for (const r of rec) start[r + 1]!++;
  for (let r = 0; r < nRecords; r++) start[r + 1]! += start[r]!;
  const fill = start.slice(0, nRecords);
  const out = { start, hi: new Uint32Array(hi.length), lo: new Uint32Array(lo.length), field: new Uint8Array(field.length) };
  for (let i = 0; i < rec.length; i++) {
    const at = fill[rec[i]!]!++;
    out.hi[at] = hi[i]!;
    out.lo[at] = lo[i]!;
    out.field[at] = field[i]!;
  }
  return out;
}

interface DocFingerprints {
  refs: string[];
  hi: Uint32Array;
  lo: Uint32Array;
  doc: Uint32Array;
  simhash: Bundle['simhash'];
}

function emptyDocs(): DocFingerprints {
  const z = new Uint32Array(0);
  return { refs: [], hi: z, lo: z, doc: z, simhash: { hi: z, lo: z, has: new Uint8Array(0) } };
}

function listDocuments(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = join(d, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (entry.isFile() && DOCUMENT_EXTENSIONS.has(extname(entry.name).toLowerCase())) out.push(p);
    }
  };
  try {
    if (!statSync(dir).isDirectory()) throw new Error('not a directory');
  } catch (err) {
    throw new LeakwatchError('LW_FILE_UNREADABLE', `${dir}: documents folder not readable`, { cause: err });
  }
  walk(dir);
  return out;
}

async function fingerprintDocuments(
  dir: string,
  keys: ReturnType<typeof deriveKeys>,
  progress: EnrollProgress,
  tick: () => void,
): Promise<DocFingerprints> {
  const files = listDocuments(dir);
  progress.documentsTotal = files.length;
  const refs: string[] = [];
  const hi = new GrowableU32();
  const lo = new GrowableU32();
  const doc = new GrowableU32();
  const sh = { hi: new GrowableU32(), lo: new GrowableU32(), has: new GrowableU8() };
  for (const file of files) {
    const text = await readDocumentText(file);
    const d = refs.length;
    refs.push(relative(dir, file).split(sep).join('/'));
    const norm = normalizeText(text);
    const seen = new Set<string>();
    const collect = (h: number, l: number) => {
      const k = `${h}:${l}`;
      if (seen.has(k)) return;
      seen.add(k);
      hi.push(h);
      lo.push(l);
      doc.push(d);
    };
    const winnower = new Winnower({ key: keys.winnow, k: WINNOW_K, w: WINNOW_W });
    winnower.push(norm, collect);
    winnower.end(collect);
    const s = new SimhashBuilder(keys.simhash, SHINGLE_WORDS);
    s.push(norm);
    const digest = s.digest();
    sh.hi.push(digest?.hi ?? 0);
    sh.lo.push(digest?.lo ?? 0);
    sh.has.push(digest ? 1 : 0);
    progress.documents++;
    if (progress.documents % 500 === 0) tick();
  }
  return { refs, hi: hi.toArray(), lo: lo.toArray(), doc: doc.toArray(), simhash: { hi: sh.hi.toArray(), lo: sh.lo.toArray(), has: sh.has.toArray() } };
}

/**
 * Removes fingerprints shared by at least `minDocs` documents (templates) and counts the rest per document.
 * The fingerprints come back in key order (the table's), which is also the order a scan's loader sorts them into.
 */
function dropBoilerplate(docs: DocFingerprints, minDocs: number) {
  const n = docs.hi.length;
  const table = FingerprintTable.build(docs.hi, docs.lo, docs.doc);
  let boilerplate = 0;
  const docFpCount = new Uint32Array(docs.refs.length);
  const hi = new GrowableU32();
  const lo = new GrowableU32();
  const doc = new GrowableU32();
  for (let first = 0; first < n; ) {
    // Entries with one key are adjacent: [first, end).
    let end = first + 1;
    while (table.nextOf(end - 1) !== -1) end++;
    if (end - first >= minDocs) boilerplate++;
    else {
      for (let e = first; e < end; e++) {
        hi.push(table.hiOf(e));
        lo.push(table.loOf(e));
        doc.push(table.valueOf(e));
        docFpCount[table.valueOf(e)]!++;
      }
    }
    first = end;
  }
  return { hi: hi.toArray(), lo: lo.toArray(), doc: doc.toArray(), docFpCount, boilerplate };
}
