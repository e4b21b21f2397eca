/** The forum: a board listing threads, a leak thread paged across units, chatter threads, attachments. */
import { noteExcerpt, leakRowLines } from './records.js';
import { countdown, esc, listingSlice, pageNumber, pageShell, paginationNav, timeTag, type ListingEntry, type SiteState } from './html.js';
import { attachmentResource, hostileEntries, safeDecode, trapEntries, type EntryRenderer } from './hostile.js';
import { PATHS } from './paths.js';
import { bodyOf, type Resource } from './respond.js';
import type { Attachment, Unit } from './types.js';
import { createRng } from '../../matcher/identifiers/synthetic.js';
import { makeFiller } from '../../demo/synthetic-clinic.js';

const paths = PATHS.forum;
const HTML = 'text/html; charset=utf-8';
const LEAKER = 'n1ghtjar';
const USERS = ['dr0pper', 'vapaa_kettu', 'anon4421', 'blackfin', 'sysop_ghost', 'k4rhu'];
const CHATTER = [
  'Rules of the leaks board - read before posting',
  'Looking for initial access, Nordic healthcare',
  'Best way to check hetu lists? (script inside)',
  'Escrow service for database sales',
];

interface Message {
  author: string;
  at: number;
  html: string;
  files: Attachment[];
}

/** Id of the leak thread, stable for a seed. */
export const leakThreadId = (st: SiteState) => String(4000 + (st.catalog.seed % 900));
const chatterId = (st: SiteState, i: number) => String(Number(leakThreadId(st)) + 1 + i);

const quote = (lines: string[]) => `<blockquote class="quote">${lines.map(esc).join('<br>\n')}</blockquote>`;
const para = (s: string) => `<p>${esc(s)}</p>`;

/** Path of page `page` (1-based) of a thread. */
export const threadPage = (id: string, page: number) => (page === 1 ? paths.entry(id) : `${paths.entry(id)}?page=${page}`);

function messages(st: SiteState, u: Unit): Message[] {
  const c = st.catalog;
  const rng = createRng(c.seed * 17 + u.serial);
  const user = () => USERS[Math.floor(rng() * USERS.length)]!;
  const at = (k: number) => u.created + k * 17 * 60_000;
  const main = u.attachments.filter((a) => !a.name.startsWith('addendum_'));
  const rows = leakRowLines(u.rows);
  const out: Message[] = [];
  switch (u.role) {
    case 'dump':
      out.push(
        { author: LEAKER, at: at(0), html: para(`Part ${u.serial + 1} of the ${u.title} database, ${u.rows.length} rows. Sample:`) + quote(rows.slice(0, 3)), files: main },
        { author: user(), at: at(1), html: para('legit, checked a few of the ids and they validate'), files: [] },
      );
      if (rows.length > 3) out.push({ author: user(), at: at(2), html: quote(rows.slice(3, 5)) + para('this one is from my town lol'), files: [] });
      break;
    case 'notes':
      out.push(
        { author: LEAKER, at: at(0), html: para(`Session notes from ${u.title}, ${u.notes.length} files. Excerpt:`) + (u.notes[0] ? quote([noteExcerpt(u.notes[0])]) : ''), files: main },
        { author: user(), at: at(1), html: para('this is sick. literally.'), files: [] },
      );
      break;
    case 'archive':
      out.push(
        { author: LEAKER, at: at(0), html: para(`Full export of ${u.title} as one archive (${u.sizeLabel} total, first part here).`), files: main },
        { author: user(), at: at(1), html: para('mirror please, link is slow'), files: [] },
      );
      break;
    case 'other':
      out.push(
        { author: user(), at: at(0), html: para(`Anyone has more on ${u.title}? Screenshot of their panel attached.`), files: main },
        { author: user(), at: at(1), html: para(makeFiller(rng, 20)), files: [] },
      );
      break;
    case 'soon':
      out.push(
        { author: LEAKER, at: at(0), html: para(`${u.title} (${c.victimDomain}) is next. Therapy notes coming soon. ${countdown(u)}.`), files: [] },
        { author: user(), at: at(1), html: para('waiting'), files: [] },
      );
      break;
    case 'other-soon':
      out.push({ author: user(), at: at(0), html: para(`${u.title} got hit last week, leak soon. ${countdown(u)}.`), files: [] });
      break;
  }
  if (u.updates > 0) {
    out.push({
      author: LEAKER,
      at: u.modified,
      html: para(`UPDATE ${u.updates}: ${u.addendumRows.length} more rows.`) + quote(leakRowLines(u.addendumRows).slice(0, 2)),
      files: u.attachments.filter((a) => a.name.startsWith('addendum_')),
    });
  }
  return out;
}

function renderPost(id: string, m: Message, fileHref: (a: Attachment) => string): string {
  const files = m.files.map((a) => `<a class="attachment" href="${esc(fileHref(a))}">${esc(a.name)}</a> <span class="filesize">(${a.body.length} bytes)</span>`);
  return `<div class="post" id="${esc(id)}">
  <div class="author">${esc(m.author)}</div>
  ${timeTag(m.at)}
  <div class="content">${m.html}</div>${files.length ? `\n  <div class="attachments">${files.join('\n')}</div>` : ''}
</div>`;
}

function threadHtml(title: string, threadId: string, posts: string[], nav: string): string {
  const main = `<div class="breadcrumbs"><a href="${paths.listing(1)}">Leaks &amp; databases</a></div>
<h1 class="thread-title">${esc(title)}</h1>
<div class="thread" data-thread-id="${esc(threadId)}">
${posts.join('\n')}
</div>
${nav}`;
  return pageShell('forum', title, main);
}

