/**
 * Starts the private loopback Tor network by hand (manual testing, the demo)
 * and keeps it up until Ctrl-C.
 *
 *   npx tsx scripts/tor-network.ts [--target 127.0.0.1:PORT]... [--relays N] [--verbose]
 *
 * Without --target a small "hello" HTTP server on loopback is served as the onion.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { startTorNetwork } from '../src/sim/tor-network.js';

const { values } = parseArgs({
  options: {
    target: { type: 'string', multiple: true },
    relays: { type: 'string' },
    verbose: { type: 'boolean', default: false },
  },
});

let targets = values.target ?? [];
const hello = targets.length === 0 ? createServer((_req, res) => res.end('hello from the private onion\n')) : undefined;
if (hello) {
  await new Promise<void>((resolve) => hello.listen(0, '127.0.0.1', resolve));
  targets = [`127.0.0.1:${(hello.address() as AddressInfo).port}`];
}

const network = await startTorNetwork({
  onionTargets: targets.map((target) => ({ port: 80, target })),
  relays: values.relays === undefined ? undefined : Number(values.relays),
  log: values.verbose ? (line) => console.error(line) : undefined,
});
console.log(`bootstrap_ms=${network.bootstrapMs}`);
console.log(`socks=socks5h://127.0.0.1:${network.socksPort}`);
network.onionHostnames.forEach((host, i) => console.log(`onion ${targets[i]} -> http://${host}/`));
console.log(`dir=${network.dir}  (Ctrl-C to stop)`);

const shutdown = async (): Promise<void> => {
  await network.stop();
  hello?.close();
  process.exit(0);
};
process.once('SIGINT', () => void shutdown());
process.once('SIGTERM', () => void shutdown());
