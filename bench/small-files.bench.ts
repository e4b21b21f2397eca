/**
 * Small-files benchmark: a leak is often a folder of many small documents (a
 * clinic's notes, one file each), where what a scan costs per file counts as
 * much as what it costs per byte. Enrolls a synthetic clinic, writes N of its
 * notes (and as many unrelated ones) as separate files, and scans the folder
 * and one file holding the same bytes, on one core; beside them `sha256sum`
 * over the same folder, a reference that pays the same per-file opening.
 * Prints figures; never fails on timing.
 *
 *   npx tsx bench/small-files.bench.ts [--files 5000] [--records 20000] [--repeat 3] [--dir DIR]
 */
import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { makeFiller, makeNotes, makePatients } from '../src/demo/synthetic-clinic.js';
import { generateKey } from '../src/keys/org-key.js';
import { createRng } from '../src/matcher/identifiers/synthetic.js';
import { loadOrgIndex } from '../src/matcher/org-index.js';
import { scanPaths } from '../src/scan/scan-files.js';
import { enrollClinic, writePatientsCsv } from './lib/clinic.js';
import { printTable } from './lib/print-table.js';

const args = process.argv.slice(2);
const opt = (name: string, def: number): number => {
  const i = args.indexOf(`--${name}`);
  const v = i >= 0 ? Number(args[i + 1]) : def;
  return Number.isFinite(v) && v > 0 ? Math.floor(v) : def;
};
const FILES = opt('files', 5000);
const RECORDS = opt('records', 20_000);
const REPEAT = opt('repeat', 3);
const dirAt = args.indexOf('--dir');
const dir = resolve(dirAt >= 0 ? args[dirAt + 1]! : 'bench/out/small-files');

async function main(): Promise<void> {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'notes'), { recursive: true });
  mkdirSync(join(dir, 'folder'), { recursive: true });

  // The clinic: records plus half as many notes as files, all enrolled.
  const patients = makePatients(RECORDS, 301);
  await writePatientsCsv(join(dir, 'patients.csv'), patients);
  const notes = makeNotes(Math.ceil(FILES / 2), 302, 220);
  for (const n of notes) writeFileSync(join(dir, n.ref), n.text);
  const key = generateKey();
  await enrollClinic('small-files-org', key, dir, join(dir, 'bundle.lwb'));
  const org = loadOrgIndex(readFileSync(join(dir, 'bundle.lwb')), key, { where: 'bench' });

  // The leak: the enrolled notes and as many unrelated ones, one file each; and all of them in one file.
  const rng = createRng(303);
  const texts = [...notes.map((n) => n.text)];
  while (texts.length < FILES) texts.push(`${makeFiller(rng, 220)}\n`);
  const one = join(dir, 'all-in-one.txt');
  writeFileSync(one, '');
  texts.forEach((t, i) => {
    writeFileSync(join(dir, 'folder', `doc-${String(i).padStart(6, '0')}.txt`), t);
    appendFileSync(one, t);
  });
  const names = readdirSync(join(dir, 'folder')).map((f) => join(dir, 'folder', f));
  const bytes = names.reduce((s, f) => s + statSync(f).size, 0);

  const scan = async (paths: string[]): Promise<{ s: number; cpu: number; findings: number }> => {
    let best = { s: Infinity, cpu: Infinity, findings: 0 };
    for (let r = 0; r < REPEAT; r++) {
      let findings = 0;
      const cpu0 = process.cpuUsage();
      const t0 = process.hrtime.bigint();
      await scanPaths(paths, { orgs: [org], onDocument: (d) => (findings += d.findings.length) });
      const s = Number(process.hrtime.bigint() - t0) / 1e9;
      const c = process.cpuUsage(cpu0);
      if (s < best.s) best = { s, cpu: (c.user + c.system) / 1e6, findings };
    }
    return best;
  };
  const folder = await scan([join(dir, 'folder')]);
  const whole = await scan([one]);
  let sha = Infinity;
  for (let r = 0; r < REPEAT; r++) {
    const t0 = process.hrtime.bigint();
    spawnSync('sha256sum', names, { stdio: 'ignore' });
    sha = Math.min(sha, Number(process.hrtime.bigint() - t0) / 1e9);
  }

  const mbs = (s: number) => (bytes / 1e6 / s).toFixed(1);
  const perFile = (s: number) => ((s * 1e3) / names.length).toFixed(3);
  console.log(`small-files benchmark: ${names.length} files, ${(bytes / 1e6).toFixed(1)} MB, ${RECORDS} records and ${notes.length} notes enrolled, node ${process.version}, best of ${REPEAT}`);
  printTable('scan on one core', [
    ['what', 'seconds', 'MB/s', 'ms per file', 'note'],
    ['leakwatch scan, the folder', folder.s.toFixed(2), mbs(folder.s), perFile(folder.s), `${folder.findings} findings, CPU ${folder.cpu.toFixed(2)} s`],
    ['leakwatch scan, the same bytes in one file', whole.s.toFixed(2), mbs(whole.s), '-', `${whole.findings} findings (one document)`],
    ['sha256sum over the folder', sha.toFixed(2), mbs(sha), perFile(sha), 'reference: opens and hashes every file'],
  ]);
}

await main();
