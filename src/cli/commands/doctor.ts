/** `leakwatch doctor`: checks config, keys, store, Tor, sinks and core dumps; one line per check. */
import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { LeakwatchError } from '../../errors.js';
import { configuredSinks } from '../../ops/doctor/config-sinks.js';
import { doctorJson, doctorText } from '../../ops/doctor/render.js';
import { runDoctor } from '../../ops/doctor/run-doctor.js';

interface DoctorOpts {
  config?: string;
  json?: boolean;
  circuitTimeout: string;
}

export function registerDoctor(program: Command): void {
  program
    .command('doctor')
    .description('check config, keys, store, Tor (SOCKS, bootstrap, a circuit per site), alert sinks and core dumps; exits non-zero if a check fails')
    .option('--json', 'one JSON document instead of lines')
    .option('--circuit-timeout <seconds>', 'how long to wait for each onion circuit', '45')
    .option('--config <file>', 'config file (default config/leakwatch.yaml or LEAKWATCH_CONFIG)')
    .action(async (opts: DoctorOpts) => {
      const seconds = Number(opts.circuitTimeout);
      if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 600) throw new LeakwatchError('LW_USAGE', '--circuit-timeout must be 1-600 seconds');
      const results = await runDoctor({
        configPath: opts.config,
        env: process.env,
        readLimits: () => {
          try {
            return readFileSync('/proc/self/limits', 'utf8');
          } catch {
            return null;
          }
        },
        sinks: (cfg) => configuredSinks(cfg, process.env),
        socksTimeoutMs: 5_000,
        circuitTimeoutMs: seconds * 1000,
        sinkTimeoutMs: 5_000,
      });
      process.stdout.write(`${opts.json ? doctorJson(results) : doctorText(results)}\n`);
      const failed = results.filter((r) => r.status === 'fail').length;
      if (failed) throw new LeakwatchError('LW_CHECK_FAILED', `${failed} check(s) failed`);
    });
}
