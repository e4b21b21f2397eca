/** Real receivers on loopback for the sinks: HTTP (signature-checking), SMTP, syslog over UDP, TCP and TLS. */
import { execFileSync } from 'node:child_process';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingHttpHeaders } from 'node:http';
import { createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer as createTlsServer } from 'node:tls';
import { SMTPServer } from 'smtp-server';

export interface HttpRequestSeen {
  headers: IncomingHttpHeaders;
  body: string;
  /** The signature header verified against the secret (webhook receivers only). */
  signatureOk: boolean | null;
  at: number;
}

/** Verifies X-Leakwatch-Signature the way docs/alerts.md tells receivers to. */
export function verifySignature(secret: string, header: string | undefined, body: string, maxSkewS = 300): boolean {
  const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header ?? '');
  if (!m) return false;
  if (Math.abs(Date.now() / 1000 - Number(m[1])) > maxSkewS) return false;
  const want = createHmac('sha256', secret).update(`${m[1]}.${body}`).digest();
  return timingSafeEqual(want, Buffer.from(m[2]!, 'hex'));
}

/**
 * An HTTP receiver. `respond(n)` gives the status for the n-th request (0-based)
 * or 'hold' to never answer; default 200.
 */
export async function httpReceiver(opts: { secret?: string; respond?: (n: number) => number | 'hold' } = {}) {
  const requests: HttpRequestSeen[] = [];
  const held: (() => void)[] = [];
  const server = createHttpServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const n = requests.length;
      const sig = req.headers['x-leakwatch-signature'];
      requests.push({ headers: req.headers, body, signatureOk: opts.secret ? verifySignature(opts.secret, Array.isArray(sig) ? sig[0] : sig, body) : null, at: performance.now() });
      const r = opts.respond?.(n) ?? 200;
      if (r === 'hold') {
        held.push(() => res.destroy());
        return;
      }
      res.writeHead(r, { 'content-type': 'text/plain' }).end(r < 300 ? 'ok' : 'nope');
    });
  });
  server.keepAliveTimeout = 100;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    port,
    requests,
    async close() {
      held.forEach((f) => f());
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}

/** A loopback port with nothing listening (bound, then released). */
export async function deadPort(): Promise<number> {
  const s = createNetServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

let certCache: { key: Buffer; cert: Buffer; certFile: string } | null = null;

/** A self-signed certificate for 127.0.0.1/localhost made with openssl (once per process). */
export function testCert(): { key: Buffer; cert: Buffer; certFile: string } {
  if (certCache) return certCache;
  const dir = mkdtempSync(join(tmpdir(), 'lw-cert-'));
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2',
    '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1',
    '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
  ], { stdio: 'ignore' });
  certCache = { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')), certFile: join(dir, 'cert.pem') };
  return certCache;
}

export interface MailSeen {
  from: string;
  to: string[];
  raw: string;
  secure: boolean;
  user: string | null;
}

/** A real SMTP server (smtp-server) with STARTTLS or implicit TLS and AUTH PLAIN/LOGIN. */
export async function smtpReceiver(opts: { secure: boolean; user: string; pass: string }) {
  const { key, cert } = testCert();
  const mails: MailSeen[] = [];
  const server = new SMTPServer({
    secure: opts.secure,
    key,
    cert,
    authMethods: ['PLAIN', 'LOGIN'],
    logger: false,
    onAuth(auth, _session, cb) {
      if (auth.username === opts.user && auth.password === opts.pass) cb(null, { user: auth.username });
      else cb(new Error('Invalid username or password'));
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        mails.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
          secure: session.secure,
          user: (session.user as string | undefined) ?? null,
        });
        cb();
      });
    },
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.server.address() as AddressInfo).port;
  return { port, mails, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/** A UDP syslog listener: one message per datagram. */
export async function udpSyslog() {
  const messages: string[] = [];
  const sock = createSocket('udp4');
  sock.on('message', (m) => messages.push(m.toString('utf8')));
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', r));
  return { port: sock.address().port, messages, close: () => new Promise<void>((r) => sock.close(() => r())) };
}

/** Splits an RFC 6587 octet-counted stream into messages; throws on a bad frame. */
export function parseOctetFrames(buf: Buffer): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < buf.length) {
    const sp = buf.indexOf(0x20, i);
    const len = Number(buf.subarray(i, sp).toString('ascii'));
    if (sp < 0 || !Number.isInteger(len) || len <= 0) throw new Error(`bad octet-counting frame at ${i}`);
    out.push(buf.subarray(sp + 1, sp + 1 + len).toString('utf8'));
    i = sp + 1 + len;
  }
  return out;
}

/** A TCP or TLS syslog listener; each connection's bytes are parsed as octet-counted frames. */
export async function streamSyslog(tls: boolean) {
  const messages: string[] = [];
  const handle = (sock: Socket) => {
    const chunks: Buffer[] = [];
    sock.on('data', (c: Buffer) => chunks.push(c));
    sock.on('end', () => {
      messages.push(...parseOctetFrames(Buffer.concat(chunks)));
      sock.end();
    });
    sock.on('error', () => undefined);
  };
  const { key, cert } = testCert();
  const server = tls ? createTlsServer({ key, cert }, handle) : createNetServer(handle);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.address() as AddressInfo).port, messages, close: () => new Promise((r) => server.close(r)) };
}

/** Polls `cond` until true or `ms` pass. */
export async function until(cond: () => boolean, ms = 5_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
