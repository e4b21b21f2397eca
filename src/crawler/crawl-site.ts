/**
 * One crawl pass over one site: try its locations (mirrors) in order, walk the
 * listing with the profile, fetch only what is new or changed, stream every
 * page and attachment through the extractors into the matcher, and record
 * health, validators and hashes (never content).
 */
import { createHash } from 'node:crypto';
import { LeakwatchError } from '../errors.js';
import type { SiteConfig } from '../config/schema.js';
import { extract } from '../extract/extract.js';
import type { ExtractIssue, ExtractLimits } from '../extract/types.js';
import { DocumentMatcher } from '../matcher/document-matcher.js';
import type { Finding } from '../matcher/findings.js';
import type { OrgIndex } from '../matcher/org-index.js';
import type { CrawlState, HealthState, PassStats } from '../store/crawl-state.js';
import type { ScannedDocument, Store } from '../store/store.js';
import { recordFindings, type DocumentSimhash } from '../alerts/record-findings.js';
import type { AlertingConfig } from '../alerts/types.js';
import { parseListing, parsePost, rewritePostUrl, sameSiteLinks } from './page-parse.js';
import type { SiteProfile } from './profiles/schema.js';
import { RequestGate } from './request-gate.js';
import type { FetchResult, SiteFetch, Validators } from './site-fetcher.js';

/** Pages are parsed in memory; anything bigger is treated as an attachment stream. */
const MAX_PAGE_BYTES = 16 * 1024 * 1024;
const SEIZED = /(this (hidden )?site has been seized|seized by the (fbi|federal bureau|national crime agency|europol|police))/i;

export interface CrawlDeps {
  store: Store;
  state: CrawlState;
  orgs: readonly OrgIndex[];
  fetch: SiteFetch;
  clock?: () => Date;
  limits?: Partial<ExtractLimits>;
  signal?: AbortSignal;
  /** Checked between documents: true asks the pass to stop after the current one (graceful SIGTERM). */
  shouldStop?: () => boolean;
  log?: { info(o: object, msg?: string): void; warn(o: object, msg?: string): void };
  onFindings?: (findings: Finding[]) => void;
  onIssue?: (issue: ExtractIssue) => void;
  /** Alert sinks to queue notifications for in the findings' transaction; without it the delivery worker fans out. */
  alerting?: AlertingConfig;
}

export interface PassResult {
  site: string;
  outcome: 'ok' | 'down' | 'empty' | 'seized' | 'budget' | 'aborted' | 'error';
  location: string | null;
  stats: PassStats;
  removed: string[];
  findings: number;
}

interface PassCtx {
  site: SiteConfig;
  profile: SiteProfile;
  deps: CrawlDeps;
  gate: RequestGate;
  signal: AbortSignal;
  stats: PassStats;
  passStart: string;
  visited: Set<string>;
  /** Validators of pages fetched this pass, stored only once all they lead to is recorded (see settleValidators). */
  pendingValidators: Map<string, { kind: 'listing' | 'post' | 'page'; etag: string | null; lastModified: string | null }>;
}

const now = (deps: CrawlDeps) => (deps.clock?.() ?? new Date()).toISOString();

/** Short, content-free reason for a failure, for health records and logs. */
function reasonOf(err: unknown): string {
  if (err instanceof LeakwatchError) return `${err.code}: ${err.message}`.slice(0, 200);
  return 'LW_INTERNAL';
}

