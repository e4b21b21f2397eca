/** The `leakwatch` command line. Each command lives in ./commands. */
import { Command, CommanderError } from 'commander';
import { createRequire } from 'node:module';
import { LeakwatchError } from '../errors.js';
import { registerAlerts } from './commands/alerts.js';
import { registerCrawl } from './commands/crawl.js';
import { registerDemo } from './commands/demo.js';
import { registerDoctor } from './commands/doctor.js';
import { registerEnroll } from './commands/enroll.js';
import { registerImport } from './commands/import.js';
import { registerInspect } from './commands/inspect.js';
import { registerKeygen } from './commands/keygen.js';
import { registerScan } from './commands/scan.js';
import { registerStatus } from './commands/status.js';

const pkg = createRequire(import.meta.url)('../../package.json') as { version: string };

/** Builds the program; exported so tests can run commands in-process. */
export function buildProgram(): Command {
  const program = new Command('leakwatch')
    .description('watch Tor leak sites for your organization\'s records, using keyed fingerprints only')
    .version(pkg.version)
    .showHelpAfterError(false)
    .exitOverride();
  for (const register of [registerKeygen, registerEnroll, registerImport, registerScan, registerInspect, registerCrawl, registerAlerts, registerStatus, registerDoctor, registerDemo]) {
    register(program);
  }
  program.commands.forEach((c) => c.exitOverride());
  return program;
}

/** Runs the CLI; returns the exit code. Errors become one line on stderr. */
export async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv, { from: 'user' });
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      return err.exitCode === 0 ? 0 : 2;
    }
    if (err instanceof LeakwatchError) {
      process.stderr.write(`leakwatch: ${err.code}: ${err.message}\n`);
      return err.code === 'LW_USAGE' ? 2 : 1;
    }
    const code = (err as { code?: string }).code;
    process.stderr.write(`leakwatch: LW_INTERNAL: unexpected failure${code ? ` (${code})` : ''}; run with LEAKWATCH_DEBUG=1 for a stack trace\n`);
    // Frames only: an unexpected error's message can quote its input (JSON.parse does), which may be leaked content.
    if (process.env.LEAKWATCH_DEBUG) process.stderr.write(`${String((err as Error).stack).split('\n').slice(1).join('\n')}\n`);
    return 1;
  }
}
