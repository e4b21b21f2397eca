/** Runs the leakwatch CLI in a child process, as a user would. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const BIN = join(import.meta.dirname, '../../src/cli/bin.ts');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `leakwatch ARGS` with tsx; never throws on a non-zero exit. */
export function cli(args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string } = {}): CliResult {
  const r = spawnSync(process.execPath, ['--import', 'tsx', BIN, ...args], {
    cwd: opts.cwd,
    env: { ...process.env, ...opts.env },
    input: opts.input,
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
