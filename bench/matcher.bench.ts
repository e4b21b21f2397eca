/**
 * Matcher benchmark (issue 2): enroll N synthetic records (6 fields) and M notes,
 * scan a mixed corpus (CSV dumps, JSON Lines, free-text notes, unrelated text),
 * and compare in the same run with `grep -F -f` over the plaintext identifier
 * list and `sha256sum` over the same corpus. Prints figures; never fails on timing.
 *
 *   npx tsx bench/matcher.bench.ts                 # full: 1,000,000 records, 100,000 notes, 1 GB corpus
 *   npx tsx bench/matcher.bench.ts --scale 0.05    # quick
 *   options: --dir DIR (work dir, default bench/out/matcher), --skip-grep, --skip-zip,
 *            --repeat N (scan each kind N times on one core and keep the fastest: on a shared
 *            machine whose speed varies from minute to minute, the best of N is the steadiest figure),
 *            --skip-stages (skip the table of where one core's time goes on a CSV and a JSON Lines file)
 * The zip step builds dist/ (as `npm run build` does) and runs it with node, as the installed bin runs.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { createWriteStream, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, createReadStream } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { Zip, ZipDeflate } from 'fflate';
import { finnishDate, makeFiller, makeNotes, makePatients, reformatPhone, reverseName, type Patient } from '../src/demo/synthetic-clinic.js';
import { generateKey, writeNewKeyFile } from '../src/keys/org-key.js';
import { createRng } from '../src/matcher/identifiers/synthetic.js';
import { IdentifierHasher } from '../src/matcher/keyed-identifier.js';
import { loadOrgIndex, loadOrgIndexFromFile, type OrgIndex } from '../src/matcher/org-index.js';
import { fullCollection } from '../src/matcher/reclaim.js';
import { scanPathsParallel } from '../src/scan/parallel-scan.js';
import { scanPaths } from '../src/scan/scan-files.js';
import { Store } from '../src/store/store.js';
import { csvLine, enrollClinic, writePatientsCsv } from './lib/clinic.js';
import { printTable } from './lib/print-table.js';

const args = process.argv.slice(2);
const opt = (name: string, def: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1]! : def;
};
const scale = Number(opt('scale', '1'));
const dir = resolve(opt('dir', 'bench/out/matcher'));
const N_RECORDS = Math.round(1_000_000 * scale);
const N_NOTES = Math.round(100_000 * scale);
const CORPUS_BYTES = Math.round(1_000_000_000 * scale);
const mb = (b: number) => (b / 1e6).toFixed(1);
/** A size in MiB (the children's peak RSS is in KiB, / 1024) with its value in MB beside it. */
const mib = (m: number) => `${m.toFixed(0)} MiB (${((m * 1048576) / 1e6).toFixed(0)} MB)`;
const secs = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e9;


async function writeStreamed(path: string, target: number, next: () => string): Promise<number> {
  const out = createWriteStream(path);
  let n = 0;
  while (n < target) {
    const chunk = next();
    n += Buffer.byteLength(chunk);
    if (!out.write(chunk)) await new Promise<void>((r) => out.once("drain", () => r()));
  }
  await new Promise<void>((r) => out.end(() => r()));
  return n;
}

/** The corpus's kinds and their shares of its bytes. */
const plan: [string, number][] = [['csv', 0.4], ['jsonl', 0.2], ['notes', 0.2], ['text', 0.2]];

/**
 * Step 4, in its own function so that nothing it generates stays reachable
 * once it returns: 40% CSV dumps, 20% JSON Lines, 20% free-text notes, 20%
 * unrelated text; ~1% of rows are enrolled records.
 */
