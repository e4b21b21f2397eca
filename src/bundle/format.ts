/**
 * The fingerprint bundle: what an organization hands over after enrollment.
 * It holds record references (the org's own ids), keyed 64-bit fingerprints,
 * keyed simhashes and counts; no plaintext identifier, name or note text, and
 * no unkeyed hash of any of them.
 *
 * Layout (little-endian): "LWBUNDLE" | u32 version | u32 header length |
 * header JSON | u32 section count | sections (u16 name length, name, u32 byte
 * length, bytes) | SHA-256 of everything before it.
 *
 * The encoder puts a padding section (name PAD_SECTION, zero bytes) before any
 * section whose bytes would not start at a multiple of 8 from the file's start,
 * so that the decoder can use the typed arrays where they lie in the file
 * instead of copying them (a million-record bundle is 165 MB). Decoders that
 * do not know this ignore the padding, as they ignore any unknown section; a
 * bundle without it still decodes, with copies.
 */
import { createHash } from 'node:crypto';
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { LeakwatchError } from '../errors.js';
import type { IdentifierTypeName } from '../matcher/identifiers/types.js';
import { isSorted } from '../matcher/fingerprint-table.js';
import { FileStringList, JsonStringList, stringListJson, type StringList } from './string-list.js';

export const BUNDLE_MAGIC = 'LWBUNDLE';
export const BUNDLE_VERSION = 1;
/** Name of the sections that only align the next one. */
const PAD_SECTION = 'pad';
/** Sections' bytes start at a multiple of this from the start of the file. */
const SECTION_ALIGN = 8;
/** The sections read as 32-bit arrays (views of them need 4-byte alignment). */
const U32_SECTIONS = ['ids.hi', 'ids.lo', 'ids.rec', 'corro.start', 'corro.hi', 'corro.lo', 'doc_fp_count', 'winnow.hi', 'winnow.lo', 'winnow.doc', 'simhash.hi', 'simhash.lo'];

/** One mapped field, as enrollment interpreted it (no values). */
export interface BundleField {
  column: string;
  type: IdentifierTypeName;
  role: 'primary' | 'corroborating';
  region?: string;
  pattern?: string;
  /** Label mixed into the keyed hash: the type, or `custom:<column>` for custom patterns. */
  label: string;
}

/** Metadata; safe to show. */
export interface BundleHeader {
  format: 'leakwatch-bundle';
  version: number;
  org: string;
  created_at: string;
  /** Key check value of the org key that made this bundle. */
  kcv: string;
  record_id: string;
  fields: BundleField[];
  params: { winnow_k: number; winnow_w: number; shingle_words: number; boilerplate_min_docs: number };
  counts: {
    records: number;
    canaries: number;
    identifier_fingerprints: number;
    corroborating_fingerprints: number;
    documents: number;
    document_fingerprints: number;
    boilerplate_fingerprints: number;
    invalid_values: Record<string, number>;
  };
}

