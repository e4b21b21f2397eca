/** Pages every shape shares: stylesheet and logo assets, the seizure banner, 404 and 503. */
import { esc, pageShell } from './html.js';
import { buildPng } from './png.js';
import { bodyOf, type Resource } from './respond.js';
import type { SiteShape } from './types.js';

const CSS = `body{background:#0b0b0b;color:#ddd;font-family:monospace}
.card{border:1px solid #444;margin:1em;padding:1em}.status.countdown{color:#f44}.status.published{color:#4f4}
.post{border-bottom:1px solid #333}.quote{border-left:3px solid #666;padding-left:1em}
`;

let logo: Uint8Array | undefined;

/** /static/style.css and /static/logo.png; undefined for other paths. */
export function routeStatic(path: string, startedAt: number): Resource | undefined {
  if (path === '/static/style.css') return bodyOf(200, 'text/css; charset=utf-8', CSS, { lastModified: startedAt, compress: true });
  if (path === '/static/logo.png') {
    logo ??= buildPng(0xc0ffee, 32);
    return bodyOf(200, 'image/png', logo, { lastModified: startedAt });
  }
  return undefined;
}

/** The law-enforcement banner that replaces every page of a seized site. */
export function seizedPage(): Resource {
  const html = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>THIS HIDDEN SITE HAS BEEN SEIZED</title></head>
<body class="seized">
<div class="banner">
<h1>This hidden site has been seized</h1>
<p>This site and its data have been seized as part of a coordinated international law enforcement action
(Operation LANTERNFISH) carried out by the Joint Cybercrime Taskforce and partner agencies.</p>
<p>The taskforce now holds the site's infrastructure, its leak data and its affiliates' records.</p>
</div>
</body></html>
`;
  return bodyOf(200, 'text/html; charset=utf-8', html, { compress: true });
}

/** 404 in the site's own style. */
export function notFound(shape: SiteShape, path: string): Resource {
  return bodyOf(404, 'text/html; charset=utf-8', pageShell(shape, 'Not found', `<h1>404</h1><p>${esc(path)} not found.</p>`));
}

/** What a site answers while it is down (its onion unreachable behind a proxy, or overloaded). */
export function unavailable(): Resource {
  return bodyOf(503, 'text/plain; charset=utf-8', 'Service Unavailable\n', { headers: { 'Retry-After': '120' } });
}
