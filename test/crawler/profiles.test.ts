import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseListing, parsePost, rewritePostUrl, sameSiteLinks, sameSiteUrl } from '../../src/crawler/page-parse.js';
import { loadProfile, parseProfile, type SiteProfile } from '../../src/crawler/profiles/schema.js';
import { hasCode } from '../../src/errors.js';

const BASE = 'http://leakxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx.onion';
const page = (name: string) => readFileSync(join(import.meta.dirname, '../fixtures/pages', name), 'utf8');
const listing = (name: string) => loadProfile(name) as Extract<SiteProfile, { kind: 'listing' }>;

test('ransomware-blog profile reads victim cards, dates and pagination from the saved listing', () => {
  const r = parseListing(page('ransomware-blog-listing.html'), `${BASE}/`, listing('ransomware-blog'));
  assert.equal(r.items.length, 3);
  for (const it of r.items) {
    assert.match(it.url, new RegExp(`^${BASE}/post/`));
    assert.ok(it.title && it.title.length > 3);
    assert.ok(it.date);
  }
  assert.equal(r.next, `${BASE}/page/2`);
});

test('ransomware-blog profile finds the download links of a saved post and nothing off-site', () => {
  const r = parsePost(page('ransomware-blog-post.html'), `${BASE}/post/1`, listing('ransomware-blog'));
  assert.equal(r.attachments.length, 2);
  assert.ok(r.attachments.every((u) => u.startsWith(`${BASE}/files/`)));
  assert.ok(r.attachments.some((u) => u.endsWith('.docx')) && r.attachments.some((u) => u.endsWith('.pdf')));
});

test('forum profile finds attachments and the next page of a saved thread', () => {
  const r = parsePost(page('forum-thread.html'), `${BASE}/thread/4201?page=1`, listing('forum'));
  assert.ok(r.attachments.length >= 1);
  assert.equal(r.next, `${BASE}/thread/4201?page=2`);
});

test('paste profile lists pastes and rewrites them to the raw view', () => {
  const p = listing('paste');
  const r = parseListing(page('paste-list.html'), `${BASE}/`, p);
  assert.equal(r.items.length, 3);
  for (const it of r.items) assert.match(rewritePostUrl(it.url, p), /\/raw\//);
});

test('only same-site links survive; assets and clearnet links are dropped', () => {
  assert.equal(sameSiteUrl('http://example.com/x', `${BASE}/`), null);
  assert.equal(sameSiteUrl('//evil.example/x', `${BASE}/`), null);
  assert.equal(sameSiteUrl('/a#frag', `${BASE}/b`), `${BASE}/a`);
  const links = sameSiteLinks(page('ransomware-blog-listing.html'), `${BASE}/`);
  assert.ok(links.length > 0);
  assert.ok(links.every((l) => l.startsWith(BASE) && !/\.(css|js)$/.test(l)));
});

test('a profile with a bad selector type or regex is refused with its path', () => {
  assert.throws(
    () => parseProfile({ name: 'x', kind: 'listing', listing: { item: 'div', link: 3 } }, 'x.yaml'),
    (e) => hasCode(e, 'LW_CONFIG_INVALID') && /listing\.link/.test((e as Error).message),
  );
  assert.throws(
    () => parseProfile({ name: 'x', kind: 'listing', listing: { item: 'div', link: 'a' }, post: { rewrite: [{ from: '(', to: '' }] } }, 'x.yaml'),
    /post\.rewrite\[0\]\.from/,
  );
  assert.throws(() => loadProfile('no-such-profile.yaml', '/nonexistent'), (e) => hasCode(e, 'LW_CONFIG_INVALID'));
});
