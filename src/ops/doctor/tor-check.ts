/**
 * Doctor: is Tor's SOCKS port there, has Tor bootstrapped, and can it build a
 * circuit to each enabled site's first location?
 */
import { randomBytes } from 'node:crypto';
import type { LoadedConfig } from '../../config/load.js';
import { socksReplyError } from '../../crawler/transport/classify.js';
import { check, type CheckResult } from './check.js';
import { socksConnect, socksGreeting, type ConnectOutcome } from './socks-probe.js';

export interface TorCheckOptions {
  /** Deadline for reaching the SOCKS port and its greeting. */
  socksTimeoutMs: number;
  /** Deadline for each circuit (onion circuits routinely take 10-60 s). */
  circuitTimeoutMs: number;
}

// Answers Tor can only give after talking to the network: the onion's descriptor
// was looked up, or its introduction or rendezvous was tried. 0xF6 (bad address)
// is decided locally and proves nothing.
const NETWORK_REPLIES = new Set([0x04, 0x05, 0xf0, 0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 0xf7]);

const START_TOR = 'start Tor (systemctl enable --now tor@default) or fix tor.socks_url';

/** Runs the Tor checks for the configured proxy and enabled sites. */
export async function checkTor(cfg: LoadedConfig, opts: TorCheckOptions): Promise<CheckResult[]> {
  const url = new URL(cfg.tor.socks_url);
  const proxy = { host: url.hostname.replace(/^\[(.*)\]$/, '$1'), port: Number(url.port || 9050) };
  const where = `${url.hostname}:${proxy.port}`;
  const greeting = await socksGreeting(proxy.host, proxy.port, opts.socksTimeoutMs);
  if (greeting.kind === 'unreachable') return [check('fail', 'tor socks', `${where}: not reachable (${greeting.code})`, START_TOR)];
  if (greeting.kind === 'not-socks') return [check('fail', 'tor socks', `${where}: answers, but not as a SOCKS5 proxy`, 'point tor.socks_url at Tor\'s SocksPort')];
  const results = [check('ok', 'tor socks', `${where}: SOCKS5 proxy answers`)];

  const sites = cfg.sites.filter((s) => s.enabled);
  if (sites.length === 0) {
    results.push(check('warn', 'tor bootstrap', 'no enabled site to build a test circuit to', 'add a site under sites:, or check Tor\'s log for "Bootstrapped 100%"'));
    return results;
  }
  const password = randomBytes(12).toString('hex');
  const outcomes = await Promise.all(
    sites.map(async (site) => {
      const loc = new URL(site.locations[0]!);
      const port = Number(loc.port || (loc.protocol === 'https:' ? 443 : 80));
      const outcome = await socksConnect(proxy, { host: loc.hostname, port }, { username: `leakwatch-doctor:${site.name}`, password }, opts.circuitTimeoutMs);
      return { site: site.name, host: loc.hostname, outcome };
    }),
  );
  results.push(bootstrapCheck(outcomes.map((o) => o.outcome), opts.circuitTimeoutMs));
  for (const { site, host, outcome } of outcomes) results.push(circuitCheck(site, host, outcome, opts.circuitTimeoutMs));
  return results;
}

function bootstrapCheck(outcomes: readonly ConnectOutcome[], timeoutMs: number): CheckResult {
  const answered = outcomes.filter((o) => o.kind === 'open' || (o.kind === 'reply' && NETWORK_REPLIES.has(o.reply))).length;
  if (answered > 0) return check('ok', 'tor bootstrap', `Tor reached the network for ${answered} of ${outcomes.length} site(s)`);
  if (outcomes.some((o) => o.kind === 'unreachable')) {
    return check('fail', 'tor bootstrap', 'the SOCKS port stopped answering during the circuit test', START_TOR);
  }
  return check(
    'fail',
    'tor bootstrap',
    `no circuit completed within ${Math.round(timeoutMs / 1000)} s; Tor may not have bootstrapped`,
    'journalctl -u tor@default | grep Bootstrapped (needs 100%); check the clock and outbound network',
  );
}

function circuitCheck(site: string, host: string, o: ConnectOutcome, timeoutMs: number): CheckResult {
  const name = `tor circuit ${site}`;
  switch (o.kind) {
    case 'open':
      return check('ok', name, `${host}: circuit open in ${o.ms} ms`);
    case 'reply':
      return check('warn', name, `${host}: ${socksReplyError(o.reply).message}`, 'the site may be offline or moved; check its mirrors in sites[].locations');
    case 'timeout':
      return check('warn', name, `${host}: no circuit within ${Math.round(timeoutMs / 1000)} s`, 'retry later; onion circuits can take a minute, and the site may be down');
    case 'unreachable':
      return check('fail', name, `${host}: SOCKS proxy failed during the test (${o.code})`, START_TOR);
  }
}
