/** The paste site: a paginated list of recent pastes, an HTML view and a raw text view of each. */
import { esc, listingSlice, pageNumber, pageShell, paginationNav, timeTag, type ListingEntry, type SiteState } from './html.js';
import { attachmentResource, hostileEntries, trapEntries, type EntryRenderer } from './hostile.js';
import { PATHS } from './paths.js';
import { bodyOf, type Resource } from './respond.js';
import type { Unit } from './types.js';

const paths = PATHS.paste;
const HTML = 'text/html; charset=utf-8';

/** The title a paste is listed under. */
export function pasteTitle(st: SiteState, u: Unit): string {
  const v = st.catalog.victimName;
  switch (u.role) {
    case 'dump':
      return `${v} patients part ${u.serial + 1}`;
    case 'notes':
      return `${v.toLowerCase()} session notes`;
    case 'archive':
      return `${v} sample (rows + notes)`;
    case 'other':
      return 'untitled';
    default:
      return `${u.title} - coming soon`;
  }
}

const rawText = (u: Unit) => Buffer.from(u.attachments[0]!.body).toString('utf8');

function listing(st: SiteState, page: number): Resource | undefined {
  const units = st.hostile.empty ? [] : st.catalog.newestFirst();
  const { items, last } = listingSlice(units, page, st.perPage);
  if (page > last && !st.hostile.endlessPagination) return undefined;
  const entries: ListingEntry[] = items.map((u) => ({
    href: paths.entry(u.id),
    title: pasteTitle(st, u),
    published: true,
    date: u.created,
    sizeLabel: `${(u.attachments[0]!.body.length / 1024).toFixed(1)} KB`,
    teaser: '',
  }));
  if (page === 1 && !st.hostile.empty) entries.push(...hostileEntries(st));
  if (page > last) entries.push(...trapEntries(st, page));
  const lis = entries.map(
    (e) => `<li class="paste-item"><a class="paste" href="${esc(e.href)}">${esc(e.title)}</a> <span class="syntax">text</span> ${timeTag(e.date)} <span class="size">${esc(e.sizeLabel)}</span></li>`,
  );
  const next = page < last || st.hostile.endlessPagination ? paths.listing(page + 1) : null;
  const main = `<h1>Recent pastes</h1>
<ul class="pastes">
${lis.join('\n')}
</ul>
${paginationNav(page > 1 ? paths.listing(page - 1) : null, page, next)}`;
  return bodyOf(200, HTML, pageShell('paste', 'Recent pastes', main), { lastModified: st.catalog.lastChange, compress: true });
}

function viewHtml(title: string, meta: string, links: string, text: string): string {
  const main = `<div class="paste-view">
<h1 class="paste-title">${esc(title)}</h1>
<div class="paste-meta">${meta} ${links}</div>
<pre class="paste-content">${esc(text)}</pre>
</div>`;
  return pageShell('paste', title, main);
}

/** Routes a request on the paste site; undefined means 404. */
export function routePaste(path: string, query: URLSearchParams, st: SiteState): Resource | undefined {
  if (path === '/') {
    const page = pageNumber(query.get('page'));
    return page === null ? undefined : listing(st, page);
  }
  const m = /^\/(p|raw)\/([A-Za-z0-9]{8})$/.exec(path);
  const u = m && st.catalog.units.find((x) => x.id === m[2]);
  if (!m || !u) return undefined;
  if (m[1] === 'raw') return attachmentResource(st, u.attachments[0]!);
  const meta = `${timeTag(u.created)} <span class="size">${u.attachments[0]!.body.length} bytes</span>`;
  const raw = `<a class="raw" href="${paths.file(u.id, 'raw')}">raw</a>`;
  return bodyOf(200, HTML, viewHtml(pasteTitle(st, u), meta, raw, rawText(u)), { lastModified: u.modified, compress: true });
}

/** Paste markup for hostile and trap entries: links to raw views are `a.raw`, others `a.paste`. */
export const pasteEntries: EntryRenderer = {
  linkClass: 'raw',
  page: (title, text, links) =>
    viewHtml(
      title,
      '',
      links.map((l) => `<a class="${l.href.startsWith('/raw/') ? 'raw' : 'paste'}" href="${esc(l.href)}">${esc(l.name)}</a>`).join('\n'),
      text,
    ),
};
