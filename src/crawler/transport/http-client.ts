/**
 * One HTTP GET to an onion site through the Tor agent, with a timeout per
 * phase, an AbortSignal, a byte limit and a decompression-ratio limit. The
 * body is a stream: leak sites serve archives of many gigabytes and endless
 * pages, so nothing is buffered whole here. Redirects are not followed (see
 * redirects.ts).
 */
import type { Agent, ClientRequest, IncomingHttpHeaders, IncomingMessage, RequestOptions } from 'node:http';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { pipeline, Transform, type Readable, type TransformCallback } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { LeakwatchError } from '../../errors.js';
import { classifyError } from './classify.js';
import { createPhaseTimer, timeoutError } from './phase-timer.js';
import { CONNECT_SIGNAL } from './socks-agent.js';

export interface FetchTimeouts {
  /** Until the socket is connected through Tor (includes circuit building). */
  connectMs: number;
  /** From connected until the response head arrives. */
  firstByteMs: number;
  /** Longest wait for the next body chunk. */
  idleMs: number;
  /** Whole fetch, body included. */
  totalMs: number;
}

export interface FetchOptions {
  /** The Tor agent (socks-agent.ts); every connection goes through it. */
  agent: Agent;
  signal?: AbortSignal;
  timeouts: FetchTimeouts;
  /** Cap on body bytes, both as received and after decompression. */
  maxBytes: number;
  /** Decoded/encoded ratio above which a compressed body counts as a bomb (default 100). */
  maxCompressionRatio?: number;
  headers?: Record<string, string>;
  accept?: string;
}

export interface FetchResponse {
  status: number;
  headers: IncomingHttpHeaders;
  url: string;
  /** Decoded body; iterate once. Throws LW_LIMIT_EXCEEDED past maxBytes. */
  body: AsyncIterable<Uint8Array>;
  /** Body bytes received on the wire so far (before decompression). */
  bytesReceived(): number;
  /** Releases the connection without reading (more of) the body. */
  close(): void;
}

// Tor Browser's user agent: a distinct one would single the crawler out to the site.
const DEFAULT_USER_AGENT = 'Mozilla/5.0 (Windows NT 10.0; rv:128.0) Gecko/20100101 Firefox/128.0';
const DEFAULT_MAX_RATIO = 100;
// Small bodies compress well legitimately; the ratio only counts beyond this.
const RATIO_FLOOR_BYTES = 64 * 1024;