async function writeCorpus(patients: readonly Patient[], notes: readonly { text: string }[]): Promise<{ written: number }> {
  const t0 = process.hrtime.bigint();
  const others = makePatients(Math.min(400_000, Math.max(10_000, Math.round(400_000 * scale))), 103, 5_000_000);
  const rng = createRng(104);
  const pickEnrolled = (): Patient => patients[Math.floor(rng() * patients.length)]!;
  const pickOther = (): Patient => others[Math.floor(rng() * others.length)]!;
  const fileSize = Math.max(5_000_000, Math.min(50_000_000, Math.round(CORPUS_BYTES / 20)));
  let written = 0;
  let fileNo = 0;
  let plantedRecords = 0;
  for (const [kind, share] of plan) {
    let target = CORPUS_BYTES * share;
    while (target > 0) {
      const size = Math.min(fileSize, target);
      const path = join(dir, 'corpus', `${String(fileNo++).padStart(3, '0')}-${kind}.${kind === 'csv' ? 'csv' : kind === 'jsonl' ? 'jsonl' : 'txt'}`);
      let first = true;
      const n = await writeStreamed(path, size, () => {
        const lines: string[] = [];
        if (first && kind === 'csv') lines.push('hetu;nimi;syntynyt;puhelin;email');
        first = false;
        for (let i = 0; i < 200; i++) {
          const enrolled = rng() < 0.01;
          const p = enrolled ? pickEnrolled() : pickOther();
          if (enrolled && kind !== 'text') plantedRecords++;
          if (kind === 'csv') lines.push(csvLine([p.hetu.toLowerCase(), reverseName(p.full_name), finnishDate(p.birth_date), reformatPhone(p.phone, i), p.email.toUpperCase()], ';'));
          else if (kind === 'jsonl') lines.push(JSON.stringify({ id: p.hetu, name: p.full_name, contact: { email: p.email, phone: p.phone } }));
          else if (kind === 'notes') {
            if (i % 40 === 0) lines.push(`Client ${p.full_name} (${p.email}) called on ${finnishDate(p.birth_date)}.`);
            else if (i % 40 === 1 && rng() < 0.2) lines.push(notes[Math.floor(rng() * notes.length)]!.text.slice(200, 500));
            else lines.push(makeFiller(rng, 30));
          } else lines.push(makeFiller(rng, 30));
        }
        return `${lines.join('\n')}\n`;
      });
      written += n;
      target -= n;
    }
  }
  console.log(`generated ${mb(written)} MB corpus in ${fileNo} files in ${secs(t0).toFixed(1)} s (${plantedRecords} enrolled rows planted)`);
  return { written };
}

/**
 * A full garbage collection, so that the loaded organization's memory is a difference of live
 * heaps (without it the figure was whatever garbage happened to be collected, even negative).
 * (fullCollection: the matcher's own, see src/matcher/reclaim.ts.)
 */
function collectGarbage(): void {
  fullCollection()?.();
}

/**
 * The organization as loaded, then copies of it with one more stage of matching
 * switched off each, for the table of where one core's time goes. Each row
 * differs from the one above it by one stage, so the difference of their
 * times is what that stage costs (bench only: the scan has no such switches).
 */
function stageVariants(org: OrgIndex): [string, OrgIndex[]][] {
  const noCorroboration: OrgIndex = { ...org, bundle: { ...org.bundle, corro: { ...org.bundle.corro, start: new Uint32Array(org.bundle.corro.start.length) } } };
  // Every candidate is still found, keyed and looked up, under another key: the same lookups, none of which hits.
  const noHits: OrgIndex = { ...noCorroboration, hasher: new IdentifierHasher(randomBytes(16)) };
  const noCandidates: OrgIndex = { ...noHits, fields: org.fields.map((f) => (f.role === 'primary' ? { ...f, role: 'corroborating' as const } : f)) };
  return [
    ['everything', [org]],
    ['without corroboration (records still hit)', [noCorroboration]],
    ['candidates looked up, none hits', [noHits]],
    ['no identifier candidates (text fingerprints only)', [noCandidates]],
    ['no organization (read, hash, decode, extract, normalize)', []],
  ];
}

