/**
 * Transport tests against a loopback SOCKS5 server (standing in for Tor) and
 * loopback HTTP servers (standing in for onion sites).
 */
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { hasCode, LeakwatchError } from '../../src/errors.js';
import { HttpStatusError, classifyError, socksReplyError } from '../../src/crawler/transport/classify.js';
import { fetchOnce, type FetchOptions, type FetchResponse } from '../../src/crawler/transport/http-client.js';
import { fetchWithRedirects, nextHop } from '../../src/crawler/transport/redirects.js';
import { backoffDelay, withRetry } from '../../src/crawler/transport/retry.js';
import { createTorAgent, socksConnectReply, type TorSocksAgent } from '../../src/crawler/transport/socks-agent.js';
import { startSocks5Server, type Socks5Resolution, type Socks5Server } from '../../src/sim/socks5-server.js';

/** A syntactically plausible v3 onion name (56 base32 characters). */
function onion(label: string): string {
  return `${label}${'a'.repeat(56 - label.length)}.onion`;
}

const SITE_A = onion('sitea');
const SITE_B = onion('siteb');
const UNKNOWN = onion('unknown');

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

interface LoopbackSite {
  server: Server;
  port: number;
  connections: number;
  handler: Handler;
}

async function startSite(): Promise<LoopbackSite> {
  const site: LoopbackSite = { server: createServer(), port: 0, connections: 0, handler: (_q, r) => r.end('ok') };
  site.server.on('request', (req, res) => site.handler(req, res));
  site.server.on('connection', () => (site.connections += 1));
  await new Promise<void>((done) => site.server.listen(0, '127.0.0.1', done));
  site.port = (site.server.address() as AddressInfo).port;
  return site;
}

function stopSite(site: LoopbackSite): Promise<void> {
  site.server.closeAllConnections();
  return new Promise((done) => site.server.close(() => done()));
}

async function readAll(res: FetchResponse): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const chunk of res.body) parts.push(chunk);
  return Buffer.concat(parts);
}

async function rejectsWithCode(promise: Promise<unknown>, code: string): Promise<LeakwatchError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof LeakwatchError, `expected LeakwatchError, got ${String(err)}`);
    assert.equal(err.code, code, `expected ${code}, got ${err.code}: ${err.message}`);
    return err;
  }
  assert.fail(`expected rejection with ${code}`);
}

const FAST = { connectMs: 2_000, firstByteMs: 2_000, idleMs: 2_000, totalMs: 5_000 };