const leakTitle = (st: SiteState) => `[LEAK] ${st.catalog.victimName} - patients + session notes`;

function leakThreadPage(st: SiteState, page: number): Resource | undefined {
  const tid = leakThreadId(st);
  const units = st.catalog.units;
  const last = Math.max(1, units.length);
  if (page > last && !st.hostile.endlessPagination) return undefined;
  const u = units[page - 1];
  const ms = u ? messages(st, u) : [{ author: USERS[page % USERS.length]!, at: st.catalog.lastChange, html: para('bump'), files: [] }];
  const posts = ms.map((m, k) => renderPost(`post-${u?.id ?? `p${page}`}-${k}`, m, (a) => paths.file(u!.id, a.name)));
  const next = page < last || st.hostile.endlessPagination ? threadPage(tid, page + 1) : null;
  const nav = paginationNav(page > 1 ? threadPage(tid, page - 1) : null, page, next);
  const lastModified = Math.max(u?.modified ?? st.catalog.lastChange, st.catalog.structureChange);
  return bodyOf(200, HTML, threadHtml(leakTitle(st), tid, posts, nav), { lastModified, compress: true });
}

function chatterThread(st: SiteState, i: number): Resource {
  const rng = createRng(st.catalog.seed * 23 + i);
  const posts = [0, 1, 2].map((k) =>
    renderPost(`post-c${i}-${k}`, { author: USERS[(i + k) % USERS.length]!, at: st.catalog.startedAt + (i * 5 + k) * 3_600_000, html: para(makeFiller(rng, 25)), files: [] }, () => ''),
  );
  return bodyOf(200, HTML, threadHtml(CHATTER[i]!, chatterId(st, i), posts, paginationNav(null, 1, null)), { lastModified: st.catalog.startedAt, compress: true });
}

function board(st: SiteState, page: number): Resource | undefined {
  const c = st.catalog;
  const threads: ListingEntry[] = st.hostile.empty
    ? []
    : [
        { href: paths.entry(leakThreadId(st)), title: leakTitle(st), published: true, date: c.lastChange, sizeLabel: `${c.units.length} pages`, teaser: `${c.victimName} (${c.victimDomain})` },
        ...CHATTER.map((t, i) => ({ href: paths.entry(chatterId(st, i)), title: t, published: true, date: c.startedAt + i * 3_600_000, sizeLabel: '1 page', teaser: '' })),
      ];
  const { items, last } = listingSlice(threads, page, st.perPage);
  if (page > last && !st.hostile.endlessPagination) return undefined;
  if (page === 1 && !st.hostile.empty) items.push(...hostileEntries(st));
  if (page > last) items.push(...trapEntries(st, page));
  const rows = items.map(
    (e) => `<tr class="thread-row">
  <td class="subject"><a class="thread-link" href="${esc(e.href)}">${esc(e.title)}</a><div class="teaser">${esc(e.teaser)}</div></td>
  <td class="replies">${esc(e.sizeLabel)}</td>
  <td class="last-post">${timeTag(e.date)}</td>
</tr>`,
  );
  const next = page < last || st.hostile.endlessPagination ? paths.listing(page + 1) : null;
  const main = `<h1>Leaks &amp; databases</h1>
<table class="threads">
<tr><th>Thread</th><th>Size</th><th>Last post</th></tr>
${rows.join('\n')}
</table>
${paginationNav(page > 1 ? paths.listing(page - 1) : null, page, next)}`;
  return bodyOf(200, HTML, pageShell('forum', 'Leaks & databases', main), { lastModified: c.lastChange, compress: true });
}

function home(): Resource {
  const main = `<h1>Boards</h1><ul class="boards"><li><a class="board" href="${paths.listing(1)}">Leaks &amp; databases</a></li></ul>`;
  return bodyOf(200, HTML, pageShell('forum', 'Boards', main), { compress: true });
}

/** Routes a request on the forum; undefined means 404. */
export function routeForum(path: string, query: URLSearchParams, st: SiteState): Resource | undefined {
  if (path === '/') return home();
  const page = pageNumber(query.get('page'));
  if (page === null) return undefined;
  if (path === '/forum/') return board(st, page);
  let m = /^\/thread\/(\d+)$/.exec(path);
  if (m) {
    if (m[1] === leakThreadId(st)) return leakThreadPage(st, page);
    const i = CHATTER.findIndex((_, k) => chatterId(st, k) === m![1]);
    return i >= 0 && page === 1 ? chatterThread(st, i) : undefined;
  }
  m = /^\/attach\/(\d+)\/([^/]+)$/.exec(path);
  if (m) {
    const u = st.catalog.units.find((x) => x.id === m![1]);
    const a = u?.attachments.find((x) => x.name === safeDecode(m![2]!));
    return a ? attachmentResource(st, a) : undefined;
  }
  return undefined;
}

/** Forum markup for hostile and trap entries: a one-post thread. */
export const forumEntries: EntryRenderer = {
  linkClass: 'attachment',
  page: (title, text, links) => {
    const files = links.map((l) => `<a class="attachment" href="${esc(l.href)}">${esc(l.name)}</a>`).join('\n');
    const post = `<div class="post">
  <div class="author">${LEAKER}</div>
  <div class="content">${para(text)}</div>${files ? `\n  <div class="attachments">${files}</div>` : ''}
</div>`;
    return threadHtml(title, '0', [post], paginationNav(null, 1, null));
  },
};
