/**
 * What the hostile switches add to a site: listing entries leading to traps,
 * redirects to clearnet addresses, bombs, endless and slow bodies, broken and
 * link-flooded pages, wrong or corrupt files. Large payloads are built only
 * when their switch is on and a client asks for them.
 */
import { gzipBomb, nestedZipBomb, zipBomb } from './bombs.js';
import { sha256Hex, slugify } from './catalog.js';
import { corruptDocx, truncatedPdf } from './corrupt-docs.js';
import { esc, type ListingEntry, type SiteState } from './html.js';
import { PATHS } from './paths.js';
import { bodyOf, redirect, type Resource } from './respond.js';
import { endlessChunked, hugeLine, slowDrip } from './streams.js';
import type { Attachment, AttachmentKind, HostileSwitches } from './types.js';

/** Shape-specific markup for simple entry pages (hostile entries and pagination traps). */
export interface EntryRenderer {
  /** Class the shape's crawlable file links carry. */
  linkClass: string;
  page(title: string, text: string, links: { href: string; name: string }[]): string;
}

type Switch = keyof HostileSwitches;

/** Addresses the clearnetRedirect entries point at; a crawler must never fetch them. */
export const CLEARNET_TARGETS = ['http://93.184.216.34/', 'http://example.com/'] as const;
/** Number of links on the manyLinks page. */
export const MANY_LINKS = 100_000;
/** Nesting depth of the brokenHtml page. */
export const BROKEN_DEPTH = 100_000;

const FILES: { switch: Switch; name: string }[] = [
  { switch: 'slowDrip', name: 'billing_export.csv' },
  { switch: 'endlessChunked', name: 'patients_stream.csv' },
  { switch: 'zipBomb', name: 'full_database.zip' },
  { switch: 'nestedZipBomb', name: 'archive_nested.zip' },
  { switch: 'gzipBomb', name: 'records_export.txt' },
  { switch: 'hugeLine', name: 'oneline_dump.txt' },
  { switch: 'corruptDocs', name: 'session_notes_scan.pdf' },
  { switch: 'corruptDocs', name: 'session_notes_final.docx' },
];

const PAGES: { switch: Switch; id: string; title: string }[] = [
  { switch: 'brokenHtml', id: 'x-broken', title: 'Harbor Point Pharmacy' },
  { switch: 'manyLinks', id: 'x-links', title: 'Silverline Architects' },
  { switch: 'clearnetRedirect', id: 'x-redirect-ip', title: 'Coldwater Savings Bank (mirror)' },
  { switch: 'clearnetRedirect', id: 'x-redirect-host', title: 'Fjordline Shipping (mirror)' },
  { switch: 'redirectLoop', id: 'x-loop-a', title: 'Westmark Clinic' },
];

const FILE_POST_TITLE = 'Meridian Dental Group';

const CONTENT_TYPES: Record<AttachmentKind, string> = {
  csv: 'text/csv; charset=utf-8',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  pdf: 'application/pdf',
  zip: 'application/zip',
  png: 'image/png',
  txt: 'text/plain; charset=utf-8',
};

/** decodeURIComponent that answers null instead of throwing on malformed escapes. */
export function safeDecode(s: string): string | null {
  try {
    return decodeURIComponent(s);
  } catch {
    return null;
  }
}

const activeFiles = (st: SiteState) => FILES.filter((f) => st.hostile[f.switch]);
const activePages = (st: SiteState) => PAGES.filter((p) => st.hostile[p.switch]);

// Pastes have no attachments, so each hostile file becomes a paste of its own.
const pasteFileId = (name: string) => `x-${slugify(name)}`;

function filePath(st: SiteState, name: string): string {
  return st.shape === 'paste' ? PATHS.paste.file(pasteFileId(name), name) : PATHS[st.shape].file('x', name);
}

/** Serves a published file, with the content type wrongContentTypes may falsify. */
export function attachmentResource(st: SiteState, a: Attachment): Resource {
  let type = CONTENT_TYPES[a.kind];
  if (st.hostile.wrongContentTypes) {
    if (a.kind === 'csv' || a.kind === 'txt') type = 'image/png';
    if (a.kind === 'zip') type = 'text/html; charset=utf-8';
  }
  return bodyOf(200, type, a.body, {
    lastModified: a.added,
    compress: a.kind === 'txt' && !st.hostile.wrongContentTypes,
    headers: a.kind === 'txt' ? {} : { 'Content-Disposition': `attachment; filename="${a.name}"` },
  });
}