/** The in-memory bundle. Parallel typed arrays keep millions of entries compact. */
export interface Bundle {
  header: BundleHeader;
  /** The organization's record_id per record (read on demand in a decoded bundle). */
  recordIds: StringList;
  /** 1 where the record is a canary. */
  canary: Uint8Array;
  /**
   * Primary identifier fingerprints: (hi, lo) -> record index, field index.
   * With `packed` (loadOrgIndexFromFile), `rec` holds the field in its top
   * byte and the record in the low 24 bits, and `field` is empty: read them
   * with entryRecord and entryField.
   */
  ids: { hi: Uint32Array; lo: Uint32Array; rec: Uint32Array; field: Uint8Array; packed?: boolean };
  /** Corroborating fingerprints grouped by record: entries start[r]..start[r+1]. */
  corro: { start: Uint32Array; hi: Uint32Array; lo: Uint32Array; field: Uint8Array };
  docRefs: string[];
  /** Non-boilerplate fingerprints per document (the denominator of `overlap`). */
  docFpCount: Uint32Array;
  winnow: { hi: Uint32Array; lo: Uint32Array; doc: Uint32Array };
  /** Keyed 64-bit simhash per document; has[i] = 0 when the document was too short. */
  simhash: { hi: Uint32Array; lo: Uint32Array; has: Uint8Array };
  /**
   * Set by decodeBundle when the bytes were not in this version's layout
   * (sections aligned, fingerprints in key order): written by an earlier
   * leakwatch, such a bundle loads more slowly until it is imported again.
   */
  olderLayout?: boolean;
  /**
   * Set by decodeBundleFile when the text fingerprints were left in the file:
   * `winnow`'s arrays are then empty, and the loader's table reads them (see
   * matcher/disk-table.ts).
   */
  winnowOnDisk?: WinnowOnDisk;
  /**
   * The bundle file, left open by decodeBundleFile because parts of the bundle
   * are read from it (the text fingerprints, the record references); whoever
   * holds the index closes it (closeOrgIndex).
   */
  openFile?: { fd: number; where: string };
  /**
   * Set by loadOrgIndexFromFile, which keeps only what matching reads: the
   * low halves of the corroborating fingerprints (`corro.hi` is then empty;
   * see inWindow in matcher/document-matcher.ts), and, when the identifier
   * table keeps its keys compact, not the identifiers' high halves either
   * (`ids.hi` empty; see matcher/fingerprint-table.ts), and the identifiers'
   * fields packed into their records (`ids.packed`) when there are at most
   * 2^24 records. Such a bundle cannot be encoded again.
   */
  trimmed?: boolean;
}

/** Records an identifier entry can name when its field is packed into the same word (Bundle.ids.packed). */
export const PACKED_RECORDS = 1 << 24;

/** The record of identifier entry `e`. */
export function entryRecord(ids: Bundle['ids'], e: number): number {
  return ids.packed ? ids.rec[e]! & (PACKED_RECORDS - 1) : ids.rec[e]!;
}

/** The field index of identifier entry `e`. */
export function entryField(ids: Bundle['ids'], e: number): number {
  return ids.packed ? ids.rec[e]! >>> 24 : ids.field[e]!;
}

/**
 * Moves each identifier entry's field into the top byte of its record (4 MB
 * less at a million records' four million identifiers); false, and nothing
 * changed, when a record index would not fit in 24 bits.
 */
export function packIdentifierFields(ids: Bundle['ids'], records: number): boolean {
  if (ids.packed) return true;
  if (records > PACKED_RECORDS) return false;
  const { rec, field } = ids;
  for (let e = 0; e < rec.length; e++) rec[e] = (rec[e]! | (field[e]! << 24)) >>> 0;
  ids.field = new Uint8Array(0);
  ids.packed = true;
  return true;
}

/** Where a bundle file's text fingerprint sections lie, and the open file to read them from. */
export interface WinnowOnDisk {
  /** Descriptor of the bundle file, open for reading; whoever holds the index closes it (see closeOrgIndex). */
  fd: number;
  /** Names the file in errors. */
  where: string;
  /** Entries (fingerprints) in each of the three sections. */
  count: number;
  /** File offsets of the sections winnow.hi, winnow.lo and winnow.doc. */
  hiAt: number;
  loAt: number;
  docAt: number;
}

type Section = [name: string, bytes: Uint8Array];

function bytesOf(a: ArrayBufferView): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

function jsonBytes(v: unknown): Uint8Array {
  return Buffer.from(JSON.stringify(v), 'utf8');
}

