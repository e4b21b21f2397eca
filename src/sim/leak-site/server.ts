/**
 * A simulated onion leak site on a loopback node:http server: a ransomware
 * data-leak blog, a forum or a paste site built from synthetic clinic records,
 * with switchable hostile behaviour. Tests point the crawler at it directly, via
 * a loopback SOCKS5 proxy, or as the onion service of a private Tor network.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Catalog } from './catalog.js';
import type { SiteState } from './html.js';
import { hostilePaths, routeHostile, type EntryRenderer } from './hostile.js';
import { PATHS } from './paths.js';
import { blogEntries, routeBlog } from './render-blog.js';
import { forumEntries, routeForum, threadPage, leakThreadId } from './render-forum.js';
import { pasteEntries, pasteTitle, routePaste } from './render-paste.js';
import { bodyOf, send, type Resource } from './respond.js';
import { notFound, routeStatic, seizedPage, unavailable } from './static-pages.js';
import type { LeakSite, LeakSiteManifest, LeakSiteOptions, RequestLogEntry, SiteShape } from './types.js';

export type * from './types.js';

type Router = (path: string, query: URLSearchParams, st: SiteState) => Resource | undefined;

const SHAPES: Record<SiteShape, { route: Router; entries: EntryRenderer }> = {
  'ransomware-blog': { route: routeBlog, entries: blogEntries },
  forum: { route: routeForum, entries: forumEntries },
  paste: { route: routePaste, entries: pasteEntries },
};

function positiveInt(name: string, v: number | undefined, fallback: number): number {
  const n = v ?? fallback;
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`${name} must be a positive integer`);
  return n;
}

function route(st: SiteState, req: IncomingMessage): Resource {
  if (st.hostile.down) return unavailable();
  if (st.hostile.seizedBanner) return seizedPage();
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    return bodyOf(405, 'text/plain; charset=utf-8', 'Method Not Allowed\n', { headers: { Allow: 'GET, HEAD' } });
  }
  const url = new URL(req.url ?? '/', 'http://leak-site.invalid');
  const shape = SHAPES[st.shape];
  return (
    routeStatic(url.pathname, st.catalog.startedAt) ??
    routeHostile(url.pathname, st, shape.entries) ??
    shape.route(url.pathname, url.searchParams, st) ??
    notFound(st.shape, url.pathname)
  );
}

function manifestOf(st: SiteState): LeakSiteManifest {
  const c = st.catalog;
  const paths = PATHS[st.shape];
  const unitPath = (i: number) => (st.shape === 'forum' ? threadPage(leakThreadId(st), i + 1) : paths.entry(c.units[i]!.id));
  return {
    posts: c.units.map((u, i) => ({
      path: unitPath(i),
      title: st.shape === 'paste' ? pasteTitle(st, u) : u.title,
      attachments: u.attachments.map((a) => ({ path: paths.file(u.id, a.name), sha256: a.sha256, kind: a.kind })),
    })),
    leakedPatientIds: [...new Set(c.units.flatMap((u) => [...u.rows, ...u.addendumRows].map((p) => p.patient_id)))],
    leakedNoteRefs: [...new Set(c.units.flatMap((u) => u.notes.map((n) => n.ref)))],
    victim: { name: c.victimName, domain: c.victimDomain },
    hostile: hostilePaths(st),
  };
}

/** Starts a simulated leak site on 127.0.0.1 (a free port). */
export async function startLeakSite(opts: LeakSiteOptions): Promise<LeakSite> {
  const seed = opts.seed ?? 1;
  const catalog = new Catalog({
    shape: opts.shape,
    posts: positiveInt('posts', opts.posts, 6),
    seed,
    ...(opts.patients ? { patients: opts.patients } : {}),
    ...(opts.notes ? { notes: opts.notes } : {}),
    victimName: opts.victimName ?? 'Lakeside Therapy Centre',
  });
  const st: SiteState = { shape: opts.shape, catalog, hostile: { ...opts.hostile }, perPage: positiveInt('perPage', opts.perPage, 3) };
  const requests: RequestLogEntry[] = [];

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const log: RequestLogEntry = { method: req.method ?? '', path: req.url ?? '', headers: { ...req.headers }, status: 0, bytes: 0 };
    requests.push(log);
    let r: Resource;
    try {
      r = route(st, req);
    } catch {
      r = bodyOf(400, 'text/plain; charset=utf-8', 'Bad Request\n');
    }
    send(req, res, log, r);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    setHostile(h) {
      st.hostile = { ...h };
    },
    addPost() {
      catalog.add();
    },
    removePost(index) {
      catalog.remove(index);
    },
    updatePost(index) {
      catalog.update(index);
    },
    get manifest() {
      return manifestOf(st);
    },
    close() {
      server.closeAllConnections();
      return new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
    },
  };
}
