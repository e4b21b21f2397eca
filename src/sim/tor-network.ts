/**
 * A private Tor network on loopback for tests and the demo: three directory
 * authorities (which are relays too), a few extra relays, one v3 onion-service
 * host and one client with a SOCKS port. Built from Debian's `tor` and
 * `tor-gencert`; nothing here talks to the public Tor network, because every
 * node only knows our own authorities (`DirAuthority`) and `TestingTorNetwork`
 * refuses the default ones.
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises';
import { get as httpGet } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createTorAgent } from '../crawler/transport/socks-agent.js';
import { fetchOnce } from '../crawler/transport/http-client.js';

const execFileP = promisify(execFile);

export const TOR_BIN = process.env.LEAKWATCH_TOR_BIN ?? '/usr/bin/tor';
export const TOR_GENCERT_BIN = process.env.LEAKWATCH_TOR_GENCERT_BIN ?? '/usr/bin/tor-gencert';

export interface OnionTarget {
  /** Virtual port of the onion service; only 80 is used by the tests. */
  port: number;
  /** Loopback `host:port` the onion service forwards to. */
  target: string;
}

export interface StartTorNetworkOptions {
  /** Working directory; a fresh temp dir (removed on stop) when omitted. */
  dir?: string;
  /** Relays in addition to the three authorities (which relay too). */
  relays?: number;
  onionTargets?: OnionTarget[];
  timeoutMs?: number;
  log?: (line: string) => void;
}

export interface TorNetwork {
  socksPort: number;
  /** One v3 `.onion` hostname per entry of `onionTargets`, same order. */
  onionHostnames: string[];
  dir: string;
  /** Milliseconds from start until every onion answered through the client. */
  bootstrapMs: number;
  stop(): Promise<void>;
}

type NodeRole = 'authority' | 'relay' | 'onion-host' | 'client';

interface TorNode {
  name: string;
  role: NodeRole;
  dataDir: string;
  torrc: string;
  orPort?: number;
  dirPort?: number;
  socksPort?: number;
  v3ident?: string;
  fingerprint?: string;
  process?: ChildProcess;
  logFile: string;
  logOffset: number;
  logPending: string;
  logTail: string[];
  bootstrapped: boolean;
}

const AUTHORITIES = 3;
const LOG_TAIL_LINES = 40;
const PASSPHRASE = 'leakwatch-private-test-network\n';

/** Processes still alive, killed synchronously if the test process exits early. */
const liveProcesses = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of liveProcesses) child.kill('SIGKILL');
  });
}