/** Serializes a bundle to bytes. */
export function encodeBundle(b: Bundle): Buffer {
  // Its text fingerprints are in a file, not in this object: encoding it would write none.
  if (b.winnowOnDisk) throw new Error('encodeBundle: the bundle was decoded with its text fingerprints left in the file');
  if (b.trimmed) throw new Error('encodeBundle: the bundle was loaded for matching only (trimmed), without the high halves of some fingerprints');
  const sections: Section[] = [
    ['record_ids', stringListJson(b.recordIds)],
    ['canary', b.canary],
    ['ids.hi', bytesOf(b.ids.hi)],
    ['ids.lo', bytesOf(b.ids.lo)],
    ['ids.rec', bytesOf(b.ids.rec)],
    ['ids.field', b.ids.field],
    ['corro.start', bytesOf(b.corro.start)],
    ['corro.hi', bytesOf(b.corro.hi)],
    ['corro.lo', bytesOf(b.corro.lo)],
    ['corro.field', b.corro.field],
    ['doc_refs', jsonBytes(b.docRefs)],
    ['doc_fp_count', bytesOf(b.docFpCount)],
    ['winnow.hi', bytesOf(b.winnow.hi)],
    ['winnow.lo', bytesOf(b.winnow.lo)],
    ['winnow.doc', bytesOf(b.winnow.doc)],
    ['simhash.hi', bytesOf(b.simhash.hi)],
    ['simhash.lo', bytesOf(b.simhash.lo)],
    ['simhash.has', b.simhash.has],
  ];
  const header = jsonBytes(b.header);
  const parts: Uint8Array[] = [];
  const u32 = (n: number) => {
    const x = Buffer.alloc(4);
    x.writeUInt32LE(n);
    return x;
  };
  const entry = (name: string, bytes: Uint8Array): Uint8Array[] => {
    const n = Buffer.from(name, 'ascii');
    const len = Buffer.alloc(2);
    len.writeUInt16LE(n.length);
    return [len, n, u32(bytes.byteLength), bytes];
  };
  // Section entries with padding in front where needed; the count written before them includes the padding.
  let at = 8 + 4 + 4 + header.length + 4;
  let count = 0;
  const body: Uint8Array[] = [];
  for (const [name, bytes] of sections) {
    const misaligned = (at + 2 + name.length + 4) % SECTION_ALIGN;
    if (misaligned !== 0) {
      // A padding entry of k bytes moves the section by 2 + PAD_SECTION.length + 4 + k.
      const k = (((SECTION_ALIGN - misaligned - 2 - PAD_SECTION.length - 4) % SECTION_ALIGN) + SECTION_ALIGN) % SECTION_ALIGN;
      body.push(...entry(PAD_SECTION, new Uint8Array(k)));
      at += 2 + PAD_SECTION.length + 4 + k;
      count++;
    }
    body.push(...entry(name, bytes));
    at += 2 + name.length + 4 + bytes.byteLength;
    count++;
  }
  parts.push(Buffer.from(BUNDLE_MAGIC, 'ascii'), u32(BUNDLE_VERSION), u32(header.length), header, u32(count), ...body);
  const all = Buffer.concat(parts);
  return Buffer.concat([all, createHash('sha256').update(all).digest()]);
}

function invalid(where: string, what: string): LeakwatchError {
  return new LeakwatchError('LW_BUNDLE_INVALID', `${where}: not a valid leakwatch bundle (${what})`);
}

/** Reads only the header (cheap), after checking magic and version. */
export function decodeBundleHeader(buf: Buffer, where: string): BundleHeader {
  if (buf.length < 16 || buf.toString('ascii', 0, 8) !== BUNDLE_MAGIC) throw invalid(where, 'bad magic');
  const version = buf.readUInt32LE(8);
  if (version !== BUNDLE_VERSION) {
    throw new LeakwatchError(
      'LW_BUNDLE_VERSION',
      `${where}: bundle format version ${version} is not supported (this leakwatch reads version ${BUNDLE_VERSION}); re-enroll with this version`,
    );
  }
  const hlen = buf.readUInt32LE(12);
  if (16 + hlen > buf.length) throw invalid(where, 'truncated header');
  try {
    const header = JSON.parse(buf.toString('utf8', 16, 16 + hlen)) as BundleHeader;
    if (header.format !== 'leakwatch-bundle' || typeof header.org !== 'string' || typeof header.kcv !== 'string') {
      throw new Error('header fields');
    }
    return header;
  } catch {
    throw invalid(where, 'corrupt header');
  }
}

/**
 * Parses and integrity-checks a bundle. The typed arrays are views of `buf`
 * where every section is aligned in it (bundles from this encoder, in a buffer
 * of their own); otherwise, and always with `shared`, they are copies (with
 * `shared`, onto SharedArrayBuffer, so that worker threads can be handed them
 * without a copy each). Either way `buf` itself is never written: fingerprint
 * arrays not in key order, which the loader's tables sort in place, are
 * always copies.
 */