/** Runs one pass. Never throws for site trouble: the outcome and health say what happened. */
export async function crawlSite(site: SiteConfig, profile: SiteProfile, deps: CrawlDeps): Promise<PassResult> {
  const passSignal = AbortSignal.any([
    ...(deps.signal ? [deps.signal] : []),
    AbortSignal.timeout(site.limits.max_pass_ms),
  ]);
  const ctx: PassCtx = {
    site,
    profile,
    deps,
    gate: new RequestGate(site.limits.concurrency, site.limits.min_delay_ms),
    signal: passSignal,
    stats: { requests: 0, bytes: 0, pages: 0, documents: 0, findings: 0 },
    passStart: now(deps),
    visited: new Set(),
    pendingValidators: new Map(),
  };
  const passId = deps.state.startPass(site.name, ctx.passStart);
  let outcome: PassResult['outcome'] = 'error';
  let location: string | null = null;
  let removed: string[] = [];
  try {
    for (const loc of site.locations) {
      const start = new URL(profile.start, loc).toString();
      const r = await tryLocation(ctx, loc, start);
      if (r === 'proxy') {
        outcome = 'error';
        break;
      }
      if (r === 'down') {
        outcome = 'down';
        continue;
      }
      location = loc;
      outcome = r;
      break;
    }
    if (deps.shouldStop?.() && outcome === 'ok') outcome = 'aborted';
    if (outcome === 'ok') {
      removed = deps.state.markRemoved(site.name, ctx.passStart, now(deps));
      for (const url of [...ctx.pendingValidators.keys()]) settleValidators(ctx, url, true);
    }
  } catch (err) {
    outcome = passSignal.aborted ? (deps.signal?.aborted ? 'aborted' : 'budget') : err instanceof LeakwatchError && err.code === 'LW_LIMIT_EXCEEDED' ? 'budget' : 'error';
    deps.log?.warn({ site: site.name, code: (err as LeakwatchError).code ?? 'LW_INTERNAL' }, 'crawl pass ended early');
  } finally {
    deps.state.finishPass(passId, outcome, ctx.stats, now(deps));
  }
  return { site: site.name, outcome, location, stats: ctx.stats, removed, findings: ctx.stats.findings };
}

async function tryLocation(ctx: PassCtx, loc: string, start: string): Promise<'ok' | 'empty' | 'seized' | 'down' | 'proxy'> {
  const { deps, site } = ctx;
  const setHealth = (state: HealthState, reason: string | null) => {
    const h = deps.state.setHealth(site.name, loc, state, reason, now(deps));
    if (h.changed) deps.log?.info({ site: site.name, location: loc, state, previous: h.previous }, 'site health changed');
  };
  let items: { url: string }[];
  try {
    if (ctx.profile.kind === 'generic') {
      const found = await crawlGeneric(ctx, start);
      if (found === 'seized') {
        setHealth('seized', 'seizure banner on the start page');
        return 'seized';
      }
      setHealth(found > 0 ? 'up' : 'empty', found > 0 ? null : 'no links or documents found');
      return found > 0 ? 'ok' : 'empty';
    }
    const listing = await walkListing(ctx, start);
    if (listing === 'seized') {
      setHealth('seized', 'seizure banner on the listing');
      return 'seized';
    }
    items = listing;
  } catch (err) {
    if (ctx.signal.aborted) throw err;
    const code = (err as LeakwatchError).code;
    if (code === 'LW_PROXY_UNREACHABLE') {
      setHealth('error', reasonOf(err));
      return 'proxy';
    }
    setHealth('down', reasonOf(err));
    return 'down';
  }
  if (items.length === 0) {
    setHealth('empty', 'the listing loaded but the profile found no items');
    return 'empty';
  }
  setHealth('up', null);
  await pool(items, site.limits.concurrency, () => ctx.deps.shouldStop?.() ?? false, (item) => crawlPost(ctx, item.url));
  return 'ok';
}

/** True while the pass may still send `max_pages` requests (pages and attachments alike). */
const underRequestBudget = (ctx: PassCtx, share = 1): boolean => ctx.stats.requests < Math.ceil(ctx.site.limits.max_pages * share);

