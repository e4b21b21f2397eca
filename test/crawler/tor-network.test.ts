/**
 * End-to-end transport test against a real private Tor network on loopback:
 * a loopback HTTP server is published as a v3 onion service and fetched
 * through the Tor client's SOCKS port with the crawler's socks5h agent.
 * Requires Debian's `tor` package; never skipped (CI installs it).
 */
import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { LeakwatchError } from '../../src/errors.js';
import { fetchWithRedirects } from '../../src/crawler/transport/redirects.js';
import { fetchOnce, type FetchResponse } from '../../src/crawler/transport/http-client.js';
import { createTorAgent } from '../../src/crawler/transport/socks-agent.js';
import { startTorNetwork, TOR_BIN, TOR_GENCERT_BIN, type TorNetwork } from '../../src/sim/tor-network.js';

const PAGE = '<html><body><h1>Synthetic leak blog</h1><p>post 1 of 1</p></body></html>';
const TIMEOUTS = { connectMs: 30_000, firstByteMs: 15_000, idleMs: 15_000, totalMs: 45_000 };

async function readText(res: FetchResponse): Promise<string> {
  const parts: Uint8Array[] = [];
  for await (const chunk of res.body) parts.push(chunk);
  return Buffer.concat(parts).toString('utf8');
}

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

function base32(bytes: Buffer): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return out;
}

/** A well-formed v3 onion address (rend-spec-v3 §6) for a fresh key nobody publishes. */
function unpublishedOnion(): string {
  const { publicKey } = generateKeyPairSync('ed25519');
  const jwk = publicKey.export({ format: 'jwk' });
  const key = Buffer.from(jwk.x ?? '', 'base64url');
  const version = Buffer.from([0x03]);
  const checksum = createHash('sha3-256')
    .update(Buffer.concat([Buffer.from('.onion checksum'), key, version]))
    .digest()
    .subarray(0, 2);
  return `${base32(Buffer.concat([key, checksum, version]))}.onion`;
}

describe('private Tor network', { timeout: 150_000 }, () => {
  let network: TorNetwork;
  let server: Server;
  let onion: string;
  let proxyUrl: string;
  const requestPaths: string[] = [];

  before(
    async () => {
      if (!existsSync(TOR_BIN) || !existsSync(TOR_GENCERT_BIN)) {
        throw new Error(`${TOR_BIN} not found: install Debian's tor package ("apt-get install tor"); CI installs it`);
      }
      server = createServer((req, res) => {
        requestPaths.push(req.url ?? '');
        if (req.url === '/old') {
          res.writeHead(302, { location: '/' });
          res.end();
          return;
        }
        res.setHeader('content-type', 'text/html; charset=utf-8');
        res.end(PAGE);
      });
      await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
      const target = `127.0.0.1:${(server.address() as AddressInfo).port}`;
      network = await startTorNetwork({ onionTargets: [{ port: 80, target }], timeoutMs: 120_000 });
      onion = network.onionHostnames[0]!;
      proxyUrl = `socks5h://127.0.0.1:${network.socksPort}`;
      console.log(`private Tor network up, onion reachable after ${network.bootstrapMs} ms`);
    },
    { timeout: 130_000 },
  );

  after(async () => {
    await network?.stop();
    await new Promise<void>((done) => (server ? server.close(() => done()) : done()));
  });

  it('publishes a v3 onion service', () => {
    assert.match(onion, /^[a-z2-7]{56}\.onion$/);
  });

  it('fetches the page over the onion through the socks5h agent, following a redirect', async () => {
    const agent = createTorAgent({ proxyUrl, site: 'site-a' });
    try {
      const res = await fetchWithRedirects(`http://${onion}/old`, { agent, timeouts: TIMEOUTS, maxBytes: 1 << 20 });
      assert.equal(res.status, 200);
      assert.equal(res.url, `http://${onion}/`);
      assert.equal(await readText(res), PAGE);
      assert.deepEqual(requestPaths.slice(-2), ['/old', '/']);
    } finally {
      agent.destroy();
    }
  });

  it('fetches with two different SOCKS credentials (isolated circuits)', async () => {
    const agents = [createTorAgent({ proxyUrl, site: 'site-b' }), createTorAgent({ proxyUrl, site: 'site-c' })];
    try {
      const bodies = await Promise.all(
        agents.map(async (agent) =>
          readText(await fetchOnce(`http://${onion}/`, { agent, timeouts: TIMEOUTS, maxBytes: 1 << 20 })),
        ),
      );
      assert.deepEqual(bodies, [PAGE, PAGE]);
    } finally {
      for (const agent of agents) agent.destroy();
    }
  });

  it("reports an unpublished onion with Tor's extended error as LW_ONION_NOT_FOUND", async () => {
    const agent = createTorAgent({ proxyUrl, site: 'site-d' });
    try {
      await assert.rejects(
        fetchOnce(`http://${unpublishedOnion()}/`, { agent, timeouts: TIMEOUTS, maxBytes: 1024 }),
        (err: unknown) => err instanceof LeakwatchError && err.code === 'LW_ONION_NOT_FOUND' && err.retryable,
      );
      const malformed = `${'a'.repeat(56)}.onion`;
      await assert.rejects(
        fetchOnce(`http://${malformed}/`, { agent, timeouts: TIMEOUTS, maxBytes: 1024 }),
        (err: unknown) =>
          err instanceof LeakwatchError && err.code === 'LW_ONION_NOT_FOUND' && !err.retryable && /0xf6/.test(err.message),
      );
    } finally {
      agent.destroy();
    }
  });
});
