/** The `leakwatch` command line. Each command lives in ./commands. */
import { Command, CommanderError } from 'commander';
import { createRequire } from 'node:module';
import { LeakwatchError } from '../errors.js';

const pkg = createRequire(import.meta.url)('../../package.json') as { version: string };

type Register = (program: Command) => void;

/**
 * Each command's module, in the order help lists them. A module is imported
 * only when its command runs (or when help needs them all): together they load
 * the crawler, the alert sinks, the extractors and SQLite, about 0.6 s and
 * 65 MB before anything was asked, while `keygen` needs almost none of it.
 */
const COMMANDS: readonly [names: readonly string[], load: () => Promise<Register>][] = [
  [['keygen'], async () => (await import('./commands/keygen.js')).registerKeygen],
  [['enroll'], async () => (await import('./commands/enroll.js')).registerEnroll],
  [['import'], async () => (await import('./commands/import.js')).registerImport],
  [['scan'], async () => (await import('./commands/scan.js')).registerScan],
  [['inspect'], async () => (await import('./commands/inspect.js')).registerInspect],
  [['crawl', 'run'], async () => (await import('./commands/crawl.js')).registerCrawl],
  [['alerts'], async () => (await import('./commands/alerts.js')).registerAlerts],
  [['status'], async () => (await import('./commands/status.js')).registerStatus],
  [['doctor'], async () => (await import('./commands/doctor.js')).registerDoctor],
  [['demo'], async () => (await import('./commands/demo.js')).registerDemo],
];

/**
 * Builds the program for `argv`: with the module of the command it names, or
 * with every command when it names none it knows (help, an unknown command,
 * no arguments), so that help and "unknown command" stay complete; with none
 * for `--version` alone. Exported so tests can check what it loads.
 */
export async function buildProgram(argv: readonly string[]): Promise<Command> {
  const program = new Command('leakwatch')
    .description('watch Tor leak sites for your organization\'s records, using keyed fingerprints only')
    .version(pkg.version)
    .showHelpAfterError(false)
    .exitOverride();
  // The program has no options of its own besides --version and --help: the first other word names the command.
  const named = argv.find((a) => !a.startsWith('-'));
  const versionOnly = argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V');
  const wanted = COMMANDS.filter(([names]) => named !== undefined && names.includes(named));
  const loads = versionOnly ? [] : wanted.length > 0 ? wanted : COMMANDS;
  for (const register of await Promise.all(loads.map(([, load]) => load()))) register(program);
  program.commands.forEach((c) => c.exitOverride());
  return program;
}

/** Runs the CLI; returns the exit code. Errors become one line on stderr. */
export async function main(argv: string[]): Promise<number> {
  try {
    await (await buildProgram(argv)).parseAsync(argv, { from: 'user' });
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