/** Walks the listing pages; returns the post items, or 'seized'. */
async function walkListing(ctx: PassCtx, start: string): Promise<{ url: string }[] | 'seized'> {
  const profile = ctx.profile as Extract<SiteProfile, { kind: 'listing' }>;
  const items: { url: string }[] = [];
  const seen = new Set<string>();
  let url: string | null = start;
  let first = true;
  // Endless pagination may take at most half the budget: the posts found on the real pages must still be fetched.
  while (url && !ctx.visited.has(url) && underRequestBudget(ctx, 0.5)) {
    ctx.visited.add(url);
    const page = await fetchPage(ctx, url, 'listing', first);
    first = false;
    if (page === 'not-modified') {
      // Unchanged listing page: its items are still there; keep them alive without re-fetching posts.
      for (const it of ctx.deps.state.items(ctx.site.name)) {
        if (it.kind === 'post' && !it.removedAt && !seen.has(it.url)) {
          seen.add(it.url);
          items.push({ url: it.url });
        }
      }
      break;
    }
    if (page === null) break;
    if (SEIZED.test(page.html.slice(0, 200_000))) return 'seized';
    const parsed = parseListing(page.html, url, profile);
    for (const it of parsed.items) {
      if (seen.has(it.url)) continue;
      seen.add(it.url);
      items.push({ url: it.url });
    }
    url = parsed.next;
  }
  return items;
}

/** One post (and its further pages and attachments). */
async function crawlPost(ctx: PassCtx, listedUrl: string): Promise<void> {
  const profile = ctx.profile as Extract<SiteProfile, { kind: 'listing' }>;
  let url: string | null = rewritePostUrl(listedUrl, profile);
  let kind: 'post' | 'page' = 'post';
  if (listedUrl !== url) ctx.deps.state.saw({ site: ctx.site.name, url: listedUrl, kind: 'post' }, now(ctx.deps));
  while (url && !ctx.visited.has(url) && underRequestBudget(ctx)) {
    ctx.visited.add(url);
    const page = await fetchPage(ctx, url, kind, false);
    kind = 'page';
    if (page === 'not-modified' || page === null) return;
    const parsed = parsePost(page.html, url, profile);
    let complete = true;
    for (const att of parsed.attachments) {
      // A post linking 100,000 files must not keep the pass fetching for hours.
      if (ctx.deps.shouldStop?.() || !underRequestBudget(ctx)) {
        settleValidators(ctx, url, false);
        return;
      }
      complete = (await fetchAttachment(ctx, att)) && complete;
    }
    settleValidators(ctx, url, complete);
    url = parsed.next;
  }
}

/** Generic profile: breadth-first over same-site links to max_depth. Returns how many documents it saw. */
async function crawlGeneric(ctx: PassCtx, start: string): Promise<number | 'seized'> {
  let frontier = [start];
  let found = 0;
  for (let depth = 0; depth <= ctx.site.limits.max_depth && frontier.length; depth++) {
    const next: string[] = [];
    for (const url of frontier) {
      if (ctx.visited.has(url) || !underRequestBudget(ctx)) continue;
      ctx.visited.add(url);
      const page = await fetchPage(ctx, url, depth === 0 ? 'listing' : 'page', depth === 0);
      if (page === 'not-modified') {
        found++;
        continue;
      }
      if (page === null) continue;
      found++;
      if (depth === 0 && SEIZED.test(page.html.slice(0, 200_000))) return 'seized';
      for (const link of sameSiteLinks(page.html, url)) if (!ctx.visited.has(link)) next.push(link);
    }
    frontier = next;
  }
  return found;
}

function charge(ctx: PassCtx, bytes: number): void {
  ctx.stats.bytes += bytes;
  if (ctx.stats.bytes > ctx.site.limits.max_pass_bytes) {
    throw new LeakwatchError('LW_LIMIT_EXCEEDED', `pass byte budget of ${ctx.site.limits.max_pass_bytes} exceeded`);
  }
}

async function fetchWithGate(ctx: PassCtx, url: string, validators: Validators | undefined, maxBytes: number): Promise<FetchResult> {
  ctx.stats.requests++;
  return ctx.gate.run(() => ctx.deps.fetch(url, { signal: ctx.signal, maxBytes, validators }), ctx.signal);
}

/**
 * Fetches a page conditionally. HTML is buffered (bounded) for the profile and
 * matched; anything else is streamed as an attachment. The first page of a
 * location lets failures propagate so the caller can fail over.
 */
