/**
 * Syslog sink: RFC 5424 messages over UDP (RFC 5426, one datagram each), TCP
 * (RFC 6587 octet counting) or TLS (RFC 5425, also octet counting). UDP has no
 * acknowledgement: a datagram that leaves the host counts as delivered.
 */
import { createSocket } from 'node:dgram';
import { connect as netConnect, isIPv6, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { LeakwatchError } from '../../errors.js';
import type { Delivery, Sink } from '../types.js';
import { formatCef, formatRfc5424, type SyslogHeader } from './syslog-format.js';

export interface SyslogOptions extends SyslogHeader {
  name: string;
  host: string;
  port?: number;
  transport: 'udp' | 'tcp' | 'tls';
  format: 'rfc5424' | 'cef';
  ca?: Buffer;
  timeoutMs: number;
  now?: () => Date;
}

/** RFC 6587 octet-counting frame: "<byte length> <message>". */
export function octetFrame(msg: string): Buffer {
  const body = Buffer.from(msg, 'utf8');
  return Buffer.concat([Buffer.from(`${body.length} `, 'ascii'), body]);
}

function fail(o: SyslogOptions, what: string, cause?: unknown): LeakwatchError {
  return new LeakwatchError('LW_DELIVERY', `syslog ${o.transport}://${o.host}:${o.port ?? defaultPort(o.transport)}: ${what}`, { cause, retryable: true });
}

function defaultPort(t: SyslogOptions['transport']): number {
  return t === 'tls' ? 6514 : 514;
}

async function sendUdp(o: SyslogOptions, msg: Buffer, signal: AbortSignal): Promise<void> {
  const sock = createSocket(isIPv6(o.host) ? 'udp6' : 'udp4');
  try {
    await new Promise<void>((resolve, reject) => {
      const onAbort = () => reject(fail(o, 'aborted'));
      signal.addEventListener('abort', onAbort, { once: true });
      sock.once('error', (err) => reject(fail(o, (err as NodeJS.ErrnoException).code ?? 'error', err)));
      sock.send(msg, o.port ?? 514, o.host, (err) => {
        signal.removeEventListener('abort', onAbort);
        if (err) reject(fail(o, (err as NodeJS.ErrnoException).code ?? 'send failed', err));
        else resolve();
      });
    });
  } finally {
    sock.close();
  }
}

async function sendStream(o: SyslogOptions, frame: Buffer, signal: AbortSignal): Promise<void> {
  const port = o.port ?? defaultPort(o.transport);
  await new Promise<void>((resolve, reject) => {
    let settled = false;
    let sock: Socket;
    const done = (err?: LeakwatchError) => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      if (err) {
        sock.destroy();
        reject(err);
      } else {
        // Let the peer close in its own time without holding the process open.
        sock.unref();
        resolve();
      }
    };
    const onAbort = () => done(fail(o, 'aborted'));
    // 'finish': the whole frame and our FIN are with the kernel; the peer's reply is not awaited (syslog has none).
    const write = () => sock.end(frame, () => done());
    sock =
      o.transport === 'tls'
        ? tlsConnect({ host: o.host, port, ca: o.ca, servername: /^[\d.:]+$/.test(o.host) ? undefined : o.host }, write)
        : netConnect({ host: o.host, port }, write);
    signal.addEventListener('abort', onAbort, { once: true });
    sock.setTimeout(o.timeoutMs, () => (settled ? sock.destroy() : done(fail(o, `timed out after ${o.timeoutMs} ms`))));
    sock.on('error', (err) => done(fail(o, (err as NodeJS.ErrnoException).code ?? 'error', err)));
    sock.on('close', () => done(fail(o, 'connection closed before the message was sent')));
    sock.on('data', () => undefined);
  });
}

/** A syslog sink. */
export function syslogSink(o: SyslogOptions): Sink {
  return {
    name: o.name,
    type: 'syslog',
    async send(d: Delivery, signal: AbortSignal) {
      const at = o.now?.() ?? new Date();
      const msg = o.format === 'cef' ? formatCef(d, o, at) : formatRfc5424(d, o, at);
      if (o.transport === 'udp') await sendUdp(o, Buffer.from(msg, 'utf8'), signal);
      else await sendStream(o, octetFrame(msg), signal);
    },
  };
}