/** Fetches one URL (GET, no redirects) and returns the status, headers and a bounded body stream. */
export async function fetchOnce(url: string, opts: FetchOptions): Promise<FetchResponse> {
  const target = onionUrl(url);
  checkLimits(opts);
  if (opts.signal?.aborted) throw new LeakwatchError('LW_ABORTED', 'fetch aborted');

  const { timeouts, maxBytes } = opts;
  const maxRatio = opts.maxCompressionRatio ?? DEFAULT_MAX_RATIO;
  const controller = new AbortController();
  const streams: Readable[] = [];
  let failure: LeakwatchError | undefined;
  let req: ClientRequest | undefined;

  const fail = (err: LeakwatchError): void => {
    if (failure) return;
    failure = err;
    controller.abort(err);
    req?.destroy(err);
    for (const stream of streams) stream.destroy(err);
  };
  const phase = createPhaseTimer(fail);
  const totalTimer = setTimeout(() => fail(timeoutError('total', timeouts.totalMs)), timeouts.totalMs);
  const onExternalAbort = (): void => fail(new LeakwatchError('LW_ABORTED', 'fetch aborted'));
  opts.signal?.addEventListener('abort', onExternalAbort, { once: true });
  const cleanup = (): void => {
    phase.clear();
    clearTimeout(totalTimer);
    opts.signal?.removeEventListener('abort', onExternalAbort);
  };

  let res: IncomingMessage;
  try {
    phase.arm('connect', timeouts.connectMs);
    res = await new Promise<IncomingMessage>((resolve, reject) => {
      const request = target.protocol === 'https:' ? httpsRequest : httpRequest;
      const options: RequestOptions & { [CONNECT_SIGNAL]: AbortSignal } = {
        protocol: target.protocol,
        hostname: target.hostname,
        port: target.port === '' ? undefined : Number(target.port),
        path: `${target.pathname}${target.search}`,
        method: 'GET',
        agent: opts.agent,
        lookup: refuseLookup,
        headers: {
          'user-agent': DEFAULT_USER_AGENT,
          accept: opts.accept ?? '*/*',
          'accept-encoding': 'gzip, deflate, br',
          connection: 'close',
          ...opts.headers,
        },
        [CONNECT_SIGNAL]: controller.signal,
      };
      req = request(options);
      controller.signal.addEventListener('abort', () => reject(failure), { once: true });
      req.once('socket', () => phase.arm('first-byte', timeouts.firstByteMs));
      req.once('response', resolve);
      // `on`, not `once`: a destroyed request can emit again after the response,
      // and later errors surface through the body stream anyway.
      req.on('error', (err) => reject(failure ?? classifyError(err)));
      req.end();
    });
  } catch (err) {
    cleanup();
    throw failure ?? classifyError(err);
  }
  phase.clear();
  streams.push(res);

  const declared = Number(res.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    const err = new LeakwatchError('LW_LIMIT_EXCEEDED', `declared body of ${declared} bytes exceeds ${maxBytes}`);
    fail(err);
    cleanup();
    throw err;
  }

  let wireBytes = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _enc, done: TransformCallback) {
      wireBytes += chunk.length;
      if (wireBytes > maxBytes) {
        done(new LeakwatchError('LW_LIMIT_EXCEEDED', `body exceeds ${maxBytes} bytes`));
        return;
      }
      done(null, chunk);
    },
  });
  streams.push(counter);
  let decoder: Transform | undefined;
  try {
    decoder = decoderFor(res.headers['content-encoding']);
  } catch (err) {
    fail(err as LeakwatchError);
    cleanup();
    throw err;
  }
  if (decoder) streams.push(decoder);
  const output = decoder ?? counter;
  const chain: NodeJS.ReadWriteStream[] = decoder ? [counter, decoder] : [counter];
  // Errors surface through the iterator below; the callback only keeps them from being unhandled.
  pipeline([res, ...chain], () => {});

  let consumed = false;
  async function* body(): AsyncGenerator<Uint8Array> {
    if (consumed) throw new LeakwatchError('LW_INTERNAL', 'response body already consumed');
    consumed = true;
    const iterator = output[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
    let decoded = 0;
    try {
      for (;;) {
        // Only time spent waiting on the network counts as idle, not the consumer's work.
        phase.arm('idle', timeouts.idleMs);
        const next = await iterator.next();
        phase.clear();
        if (next.done) break;
        decoded += next.value.length;
        if (decoded > maxBytes) {
          throw new LeakwatchError('LW_LIMIT_EXCEEDED', `decoded body exceeds ${maxBytes} bytes`);
        }
        if (decoder && decoded > RATIO_FLOOR_BYTES && decoded > wireBytes * maxRatio) {
          throw new LeakwatchError('LW_LIMIT_EXCEEDED', `compression ratio above ${maxRatio}`);
        }
        yield next.value;
      }
    } catch (err) {
      const classified = failure ?? classifyError(err);
      fail(classified);
      throw classified;
    } finally {
      cleanup();
      if (!failure) for (const stream of streams) stream.destroy();
    }
  }

  return {
    status: res.statusCode ?? 0,
    headers: res.headers,
    url: target.href,
    body: { [Symbol.asyncIterator]: body },
    bytesReceived: () => wireBytes,
    close: () => {
      cleanup();
      for (const stream of streams) stream.destroy();
      req?.destroy();
    },
  };
}

/** True for an http(s) URL whose host is a .onion name. */
export function isOnionUrl(url: URL): boolean {
  return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname.toLowerCase().endsWith('.onion');
}

function onionUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new LeakwatchError('LW_USAGE', 'not a valid URL');
  }
  if (!isOnionUrl(url)) {
    // Anything but an onion would leave Tor's onion space through an exit or leak a lookup.
    throw new LeakwatchError('LW_USAGE', 'only http(s) URLs of .onion hosts can be fetched');
  }
  if (url.username !== '' || url.password !== '') {
    throw new LeakwatchError('LW_USAGE', 'URLs with embedded credentials are not fetched');
  }
  return url;
}

function checkLimits(opts: FetchOptions): void {
  const { connectMs, firstByteMs, idleMs, totalMs } = opts.timeouts;
  for (const ms of [connectMs, firstByteMs, idleMs, totalMs, opts.maxBytes]) {
    if (!Number.isFinite(ms) || ms <= 0) {
      throw new LeakwatchError('LW_USAGE', 'timeouts and maxBytes must be positive numbers');
    }
  }
  if (opts.maxCompressionRatio !== undefined && !(opts.maxCompressionRatio >= 1)) {
    throw new LeakwatchError('LW_USAGE', 'maxCompressionRatio must be at least 1');
  }
}

function decoderFor(encoding: string | undefined): Transform | undefined {
  const value = (encoding ?? '').trim().toLowerCase();
  switch (value) {
    case '':
    case 'identity':
      return undefined;
    case 'gzip':
    case 'x-gzip':
      return createGunzip();
    case 'deflate':
      return createInflate();
    case 'br':
      return createBrotliDecompress();
    default:
      throw new LeakwatchError('LW_NETWORK', 'unsupported content-encoding');
  }
}

/** Guard: with the Tor agent no lookup happens; if one ever did, it must fail, not leak. */
const refuseLookup: LookupFunction = (_hostname, _options, callback) => {
  callback(new LeakwatchError('LW_INTERNAL', 'local DNS resolution refused'), '', 0);
};
