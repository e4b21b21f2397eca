/** `leakwatch demo`: the self-contained end-to-end run on synthetic data. */
import type { Command } from 'commander';
import { LeakwatchError } from '../../errors.js';
import { runDemo } from '../../demo/run-demo.js';

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('enroll a synthetic clinic, scan a synthetic leak, print what was found')
    .option('--dir <dir>', 'work directory (default: a new temporary directory)')
    .option('--no-crawl', 'skip the crawl through Tor (offline scan only)')
    .option('--no-tor', 'crawl through a loopback SOCKS5 proxy even when tor is installed')
    .option('--config <file>', 'config file (unused; the demo writes its own)')
    .action(async (opts: { dir?: string; crawl: boolean; tor: boolean }) => {
      const result = await runDemo({ dir: opts.dir, skipCrawl: !opts.crawl, forceFallback: !opts.tor });
      if (result.plaintextHits !== 0) throw new LeakwatchError('LW_INTERNAL', `demo: ${result.plaintextHits} plaintext hits in stored files`);
      if (result.findings.length === 0) throw new LeakwatchError('LW_INTERNAL', 'demo: nothing was found in the synthetic leak');
    });
}
