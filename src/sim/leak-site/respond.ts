/**
 * Sends a resource with the HTTP caching behaviour crawlers rely on: strong
 * ETags, Last-Modified, 304 answers to If-None-Match / If-Modified-Since, and
 * gzip Content-Encoding for pages when the client accepts it.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';
import { sha256Hex } from './catalog.js';
import type { RequestLogEntry } from './types.js';

/** A complete body known up front. */
export interface BodyResource {
  kind: 'body';
  status: number;
  type: string;
  body: Uint8Array | string;
  /** Epoch ms; sent as Last-Modified and compared with If-Modified-Since. */
  lastModified?: number;
  /** Pages and text: gzip when the client accepts it. */
  compress?: boolean;
  headers?: Record<string, string>;
}

/** A response produced over time (slow, endless or huge bodies). */
export interface StreamResource {
  kind: 'stream';
  start(res: ServerResponse, log: RequestLogEntry): void;
}

export type Resource = BodyResource | StreamResource;

/** A small HTML or text body resource. */
export function bodyOf(status: number, type: string, body: Uint8Array | string, extra: Partial<BodyResource> = {}): BodyResource {
  return { kind: 'body', status, type, body, ...extra };
}

/** A 302 to `location`. */
export function redirect(location: string): BodyResource {
  return bodyOf(302, 'text/html; charset=utf-8', `<a href="${location.replace(/"/g, '&quot;')}">moved</a>`, {
    headers: { Location: location },
  });
}

const etagsOf = (header: string) => header.split(',').map((t) => t.trim().replace(/^W\//, ''));

function notModified(req: IncomingMessage, etag: string, lastModified: number | undefined): boolean {
  const inm = req.headers['if-none-match'];
  if (inm !== undefined) return etagsOf(inm).some((t) => t === '*' || t === etag);
  const ims = req.headers['if-modified-since'];
  if (ims === undefined || lastModified === undefined) return false;
  const since = Date.parse(ims);
  return Number.isFinite(since) && Math.floor(lastModified / 1000) * 1000 <= since;
}

/** Writes `r` to `res` and records status and body bytes in `log`. */
export function send(req: IncomingMessage, res: ServerResponse, log: RequestLogEntry, r: Resource): void {
  if (r.kind === 'stream') {
    r.start(res, log);
    return;
  }
  let body = typeof r.body === 'string' ? Buffer.from(r.body, 'utf8') : r.body;
  const headers: Record<string, string> = { 'Content-Type': r.type, ...r.headers };
  if (r.lastModified !== undefined) headers['Last-Modified'] = new Date(r.lastModified).toUTCString();
  let etag = `"${sha256Hex(body).slice(0, 24)}"`;
  if (r.compress) {
    headers.Vary = 'Accept-Encoding';
    if (/\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))) {
      body = gzipSync(body);
      headers['Content-Encoding'] = 'gzip';
      etag = `${etag.slice(0, -1)}-gz"`;
    }
  }
  headers.ETag = etag;
  const cacheable = r.status === 200 && (req.method === 'GET' || req.method === 'HEAD');
  if (cacheable && notModified(req, etag, r.lastModified)) {
    delete headers['Content-Type'];
    delete headers['Content-Encoding'];
    res.writeHead(304, headers);
    log.status = 304;
    res.end();
    return;
  }
  headers['Content-Length'] = String(body.length);
  res.writeHead(r.status, headers);
  log.status = r.status;
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  log.bytes += body.length;
  res.end(body);
}