/** Listing entries the switches add to the first listing page. */
export function hostileEntries(st: SiteState): ListingEntry[] {
  const at = st.catalog.lastChange;
  const entry = (id: string, title: string): ListingEntry => ({
    href: PATHS[st.shape].entry(id),
    title,
    published: true,
    date: at,
    sizeLabel: '12.0 GB',
    teaser: `${title}: full dump, download now.`,
  });
  const out: ListingEntry[] = [];
  const files = activeFiles(st);
  if (files.length > 0) {
    if (st.shape === 'paste') out.push(...files.map((f) => entry(pasteFileId(f.name), f.name)));
    else out.push(entry('x', FILE_POST_TITLE));
  }
  out.push(...activePages(st).map((p) => entry(p.id, p.title)));
  return out;
}

/** Generated entries of listing page `page` past the last real page (endlessPagination). */
export function trapEntries(st: SiteState, page: number): ListingEntry[] {
  return Array.from({ length: st.perPage }, (_, i) => {
    const h = sha256Hex(`trap:${st.catalog.seed}:${page}:${i}`);
    return {
      href: PATHS[st.shape].entry(`t${page}-${i}`),
      title: `Archive ${h.slice(0, 6).toUpperCase()} Holdings`,
      published: false,
      date: st.catalog.lastChange - page * 3_600_000,
      sizeLabel: `${(parseInt(h.slice(6, 10), 16) % 900) + 10}.0 GB`,
      teaser: 'Negotiations ongoing.',
    };
  });
}

/** Paths of the resources the current switches serve, for tests and for the manifest. */
export function hostilePaths(st: SiteState): { switch: Switch; path: string }[] {
  const out = activeFiles(st).map((f) => ({ switch: f.switch, path: filePath(st, f.name) }));
  for (const p of activePages(st)) out.push({ switch: p.switch, path: PATHS[st.shape].entry(p.id) });
  if (st.hostile.redirectLoop) out.push({ switch: 'redirectLoop', path: PATHS[st.shape].entry('x-loop-b') });
  if (st.hostile.endlessPagination) {
    const last = Math.max(1, Math.ceil(st.catalog.units.length / st.perPage));
    out.push({ switch: 'endlessPagination', path: PATHS[st.shape].listing(last + 1) });
  }
  if (st.hostile.wrongContentTypes) {
    for (const u of st.catalog.units) {
      for (const a of u.attachments) {
        if (a.kind === 'csv' || a.kind === 'zip' || a.kind === 'txt') out.push({ switch: 'wrongContentTypes', path: PATHS[st.shape].file(u.id, a.name) });
      }
    }
  }
  return out;
}

function fileResource(st: SiteState, sw: Switch, name: string): Resource {
  const note = st.catalog.notes[0]?.text ?? 'Session note.';
  const lastModified = st.catalog.lastChange;
  const zip = (body: Uint8Array) => bodyOf(200, 'application/zip', body, { lastModified });
  switch (sw) {
    case 'slowDrip':
      return slowDrip('text/csv; charset=utf-8');
    case 'endlessChunked':
      return endlessChunked('text/csv; charset=utf-8');
    case 'zipBomb':
      return zip(zipBomb());
    case 'nestedZipBomb':
      return zip(nestedZipBomb());
    case 'gzipBomb':
      return bodyOf(200, 'text/plain; charset=utf-8', gzipBomb(), { lastModified, headers: { 'Content-Encoding': 'gzip' } });
    case 'hugeLine':
      return hugeLine();
    default:
      return name.endsWith('.pdf')
        ? bodyOf(200, 'application/pdf', truncatedPdf(note), { lastModified })
        : bodyOf(200, CONTENT_TYPES.docx, corruptDocx(note), { lastModified });
  }
}

// The first published file of the site, linked from inside the broken page so a robust parser still finds it.
function firstFileLink(st: SiteState, cls: string): string {
  for (const u of st.catalog.units) {
    const a = u.attachments[0];
    if (a) return `<a class="${cls}" href="${esc(PATHS[st.shape].file(u.id, a.name))}">${esc(a.name)}</a>`;
  }
  return '';
}