describe('transport over SOCKS5h', () => {
  let site: LoopbackSite;
  let clearnet: LoopbackSite;
  let socks: Socks5Server;
  const routes = new Map<string, Socks5Resolution>();
  let agentA: TorSocksAgent;
  let agentB: TorSocksAgent;

  const opts = (extra: Partial<FetchOptions> = {}): FetchOptions => ({
    agent: agentA,
    timeouts: FAST,
    maxBytes: 1 << 20,
    ...extra,
  });

  before(async () => {
    site = await startSite();
    clearnet = await startSite();
    socks = await startSocks5Server({ resolve: (host) => routes.get(host) ?? null });
    routes.set(SITE_A, { host: '127.0.0.1', port: site.port });
    routes.set(SITE_B, { host: '127.0.0.1', port: site.port });
    const proxyUrl = `socks5h://127.0.0.1:${socks.port}`;
    agentA = createTorAgent({ proxyUrl, site: 'site-a', isolationNonce: 'n1' });
    agentB = createTorAgent({ proxyUrl, site: 'site-b', isolationNonce: 'n1' });
  });

  after(async () => {
    agentA.destroy();
    agentB.destroy();
    await socks.close();
    await stopSite(site);
    await stopSite(clearnet);
  });

  it('sends the onion name unresolved (ATYP=domain) with per-site credentials', async () => {
    socks.requests.length = 0;
    const seenHosts: (string | undefined)[] = [];
    site.handler = (req, res) => {
      seenHosts.push(req.headers.host);
      res.end('<html>listing</html>');
    };
    const a = await fetchOnce(`http://${SITE_A}/`, opts());
    assert.equal(a.status, 200);
    assert.equal((await readAll(a)).toString(), '<html>listing</html>');
    const b = await fetchOnce(`http://${SITE_B}/post/1`, opts({ agent: agentB }));
    await readAll(b);
    assert.deepEqual(socks.requests, [
      { host: SITE_A, port: 80, atyp: 'domain', username: 'site-a' },
      { host: SITE_B, port: 80, atyp: 'domain', username: 'site-b' },
    ]);
    assert.deepEqual(seenHosts, [SITE_A, SITE_B]);
  });

  it('keeps the credentials out of the agent URL', () => {
    const agent = createTorAgent({ proxyUrl: 'socks5h://127.0.0.1:9050', site: 'secret-site', isolationNonce: 'nonce-xyz' });
    assert.ok(!agent.proxyUrl.includes('secret-site'));
    assert.ok(!agent.proxyUrl.includes('nonce-xyz'));
    assert.ok(!JSON.stringify(agent.proxy).includes('nonce-xyz'));
    agent.destroy();
  });

  it('rejects proxy schemes that resolve locally, and embedded credentials', () => {
    for (const proxyUrl of ['socks5://127.0.0.1:9050', 'socks4a://127.0.0.1:9050', 'http://127.0.0.1:8118', 'nonsense']) {
      assert.throws(() => createTorAgent({ proxyUrl, site: 's' }), (err) => hasCode(err, 'LW_CONFIG_INVALID'));
    }
    assert.throws(
      () => createTorAgent({ proxyUrl: 'socks5h://alice:hunter2@127.0.0.1:9050', site: 's' }),
      (err: unknown) => hasCode(err, 'LW_CONFIG_INVALID') && !(err as Error).message.includes('hunter2'),
    );
  });

  it('refuses non-onion URLs without opening any connection', async () => {
    socks.requests.length = 0;
    const before = clearnet.connections;
    for (const url of [`http://127.0.0.1:${clearnet.port}/`, 'http://example.com/', 'ftp://x.onion/', `http://localhost:${clearnet.port}/`]) {
      await rejectsWithCode(fetchOnce(url, opts()), 'LW_USAGE');
    }
    assert.equal(socks.requests.length, 0);
    assert.equal(clearnet.connections, before);
  });

  it('refuses redirects off the onion space and never connects to the target', async () => {
    const targets = [
      `http://127.0.0.1:${clearnet.port}/track`,
      `http://localhost:${clearnet.port}/`,
      `//127.0.0.1:${clearnet.port}/protocol-relative`,
      `http://[::1]:${clearnet.port}/`,
      'https://clearnet.example/',
      `http://user:pw@${SITE_B}/`,
    ];
    for (const location of targets) {
      socks.requests.length = 0;
      site.handler = (_req, res) => {
        res.writeHead(302, { location });
        res.end();
      };
      await rejectsWithCode(fetchWithRedirects(`http://${SITE_A}/`, opts()), 'LW_REDIRECT_REFUSED');
      assert.equal(socks.requests.length, 1, `only the first hop for ${location}`);
    }
    assert.equal(clearnet.connections, 0);
  });

  it('follows relative and onion-to-onion redirects', async () => {
    socks.requests.length = 0;
    site.handler = (req, res) => {
      if (req.headers.host === SITE_A && req.url === '/') {
        res.writeHead(301, { location: '/moved?page=2' });
        res.end();
      } else if (req.headers.host === SITE_A && req.url === '/moved?page=2') {
        res.writeHead(307, { location: `http://${SITE_B}/final` });
        res.end();
      } else {
        res.end(`at ${req.headers.host}${req.url}`);
      }
    };
    const res = await fetchWithRedirects(`http://${SITE_A}/`, opts());
    assert.equal(res.url, `http://${SITE_B}/final`);
    assert.equal((await readAll(res)).toString(), `at ${SITE_B}/final`);
    assert.deepEqual(
      socks.requests.map((r) => r.host),
      [SITE_A, SITE_A, SITE_B],
    );
  });

  it('stops after too many redirects', async () => {
    let hops = 0;
    site.handler = (_req, res) => {
      hops += 1;
      res.writeHead(302, { location: `/loop/${hops}` });
      res.end();
    };
    await rejectsWithCode(fetchWithRedirects(`http://${SITE_A}/`, opts({})), 'LW_REDIRECT_REFUSED');
    assert.equal(hops, 6, 'the first request plus five redirects');
  });

  it('enforces the byte limit on an endless chunked response', async () => {
    let stopped = false;
    site.handler = (_req, res) => {
      const chunk = Buffer.alloc(16 * 1024, 0x41);
      const pump = (): void => {
        while (!stopped && res.write(chunk));
        if (!stopped) res.once('drain', pump);
      };
      res.on('close', () => (stopped = true));
      pump();
    };
    const res = await fetchOnce(`http://${SITE_A}/endless`, opts({ maxBytes: 256 * 1024 }));
    const err = await rejectsWithCode(readAll(res), 'LW_LIMIT_EXCEEDED');
    assert.equal(err.retryable, false);
    assert.ok(res.bytesReceived() <= 256 * 1024 + 64 * 1024, `read ${res.bytesReceived()} bytes`);
  });

  it('refuses a declared Content-Length above the limit before reading', async () => {
    site.handler = (_req, res) => {
      res.writeHead(200, { 'content-length': String(10 * 1024 * 1024) });
      res.write('x');
    };
    await rejectsWithCode(fetchOnce(`http://${SITE_A}/big`, opts({ maxBytes: 1024 })), 'LW_LIMIT_EXCEEDED');
  });

  it('times out a slow-drip body on the idle timer', async () => {
    site.handler = (_req, res) => {
      res.write('a');
      const timer = setInterval(() => res.write('b'), 400);
      res.on('close', () => clearInterval(timer));
    };
    const res = await fetchOnce(`http://${SITE_A}/drip`, opts({ timeouts: { ...FAST, idleMs: 150 } }));
    const err = await rejectsWithCode(readAll(res), 'LW_TIMEOUT');
    assert.match(err.message, /^idle/);
    assert.equal(err.retryable, true);
  });

  it('times out a drip that is fast enough for idle but exceeds the total', async () => {
    site.handler = (_req, res) => {
      const timer = setInterval(() => res.write('b'), 30);
      res.on('close', () => clearInterval(timer));
    };
    const started = Date.now();
    const res = await fetchOnce(`http://${SITE_A}/drip`, opts({ timeouts: { ...FAST, idleMs: 500, totalMs: 400 } }));
    const err = await rejectsWithCode(readAll(res), 'LW_TIMEOUT');
    assert.match(err.message, /^total/);
    assert.ok(Date.now() - started < 2_000);
  });

  it('times out when no response head arrives', async () => {
    site.handler = () => {};
    const err = await rejectsWithCode(
      fetchOnce(`http://${SITE_A}/hang`, opts({ timeouts: { ...FAST, firstByteMs: 150 } })),
      'LW_TIMEOUT',
    );
    assert.match(err.message, /^first-byte/);
  });

  it('times out the connect phase while the proxy builds a circuit', async () => {
    const slow = await startSocks5Server({
      resolve: () => ({ host: '127.0.0.1', port: site.port }),
      latencyMs: [1_000, 1_000],
    });
    const agent = createTorAgent({ proxyUrl: `socks5h://127.0.0.1:${slow.port}`, site: 'slow' });
    try {
      const err = await rejectsWithCode(
        fetchOnce(`http://${SITE_A}/`, opts({ agent, timeouts: { ...FAST, connectMs: 150 } })),
        'LW_TIMEOUT',
      );
      assert.match(err.message, /^connect/);
    } finally {
      agent.destroy();
      await slow.close();
    }
  });

  it('aborts through the AbortSignal mid-body', async () => {
    site.handler = (_req, res) => {
      res.write('first');
      const timer = setInterval(() => res.write('more'), 50);
      res.on('close', () => clearInterval(timer));
    };
    const controller = new AbortController();
    const res = await fetchOnce(`http://${SITE_A}/`, opts({ signal: controller.signal }));
    const reading = readAll(res);
    setTimeout(() => controller.abort(), 100);
    await rejectsWithCode(reading, 'LW_ABORTED');
  });

  it('decodes gzip, deflate and brotli bodies', async () => {
    const text = 'synthetic listing page '.repeat(200);
    const encoders: Record<string, (b: Buffer) => Buffer> = {
      gzip: gzipSync,
      deflate: deflateSync,
      br: brotliCompressSync,
    };
    for (const [encoding, encode] of Object.entries(encoders)) {
      site.handler = (_req, res) => {
        res.writeHead(200, { 'content-encoding': encoding });
        res.end(encode(Buffer.from(text)));
      };
      const res = await fetchOnce(`http://${SITE_A}/`, opts());
      assert.equal((await readAll(res)).toString(), text, encoding);
      assert.ok(res.bytesReceived() < text.length, `${encoding} travelled compressed`);
    }
  });

  it('stops a gzip bomb on the compression ratio, well before the byte limit', async () => {
    const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024));
    site.handler = (_req, res) => {
      res.writeHead(200, { 'content-encoding': 'gzip', 'content-length': String(bomb.length) });
      res.end(bomb);
    };
    const res = await fetchOnce(`http://${SITE_A}/bomb.txt`, opts({ maxBytes: 128 * 1024 * 1024 }));
    let decoded = 0;
    const err = await rejectsWithCode(
      (async () => {
        for await (const chunk of res.body) decoded += chunk.length;
      })(),
      'LW_LIMIT_EXCEEDED',
    );
    assert.match(err.message, /ratio/);
    assert.ok(decoded < 16 * 1024 * 1024, `decoded ${decoded} bytes before stopping`);
  });

  it('reports a dead proxy as LW_PROXY_UNREACHABLE (retryable)', async () => {
    const dead = await startSocks5Server();
    const port = dead.port;
    await dead.close();
    const agent = createTorAgent({ proxyUrl: `socks5h://127.0.0.1:${port}`, site: 'x' });
    const err = await rejectsWithCode(fetchOnce(`http://${SITE_A}/`, opts({ agent })), 'LW_PROXY_UNREACHABLE');
    assert.equal(err.retryable, true);
    agent.destroy();
  });

  it('reports an unknown onion (host unreachable) as LW_ONION_NOT_FOUND (retryable)', async () => {
    const err = await rejectsWithCode(fetchOnce(`http://${UNKNOWN}/`, opts()), 'LW_ONION_NOT_FOUND');
    assert.equal(err.retryable, true);
  });

  it("maps Tor's extended onion error codes", async () => {
    const cases: [number, string, boolean][] = [
      [0xf0, 'LW_ONION_NOT_FOUND', true],
      [0xf2, 'LW_ONION_CIRCUIT', true],
      [0xf3, 'LW_ONION_CIRCUIT', true],
      [0xf6, 'LW_ONION_NOT_FOUND', false],
      [0xf7, 'LW_ONION_CIRCUIT', true],
    ];
    for (const [reply, code, retryable] of cases) {
      const name = onion(`f${reply.toString(16)}`);
      routes.set(name, { reply });
      const err = await rejectsWithCode(fetchOnce(`http://${name}/`, opts()), code);
      assert.equal(err.retryable, retryable, `reply 0x${reply.toString(16)}`);
      assert.ok(err.message.includes(`0x${reply.toString(16)}`));
    }
  });

  it('retries 5xx with backoff and gives up at once on 4xx', async () => {
    let calls = 0;
    site.handler = (_req, res) => {
      calls += 1;
      res.statusCode = calls < 3 ? 503 : 200;
      res.end(calls < 3 ? 'busy' : 'finally');
    };
    const sleeps: number[] = [];
    const retry = {
      attempts: 5,
      baseMs: 100,
      maxMs: 1_000,
      random: () => 0.5,
      sleep: async (ms: number) => void sleeps.push(ms),
    };
    const res = await withRetry(() => fetchWithRedirects(`http://${SITE_A}/`, opts()), retry);
    assert.equal((await readAll(res)).toString(), 'finally');
    assert.equal(calls, 3);
    assert.deepEqual(sleeps, [50, 100]);

    calls = 0;
    sleeps.length = 0;
    site.handler = (_req, res) => {
      calls += 1;
      res.statusCode = 404;
      res.end('gone');
    };
    const err = await rejectsWithCode(
      withRetry(() => fetchWithRedirects(`http://${SITE_A}/`, opts()), retry),
      'LW_HTTP_STATUS',
    );
    assert.ok(err instanceof HttpStatusError && err.status === 404);
    assert.equal(calls, 1);
    assert.deepEqual(sleeps, []);
  });
});

