/**
 * Parses leak-site pages with a profile's CSS selectors (cheerio; no script
 * ever runs). Returns URLs only on the same site; assets and external links are
 * dropped here, so the crawler cannot be walked off the onion.
 */
import * as cheerio from 'cheerio';
import { estimateDepth, MAX_DOM_DEPTH } from '../extract/html-dom.js';
import type { SiteProfile } from './profiles/schema.js';

type ListingProfile = Extract<SiteProfile, { kind: 'listing' }>;
type Sel = cheerio.Cheerio<any>;

/** File extensions that are page furniture, never leaked data. */
const ASSET_EXT = /\.(css|js|mjs|map|ico|svg|woff2?|ttf|eot|gif|webp)(\?|#|$)/i;

export interface ListingItem {
  url: string;
  title: string | null;
  date: string | null;
}

export interface ListingPage {
  items: ListingItem[];
  next: string | null;
}

export interface PostPage {
  attachments: string[];
  next: string | null;
}

/** Resolves `href` against `base` and keeps it only when it stays on the same origin. */
export function sameSiteUrl(href: string | undefined, base: string): string | null {
  if (!href) return null;
  let u: URL;
  try {
    u = new URL(href.trim(), base);
  } catch {
    return null;
  }
  const b = new URL(base);
  if (u.protocol !== b.protocol || u.host !== b.host) return null;
  u.hash = '';
  return u.toString();
}

function pick($el: Sel, sel: string): Sel {
  return $el.is(sel) ? $el : $el.find(sel).first();
}

function load(html: string): cheerio.CheerioAPI {
  // parse5 walks its open-element stack for every tag (100,000 nested divs took 90 s): deeper pages yield no links.
  if (estimateDepth(html, MAX_DOM_DEPTH) > MAX_DOM_DEPTH) return cheerio.load('', { scriptingEnabled: false });
  return cheerio.load(html, { scriptingEnabled: false });
}

/** Listing page: items (post link, title, date) and the next listing page. */
export function parseListing(html: string, base: string, profile: ListingProfile): ListingPage {
  const $ = load(html);
  const items: ListingItem[] = [];
  const seen = new Set<string>();
  $(profile.listing.item).each((_, el) => {
    const $item = $(el);
    const url = sameSiteUrl(pick($item, profile.listing.link).attr('href'), base);
    if (!url || seen.has(url) || ASSET_EXT.test(url)) return;
    seen.add(url);
    const title = profile.listing.title ? pick($item, profile.listing.title).text().trim().replace(/\s+/g, ' ') || null : null;
    let date: string | null = null;
    if (profile.listing.date) {
      const $d = pick($item, profile.listing.date);
      date = $d.attr('datetime') ?? ($d.text().trim() || null);
    }
    items.push({ url, title, date });
  });
  const next = profile.listing.next ? sameSiteUrl($(profile.listing.next).first().attr('href'), base) : null;
  return { items, next: next === base ? null : next };
}

/** Post page: attachment links and the next page of the post. */
export function parsePost(html: string, base: string, profile: ListingProfile): PostPage {
  const $ = load(html);
  // A Set: Array.includes made a page of 100,000 links cost billions of comparisons.
  const attachments = new Set<string>();
  if (profile.post.attachments) {
    $(profile.post.attachments).each((_, el) => {
      const url = sameSiteUrl($(el).attr('href'), base);
      if (url) attachments.add(url);
    });
  }
  const next = profile.post.next ? sameSiteUrl($(profile.post.next).first().attr('href'), base) : null;
  return { attachments: [...attachments], next: next === base ? null : next };
}

/** Applies the profile's post URL rewrites (e.g. a paste's raw view). */
export function rewritePostUrl(url: string, profile: ListingProfile): string {
  let out = url;
  for (const rw of profile.post.rewrite) out = out.replace(new RegExp(rw.from), rw.to);
  return out;
}

/** Generic profile: every same-site, non-asset link on a page. */
export function sameSiteLinks(html: string, base: string): string[] {
  const $ = load(html);
  const out = new Set<string>();
  $('a[href]').each((_, el) => {
    const url = sameSiteUrl($(el).attr('href'), base);
    if (url && !ASSET_EXT.test(url)) out.add(url);
  });
  return [...out];
}