export function decodeBundle(buf: Buffer, where: string, options: { shared?: boolean } = {}): Bundle {
  try {
    return decodeSections(buf, where, options.shared === true);
  } catch (err) {
    // The checksum is no MAC: a rewritten bundle can pass it with offsets out of range or broken JSON inside.
    if (err instanceof LeakwatchError) throw err;
    throw invalid(where, 'corrupt section data');
  }
}

function decodeSections(buf: Buffer, where: string, shared: boolean): Bundle {
  const header = decodeBundleHeader(buf, where);
  if (buf.length < 32) throw invalid(where, 'truncated');
  const body = buf.subarray(0, buf.length - 32);
  const digest = createHash('sha256').update(body).digest();
  if (!digest.equals(buf.subarray(buf.length - 32))) throw invalid(where, 'checksum mismatch: the file is corrupt or truncated');
  const sections = new Map<string, Uint8Array>();
  for (const s of sectionTable(buf.readUInt32LE(12), body.length, (at, len) => body.subarray(at, at + len), where)) {
    sections.set(s.name, body.subarray(s.at, s.at + s.length));
  }
  // Views only when every 32-bit section is aligned: views beside copies would keep the whole buffer alive for a part of it.
  const views = !shared && U32_SECTIONS.every((name) => (sections.get(name)?.byteOffset ?? 0) % 4 === 0);
  // Aligned from the file's start (a pooled Buffer may itself sit anywhere in memory: then copies, but the layout is current).
  const aligned = U32_SECTIONS.every((name) => ((sections.get(name)?.byteOffset ?? 0) - buf.byteOffset) % SECTION_ALIGN === 0);
  return assembleBundle(header, sections, where, { views, shared, aligned });
}

/** Where one section's bytes lie in a bundle file. */
export interface SectionPlace {
  name: string;
  /** Offset of its first byte from the file's start. */
  at: number;
  length: number;
}

/**
 * The section table of a bundle whose header is `headerLength` bytes, read
 * through `read` (bytes at an offset); `bodyLength` is the file's length
 * without its checksum.
 */
function sectionTable(headerLength: number, bodyLength: number, read: (at: number, length: number) => Uint8Array, where: string): SectionPlace[] {
  const u16 = (at: number): number => {
    const b = read(at, 2);
    return b[0]! | (b[1]! << 8);
  };
  const u32 = (at: number): number => Buffer.from(read(at, 4)).readUInt32LE(0);
  let off = 16 + headerLength;
  if (off + 4 > bodyLength) throw invalid(where, 'truncated section table');
  const count = u32(off);
  off += 4;
  const out: SectionPlace[] = [];
  for (let i = 0; i < count; i++) {
    if (off + 2 > bodyLength) throw invalid(where, 'truncated section table');
    const nlen = u16(off);
    if (off + 2 + nlen + 4 > bodyLength) throw invalid(where, 'truncated section table');
    const name = Buffer.from(read(off + 2, nlen)).toString('ascii');
    off += 2 + nlen;
    const len = u32(off);
    off += 4;
    if (off + len > bodyLength) throw invalid(where, `truncated section ${name}`);
    out.push({ name, at: off, length: len });
    off += len;
  }
  return out;
}

/** How assembleBundle may use the section bytes it is given. */
interface AssembleOptions {
  /** Typed arrays may be views of the given bytes (else copies, fingerprint arrays not in key order always). */
  views: boolean;
  /** Copies go onto SharedArrayBuffer. */
  shared: boolean;
  /** Every 32-bit section starts at a multiple of SECTION_ALIGN in the file. */
  aligned: boolean;
  /** The text fingerprints stay in the file (see decodeBundleFile): their sections are not in the map. */
  winnowOnDisk?: WinnowOnDisk;
  /** The record references are read from the file at this offset once checked (FileStringList). */
  recordIdsAt?: { fd: number; where: string; at: number };
}