describe('retry', () => {
  it('uses full jitter below an exponential cap', () => {
    const top = () => 0.999999;
    assert.deepEqual(
      [1, 2, 3, 4, 5, 6].map((n) => backoffDelay(n, 100, 2_000, top)),
      [99, 199, 399, 799, 1599, 1999],
    );
    assert.equal(backoffDelay(3, 100, 2_000, () => 0), 0);
  });

  it('throws the last error when attempts run out', async () => {
    let calls = 0;
    const boom = new LeakwatchError('LW_NETWORK', 'flaky', { retryable: true });
    await assert.rejects(
      withRetry(
        async () => {
          calls += 1;
          throw boom;
        },
        { attempts: 3, baseMs: 10, maxMs: 100, sleep: async () => {} },
      ),
      (err) => err === boom,
    );
    assert.equal(calls, 3);
  });

  it('does not retry non-retryable errors or foreign errors', async () => {
    for (const error of [new LeakwatchError('LW_LIMIT_EXCEEDED', 'big'), new TypeError('bug')]) {
      let calls = 0;
      await assert.rejects(
        withRetry(
          async () => {
            calls += 1;
            throw error;
          },
          { attempts: 5, baseMs: 10, maxMs: 100, sleep: async () => {} },
        ),
      );
      assert.equal(calls, 1);
    }
  });

  it('stops with LW_ABORTED when aborted during backoff', async () => {
    const controller = new AbortController();
    const pending = withRetry(
      async () => {
        throw new LeakwatchError('LW_TIMEOUT', 'slow', { retryable: true });
      },
      { attempts: 5, baseMs: 10_000, maxMs: 10_000, random: () => 0.9, signal: controller.signal },
    );
    setTimeout(() => controller.abort(), 20);
    await rejectsWithCode(pending, 'LW_ABORTED');
  });
});

