/**
 * The only way leakwatch opens a connection to a leak site: an HTTP agent that
 * tunnels through Tor's SOCKS5 port with remote name resolution (socks5h), so
 * no hostname is ever resolved locally. Each site gets its own SOCKS
 * credentials, which Tor's IsolateSOCKSAuth turns into separate circuits.
 */
import { randomBytes } from 'node:crypto';
import type { ClientRequest } from 'node:http';
import { connect as netConnect, isIP, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { SocksClient } from 'socks';
import { SocksProxyAgent } from 'socks-proxy-agent';
import { LeakwatchError } from '../../errors.js';
import { proxyUnreachableError, socksReplyError } from './classify.js';

/**
 * Request-option key under which http-client hands its AbortSignal to the
 * agent; Node strips `signal` before calling the agent, and without it an
 * aborted fetch would keep a Tor circuit attempt open until Tor gives up.
 */
export const CONNECT_SIGNAL = Symbol('leakwatch.connectSignal');

type AgentConnectOpts = Parameters<SocksProxyAgent['connect']>[1];

export interface TorAgentOptions {
  /** `socks5h://host:port` of the Tor client, without credentials. */
  proxyUrl: string;
  /** Isolation key, normally the site name: each value gets its own circuits. */
  site: string;
  /** Second half of the credentials; random per process unless given, so restarts get fresh circuits. */
  isolationNonce?: string;
  /** Backstop for the whole SOCKS handshake (Tor builds the circuit meanwhile). */
  handshakeTimeoutMs?: number;
}

const PROCESS_NONCE = randomBytes(12).toString('hex');
const MAX_RFC1929_FIELD = 255;

/** SOCKS5h agent whose CONNECT failures carry the SOCKS reply code. */
export class TorSocksAgent extends SocksProxyAgent {
  private readonly handshakeTimeoutMs: number;
  // Private fields rather than the parent's proxy URL: they never show up in
  // agent.proxyUrl, in serialized agents or in library error dumps.
  readonly #username: string;
  readonly #password: string;

  constructor(proxyUrl: URL, credentials: { username: string; password: string }, handshakeTimeoutMs: number) {
    super(proxyUrl);
    this.#username = credentials.username;
    this.#password = credentials.password;
    this.handshakeTimeoutMs = handshakeTimeoutMs;
  }

  /**
   * Replaces the parent's connect: the `socks` library reports a refused
   * CONNECT only as text and drops Tor's extended codes (0xF0–0xF7), so we own
   * the TCP socket and read the reply byte ourselves.
   */
  override async connect(req: ClientRequest, opts: AgentConnectOpts): Promise<Socket> {
    const host = opts.host;
    if (!host) throw new LeakwatchError('LW_INTERNAL', 'request without a host');
    const signal = (opts as unknown as Record<symbol, AbortSignal | undefined>)[CONNECT_SIGNAL];
    // URL hostnames keep the brackets of IPv6 literals; net.connect wants them bare.
    const proxyHost = (this.proxy.host ?? '127.0.0.1').replace(/^\[(.*)\]$/, '$1');
    const socket = await openProxySocket(proxyHost, this.proxy.port, signal);

    const received: Buffer[] = [];
    const tap = (chunk: Buffer): void => {
      received.push(chunk);
    };
    const onAbort = (): void => {
      socket.destroy();
    };
    socket.on('data', tap);
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      await SocksClient.createConnection({
        proxy: { ...this.proxy, userId: this.#username, password: this.#password },
        destination: { host, port: Number(opts.port) },
        command: 'connect',
        existing_socket: socket,
        timeout: this.handshakeTimeoutMs,
      });
    } catch (err) {
      socket.destroy();
      if (signal?.aborted) throw new LeakwatchError('LW_ABORTED', 'fetch aborted');
      const reply = socksConnectReply(Buffer.concat(received));
      if (reply !== undefined) throw socksReplyError(reply);
      if (err instanceof Error && /timed out/i.test(err.message)) {
        throw new LeakwatchError('LW_TIMEOUT', 'SOCKS handshake timed out', { retryable: true });
      }
      throw proxyUnreachableError(err);
    } finally {
      socket.off('data', tap);
      signal?.removeEventListener('abort', onAbort);
    }
    if (req.destroyed) {
      socket.destroy();
      throw new LeakwatchError('LW_ABORTED', 'request destroyed while connecting');
    }
    if (opts.secureEndpoint) {
      return tlsConnect({ socket, servername: isIP(host) ? undefined : host });
    }
    return socket;
  }
}

/** Builds the per-site Tor agent; rejects anything but a credential-free socks5h URL. */
export function createTorAgent(opts: TorAgentOptions): TorSocksAgent {
  const url = parseProxyUrl(opts.proxyUrl);
  const username = opts.site;
  const password = opts.isolationNonce ?? PROCESS_NONCE;
  if (username.length === 0 || Buffer.byteLength(username) > MAX_RFC1929_FIELD) {
    throw new LeakwatchError('LW_CONFIG_INVALID', 'site name must be 1-255 bytes to serve as SOCKS isolation key');
  }
  if (password.length === 0 || Buffer.byteLength(password) > MAX_RFC1929_FIELD) {
    throw new LeakwatchError('LW_CONFIG_INVALID', 'isolation nonce must be 1-255 bytes');
  }
  return new TorSocksAgent(url, { username, password }, opts.handshakeTimeoutMs ?? 120_000);
}

/**
 * Reads the CONNECT reply code from the bytes a SOCKS5 server sent during the
 * handshake (method choice, optional RFC 1929 status, then the reply).
 * Undefined when the handshake failed before a CONNECT reply.
 */
export function socksConnectReply(bytes: Uint8Array): number | undefined {
  if (bytes.length < 2 || bytes[0] !== 0x05) return undefined;
  let offset = 2;
  if (bytes[1] === 0x02) {
    if (bytes.length < 4 || bytes[3] !== 0x00) return undefined;
    offset = 4;
  } else if (bytes[1] !== 0x00) {
    return undefined;
  }
  if (bytes.length < offset + 2 || bytes[offset] !== 0x05) return undefined;
  const reply = bytes[offset + 1];
  return reply === 0x00 ? undefined : reply;
}

function parseProxyUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    // The URL itself stays out of the message: it may hold credentials.
    throw new LeakwatchError('LW_CONFIG_INVALID', 'Tor proxy URL is not a valid URL');
  }
  if (url.protocol !== 'socks5h:') {
    throw new LeakwatchError(
      'LW_CONFIG_INVALID',
      `Tor proxy URL must use socks5h:// (got ${url.protocol}//); other schemes resolve names locally or cannot reach onions`,
    );
  }
  if (url.username !== '' || url.password !== '') {
    throw new LeakwatchError(
      'LW_CONFIG_INVALID',
      'Tor proxy URL must not carry credentials; leakwatch sets per-site credentials for circuit isolation',
    );
  }
  if (url.port === '') url.port = '9050';
  return url;
}

function openProxySocket(host: string, port: number, signal: AbortSignal | undefined): Promise<Socket> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new LeakwatchError('LW_ABORTED', 'fetch aborted'));
      return;
    }
    const socket = netConnect({ host, port });
    const onAbort = (): void => {
      socket.destroy();
      reject(new LeakwatchError('LW_ABORTED', 'fetch aborted'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    socket.once('connect', () => {
      signal?.removeEventListener('abort', onAbort);
      socket.removeAllListeners('error');
      resolve(socket);
    });
    socket.once('error', (err) => {
      signal?.removeEventListener('abort', onAbort);
      reject(proxyUnreachableError(err));
    });
  });
}
