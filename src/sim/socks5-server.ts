/**
 * A small SOCKS5 server on loopback (RFC 1928 CONNECT, RFC 1929
 * username/password) standing in for Tor in fast tests. It records what each
 * client asked for, which is how tests prove that hostnames reach the proxy
 * unresolved (ATYP=domain) and that each site uses its own credentials.
 */
import { createServer, connect, type Socket, type AddressInfo } from 'node:net';

export type AddressType = 'domain' | 'ipv4' | 'ipv6';

export interface Socks5Request {
  host: string;
  port: number;
  atyp: AddressType;
  username?: string;
}

/** Where to connect a requested name, or a SOCKS reply code to refuse with, or null (host unreachable). */
export type Socks5Resolution = { host: string; port: number } | { reply: number } | null;

export interface Socks5ServerOptions {
  resolve?: (host: string, port: number) => Socks5Resolution;
  requireAuth?: boolean;
  /** Random delay before each CONNECT reply, mimicking Tor circuit setup. */
  latencyMs?: [number, number];
}

export interface Socks5Server {
  port: number;
  requests: Socks5Request[];
  close(): Promise<void>;
}

const VERSION = 0x05;
const REPLY_OK = 0x00;
const REPLY_GENERAL_FAILURE = 0x01;
const REPLY_HOST_UNREACHABLE = 0x04;
const REPLY_CONNECTION_REFUSED = 0x05;
const REPLY_COMMAND_NOT_SUPPORTED = 0x07;
const REPLY_ADDRESS_NOT_SUPPORTED = 0x08;

/** Starts the server on 127.0.0.1 with an ephemeral port. */
export async function startSocks5Server(opts: Socks5ServerOptions = {}): Promise<Socks5Server> {
  const requests: Socks5Request[] = [];
  const sockets = new Set<Socket>();
  const resolve = opts.resolve ?? (() => null);

  const server = createServer((client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => client.destroy());
    void handle(client, { ...opts, resolve }, requests, sockets).catch(() => client.destroy());
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    requests,
    close: () =>
      new Promise<void>((done) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => done());
      }),
  };
}

async function handle(
  client: Socket,
  opts: Socks5ServerOptions & { resolve: NonNullable<Socks5ServerOptions['resolve']> },
  requests: Socks5Request[],
  sockets: Set<Socket>,
): Promise<void> {
  const reader = new ByteReader(client);

  const [version, methodCount] = await reader.read(2);
  if (version !== VERSION) return void client.destroy();
  const methods = [...(await reader.read(methodCount ?? 0))];
  // Like Tor with IsolateSOCKSAuth, prefer username/password when offered.
  const method = methods.includes(0x02) ? 0x02 : !opts.requireAuth && methods.includes(0x00) ? 0x00 : 0xff;
  client.write(Buffer.from([VERSION, method]));
  if (method === 0xff) return void client.end();

  let username: string | undefined;
  if (method === 0x02) {
    const [authVersion, userLength] = await reader.read(2);
    username = (await reader.read(userLength ?? 0)).toString('utf8');
    const [passLength] = await reader.read(1);
    await reader.read(passLength ?? 0);
    const ok = authVersion === 0x01;
    client.write(Buffer.from([0x01, ok ? 0x00 : 0x01]));
    if (!ok) return void client.end();
  }

  const [, command, , atypByte] = await reader.read(4);
  let host: string;
  let atyp: AddressType;
  if (atypByte === 0x03) {
    const [length] = await reader.read(1);
    host = (await reader.read(length ?? 0)).toString('utf8');
    atyp = 'domain';
  } else if (atypByte === 0x01) {
    host = [...(await reader.read(4))].join('.');
    atyp = 'ipv4';
  } else if (atypByte === 0x04) {
    const raw = await reader.read(16);
    host = Array.from({ length: 8 }, (_, i) => raw.readUInt16BE(i * 2).toString(16)).join(':');
    atyp = 'ipv6';
  } else {
    return reply(client, REPLY_ADDRESS_NOT_SUPPORTED);
  }
  const port = (await reader.read(2)).readUInt16BE(0);
  requests.push(username === undefined ? { host, port, atyp } : { host, port, atyp, username });
  if (command !== 0x01) return reply(client, REPLY_COMMAND_NOT_SUPPORTED);

  if (opts.latencyMs) {
    const [min, max] = opts.latencyMs;
    await new Promise((done) => setTimeout(done, min + Math.random() * (max - min)));
  }
  const target = opts.resolve(host, port);
  if (target === null) return reply(client, REPLY_HOST_UNREACHABLE);
  if ('reply' in target) return reply(client, target.reply);

  const upstream = connect({ host: target.host, port: target.port });
  sockets.add(upstream);
  upstream.on('close', () => sockets.delete(upstream));
  upstream.once('error', () => {
    if (!client.destroyed) reply(client, REPLY_CONNECTION_REFUSED);
  });
  upstream.once('connect', () => {
    upstream.removeAllListeners('error');
    upstream.on('error', () => client.destroy());
    client.write(Buffer.from([VERSION, REPLY_OK, 0x00, 0x01, 0, 0, 0, 0, 0, 0]));
    const early = reader.rest();
    if (early.length > 0) upstream.write(early);
    client.pipe(upstream);
    upstream.pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
}

function reply(client: Socket, code: number): void {
  const safe = code === REPLY_OK ? REPLY_GENERAL_FAILURE : code;
  client.end(Buffer.from([VERSION, safe, 0x00, 0x01, 0, 0, 0, 0, 0, 0]));
}

/** Reads exact byte counts from a socket during the handshake. */
class ByteReader {
  private buffered = Buffer.alloc(0);
  private waiting: { n: number; resolve: (b: Buffer) => void; reject: (e: Error) => void } | undefined;
  private ended = false;
  private readonly onData = (chunk: Buffer): void => {
    this.buffered = Buffer.concat([this.buffered, chunk]);
    this.pump();
  };

  constructor(private readonly socket: Socket) {
    socket.on('data', this.onData);
    socket.once('close', () => {
      this.ended = true;
      this.pump();
    });
  }

  read(n: number): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      this.waiting = { n, resolve, reject };
      this.pump();
    });
  }

  /** Stops reading and returns whatever arrived past the handshake. */
  rest(): Buffer {
    this.socket.off('data', this.onData);
    const rest = this.buffered;
    this.buffered = Buffer.alloc(0);
    return rest;
  }

  private pump(): void {
    const waiting = this.waiting;
    if (!waiting) return;
    if (this.buffered.length >= waiting.n) {
      this.waiting = undefined;
      const out = this.buffered.subarray(0, waiting.n);
      this.buffered = this.buffered.subarray(waiting.n);
      waiting.resolve(out);
    } else if (this.ended) {
      this.waiting = undefined;
      waiting.reject(new Error('client closed during SOCKS handshake'));
    }
  }
}