describe('classification', () => {
  it('reads the CONNECT reply code from handshake bytes', () => {
    assert.equal(socksConnectReply(Buffer.from([5, 0, 5, 4, 0, 1])), 4);
    assert.equal(socksConnectReply(Buffer.from([5, 2, 1, 0, 5, 0xf0, 0, 1])), 0xf0);
    assert.equal(socksConnectReply(Buffer.from([5, 2, 1, 1])), undefined, 'auth rejected');
    assert.equal(socksConnectReply(Buffer.from([5, 0xff])), undefined, 'no method');
    assert.equal(socksConnectReply(Buffer.from([5, 0, 5, 0, 0, 1])), undefined, 'success');
    assert.equal(socksConnectReply(Buffer.from([5])), undefined);
  });

  it('maps socket errors, aborts and zlib errors', () => {
    const refused = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
    assert.equal(classifyError(refused).code, 'LW_NETWORK');
    assert.equal(classifyError(refused).retryable, true);
    const abort = Object.assign(new Error('aborted'), { name: 'AbortError' });
    assert.equal(classifyError(abort).code, 'LW_ABORTED');
    const zlib = Object.assign(new Error('incorrect header check'), { code: 'Z_DATA_ERROR' });
    assert.equal(classifyError(zlib).retryable, false);
    assert.equal(socksReplyError(0x99).code, 'LW_ONION_CIRCUIT');
  });

  it('marks 5xx and 429 retryable, other 4xx not', () => {
    assert.equal(new HttpStatusError(502).retryable, true);
    assert.equal(new HttpStatusError(429).retryable, true);
    assert.equal(new HttpStatusError(403).retryable, false);
  });

  it('resolves redirect targets against the current URL', () => {
    assert.equal(nextHop('../b?x=1', `http://${SITE_A}/a/c`), `http://${SITE_A}/b?x=1`);
    assert.throws(() => nextHop('http://10.0.0.1/', `http://${SITE_A}/`), (e) => hasCode(e, 'LW_REDIRECT_REFUSED'));
    assert.throws(() => nextHop('javascript:alert(1)', `http://${SITE_A}/`), (e) => hasCode(e, 'LW_REDIRECT_REFUSED'));
  });
});
