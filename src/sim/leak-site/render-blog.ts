/** The ransomware data-leak blog: victim cards, post pages with download links, files. */
import { countdown, esc, listingSlice, pageNumber, pageShell, paginationNav, timeTag, type ListingEntry, type SiteState } from './html.js';
import { attachmentResource, hostileEntries, safeDecode, trapEntries, type EntryRenderer } from './hostile.js';
import { PATHS } from './paths.js';
import { bodyOf, type Resource } from './respond.js';
import type { Unit } from './types.js';

const paths = PATHS['ransomware-blog'];
const HTML = 'text/html; charset=utf-8';

function description(st: SiteState, u: Unit): string {
  const c = st.catalog;
  const victimSite = u.title === c.victimName ? c.victimDomain : 'their website';
  const base: Record<Unit['role'], string> = {
    dump: `${u.title} (${victimSite}) refused to cooperate. Patient database export attached: ${u.rows.length} rows with names, personal identity codes, phone numbers and e-mail addresses.`,
    notes: `Therapy session notes of ${u.title}. ${u.notes.length} documents attached as a sample, the rest follows.`,
    archive: `Full export archive of ${u.title}: patient table and session notes. Download below.`,
    other: `${u.title} did not respond to our offer. Proof of access attached. Finance, HR and contracts (${u.sizeLabel}) are next.`,
    soon: `${u.title} (${victimSite}) has been informed. Patient records and session notes will be published when the timer ends.`,
    'other-soon': `${u.title} has a few days left to contact us. Internal documents and databases, ${u.sizeLabel}.`,
  };
  const updates = u.updates > 0 ? ` UPDATE ${u.updates}: ${u.addendumRows.length} more rows published.` : '';
  return base[u.role] + updates;
}

function status(u: Unit): string {
  return u.published
    ? '<div class="status published">PUBLISHED</div>'
    : `<div class="status countdown" data-deadline="${new Date(u.created + 7 * 86_400_000).toISOString()}">${countdown(u)}</div>`;
}

function card(e: ListingEntry, u?: Unit): string {
  const state = u
    ? status(u)
    : `<div class="status ${e.published ? 'published' : 'countdown'}">${e.published ? 'PUBLISHED' : 'SOON'}</div>`;
  return `<div class="card">
  <a class="title" href="${esc(e.href)}">${esc(e.title)}</a>
  ${timeTag(e.date)}
  ${state}
  <div class="size">Data: ${esc(e.sizeLabel)}</div>
  <p class="teaser">${esc(e.teaser)}</p>
</div>`;
}

function listing(st: SiteState, page: number): Resource | undefined {
  const units = st.hostile.empty ? [] : st.catalog.newestFirst();
  const { items, last } = listingSlice(units, page, st.perPage);
  if (page > last && !st.hostile.endlessPagination) return undefined;
  const cards = items.map((u) =>
    card({ href: paths.entry(u.id), title: u.title, published: u.published, date: u.created, sizeLabel: u.sizeLabel, teaser: description(st, u).slice(0, 90) }, u),
  );
  if (page === 1 && !st.hostile.empty) cards.push(...hostileEntries(st).map((e) => card(e)));
  if (page > last) cards.push(...trapEntries(st, page).map((e) => card(e)));
  const next = page < last || st.hostile.endlessPagination ? paths.listing(page + 1) : null;
  const main = `<h1>Leaked data</h1>
<div class="cards">
${cards.join('\n')}
</div>
${paginationNav(page > 1 ? paths.listing(page - 1) : null, page, next)}`;
  return bodyOf(200, HTML, pageShell('ransomware-blog', page === 1 ? 'News' : `News - page ${page}`, main), {
    lastModified: st.catalog.lastChange,
    compress: true,
  });
}

function blogEntryPage(title: string, meta: string, text: string, files: string): string {
  const main = `<article class="post">
<h1 class="victim">${esc(title)}</h1>
${meta}
<p class="description">${esc(text)}</p>
<h2>Files</h2>
<ul class="files">
${files}
</ul>
</article>`;
  return pageShell('ransomware-blog', title, main);
}

/** One download list item. */
const blogFileLink = (href: string, name: string, size?: number) =>
  `<li><a class="download" href="${esc(href)}">${esc(name)}</a>${size === undefined ? '' : ` <span class="filesize">${size} bytes</span>`}</li>`;

function post(st: SiteState, u: Unit): Resource {
  const c = st.catalog;
  const meta = `<div class="meta">${timeTag(u.created)} ${status(u)}
<span class="website">${esc(u.title === c.victimName ? c.victimDomain : 'n/a')}</span> <span class="size">Data: ${esc(u.sizeLabel)}</span></div>`;
  const files = u.attachments.map((a) => blogFileLink(paths.file(u.id, a.name), a.name, a.body.length)).join('\n');
  return bodyOf(200, HTML, blogEntryPage(u.title, meta, description(st, u), files), { lastModified: u.modified, compress: true });
}

/** Routes a request on the blog; undefined means 404. */
export function routeBlog(path: string, _query: URLSearchParams, st: SiteState): Resource | undefined {
  if (path === '/') return listing(st, 1);
  let m = /^\/page\/([^/]+)$/.exec(path);
  if (m) {
    const page = pageNumber(m[1]);
    return page === null ? undefined : listing(st, page);
  }
  m = /^\/post\/([0-9a-f]{16})$/.exec(path);
  if (m) {
    const u = st.catalog.units.find((x) => x.id === m![1]);
    return u ? post(st, u) : undefined;
  }
  m = /^\/files\/([0-9a-f]{16})\/([^/]+)$/.exec(path);
  if (m) {
    const u = st.catalog.units.find((x) => x.id === m![1]);
    const a = u?.attachments.find((x) => x.name === safeDecode(m![2]!));
    return a ? attachmentResource(st, a) : undefined;
  }
  return undefined;
}

/** Blog markup for hostile and trap entries. */
export const blogEntries: EntryRenderer = {
  linkClass: 'download',
  page: (title, text, links) => blogEntryPage(title, '', text, links.map((l) => blogFileLink(l.href, l.name)).join('\n')),
};
