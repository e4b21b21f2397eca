/** HTML building blocks shared by the three site shapes. */
import type { Catalog } from './catalog.js';
import type { Hostile, SiteShape, Unit } from './types.js';

/** What renderers read: the content, the switches and the listing size. */
export interface SiteState {
  shape: SiteShape;
  catalog: Catalog;
  hostile: Hostile;
  perPage: number;
}

/** One entry of a listing page (card, thread row or paste line). */
export interface ListingEntry {
  href: string;
  title: string;
  published: boolean;
  date: number;
  sizeLabel: string;
  teaser: string;
}

/** Escapes text for element content and double-quoted attributes. */
export const esc = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const iso = (ms: number) => new Date(ms).toISOString();

/** A `<time>` element with a machine-readable datetime. */
export const timeTag = (ms: number) => `<time datetime="${iso(ms)}">${iso(ms).slice(0, 16).replace('T', ' ')} UTC</time>`;

const SITE_NAMES: Record<SiteShape, string> = {
  'ransomware-blog': 'NIGHTJAR // leaks',
  forum: 'Breachroom',
  paste: 'GhostBin',
};

/** Wraps `main` in the site chrome: stylesheet and logo assets, and a footer with a clearnet link. */
export function pageShell(shape: SiteShape, title: string, main: string): string {
  const name = SITE_NAMES[shape];
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)} | ${esc(name)}</title>
<link rel="stylesheet" href="/static/style.css">
</head>
<body>
<header class="site-header"><a class="brand" href="/"><img src="/static/logo.png" alt="" width="32" height="32"> ${esc(name)}</a>
<nav class="menu"><a href="/">Home</a> <a href="/rules">Rules</a> <a href="/contact">Contact</a></nav></header>
<main>
${main}
</main>
<footer class="site-footer"><p>Use Tor Browser. Clearnet mirror status: <a class="external" href="http://example.net/status">example.net</a></p>
<p>&copy; ${esc(name)}</p></footer>
</body>
</html>
`;
}

/** Previous/next links; `next` is null on the last page. */
export function paginationNav(prev: string | null, current: number, next: string | null): string {
  const parts = [
    prev ? `<a class="prev" href="${esc(prev)}">&laquo; Prev</a>` : '',
    `<span class="current">Page ${current}</span>`,
    next ? `<a class="next" href="${esc(next)}">Next &raquo;</a>` : '',
  ];
  return `<nav class="pagination">${parts.filter(Boolean).join(' ')}</nav>`;
}

/** The units a listing page shows, and whether more pages follow. */
export function listingSlice<T>(items: readonly T[], page: number, perPage: number): { items: T[]; last: number } {
  return { items: items.slice((page - 1) * perPage, page * perPage), last: Math.max(1, Math.ceil(items.length / perPage)) };
}

/** "Publication in 5d 07h" relative to the post's own date, so pages do not change with wall time. */
export function countdown(u: Unit): string {
  const hours = 24 * 7 - (u.serial % 5) * 17;
  return `Publication in ${Math.floor(hours / 24)}d ${String(hours % 24).padStart(2, '0')}h`;
}

/** Parses a positive page number: 1 when absent, null when malformed. */
export function pageNumber(raw: string | null | undefined): number | null {
  if (raw === null || raw === undefined) return 1;
  return /^[1-9]\d{0,8}$/.test(raw) ? Number(raw) : null;
}
