/** Runs the leakwatch CLI in a child process, as a user would. */
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';

/** The CLI's entry point, run with tsx. */
export const BIN = join(import.meta.dirname, '../../src/cli/bin.ts');

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

/** Like `cli`, without blocking the event loop (needed when the test process serves the site or proxy). */
export function cliAsync(args: string[], opts: { env?: NodeJS.ProcessEnv } = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', BIN, ...args], { env: { ...process.env, ...opts.env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}
