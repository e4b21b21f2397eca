/**
 * Decides what a document is: magic bytes first, then the HTTP Content-Type
 * hint, then the file extension, then sniffing the decoded text. Only the
 * first bytes (PREFIX_BYTES) are looked at.
 */
import { detectCharset } from './charset.js';
import { sniffDelimiter } from './csv-parser.js';

export type Kind =
  | 'zip'
  | 'gzip'
  | 'pdf'
  | 'docx'
  | 'xlsx'
  | 'html'
  | 'xml'
  | 'json'
  | 'jsonl'
  | 'csv'
  | 'text'
  /** Images, audio, video: hashed silently. */
  | 'media'
  /** Known or unknown binary we cannot read: hashed, with an issue. */
  | 'binary';

export interface Detected {
  kind: Kind;
  mediaType: string;
  /** For text kinds: the charset to decode with. */
  charset?: string;
  /** For csv: the delimiter. */
  delimiter?: string;
}

/** How many leading bytes detection wants to see. */
export const PREFIX_BYTES = 64 * 1024;

const MEDIA_TYPES: Record<Kind, string> = {
  zip: 'application/zip',
  gzip: 'application/gzip',
  pdf: 'application/pdf',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  html: 'text/html',
  xml: 'application/xml',
  json: 'application/json',
  jsonl: 'application/x-ndjson',
  csv: 'text/csv',
  text: 'text/plain',
  media: 'application/octet-stream',
  binary: 'application/octet-stream',
};

const EXTENSIONS: Record<string, Kind> = {
  zip: 'zip',
  gz: 'gzip',
  tgz: 'gzip',
  pdf: 'pdf',
  docx: 'docx',
  xlsx: 'xlsx',
  html: 'html',
  htm: 'html',
  xhtml: 'html',
  xml: 'xml',
  json: 'json',
  jsonl: 'jsonl',
  ndjson: 'jsonl',
  csv: 'csv',
  tsv: 'csv',
  txt: 'text',
  md: 'text',
  log: 'text',
};

const HINTS: Record<string, Kind> = {
  'application/zip': 'zip',
  'application/x-zip-compressed': 'zip',
  'application/gzip': 'gzip',
  'application/x-gzip': 'gzip',
  'application/pdf': 'pdf',
  [MEDIA_TYPES.docx]: 'docx',
  [MEDIA_TYPES.xlsx]: 'xlsx',
  'text/html': 'html',
  'application/xhtml+xml': 'html',
  'application/xml': 'xml',
  'text/xml': 'xml',
  'application/json': 'json',
  'application/x-ndjson': 'jsonl',
  'application/jsonl': 'jsonl',
  'text/csv': 'csv',
  'text/tab-separated-values': 'csv',
  'text/plain': 'text',
  'text/markdown': 'text',
};

/** Magic numbers of formats we hash without extracting; `media` ones raise no issue. */
const MAGIC: { bytes: number[]; at?: number; kind: 'media' | 'binary'; type: string }[] = [
  { bytes: [0x89, 0x50, 0x4e, 0x47], kind: 'media', type: 'image/png' },
  { bytes: [0xff, 0xd8, 0xff], kind: 'media', type: 'image/jpeg' },
  { bytes: [0x47, 0x49, 0x46, 0x38], kind: 'media', type: 'image/gif' },
  { bytes: [0x49, 0x49, 0x2a, 0x00], kind: 'media', type: 'image/tiff' },
  { bytes: [0x4d, 0x4d, 0x00, 0x2a], kind: 'media', type: 'image/tiff' },
  { bytes: [0x57, 0x45, 0x42, 0x50], at: 8, kind: 'media', type: 'image/webp' },
  { bytes: [0x00, 0x00, 0x01, 0x00], kind: 'media', type: 'image/x-icon' },
  { bytes: [0x66, 0x74, 0x79, 0x70], at: 4, kind: 'media', type: 'video/mp4' },
  { bytes: [0x1a, 0x45, 0xdf, 0xa3], kind: 'media', type: 'video/webm' },
  { bytes: [0x4f, 0x67, 0x67, 0x53], kind: 'media', type: 'audio/ogg' },
  { bytes: [0x49, 0x44, 0x33, 0x03, 0x00], kind: 'media', type: 'audio/mpeg' },
  { bytes: [0x49, 0x44, 0x33, 0x04, 0x00], kind: 'media', type: 'audio/mpeg' },
  { bytes: [0x57, 0x41, 0x56, 0x45], at: 8, kind: 'media', type: 'audio/wav' },
  { bytes: [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c], kind: 'binary', type: 'application/x-7z-compressed' },
  { bytes: [0x52, 0x61, 0x72, 0x21, 0x1a, 0x07], kind: 'binary', type: 'application/vnd.rar' },
  { bytes: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], kind: 'binary', type: 'application/x-xz' },
  { bytes: [0x28, 0xb5, 0x2f, 0xfd], kind: 'binary', type: 'application/zstd' },
  { bytes: [0x75, 0x73, 0x74, 0x61, 0x72], at: 257, kind: 'binary', type: 'application/x-tar' },
  { bytes: [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1], kind: 'binary', type: 'application/x-ole-storage' },
];