/** The bundle made of its sections' bytes, checked for consistency. */
function assembleBundle(header: BundleHeader, sections: Map<string, Uint8Array>, where: string, o: AssembleOptions): Bundle {
  const raw = (name: string): Uint8Array => {
    const s = sections.get(name);
    if (!s) throw invalid(where, `missing section ${name}`);
    return s;
  };
  const copy = (s: Uint8Array): Uint8Array => {
    const out = new Uint8Array(o.shared ? new SharedArrayBuffer(s.byteLength) : new ArrayBuffer(s.byteLength));
    out.set(s);
    return out;
  };
  const u32 = (name: string): Uint32Array => {
    const s = raw(name);
    if (s.byteLength % 4) throw invalid(where, `section ${name} length`);
    return o.views ? new Uint32Array(s.buffer, s.byteOffset, s.byteLength / 4) : new Uint32Array(copy(s).buffer);
  };
  const u8 = (name: string): Uint8Array => (o.views ? raw(name) : copy(raw(name)));
  let sorted = true;
  /** Fingerprint arrays for a table, copied when the table will have to sort them (see above). */
  const keyed = <T extends { hi: Uint32Array; lo: Uint32Array }>(arrays: T): T => {
    const inOrder = isSorted(arrays.hi, arrays.lo);
    sorted &&= inOrder;
    if (!o.views || inOrder) return arrays;
    const out = { ...arrays };
    for (const k of Object.keys(out) as (keyof T)[]) out[k] = (out[k] as Uint8Array | Uint32Array).slice() as T[keyof T];
    return out;
  };
  const json = (name: string): string[] => JSON.parse(Buffer.from(raw(name)).toString('utf8')) as string[];
  const strings = (name: string): StringList => {
    try {
      const list = JsonStringList.parse(u8(name), { shared: o.shared });
      if (!o.recordIdsAt) return list;
      return new FileStringList({ ...o.recordIdsAt, length: raw(name).byteLength, starts: list.parts.starts });
    } catch (err) {
      throw invalid(where, `section ${name}: ${(err as Error).message}`);
    }
  };
  const none = new Uint32Array(0);
  const b: Bundle = {
    header,
    recordIds: strings('record_ids'),
    canary: u8('canary'),
    ids: keyed({ hi: u32('ids.hi'), lo: u32('ids.lo'), rec: u32('ids.rec'), field: u8('ids.field') }),
    corro: { start: u32('corro.start'), hi: u32('corro.hi'), lo: u32('corro.lo'), field: u8('corro.field') },
    docRefs: json('doc_refs'),
    docFpCount: u32('doc_fp_count'),
    winnow: o.winnowOnDisk ? { hi: none, lo: none, doc: none } : keyed({ hi: u32('winnow.hi'), lo: u32('winnow.lo'), doc: u32('winnow.doc') }),
    simhash: { hi: u32('simhash.hi'), lo: u32('simhash.lo'), has: u8('simhash.has') },
  };
  if (o.winnowOnDisk) b.winnowOnDisk = o.winnowOnDisk;
  if (o.winnowOnDisk || o.recordIdsAt) b.openFile = { fd: (o.winnowOnDisk ?? o.recordIdsAt)!.fd, where };
  if (!o.aligned || !sorted) b.olderLayout = true;
  const n = b.recordIds.length;
  const consistent =
    b.canary.length === n &&
    b.ids.lo.length === b.ids.hi.length &&
    b.ids.rec.length === b.ids.hi.length &&
    b.ids.field.length === b.ids.hi.length &&
    b.corro.start.length === n + 1 &&
    b.corro.hi.length === b.corro.lo.length &&
    b.corro.field.length === b.corro.hi.length &&
    b.docFpCount.length === b.docRefs.length &&
    b.winnow.lo.length === b.winnow.hi.length &&
    b.winnow.doc.length === b.winnow.hi.length &&
    b.simhash.hi.length === b.docRefs.length;
  if (!consistent) throw invalid(where, 'inconsistent section sizes');
  return b;
}

/** Bytes read from the bundle file at a time while checking its checksum. */
const HASH_CHUNK = 4 << 20;

/** Options of decodeBundleFile. */
export interface BundleFileOptions {
  /** Copies go onto SharedArrayBuffer (for worker threads). */
  shared?: boolean;
  /** Leave the text fingerprint sections in the file (the caller's table reads them there) when they hold at least this many entries. */
  winnowOnDiskFrom?: number;
}