async function fetchPage(
  ctx: PassCtx,
  url: string,
  kind: 'listing' | 'post' | 'page',
  propagate: boolean,
): Promise<{ html: string } | 'not-modified' | null> {
  const prev = ctx.deps.state.item(ctx.site.name, url);
  let result: FetchResult;
  try {
    // The response limit is the site's: a linked file may be large; only HTML is held to MAX_PAGE_BYTES below.
    result = await fetchWithGate(ctx, url, prev ?? undefined, ctx.site.limits.max_response_bytes);
  } catch (err) {
    if (propagate || ctx.signal.aborted || (err as LeakwatchError).code === 'LW_PROXY_UNREACHABLE') throw err;
    ctx.deps.log?.warn({ site: ctx.site.name, code: (err as LeakwatchError).code ?? 'LW_INTERNAL' }, 'page skipped');
    return null;
  }
  ctx.stats.pages++;
  if (result.notModified) {
    ctx.deps.state.saw({ site: ctx.site.name, url, kind }, now(ctx.deps));
    return 'not-modified';
  }
  const res = result.response;
  const type = String(res.headers['content-type'] ?? '');
  if (!/html|xml/i.test(type) && kind !== 'listing') {
    await matchStream(ctx, url, res.body, type, kind, res.headers, () => res.bytesReceived());
    return null;
  }
  const chunks: Buffer[] = [];
  let held = 0;
  try {
    for await (const c of res.body) {
      held += c.byteLength;
      if (held > MAX_PAGE_BYTES) {
        res.close();
        throw new LeakwatchError('LW_LIMIT_EXCEEDED', `HTML page larger than ${MAX_PAGE_BYTES} bytes`);
      }
      chunks.push(Buffer.from(c));
    }
  } catch (err) {
    // A body that breaks off or trips a limit (a compression bomb, a stall) costs this page, not the pass.
    if (propagate || ctx.signal.aborted || (err as LeakwatchError).code === 'LW_PROXY_UNREACHABLE') throw err;
    ctx.deps.log?.warn({ site: ctx.site.name, code: (err as LeakwatchError).code ?? 'LW_INTERNAL' }, 'page skipped');
    return null;
  } finally {
    charge(ctx, res.bytesReceived());
  }
  const body = Buffer.concat(chunks);
  const sha256 = createHash('sha256').update(body).digest('hex');
  const validators = { etag: header(res.headers.etag), lastModified: header(res.headers['last-modified']) };
  ctx.pendingValidators.set(url, { kind, ...validators });
  if (prev?.sha256 === sha256) {
    // Same bytes as last time (a server without validators): nothing new to match.
    ctx.deps.state.saw({ site: ctx.site.name, url, kind, sha256, size: body.length }, now(ctx.deps));
    return { html: body.toString('utf8') };
  }
  // No headers, so no validators: settleValidators stores them once the page's links are done.
  await matchStream(ctx, url, (async function* () {
    yield body;
  })(), type, kind, {}, () => 0);
  ctx.deps.state.saw({ site: ctx.site.name, url, kind, sha256, size: body.length }, now(ctx.deps));
  return { html: decodeHtml(body, type) };
}

/**
 * Stores (or drops) a page's validators. A page only becomes conditional once
 * every attachment and post it leads to is recorded: otherwise a crash, a failed
 * attachment or a spent budget would turn into a 304 next pass, and what was
 * never fetched would stay unfetched until the page changed.
 */
function settleValidators(ctx: PassCtx, url: string, complete: boolean): void {
  const v = ctx.pendingValidators.get(url);
  ctx.pendingValidators.delete(url);
  if (complete && v && (v.etag || v.lastModified)) ctx.deps.state.saw({ site: ctx.site.name, url, kind: v.kind, etag: v.etag, lastModified: v.lastModified }, now(ctx.deps));
}

function header(v: string | string[] | undefined): string | null {
  return (Array.isArray(v) ? v[0] : v) ?? null;
}

function decodeHtml(body: Buffer, type: string): string {
  const cs = /charset=([\w-]+)/i.exec(type)?.[1]?.toLowerCase();
  try {
    return new TextDecoder(cs && cs !== 'utf8' ? cs : 'utf-8').decode(body);
  } catch {
    return body.toString('latin1');
  }
}

