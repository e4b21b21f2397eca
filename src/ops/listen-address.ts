/**
 * `host:port` listen addresses for the metrics endpoint. Metrics name the
 * watched sites and organizations, so by default they are served on loopback
 * only.
 */
import { isIP } from 'node:net';

export interface ListenAddress {
  host: string;
  port: number;
}

/** Parses `host:port`, `[v6]:port`; null when malformed. */
export function parseListenAddress(text: string): ListenAddress | null {
  const m = /^(?:\[([0-9A-Fa-f:.]+)\]|([^:\s[\]]+)):(\d{1,5})$/.exec(text);
  if (!m) return null;
  const host = m[1] ?? m[2]!;
  const port = Number(m[3]);
  if (port > 65_535) return null;
  if (m[1] !== undefined && isIP(host) !== 6) return null;
  return { host, port };
}

/** True for `localhost`, 127.0.0.0/8 and ::1: addresses no other machine can reach. */
export function isLoopbackHost(host: string): boolean {
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  if (isIP(host) === 6) return host === '::1' || /^(0{0,4}:){7}0{0,3}1$/.test(host) || /^::ffff:127\./i.test(host);
  return false;
}