/** Starts the private network and resolves once every onion answers an HTTP GET. */
export async function startTorNetwork(opts: StartTorNetworkOptions = {}): Promise<TorNetwork> {
  if (!existsSync(TOR_BIN) || !existsSync(TOR_GENCERT_BIN)) {
    throw new Error(
      `tor is not installed (${TOR_BIN}, ${TOR_GENCERT_BIN}); install it with "apt-get install tor"`,
    );
  }
  const started = Date.now();
  const timeoutMs = opts.timeoutMs ?? 120_000;
  const log = opts.log ?? (() => {});
  const ownsDir = opts.dir === undefined;
  const dir = opts.dir ?? (await mkdtemp(join(tmpdir(), 'leakwatch-tor-')));
  await mkdir(dir, { recursive: true });
  const targets = opts.onionTargets ?? [];
  const relayCount = opts.relays ?? 3;

  const ports = new PortAllocator();
  const nodes: TorNode[] = [];
  const makeNode = async (name: string, role: NodeRole): Promise<TorNode> => {
    const dataDir = join(dir, name);
    await mkdir(dataDir, { recursive: true, mode: 0o700 });
    await chmod(dataDir, 0o700);
    const node: TorNode = {
      name,
      role,
      dataDir,
      torrc: join(dataDir, 'torrc'),
      logFile: join(dataDir, 'notice.log'),
      logOffset: 0,
      logPending: '',
      logTail: [],
      bootstrapped: false,
    };
    nodes.push(node);
    return node;
  };

  // Tor logs to files only: a tor writing to the stdout pipe of a parent that
  // died can hang instead of exiting, leaving orphans behind.
  let polling = false;
  const logPoller = setInterval(() => {
    if (polling) return;
    polling = true;
    void pollLogs(nodes, log).finally(() => (polling = false));
  }, 250);
  logPoller.unref();

  const stopAll = async (): Promise<void> => {
    clearInterval(logPoller);
    await Promise.all(nodes.map((n) => stopProcess(n.process)));
    if (ownsDir) await rm(dir, { recursive: true, force: true });
  };

  try {
    const emptyDefaults = join(dir, 'torrc-defaults');
    await writeFile(emptyDefaults, '');

    const authorities: TorNode[] = [];
    for (let i = 0; i < AUTHORITIES; i += 1) {
      const node = await makeNode(`auth${i}`, 'authority');
      node.orPort = await ports.next();
      node.dirPort = await ports.next();
      authorities.push(node);
    }
    // Key generation is CPU-bound and independent per authority.
    await Promise.all(
      authorities.map(async (node) => {
        node.v3ident = await createAuthorityKeys(node);
        node.fingerprint = await relayFingerprint(node, emptyDefaults);
      }),
    );
    for (let i = 0; i < relayCount; i += 1) {
      const node = await makeNode(`relay${i}`, 'relay');
      node.orPort = await ports.next();
    }
    const onionHost = targets.length > 0 ? await makeNode('onion0', 'onion-host') : undefined;
    const client = await makeNode('client0', 'client');
    client.socksPort = await ports.next();

    const authorityLines = nodes
      .filter((n) => n.role === 'authority')
      .map(
        (n) =>
          `DirAuthority ${n.name} orport=${n.orPort} no-v2 v3ident=${n.v3ident} ` +
          `127.0.0.1:${n.dirPort} ${n.fingerprint}`,
      );
    for (const node of nodes) {
      await writeFile(node.torrc, torrcFor(node, authorityLines, targets));
    }

    log(`tor: keys and torrc ready after ${Date.now() - started} ms`);
    installExitHook();
    const deadline = started + timeoutMs;
    const relaysAll = nodes.filter((n) => n.role === 'authority' || n.role === 'relay');
    for (const node of relaysAll) startNode(node, emptyDefaults);
    // Clients that ask before the first consensus exists back off exponentially
    // on the 404s, which cost 10-20 s; starting them once it is there avoids that.
    await waitForConsensus(authorities[0]!, relaysAll.length, deadline, nodes);
    log(`tor: consensus with ${relaysAll.length} relays after ${Date.now() - started} ms`);
    const edges = nodes.filter((n) => n.role === 'client' || n.role === 'onion-host');
    for (const node of edges) startNode(node, emptyDefaults);

    const watched = onionHost ? [client, onionHost] : [client];
    await waitFor(() => watched.every((n) => n.bootstrapped), deadline, nodes, 'Bootstrapped 100%');
    log(`tor: client and onion host bootstrapped after ${Date.now() - started} ms`);

    const onionHostnames: string[] = [];
    for (let i = 0; i < targets.length; i += 1) {
      const hostname = (await readFile(join(onionHost!.dataDir, `hs${i}`, 'hostname'), 'utf8')).trim();
      onionHostnames.push(hostname);
    }
    for (const hostname of onionHostnames) {
      await waitForOnion(hostname, client.socksPort, deadline, nodes);
    }
    const bootstrapMs = Date.now() - started;
    log(`tor: ${onionHostnames.length} onion service(s) reachable after ${bootstrapMs} ms`);
    return { socksPort: client.socksPort, onionHostnames, dir, bootstrapMs, stop: stopAll };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

/** Creates the authority's v3 keys with tor-gencert and returns its v3ident. */
async function createAuthorityKeys(node: TorNode): Promise<string> {
  const keys = join(node.dataDir, 'keys');
  await mkdir(keys, { recursive: true, mode: 0o700 });
  const args = [
    '--create-identity-key',
    '-m', '12',
    '-a', `127.0.0.1:${node.dirPort}`,
    '-i', join(keys, 'authority_identity_key'),
    '-s', join(keys, 'authority_signing_key'),
    '-c', join(keys, 'authority_certificate'),
    '--passphrase-fd', '0',
  ];
  await new Promise<void>((resolve, reject) => {
    const child = spawn(TOR_GENCERT_BIN, args, { stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`tor-gencert exited with ${code}: ${stderr.trim()}`)),
    );
    child.stdin.end(PASSPHRASE);
  });
  const cert = await readFile(join(keys, 'authority_certificate'), 'utf8');
  const match = /^fingerprint ([0-9A-F]{40})$/m.exec(cert);
  if (!match?.[1]) throw new Error(`no fingerprint in ${node.name}'s authority certificate`);
  return match[1];
}

/** Creates the relay identity key and returns its RSA fingerprint. */
async function relayFingerprint(node: TorNode, defaultsTorrc: string): Promise<string> {
  // A placeholder authority keeps tor from complaining that a relay has none.
  const { stdout } = await execFileP(TOR_BIN, [
    '--list-fingerprint',
    '--defaults-torrc', defaultsTorrc,
    '-f', defaultsTorrc,
    '--TestingTorNetwork', '1',
    '--DataDirectory', node.dataDir,
    '--ORPort', String(node.orPort),
    '--DirAuthority', 'placeholder 127.0.0.1:1 ffffffffffffffffffffffffffffffffffffffff',
    '--Log', 'err stdout',
  ]);
  const line = stdout.trim().split('\n').pop() ?? '';
  const fingerprint = line.split(' ').slice(1).join('');
  if (!/^[0-9A-F]{40}$/.test(fingerprint)) throw new Error(`cannot read ${node.name}'s fingerprint`);
  return fingerprint;
}

/** The torrc of one node. */
function torrcFor(node: TorNode, authorityLines: string[], targets: OnionTarget[]): string {
  const lines = [
    'TestingTorNetwork 1',
    `DataDirectory ${node.dataDir}`,
    `Nickname ${node.name}`,
    'RunAsDaemon 0',
    `Log notice file ${node.logFile}`,
    // Tor exits by itself if the test process dies without stopping it.
    `__OwningControllerProcess ${process.pid}`,
    // Test network only: logs show real addresses, which helps debugging.
    'SafeLogging 0',
    'AssumeReachable 1',
    'ExtendAllowPrivateAddresses 1',
    'ClientRejectInternalAddresses 0',
    // Without this, loopback relays measure zero bandwidth and clients
    // fail with "Failed to find node for hop #2".
    'CountPrivateBandwidth 1',
    'ShutdownWaitLength 0',
    'DirReqStatistics 0',
    'ConnDirectionStatistics 0',
    'ControlPort 0',
    ...authorityLines,
  ];
  if (node.role === 'authority' || node.role === 'relay') {
    lines.push(
      'Address 127.0.0.1',
      `ORPort 127.0.0.1:${node.orPort}`,
      'SocksPort 0',
      'ExitRelay 1',
      'ExitPolicyRejectPrivate 0',
      'ExitPolicy accept 127.0.0.0/8:*',
      'ExitPolicy reject *:*',
      `ContactInfo ${node.name}@leakwatch-test.invalid`,
    );
  }
  if (node.role === 'relay') {
    // Clients then fetch directory documents only from the authorities, which
    // have them first; caches that lag answer 404 and clients back off.
    lines.push('DirCache 0');
  }
  if (node.role === 'authority') {
    lines.push(
      `DirPort 127.0.0.1:${node.dirPort}`,
      'AuthoritativeDirectory 1',
      'V3AuthoritativeDirectory 1',
      'TestingDirAuthVoteExit *',
      'TestingDirAuthVoteHSDir *',
      'TestingDirAuthVoteGuard *',
      'V3AuthNIntervalsValid 2',
      'V3AuthVotingInterval 10',
      'V3AuthVoteDelay 2',
      'V3AuthDistDelay 2',
      'TestingV3AuthInitialVotingInterval 5',
      'TestingV3AuthInitialVoteDelay 2',
      'TestingV3AuthInitialDistDelay 2',
    );
  }
  if (node.role === 'onion-host') {
    lines.push('SocksPort 0');
    targets.forEach((t, i) => {
      lines.push(`HiddenServiceDir ${join(node.dataDir, `hs${i}`)}`, `HiddenServicePort ${t.port} ${t.target}`);
    });
  }
  if (node.role === 'client') {
    // ExtendedErrors makes onion failures distinguishable (0xF0-0xF7).
    lines.push(`SocksPort 127.0.0.1:${node.socksPort} IsolateSOCKSAuth ExtendedErrors`);
  }
  return `${lines.join('\n')}\n`;
}

function startNode(node: TorNode, defaultsTorrc: string): void {
  const child = spawn(TOR_BIN, ['--defaults-torrc', defaultsTorrc, '-f', node.torrc], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  node.process = child;
  liveProcesses.add(child);
  child.on('exit', () => liveProcesses.delete(child));
  // Only what tor prints before it opens its log file (config errors) arrives here.
  const onData = (chunk: Buffer): void => {
    for (const line of chunk.toString('utf8').split('\n')) if (line !== '') remember(node, line);
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
}

function remember(node: TorNode, line: string): void {
  node.logTail.push(line);
  if (node.logTail.length > LOG_TAIL_LINES) node.logTail.shift();
  if (line.includes('Bootstrapped 100%')) node.bootstrapped = true;
}

/** Reads what each node appended to its notice log since the last poll. */
async function pollLogs(nodes: TorNode[], log: (line: string) => void): Promise<void> {
  for (const node of nodes) {
    let handle;
    try {
      handle = await open(node.logFile, 'r');
    } catch {
      continue;
    }
    try {
      const buffer = Buffer.alloc(64 * 1024);
      for (;;) {
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, node.logOffset);
        if (bytesRead === 0) break;
        node.logOffset += bytesRead;
        const lines = (node.logPending + buffer.subarray(0, bytesRead).toString('utf8')).split('\n');
        node.logPending = lines.pop() ?? '';
        for (const line of lines) {
          remember(node, line);
          log(`[${node.name}] ${line}`);
        }
      }
    } finally {
      await handle.close();
    }
  }
}

async function waitFor(
  done: () => boolean,
  deadline: number,
  nodes: TorNode[],
  what: string,
  poll?: () => Promise<void>,
): Promise<void> {
  for (;;) {
    await poll?.();
    if (done()) return;
    const dead = nodes.find((n) => n.process && n.process.exitCode !== null);
    if (dead) throw new Error(`tor node ${dead.name} exited early\n${tails(nodes)}`);
    if (Date.now() > deadline) throw new Error(`private Tor network: timed out waiting for ${what}\n${tails(nodes)}`);
    await sleep(200);
  }
}

/** Polls an authority's DirPort until its consensus lists every relay. */
async function waitForConsensus(authority: TorNode, relays: number, deadline: number, nodes: TorNode[]): Promise<void> {
  const url = `http://127.0.0.1:${authority.dirPort}/tor/status-vote/current/consensus-microdesc`;
  let listed = 0;
  await waitFor(() => listed >= relays, deadline, nodes, `a consensus listing ${relays} relays`, async () => {
    listed = await countConsensusRelays(url);
  });
}

function countConsensusRelays(url: string): Promise<number> {
  return new Promise((resolve) => {
    const req = httpGet(url, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        resolve(0);
        return;
      }
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve(text.split('\n').filter((line) => line.startsWith('r ')).length));
      res.on('error', () => resolve(0));
    });
    req.on('error', () => resolve(0));
    req.setTimeout(2_000, () => req.destroy());
  });
}

