/**
 * The HTTP endpoint for Prometheus (`/metrics`) and liveness probes
 * (`/healthz`). Read-only, tiny requests only, loopback unless the operator
 * explicitly allowed otherwise.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LeakwatchError } from '../errors.js';
import { isLoopbackHost, parseListenAddress } from './listen-address.js';
import type { Metrics } from './metrics.js';

export interface MetricsServerOptions {
  metrics: Metrics;
  /** `host:port`; port 0 picks a free port (tests). */
  listen: string;
  allowRemote?: boolean;
  /** Liveness: false makes /healthz answer 503 (e.g. while stopping). */
  alive?: () => boolean;
}

export interface MetricsServer {
  /** Base URL actually bound, e.g. `http://127.0.0.1:9464`. */
  readonly url: string;
  close(): Promise<void>;
}

/** Starts the server; rejects with LW_CONFIG_INVALID for a refused address, LW_NETWORK when it cannot bind. */
export async function startMetricsServer(opts: MetricsServerOptions): Promise<MetricsServer> {
  const addr = parseListenAddress(opts.listen);
  if (!addr) throw new LeakwatchError('LW_CONFIG_INVALID', `metrics.listen: '${opts.listen}' is not host:port`);
  if (!opts.allowRemote && !isLoopbackHost(addr.host)) {
    throw new LeakwatchError('LW_CONFIG_INVALID', 'metrics.listen: not a loopback address; set metrics.allow_remote: true to allow it');
  }
  const server = createServer((req, res) => void handle(req, res, opts));
  // Scrapes are tiny; a client holding a connection open gets cut off quickly.
  server.headersTimeout = 5_000;
  server.requestTimeout = 10_000;
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(new LeakwatchError('LW_NETWORK', `metrics endpoint cannot listen on ${opts.listen} (${err.code ?? 'error'})`, { cause: err })),
    );
    server.listen(addr.port, addr.host, () => resolve());
  });
  const bound = server.address() as AddressInfo;
  const host = bound.family === 'IPv6' ? `[${bound.address}]` : bound.address;
  return {
    url: `http://${host}:${bound.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function handle(req: IncomingMessage, res: ServerResponse, opts: MetricsServerOptions): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD' }).end();
    return;
  }
  const path = (req.url ?? '/').split('?')[0];
  if (path === '/healthz') {
    const alive = opts.alive?.() ?? true;
    res.writeHead(alive ? 200 : 503, { 'content-type': 'text/plain; charset=utf-8' }).end(alive ? 'ok\n' : 'stopping\n');
    return;
  }
  if (path === '/metrics') {
    try {
      const { contentType, body } = await opts.metrics.render();
      res.writeHead(200, { 'content-type': contentType }).end(req.method === 'HEAD' ? undefined : body);
    } catch {
      res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end('metrics collection failed\n');
    }
    return;
  }
  res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found\n');
}