/** Unclosed tags, invalid UTF-8, Latin-1 and Windows-1252 bytes, a UTF-16 fragment, a script and 100k nested divs. */
function brokenHtml(st: SiteState, r: EntryRenderer): Buffer {
  const ascii = (s: string) => Buffer.from(s, 'latin1');
  return Buffer.concat([
    ascii('<html><head><meta charset="utf-8"><meta http-equiv="Content-Type" content="text/html; charset=windows-1252">'),
    ascii('<title>Harbor Point Pharmacy</title><link rel="stylesheet" href="/static/style.css"><body>'),
    ascii('<script>document.location="http://93.184.216.34/"</script>'),
    ascii('<div class="post"><h1 class="victim">Harbor Point Pharmacy<p class="description">Unclosed <b>bold <i>italic <table><tr><td>cell '),
    Buffer.from([0xc3, 0x28, 0xa0, 0xa1, 0xe2, 0x28, 0xa1, 0xf0, 0x28, 0x8c, 0xbc, 0xff, 0xfe, 0xed, 0xa0, 0x80]),
    ascii(' Potilasrekisteri: S\xe4hk\xf6posti \x93lainattu\x94 \x80 '),
    Buffer.from(' Sähköposti ✓ ', 'utf8'),
    Buffer.from('hetu', 'utf16le'),
    Buffer.from([0x00]),
    ascii(firstFileLink(st, r.linkClass)),
    ascii('<div>'.repeat(BROKEN_DEPTH)),
    ascii(`deep text ${firstFileLink(st, r.linkClass)} <a href="/post/<<>>">&#xD800;&bogus;`),
    ascii('<!-- unterminated comment'),
  ]);
}

function manyLinksPage(st: SiteState, r: EntryRenderer): string {
  const links = Array.from({ length: MANY_LINKS }, (_, i) => {
    const name = `file-${String(i + 1).padStart(6, '0')}.bin`;
    const href = st.shape === 'paste' ? PATHS.paste.entry(`x-links-${i + 1}`) : PATHS[st.shape].file('x-links', name);
    return { href, name };
  });
  return r.page('Silverline Architects', 'File tree of the leak, every file linked.', links);
}

/** Routes hostile resources; undefined when the path is not one of them (or its switch is off). */
export function routeHostile(path: string, st: SiteState, r: EntryRenderer): Resource | undefined {
  const html = (body: string | Uint8Array) => bodyOf(200, 'text/html; charset=utf-8', body, { lastModified: st.catalog.lastChange, compress: true });
  for (const f of activeFiles(st)) if (path === filePath(st, f.name)) return fileResource(st, f.switch, f.name);
  const prefix = PATHS[st.shape].entry('');
  if (!path.startsWith(prefix)) return undefined;
  const id = path.slice(prefix.length);
  const h = st.hostile;
  if (id === 'x' && st.shape !== 'paste' && activeFiles(st).length > 0) {
    const links = activeFiles(st).map((f) => ({ href: filePath(st, f.name), name: f.name }));
    return html(r.page(FILE_POST_TITLE, 'Everything we took. Patient tables, scans, billing.', links));
  }
  if (st.shape === 'paste') {
    const f = activeFiles(st).find((x) => pasteFileId(x.name) === id);
    if (f) return html(r.page(f.name, 'Too large to display, use the raw view.', [{ href: filePath(st, f.name), name: 'raw' }]));
  }
  if (id === 'x-broken' && h.brokenHtml) return html(brokenHtml(st, r));
  if (id === 'x-links' && h.manyLinks) return html(manyLinksPage(st, r));
  if (id === 'x-redirect-ip' && h.clearnetRedirect) return redirect(CLEARNET_TARGETS[0]);
  if (id === 'x-redirect-host' && h.clearnetRedirect) return redirect(CLEARNET_TARGETS[1]);
  if (id === 'x-loop-a' && h.redirectLoop) return redirect(PATHS[st.shape].entry('x-loop-b'));
  if (id === 'x-loop-b' && h.redirectLoop) return redirect(PATHS[st.shape].entry('x-loop-a'));
  const trap = /^t(\d{1,9})-(\d{1,4})$/.exec(id);
  if (trap && h.endlessPagination) {
    const title = `Archive ${sha256Hex(`trap:${st.catalog.seed}:${trap[1]}:${trap[2]}`).slice(0, 6).toUpperCase()} Holdings`;
    return html(r.page(title, 'Negotiations ongoing. Data will be published if no agreement is reached.', []));
  }
  return undefined;
}