/** Polls until an HTTP GET of the onion through the client succeeds. */
async function waitForOnion(hostname: string, socksPort: number, deadline: number, nodes: TorNode[]): Promise<void> {
  const agent = createTorAgent({ proxyUrl: `socks5h://127.0.0.1:${socksPort}`, site: 'tor-network-probe' });
  let lastError = 'none';
  try {
    while (Date.now() < deadline) {
      const budget = Math.max(1_000, Math.min(15_000, deadline - Date.now()));
      try {
        const res = await fetchOnce(`http://${hostname}/`, {
          agent,
          timeouts: { connectMs: budget, firstByteMs: budget, idleMs: budget, totalMs: budget },
          maxBytes: 1 << 20,
        });
        for await (const _chunk of res.body) {
          // drain
        }
        return;
      } catch (err) {
        lastError = err instanceof Error ? `${(err as { code?: string }).code ?? ''} ${err.message}` : String(err);
        await sleep(500);
      }
    }
  } finally {
    agent.destroy();
  }
  throw new Error(`private Tor network: onion never answered (last error: ${lastError})\n${tails(nodes)}`);
}

function tails(nodes: TorNode[]): string {
  return nodes
    .filter((n) => n.role === 'client' || n.role === 'onion-host' || n.name === 'auth0')
    .map((n) => `--- ${n.name} ---\n${n.logTail.slice(-15).join('\n')}`)
    .join('\n');
}

async function stopProcess(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
  await exited;
  clearTimeout(timer);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Hands out distinct free loopback TCP ports. */
class PortAllocator {
  private readonly used = new Set<number>();

  async next(): Promise<number> {
    for (;;) {
      const port = await freePort();
      if (!this.used.has(port)) {
        this.used.add(port);
        return port;
      }
    }
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