/**
 * Reads and checks a bundle file section by section: the same checks as
 * decodeBundle (magic, version, checksum over the whole file, read in chunks,
 * section table, sizes), without ever holding the whole file. Each section is
 * read into memory of its own, except, with `winnowOnDiskFrom`, the three text
 * fingerprint sections when they hold that many entries or more, and then the
 * record references too (checked, then read by FileStringList when needed):
 * the bundle then carries where they lie and the open file (Bundle.openFile);
 * otherwise the file is closed on return.
 */
export function decodeBundleFile(path: string, where: string, options: BundleFileOptions = {}): Bundle {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    throw new LeakwatchError('LW_FILE_UNREADABLE', `${path}: cannot read (${(err as NodeJS.ErrnoException).code ?? 'error'})`, { cause: err });
  }
  let keepOpen = false;
  try {
    const size = fstatSync(fd).size;
    const read = (at: number, length: number, into?: Uint8Array): Uint8Array => {
      const out = into ?? new Uint8Array(length);
      let n = 0;
      while (n < length) {
        const r = readSync(fd, out, n, length - n, at + n);
        if (r === 0) throw invalid(where, 'truncated');
        n += r;
      }
      return out;
    };
    if (size < 16 + 32) throw invalid(where, 'truncated');
    const headerLength = Buffer.from(read(12, 4)).readUInt32LE(0);
    if (16 + headerLength > size - 32) throw invalid(where, 'truncated header');
    const header = decodeBundleHeader(Buffer.from(read(0, 16 + headerLength)), where);
    const hash = createHash('sha256');
    const chunk = new Uint8Array(Math.min(HASH_CHUNK, size));
    for (let at = 0; at < size - 32; at += chunk.length) {
      const length = Math.min(chunk.length, size - 32 - at);
      hash.update(read(at, length, chunk).subarray(0, length));
    }
    if (!hash.digest().equals(read(size - 32, 32))) throw invalid(where, 'checksum mismatch: the file is corrupt or truncated');
    const places = sectionTable(headerLength, size - 32, (at, length) => read(at, length), where);
    const place = new Map(places.map((p) => [p.name, p]));
    let winnowOnDisk: WinnowOnDisk | undefined;
    const from = options.winnowOnDiskFrom ?? Infinity;
    if ((place.get('winnow.hi')?.length ?? 0) / 4 >= from) {
      const [hi, lo, doc] = ['winnow.hi', 'winnow.lo', 'winnow.doc'].map((name) => {
        const p = place.get(name);
        if (!p) throw invalid(where, `missing section ${name}`);
        if (p.length % 4) throw invalid(where, `section ${name} length`);
        return p;
      }) as [SectionPlace, SectionPlace, SectionPlace];
      if (lo.length !== hi.length || doc.length !== hi.length) throw invalid(where, 'inconsistent section sizes');
      winnowOnDisk = { fd, where, count: hi.length / 4, hiAt: hi.at, loAt: lo.at, docAt: doc.at };
    }
    const sections = new Map<string, Uint8Array>();
    for (const p of places) {
      if (p.name === PAD_SECTION || (winnowOnDisk && p.name.startsWith('winnow.'))) continue;
      const bytes = new Uint8Array(options.shared ? new SharedArrayBuffer(p.length) : new ArrayBuffer(p.length));
      sections.set(p.name, read(p.at, p.length, bytes));
    }
    const aligned = U32_SECTIONS.every((name) => (place.get(name)?.at ?? 0) % SECTION_ALIGN === 0);
    // Every section is in memory of its own: views of it, never copies.
    // A bundle large enough to leave its text fingerprints in the file leaves its record references there too.
    const ids = place.get('record_ids');
    const recordIdsAt = winnowOnDisk && ids ? { fd, where, at: ids.at } : undefined;
    const bundle = assembleBundle(header, sections, where, { views: true, shared: options.shared === true, aligned, winnowOnDisk, recordIdsAt });
    keepOpen = bundle.openFile !== undefined;
    return bundle;
  } catch (err) {
    if (err instanceof LeakwatchError) throw err;
    throw invalid(where, 'corrupt section data');
  } finally {
    if (!keepOpen) closeSync(fd);
  }
}