/** Lower-case extension of the last path segment of a path or URL ('' if none). */
export function extensionOf(name: string): string {
  const path = name.replace(/[?#].*$/s, '');
  const base = path.slice(path.lastIndexOf('/') + 1);
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(dot + 1).toLowerCase() : '';
}

function startsWith(b: Uint8Array, bytes: readonly number[], at = 0): boolean {
  if (b.length < at + bytes.length) return false;
  return bytes.every((x, i) => b[at + i] === x);
}

function parseHint(hint: string | undefined): { type?: string; charset?: string } {
  if (hint === undefined) return {};
  const [type, ...params] = hint.split(';');
  const charset = params.map((p) => /^\s*charset\s*=\s*"?([^";\s]+)/i.exec(p)?.[1]).find((c) => c !== undefined);
  return { type: type?.trim().toLowerCase(), charset };
}

/**
 * Detects the type of a document from its first bytes (`complete` when they
 * are the whole document), its name (path, URL or entry name) and an optional
 * Content-Type.
 */
export function detectType(prefix: Uint8Array, name: string, hint: string | undefined, complete: boolean): Detected {
  const ext = extensionOf(name);
  const { type: hintType, charset: hintCharset } = parseHint(hint);
  const byName = EXTENSIONS[ext];
  const byHint = hintType === undefined ? undefined : HINTS[hintType];
  const make = (kind: Kind, extra: Partial<Detected> = {}): Detected => ({ kind, mediaType: MEDIA_TYPES[kind], ...extra });

  if (startsWith(prefix, [0x50, 0x4b, 0x03, 0x04]) || startsWith(prefix, [0x50, 0x4b, 0x05, 0x06])) {
    return make(ooxmlKind(prefix) ?? (byName === 'docx' || byName === 'xlsx' ? byName : undefined) ?? zipHint(byHint));
  }
  if (startsWith(prefix, [0x1f, 0x8b])) return make('gzip');
  if (startsWith(prefix, [0x25, 0x50, 0x44, 0x46, 0x2d])) return make('pdf');
  for (const m of MAGIC) {
    if (startsWith(prefix, m.bytes, m.at)) return { kind: m.kind, mediaType: m.type };
  }

  const isHtmlish = byHint === 'html' || byName === 'html';
  const charset = detectCharset(prefix, { complete, declared: hintCharset, html: isHtmlish || looksLikeMarkup(prefix) });
  if (looksBinary(prefix, charset)) return make('binary');
  const text = decodePrefix(prefix, charset, complete);
  const declared = textKind(byHint) ?? textKind(byName);
  const kind = declared !== undefined && fits(declared, text) ? declared : sniffText(text, complete);
  if (kind === 'csv') {
    const delimiter = sniffDelimiter(text, complete, 2) ?? (ext === 'tsv' || hintType === 'text/tab-separated-values' ? '\t' : ',');
    return make('csv', { charset, delimiter });
  }
  return make(kind, { charset });
}

function zipHint(byHint: Kind | undefined): Kind {
  return byHint === 'docx' || byHint === 'xlsx' ? byHint : 'zip';
}

