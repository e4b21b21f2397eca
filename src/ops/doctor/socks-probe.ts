/**
 * Two probes of the Tor SOCKS port: a bare SOCKS5 greeting (is something
 * speaking SOCKS there?) and a CONNECT to an onion (can Tor build a circuit to
 * it?). The CONNECT never sends a byte to the site: the socket is closed as
 * soon as Tor answers.
 */
import type { Socket } from 'node:net';
import { SocksClient } from 'socks';
import { socksConnectReply } from '../../crawler/transport/socks-agent.js';
import { ConnectFailure, tcpConnect } from './tcp-connect.js';

export type GreetingOutcome = { kind: 'socks5' } | { kind: 'unreachable'; code: string } | { kind: 'not-socks' };

export type ConnectOutcome =
  | { kind: 'open'; ms: number }
  /** Tor refused the CONNECT with this SOCKS reply code. */
  | { kind: 'reply'; reply: number; ms: number }
  | { kind: 'timeout' }
  | { kind: 'unreachable'; code: string };

/** Sends a SOCKS5 greeting offering "no auth" and "username/password"; any valid method choice counts. */
export async function socksGreeting(host: string, port: number, timeoutMs: number): Promise<GreetingOutcome> {
  let socket: Socket;
  try {
    socket = await tcpConnect(host, port, timeoutMs);
  } catch (err) {
    return { kind: 'unreachable', code: err instanceof ConnectFailure ? err.code : 'error' };
  }
  try {
    const answer = await new Promise<Buffer | null>((resolve) => {
      const timer = setTimeout(() => resolve(null), timeoutMs);
      let got = Buffer.alloc(0);
      socket.on('data', (chunk: Buffer) => {
        got = Buffer.concat([got, chunk]);
        if (got.length >= 2) {
          clearTimeout(timer);
          resolve(got);
        }
      });
      socket.once('close', () => {
        clearTimeout(timer);
        resolve(got);
      });
      socket.on('error', () => undefined);
      socket.write(Buffer.from([0x05, 0x02, 0x00, 0x02]));
    });
    if (answer === null) return { kind: 'unreachable', code: 'ETIMEDOUT' };
    return answer.length >= 2 && answer[0] === 0x05 && (answer[1] === 0x00 || answer[1] === 0x02) ? { kind: 'socks5' } : { kind: 'not-socks' };
  } finally {
    socket.destroy();
  }
}

/**
 * Asks the proxy to CONNECT to `host:port` (name resolved by the proxy), with
 * isolation credentials so the probe gets circuits of its own.
 */
export async function socksConnect(
  proxy: { host: string; port: number },
  target: { host: string; port: number },
  credentials: { username: string; password: string },
  timeoutMs: number,
): Promise<ConnectOutcome> {
  const started = Date.now();
  let socket: Socket;
  try {
    socket = await tcpConnect(proxy.host, proxy.port, timeoutMs);
  } catch (err) {
    return { kind: 'unreachable', code: err instanceof ConnectFailure ? err.code : 'error' };
  }
  // The socks library reports a refused CONNECT only as text; the reply byte is read from the wire.
  const received: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => received.push(chunk));
  try {
    await SocksClient.createConnection({
      proxy: { host: proxy.host, port: proxy.port, type: 5, userId: credentials.username, password: credentials.password },
      destination: target,
      command: 'connect',
      existing_socket: socket,
      timeout: Math.max(1, timeoutMs - (Date.now() - started)),
    });
    return { kind: 'open', ms: Date.now() - started };
  } catch (err) {
    const reply = socksConnectReply(Buffer.concat(received));
    if (reply !== undefined) return { kind: 'reply', reply, ms: Date.now() - started };
    if (err instanceof Error && /timed out/i.test(err.message)) return { kind: 'timeout' };
    return { kind: 'unreachable', code: 'EPROTO' };
  } finally {
    socket.destroy();
  }
}