async function main(): Promise<void> {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'notes'), { recursive: true });
  mkdirSync(join(dir, 'corpus'), { recursive: true });
  console.log(`matcher benchmark: ${N_RECORDS} records, ${N_NOTES} notes, ${mb(CORPUS_BYTES)} MB corpus, node ${process.version}, ${availableParallelism()} cores`);

  // 1. The organization's data.
  let t0 = process.hrtime.bigint();
  // Generated data is dropped before the scan (see step 5), so these are nullable.
  let patients: Patient[] | null = makePatients(N_RECORDS, 101);
  await writePatientsCsv(join(dir, 'patients.csv'), patients);
  let notes: ReturnType<typeof makeNotes> | null = makeNotes(N_NOTES, 102, 220);
  for (const n of notes) writeFileSync(join(dir, n.ref), n.text);
  console.log(`generated org data in ${secs(t0).toFixed(1)} s`);

  // 2. Enroll.
  const key = generateKey();
  t0 = process.hrtime.bigint();
  const header = await enrollClinic('bench-org', key, dir, join(dir, 'bench.lwb'));
  const enrollS = secs(t0);
  const bundleBytes = statSync(join(dir, 'bench.lwb')).size;
  const store = Store.open(join(dir, 'var'));
  store.importBundle(header, readFileSync(join(dir, 'bench.lwb')));
  store.close();
  // The database and the bundle's file under bundles/ (where the store keeps imported bundles).
  const storeBytes = statSync(join(dir, 'var', 'leakwatch.sqlite')).size + readdirSync(join(dir, 'var', 'bundles')).reduce((n, f) => n + statSync(join(dir, 'var', 'bundles', f)).size, 0);

  // 3. Memory per identifier fingerprint: load the bundle into lookup structures, from the file as
  // `leakwatch scan` and the daemon load it (text fingerprints and record references stay in the file;
  // the scans use this one). Then, for comparison, all of it in memory (loadOrgIndex of the bytes),
  // measured while the first is held.
  // Array buffers are released after a collection, off the main thread: counted right after one,
  // the memory of dropped buffers (the store import's copy of the bundle, enrollment's arrays) still
  // showed, and a small run printed negative deltas.
  const loadedBytes = async (): Promise<number> => {
    collectGarbage();
    await new Promise((r) => setTimeout(r, 200));
    collectGarbage();
    const u = process.memoryUsage();
    return u.heapUsed + u.arrayBuffers;
  };
  let before = await loadedBytes();
  t0 = process.hrtime.bigint();
  const org = loadOrgIndexFromFile(join(dir, 'bench.lwb'), key, { where: 'bench', watchTerms: ['Lakeside Therapy Centre'] });
  const loadS = secs(t0);
  const heapDelta = (await loadedBytes()) - before;
  before = await loadedBytes();
  t0 = process.hrtime.bigint();
  const whole: OrgIndex[] = [loadOrgIndex(readFileSync(join(dir, 'bench.lwb')), key, { where: 'bench', watchTerms: ['Lakeside Therapy Centre'] })];
  const wholeLoadS = secs(t0);
  const wholeDelta = (await loadedBytes()) - before;
  whole.length = 0;
  collectGarbage();
  const idBytes = org.ids.byteLength + org.bundle.ids.field.byteLength + org.bundle.ids.rec.byteLength;
  const perId = idBytes / Math.max(1, header.counts.identifier_fingerprints);

  // 4. The corpus (see writeCorpus).
  const { written } = await writeCorpus(patients, notes);

  // The plaintext identifier list for the grep reference, written now so that the generated records
  // can be dropped: the scans below then run, as `leakwatch scan` does, without hundreds of MB of
  // live generated objects that every full garbage collection would have to trace.
  const skipGrep = args.includes('--skip-grep');
  if (!skipGrep) {
    const pats = createWriteStream(join(dir, 'patterns.txt'));
    for (const p of patients) pats.write(`${p.hetu}\n${p.email}\n${p.phone}\n`);
    await new Promise<void>((r) => pats.end(() => r()));
  }
  patients = null;
  notes = null;

  // 5. Scan, one core, kind by kind (so the table can show where the time goes); with --repeat N,
  // N times per kind, keeping the fastest run of each kind (findings must not differ between runs).
  const repeat = Math.max(1, Number(opt('repeat', '1')) | 0);
  let findings = 0;
  let documents = 0;
  let scan1 = 0;
  // CPU seconds of this process (all its threads: GC helpers, file reads) during the 1-core scan: unlike wall time, not stretched by other processes sharing the machine.
  let scan1Cpu = 0;
  const perKind: [string, number, number][] = [];
  const corpusNames = execFileSync('ls', [join(dir, 'corpus')], { encoding: 'utf8' }).trim().split('\n');
  for (const [kind] of plan) {
    const files = corpusNames.filter((n) => n.endsWith(`-${kind}.${kind === 'csv' ? 'csv' : kind === 'jsonl' ? 'jsonl' : 'txt'}`)).map((n) => join(dir, 'corpus', n));
    const bytes = files.reduce((a, f) => a + statSync(f).size, 0);
    let best = Infinity;
    let bestCpu = Infinity;
    let kindFindings = -1;
    for (let run = 0; run < repeat; run++) {
      let runFindings = 0;
      t0 = process.hrtime.bigint();
      const cpu0 = process.cpuUsage();
      const summary = await scanPaths(files, { orgs: [org], onDocument: (r) => (runFindings += r.findings.length) });
      const s = secs(t0);
      const cpu = process.cpuUsage(cpu0);
      if (kindFindings >= 0 && runFindings !== kindFindings) throw new Error(`${kind}: ${runFindings} findings, ${kindFindings} in an earlier run`);
      if (kindFindings < 0) documents += summary.documents;
      kindFindings = runFindings;
      best = Math.min(best, s);
      bestCpu = Math.min(bestCpu, (cpu.user + cpu.system) / 1e6);
    }
    findings += kindFindings;
    scan1 += best;
    scan1Cpu += bestCpu;
    perKind.push([kind, bytes, best]);
  }

  // 5b. Where one core's time goes, on the first CSV and JSON Lines files: the variants of
  // stageVariants, alternating within each repeat, best of --repeat runs each.
  const stageRows: string[][] = [];
  if (!args.includes('--skip-stages')) {
    const probe = ['csv', 'jsonl'].map((kind) => join(dir, 'corpus', corpusNames.find((n) => n.endsWith(`-${kind}.${kind}`))!));
    const variants = stageVariants(org);
    const best = variants.map(() => probe.map(() => Infinity));
    for (let run = 0; run < repeat; run++) {
      for (let v = 0; v < variants.length; v++) {
        for (let f = 0; f < probe.length; f++) {
          t0 = process.hrtime.bigint();
          await scanPaths([probe[f]!], { orgs: variants[v]![1] });
          best[v]![f] = Math.min(best[v]![f]!, secs(t0));
        }
      }
    }
    const sizes = probe.map((f) => statSync(f).size);
    stageRows.push(['scan of one file, 1 core', ...probe.map((f, i) => `${f.split('/').pop()} (${mb(sizes[i]!)} MB): s / MB/s`), 'the stage removed costs (s)']);
    variants.forEach(([name], v) => {
      const cost = v + 1 < variants.length ? probe.map((_, f) => (best[v]![f]! - best[v + 1]![f]!).toFixed(2)).join(' / ') : `all that is left: ${probe.map((_, f) => best[v]![f]!.toFixed(2)).join(' / ')}`;
      stageRows.push([name, ...probe.map((_, f) => `${best[v]![f]!.toFixed(2)} / ${mb(sizes[f]! / best[v]![f]!)}`), cost]);
    });
  }

  // 5c. The organization's own records file, scanned as a leak of the whole table: every row is an
  // enrolled record with all its fields, so every row hits and corroborates (best of --repeat runs).
  const ownFile = join(dir, 'patients.csv');
  let ownS = Infinity;
  let ownFindings = 0;
  for (let run = 0; run < repeat; run++) {
    let n = 0;
    t0 = process.hrtime.bigint();
    await scanPaths([ownFile], { orgs: [org], onDocument: (r) => (n += r.findings.length) });
    ownS = Math.min(ownS, secs(t0));
    ownFindings = n;
  }
  const ownBytes = statSync(ownFile).size;

  // 6. Scan, all cores: what `leakwatch scan --jobs auto` does (one worker thread per core, all sharing one index).
  const cores = availableParallelism();
  const names = corpusNames;
  let parallelFindings = 0;
  t0 = process.hrtime.bigint();
  await scanPathsParallel([join(dir, 'corpus')], {
    specs: [{ file: join(dir, 'bench.lwb'), key, options: { where: 'bench', watchTerms: ['Lakeside Therapy Centre'] } }],
    jobs: cores,
    onDocument: (r) => (parallelFindings += r.findings.length),
  });
  const scanAll = secs(t0);

  // 7. References on the same corpus.
  t0 = process.hrtime.bigint();
  spawnSync('sha256sum', names.map((n) => join(dir, 'corpus', n)), { stdio: 'ignore' });
  const shaS = secs(t0);
  let grepS: number | null = null;
  if (!skipGrep) {
    t0 = process.hrtime.bigint();
    const g = spawnSync('grep', ['-F', '-i', '-c', '-f', join(dir, 'patterns.txt'), ...names.map((n) => join(dir, 'corpus', n))], { stdio: ['ignore', 'ignore', 'ignore'], timeout: 900_000 });
    grepS = g.error ? null : secs(t0);
  }

  // 8. A 1 GB zip (scaled) scanned in a child process, for peak RSS.
  /** Peak RSS in MiB (the children print KiB). */
  let zipRss: number | null = null;
  let zipLoadRss = NaN;
  let zipScanS = NaN;
  let zipFindings = NaN;
  let zipIssues = '?';
  let zipBytes = 0;
  let cliRss = NaN;
  let cliLines = 0;
  if (!args.includes('--skip-zip')) {
    const zpath = join(dir, 'dump.zip');
    const out = createWriteStream(zpath);
    const zip = new Zip((err, chunk, final) => {
      if (err) throw err;
      out.write(chunk);
      if (final) out.end();
    });
    for (const n of names) {
      const entry = new ZipDeflate(`dump/${n}`, { level: 1 });
      zip.add(entry);
      for await (const c of createReadStream(join(dir, 'corpus', n), { highWaterMark: 1 << 20 })) entry.push(c as Uint8Array);
      entry.push(new Uint8Array(0), true);
    }
    zip.end();
    await new Promise<void>((r) => out.once('close', () => r()));
    zipBytes = statSync(zpath).size;
    // The children run `dist/`, built here from this source as `npm run build` does, with node
    // alone: what the installed leakwatch bin runs.
    const compiled = resolve(import.meta.dirname, '../dist');
    rmSync(compiled, { recursive: true, force: true });
    execFileSync(process.execPath, [resolve(import.meta.dirname, '../node_modules/typescript/bin/tsc'), '-p', resolve(import.meta.dirname, '../tsconfig.build.json')]);
    const child = spawnSync(process.execPath, [join(import.meta.dirname, 'lib/scan-rss.mjs'), compiled, zpath, join(dir, 'bench.lwb'), key.toString('base64')], { encoding: 'utf8' });
    zipRss = Number(/maxRSS=(\d+)/.exec(child.stdout)?.[1] ?? NaN) / 1024;
    zipLoadRss = Number(/loadRSS=(\d+)/.exec(child.stdout)?.[1] ?? NaN) / 1024;
    zipScanS = Number(/ms=(\d+)/.exec(child.stdout)?.[1] ?? NaN) / 1000;
    zipFindings = Number(/findings=(\d+)/.exec(child.stdout)?.[1] ?? NaN);
    zipIssues = /issues=(\d+(?: \([^)]*\))?)/.exec(child.stdout)?.[1] ?? '?';

    // The same zip through the command line a user runs, its JSON lines piped here and counted as they come.
    const keyFile = join(dir, 'bench.key');
    rmSync(keyFile, { force: true });
    writeNewKeyFile(keyFile, key);
    const cfgFile = join(dir, 'bench-cli.yaml');
    writeFileSync(cfgFile, `data_dir: ${join(dir, 'var-cli')}\norgs: []\nsites: []\n`);
    const cliArgs = ['scan', '--config', cfgFile, '--bundle', join(dir, 'bench.lwb'), '--key', keyFile, '--no-store', '--json', zpath];
    const cliChild = spawn(process.execPath, [join(import.meta.dirname, 'lib/cli-rss.mjs'), compiled, ...cliArgs]);
    let cliStderr = '';
    cliChild.stderr.on('data', (b: Buffer) => (cliStderr += b.toString()));
    cliChild.stdout.on('data', (b: Buffer) => {
      for (let i = b.indexOf(10); i !== -1; i = b.indexOf(10, i + 1)) cliLines++;
    });
    await new Promise<void>((r) => cliChild.on('close', () => r()));
    cliRss = Number(/maxRSS=(\d+)/.exec(cliStderr)?.[1] ?? NaN) / 1024;
    if (!/exit=0/.test(cliStderr)) console.error(`leakwatch scan of the zip failed: ${cliStderr.trim().split('\n').at(-1)}`);
  }

  printTable('enrollment', [
    ['what', 'value'],
    ['records / notes', `${N_RECORDS} / ${N_NOTES}`],
    ['enroll time', `${enrollS.toFixed(1)} s`],
    ['identifier fingerprints', String(header.counts.identifier_fingerprints)],
    ['corroborating fingerprints', String(header.counts.corroborating_fingerprints)],
    ['text fingerprints (boilerplate dropped)', `${header.counts.document_fingerprints} (${header.counts.boilerplate_fingerprints})`],
    ['bundle size', `${mb(bundleBytes)} MB`],
    ['store size after import', `${mb(storeBytes)} MB`],
    ['identifier index bytes per fingerprint (table, field, record)', perId.toFixed(1)],
    ['whole loaded org (live heap+buffers) per identifier fp', (heapDelta / Math.max(1, header.counts.identifier_fingerprints)).toFixed(1)],
    ['whole loaded org (live heap+buffers)', `${mb(heapDelta)} MB, loaded from the file (text fingerprints and record references left there)`],
    ['whole loaded org, everything in memory (loadOrgIndex of the bytes)', `${mb(wholeDelta)} MB, load ${wholeLoadS.toFixed(2)} s`],
    ['load the bundle (read, check, decode, build the tables)', `${loadS.toFixed(2)} s`],
  ]);
  printTable('scan of the same corpus', [
    ['method', 'seconds', 'MB/s', 'note'],
    [repeat > 1 ? `leakwatch scan, 1 core (best of ${repeat})` : 'leakwatch scan, 1 core', scan1.toFixed(1), mb(written / scan1), `${findings} findings, ${documents} documents`],
    ['  per CPU-second of the process', scan1Cpu.toFixed(1), mb(written / scan1Cpu), 'all threads, user + system'],
    ...perKind.map(([kind, bytes, s]) => [`  of which ${kind}`, s.toFixed(1), mb(bytes / s), `${mb(bytes)} MB`]),
    [`leakwatch scan --jobs ${cores}`, scanAll.toFixed(1), mb(written / scanAll), `${parallelFindings} findings`],
    [`the organization's own records, leaked whole${repeat > 1 ? ` (best of ${repeat})` : ''}`, ownS.toFixed(1), mb(ownBytes / ownS), `${mb(ownBytes)} MB, every row enrolled; ${ownFindings} findings`],
    ['sha256sum', shaS.toFixed(1), mb(written / shaS), 'reference: hashing only'],
    ['grep -F -i -f (plaintext ids)', grepS === null ? 'skipped' : grepS.toFixed(1), grepS === null ? '-' : mb(written / grepS), `${N_RECORDS * 3} plaintext patterns, exact strings only`],
  ]);
  if (stageRows.length > 0) printTable(`where one core's time goes (best of ${repeat}; each row drops one more stage)`, stageRows);
  if (zipRss !== null) {
    printTable('zip', [
      ['what', 'value'],
      ['zip size', `${mb(zipBytes)} MB (${mb(written)} MB inside)`],
      ['peak RSS after loading the organization', mib(zipLoadRss)],
      ['peak RSS scanning it (the target: under 300 MB)', mib(zipRss)],
      ['scan time / rate', `${zipScanS.toFixed(1)} s / ${mb(written / zipScanS)} MB/s of content`],
      ['peak RSS, `leakwatch scan --no-store --json` of it, piped', `${mib(cliRss)} (${cliLines} lines)`],
      // The zip holds the same files, so it must give the same findings (a check on the zip reader).
      ['findings / extraction issues', `${zipFindings} / ${zipIssues}${zipFindings === findings ? ' (same findings as the files)' : ` (DIFFERENT: ${findings} from the files)`}`],
    ]);
  }
}

await main();