/**
 * Attachments are fetched once: a URL already seen on this site is never
 * downloaded again. False when it could not be fetched (to be tried next pass).
 */
async function fetchAttachment(ctx: PassCtx, url: string): Promise<boolean> {
  if (ctx.visited.has(url)) return true;
  ctx.visited.add(url);
  const prev = ctx.deps.state.item(ctx.site.name, url);
  if (prev?.sha256) {
    ctx.deps.state.saw({ site: ctx.site.name, url, kind: 'attachment' }, now(ctx.deps));
    return true;
  }
  let result: FetchResult;
  try {
    result = await fetchWithGate(ctx, url, undefined, ctx.site.limits.max_response_bytes);
  } catch (err) {
    if (ctx.signal.aborted || (err as LeakwatchError).code === 'LW_PROXY_UNREACHABLE') throw err;
    ctx.deps.log?.warn({ site: ctx.site.name, code: (err as LeakwatchError).code ?? 'LW_INTERNAL' }, 'attachment skipped');
    return false;
  }
  if (result.notModified) return true;
  const res = result.response;
  return matchStream(ctx, url, res.body, String(res.headers['content-type'] ?? ''), 'attachment', res.headers, () => res.bytesReceived());
}

/** Streams a body through extraction and matching; records findings and the item's hash. True once the whole body was read. */
async function matchStream(
  ctx: PassCtx,
  url: string,
  body: AsyncIterable<Uint8Array>,
  contentType: string,
  kind: 'listing' | 'post' | 'page' | 'attachment',
  headers: Record<string, string | string[] | undefined>,
  received: () => number,
): Promise<boolean> {
  const { deps } = ctx;
  const findings: Finding[] = [];
  const docs: ScannedDocument[] = [];
  const simhashes: DocumentSimhash[] = [];
  let top: { sha256: string; size: number } | null = null;
  const matcher = new DocumentMatcher(
    {
      orgs: deps.orgs,
      clock: deps.clock,
      onDocument: (r) => {
        ctx.stats.documents++;
        findings.push(...r.findings);
        for (const h of r.simhashes) simhashes.push({ ...h, sha256: r.sha256 });
        docs.push({
          sha256: r.sha256,
          size: r.size,
          mediaType: r.ref.mediaType,
          url,
          path: null,
          entry: r.ref.entry.length ? r.ref.entry.join('!') : null,
          seenAt: now(deps),
        });
        if (r.ref.entry.length === 0) top = { sha256: r.sha256, size: r.size };
      },
      onIssue: (i) => deps.onIssue?.(i),
    },
    { url, path: null },
  );
  try {
    await extract(body, url, matcher, { limits: deps.limits, mediaTypeHint: contentType.split(';')[0]?.trim() || undefined, signal: ctx.signal });
  } catch (err) {
    if (ctx.signal.aborted) throw err;
    deps.onIssue?.({ ref: { source: url, entry: [], mediaType: contentType || 'application/octet-stream' }, code: (err as LeakwatchError).code ?? 'LW_INTERNAL', message: reasonOf(err) });
  } finally {
    if (received() > 0) charge(ctx, received());
  }
  recordFindings(deps.store, { findings, docs, simhashes, site: ctx.site.name }, { clock: deps.clock, config: deps.alerting });
  ctx.stats.findings += findings.length;
  if (findings.length) deps.onFindings?.(findings);
  if (top) {
    const t = top as { sha256: string; size: number };
    deps.state.saw(
      { site: ctx.site.name, url, kind, etag: header(headers.etag), lastModified: header(headers['last-modified']), sha256: t.sha256, size: t.size },
      now(deps),
    );
  }
  return top !== null;
}

/** Runs `fn` over items with at most `n` at a time. */
async function pool<T>(items: readonly T[], n: number, stopping: () => boolean, fn: (item: T) => Promise<void>): Promise<void> {
  let i = 0;
  const worker = async () => {
    while (i < items.length && !stopping()) await fn(items[i++]!);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(n, items.length)) }, worker));
}