/** OOXML packages name their main part in a local header near the start; walks the headers in the prefix. */
function ooxmlKind(prefix: Uint8Array): 'docx' | 'xlsx' | undefined {
  const view = new DataView(prefix.buffer, prefix.byteOffset, prefix.byteLength);
  let o = 0;
  while (o + 30 <= prefix.length && view.getUint32(o, true) === 0x04034b50) {
    const flags = view.getUint16(o + 6, true);
    const compressedSize = view.getUint32(o + 18, true);
    const nameLen = view.getUint16(o + 26, true);
    const extraLen = view.getUint16(o + 28, true);
    if (o + 30 + nameLen > prefix.length) break;
    const name = Buffer.from(prefix.buffer, prefix.byteOffset + o + 30, nameLen).toString('latin1');
    if (name === 'word/document.xml') return 'docx';
    if (name === 'xl/workbook.xml') return 'xlsx';
    // Without sizes (data descriptor) the next header cannot be found cheaply.
    if (flags & 0x8) break;
    o += 30 + nameLen + extraLen + compressedSize;
  }
  return undefined;
}

function textKind(kind: Kind | undefined): Kind | undefined {
  return kind === 'html' || kind === 'xml' || kind === 'json' || kind === 'jsonl' || kind === 'csv' || kind === 'text'
    ? kind
    : undefined;
}

/** A declared JSON type is believed only if the text starts like JSON. */
function fits(kind: Kind, text: string): boolean {
  if (kind === 'json' || kind === 'jsonl') return /^\s*[[{]/.test(text);
  return true;
}

function looksLikeMarkup(prefix: Uint8Array): boolean {
  for (let i = 0; i < Math.min(prefix.length, 512); i++) {
    const c = prefix[i];
    if (c === 0x3c) return true;
    if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d && c !== 0xef && c !== 0xbb && c !== 0xbf) return false;
  }
  return false;
}

/** NUL bytes (outside UTF-16) or many control characters mean binary. */
function looksBinary(prefix: Uint8Array, charset: string): boolean {
  if (charset.startsWith('utf-16')) return false;
  const n = Math.min(prefix.length, 8192);
  let controls = 0;
  for (let i = 0; i < n; i++) {
    const c = prefix[i] as number;
    if (c === 0) return true;
    if (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d && c !== 0x0c && c !== 0x1b) controls++;
  }
  return controls > n / 20;
}

function decodePrefix(prefix: Uint8Array, charset: string, complete: boolean): string {
  // The last few bytes may be a cut multi-byte sequence; detection does not care.
  const bytes = complete ? prefix : prefix.subarray(0, Math.max(0, prefix.length - 4));
  const d = new TextDecoder(charset === 'utf-8' || charset.startsWith('utf-16') ? charset : 'latin1');
  return d.decode(bytes);
}

const HTML_START = /^(?:<!doctype\s+html|<html|<head|<body|<meta|<title)/i;
const HTML_ANYWHERE = /<(?:html|body|div|p|table|br|a\s)[\s>/]/i;

/** Sniffs decoded text: markup, JSON, delimited or plain. */
function sniffText(text: string, complete: boolean): Kind {
  const t = text.replace(/^\uFEFF/, '').trimStart();
  if (t.startsWith('<')) {
    if (HTML_START.test(t)) return 'html';
    const head = t.slice(0, 4096);
    if (t.startsWith('<?xml')) return /<html[\s>]/i.test(head) ? 'html' : 'xml';
    if (HTML_ANYWHERE.test(head)) return 'html';
  }
  if (t.startsWith('{\\rtf')) return 'text';
  if (t.startsWith('{') || t.startsWith('[')) {
    if (complete && isJson(t)) return 'json';
    if (t.startsWith('{')) return jsonKind(t);
    if (/^\[\s*[[{]/.test(t)) return 'json';
  }
  if (sniffDelimiter(t, complete) !== undefined) return 'csv';
  return 'text';
}

function isJson(t: string): boolean {
  try {
    JSON.parse(t);
    return true;
  } catch {
    return false;
  }
}

function jsonKind(t: string): Kind {
  if (!t.startsWith('{')) return 'json';
  const nl = t.indexOf('\n');
  if (nl === -1) return 'json';
  const rest = t.slice(nl + 1).trimStart();
  if (!rest.startsWith('{')) return 'json';
  return isJson(t.slice(0, nl)) ? 'jsonl' : 'json';
}
