/**
 * Doctor: can the alert sinks be reached? A TCP connect to each sink's host
 * and port, nothing more: no alert is sent and no credential is used. UDP
 * syslog cannot be probed without sending a datagram, so it is reported as
 * not checkable.
 */
import { check, type CheckResult } from './check.js';
import { ConnectFailure, tcpConnect } from './tcp-connect.js';

/** Where a sink delivers: enough to test reachability, nothing secret. */
export interface SinkTarget {
  /** Label for the check line: scope and sink name, e.g. `clinic-a/webhook-0`. */
  name: string;
  host: string;
  port: number;
  transport: 'tcp' | 'udp';
}

const URL_PORTS: Record<string, number> = { 'http:': 80, 'https:': 443 };

/** Host and port of an http(s) URL; the path and query (often tokens) are dropped. Null when it is not one. */
export function urlEndpoint(text: string): { host: string; port: number } | null {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return null;
  }
  const port = Number(url.port || URL_PORTS[url.protocol] || 0);
  return url.hostname && port ? { host: url.hostname.replace(/^\[(.*)\]$/, '$1'), port } : null;
}

/** Checks every sink in parallel; an empty list gives no lines. */
export async function checkSinks(targets: readonly SinkTarget[], timeoutMs: number): Promise<CheckResult[]> {
  return Promise.all(
    targets.map(async (t): Promise<CheckResult> => {
      const name = `sink ${t.name}`;
      const where = `${t.host}:${t.port}`;
      if (t.transport === 'udp') return check('warn', name, `${where}/udp: not checkable without sending a message`, 'check the receiver\'s log after a test alert');
      try {
        const socket = await tcpConnect(t.host, t.port, timeoutMs);
        socket.destroy();
        return check('ok', name, `${where}: reachable`);
      } catch (err) {
        const code = err instanceof ConnectFailure ? err.code : 'error';
        return check('fail', name, `${where}: not reachable (${code})`, 'check the sink\'s address, the receiving service and any firewall between them');
      }
    }),
  );
}
