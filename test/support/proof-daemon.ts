/**
 * The leakwatch CLI and daemon as child processes for the proof tests: an
 * enrolled synthetic clinic in a fresh directory, a config pointing its sites
 * at onion names the test's SOCKS5 proxy maps to the simulator, and a child
 * wrapper that collects the JSON log lines and the child's peak memory.
 */
import { strict as assert } from 'node:assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLINIC_MAPPING_YAML, makeNotes, makePatients, patientsCsv, type Note, type Patient } from '../../src/demo/synthetic-clinic.js';
import { cli } from './cli.js';
import { onion } from './crawl-env.js';
import { peakRssOf } from './proof-measure.js';

const BIN = join(import.meta.dirname, '../../src/cli/bin.ts');

export interface ClinicDir {
  dir: string;
  cfgPath: string;
  keyPath: string;
  bundlePath: string;
  patients: Patient[];
  notes: Note[];
}

export interface SiteSpec {
  name: string;
  /** Letter of the onion name (see crawl-env's `onion`). */
  letter?: string;
  schedule?: string;
  profile?: string;
  limits?: Record<string, number>;
}

/** Config YAML for the clinic and `sites`; `extra` lines are appended verbatim. */
export function configYaml(c: Pick<ClinicDir, 'keyPath'>, sites: SiteSpec[], extra: string[] = []): string {
  return [
    'data_dir: var',
    'log: { level: info }',
    'daemon: { max_start_delay_ms: 0, stop_grace_ms: 3000 }',
    'orgs:',
    '  - id: clinic-a',
    `    key: { file: ${c.keyPath} }`,
    '    watch_terms: ["Lakeside Therapy Centre"]',
    'sites:',
    ...sites.map((s) =>
      [
        `  - name: ${s.name}`,
        `    locations: ["http://${onion(s.letter ?? 'a')}/"]`,
        `    schedule: "${s.schedule ?? '*/2 * * * * *'}"`,
        `    profile: ${s.profile ?? 'ransomware-blog'}`,
        `    limits: { ${Object.entries({ min_delay_ms: 0, concurrency: 1, ...s.limits }).map(([k, v]) => `${k}: ${v}`).join(', ')} }`,
      ].join('\n'),
    ),
    ...extra,
    '',
  ].join('\n');
}

/** keygen, enroll and import a synthetic clinic through the CLI, in a fresh directory. */
export function prepareClinic(opts: { patients?: Patient[]; notes?: Note[]; sites?: SiteSpec[]; prefix?: string } = {}): ClinicDir {
  const dir = mkdtempSync(join(tmpdir(), opts.prefix ?? 'lw-proof-'));
  const patients = opts.patients ?? makePatients(30, 41);
  const notes = opts.notes ?? makeNotes(4, 42, 120);
  mkdirSync(join(dir, 'notes'));
  writeFileSync(join(dir, 'p.csv'), patientsCsv(patients));
  writeFileSync(join(dir, 'm.yaml'), CLINIC_MAPPING_YAML);
  for (const n of notes) writeFileSync(join(dir, n.ref), n.text);
  const c: ClinicDir = { dir, cfgPath: join(dir, 'leakwatch.yaml'), keyPath: join(dir, 'clinic-a.key'), bundlePath: join(dir, 'b.lwb'), patients, notes };
  const k = cli(['keygen', '--out', c.keyPath]);
  assert.equal(k.code, 0, k.stderr);
  const e = cli(['enroll', '--org', 'clinic-a', '--key', c.keyPath, '--records', join(dir, 'p.csv'), '--mapping', join(dir, 'm.yaml'), '--documents', join(dir, 'notes'), '--out', c.bundlePath]);
  assert.equal(e.code, 0, e.stderr);
  writeFileSync(c.cfgPath, configYaml(c, opts.sites ?? [{ name: 'blog' }]));
  const i = cli(['import', c.bundlePath, '--config', c.cfgPath]);
  assert.equal(i.code, 0, i.stderr);
  return c;
}

/** A leakwatch child process with its stderr JSON log parsed line by line. */
export class Child {
  readonly proc: ChildProcess;
  readonly lines: Record<string, unknown>[] = [];
  stdout = '';
  #peak = 0;
  readonly #sampler: NodeJS.Timeout;

  constructor(args: string[], env: NodeJS.ProcessEnv = {}) {
    this.proc = spawn(process.execPath, ['--import', 'tsx', BIN, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let buf = '';
    this.proc.stdout!.on('data', (b: Buffer) => (this.stdout += b.toString()));
    this.proc.stderr!.on('data', (b: Buffer) => {
      buf += b.toString();
      const parts = buf.split('\n');
      buf = parts.pop()!;
      for (const l of parts) {
        try {
          this.lines.push(JSON.parse(l) as Record<string, unknown>);
        } catch {
          this.lines.push({ raw: l });
        }
      }
    });
    // VmHWM is gone once the process exits, so it is sampled while it runs.
    this.#sampler = setInterval(() => this.sample(), 100);
    this.proc.once('exit', () => clearInterval(this.#sampler));
  }

  /** Samples the child's peak RSS now; returns the highest seen (bytes). */
  sample(): number {
    if (this.proc.pid !== undefined && this.proc.exitCode === null) this.#peak = Math.max(this.#peak, peakRssOf(this.proc.pid) ?? 0);
    return this.#peak;
  }

  get alive(): boolean {
    return this.proc.exitCode === null && this.proc.signalCode === null;
  }

  /** Waits for a log line matching `pred` (searching from line `from`). */
  async waitFor(pred: (l: Record<string, unknown>) => boolean, ms = 30_000, from = 0): Promise<Record<string, unknown>> {
    const end = Date.now() + ms;
    while (Date.now() < end) {
      const hit = this.lines.slice(from).find(pred);
      if (hit) return hit;
      if (!this.alive) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`timed out or exited; log so far:\n${this.lines.map((l) => JSON.stringify(l)).join('\n')}`);
  }

  exit(): Promise<number | null> {
    return new Promise((r) => (this.proc.exitCode !== null || this.proc.signalCode !== null ? r(this.proc.exitCode) : this.proc.once('exit', (c) => r(c))));
  }

  /** SIGKILL (kill -9) and wait for the exit. */
  async kill9(): Promise<void> {
    this.proc.kill('SIGKILL');
    await this.exit();
  }
}
