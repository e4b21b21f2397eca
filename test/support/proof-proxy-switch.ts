/**
 * A TCP relay on a fixed loopback port in front of the test SOCKS5 server, so
 * a test can take "Tor" away and bring it back on the same address: down()
 * drops every live connection and closes the port (connection refused, as when
 * the tor process dies, also in the middle of a pass), flaky() accepts and
 * hangs up at once (to count the crawler's retries), up() relays again.
 */
import { createServer, connect, type AddressInfo, type Server, type Socket } from 'node:net';

export interface ProxySwitch {
  port: number;
  /** Accepted connections while flaky (hung up at once), with their time. */
  readonly refusedAt: number[];
  up(): Promise<void>;
  down(): Promise<void>;
  flaky(): Promise<void>;
  close(): Promise<void>;
}

/** Starts the relay (up) in front of 127.0.0.1:`targetPort`. */
export async function startProxySwitch(targetPort: number): Promise<ProxySwitch> {
  const live = new Set<Socket>();
  const refusedAt: number[] = [];
  let mode: 'relay' | 'flaky' = 'relay';
  let server: Server | null = null;
  let port = 0;

  const listen = async (): Promise<void> => {
    if (server) return;
    const s = createServer((client) => {
      if (mode === 'flaky') {
        refusedAt.push(Date.now());
        client.destroy();
        return;
      }
      const upstream = connect({ host: '127.0.0.1', port: targetPort });
      live.add(client);
      live.add(upstream);
      const drop = () => {
        client.destroy();
        upstream.destroy();
        live.delete(client);
        live.delete(upstream);
      };
      client.on('error', drop).on('close', drop);
      upstream.on('error', drop).on('close', drop);
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve, reject) => {
      s.once('error', reject);
      s.listen(port, '127.0.0.1', () => resolve());
    });
    port = (s.address() as AddressInfo).port;
    server = s;
  };
  // close() frees the port at once; its callback would wait for live connections, so it is not awaited.
  const unlisten = (): void => {
    server?.close();
    server = null;
  };
  const cutAll = () => {
    for (const s of live) s.destroy();
    live.clear();
  };

  await listen();
  return {
    get port() {
      return port;
    },
    refusedAt,
    async up() {
      mode = 'relay';
      await listen();
    },
    async down() {
      unlisten();
      cutAll();
    },
    async flaky() {
      mode = 'flaky';
      cutAll();
      await listen();
    },
    async close() {
      unlisten();
      cutAll();
    },
  };
}
