/**
 * The self-contained demo: a synthetic clinic enrolls its patients and notes,
 * a synthetic leak (a reformatted CSV dump and an excerpted note inside a zip,
 * plus a forum post) is scanned, and the findings are printed. Finally every
 * byte leakwatch wrote is searched for the enrolled plaintext.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strToU8, zipSync } from 'fflate';
import { loadConfig } from '../config/load.js';
import { expandPaths } from '../scan/walk.js';
import { enroll } from '../enroll/enroll.js';
import { parseMapping } from '../enroll/mapping.js';
import { readKeyFile, writeNewKeyFile } from '../keys/org-key.js';
import type { Finding } from '../matcher/findings.js';
import { createRng } from '../matcher/identifiers/synthetic.js';
import { loadOrgIndex } from '../matcher/org-index.js';
import { scanPaths } from '../scan/scan-files.js';
import { Store } from '../store/store.js';
import { runCrawlDemo } from './crawl-demo.js';
import { recordFindings, type DocumentSimhash } from '../alerts/record-findings.js';
import { parse as parseYaml } from 'yaml';
import {
  CLINIC_MAPPING_YAML,
  finnishDate,
  makeFiller,
  makeNotes,
  makePatients,
  patientsCsv,
  reformatPhone,
  reverseName,
} from './synthetic-clinic.js';

export interface DemoResult {
  dir: string;
  findings: Finding[];
  plaintextHits: number;
}

/** Runs the demo in `dir` (a fresh temp dir by default), writing progress to `out`. */
export async function runDemo(
  options: { dir?: string; out?: (line: string) => void; skipCrawl?: boolean; forceFallback?: boolean } = {},
): Promise<DemoResult> {
  const say = options.out ?? ((l: string) => process.stdout.write(`${l}\n`));
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'leakwatch-demo-'));
  mkdirSync(dir, { recursive: true });
  const clinic = join(dir, 'clinic');
  const leak = join(dir, 'leak');
  mkdirSync(join(clinic, 'notes'), { recursive: true });
  mkdirSync(leak, { recursive: true });
  say(`leakwatch demo in ${dir}`);

  // 1. The clinic's own data (synthetic), on its premises.
  const patients = makePatients(200, 7);
  const canaries = makePatients(2, 99, 90_000);
  const notes = makeNotes(40, 8);
  writeFileSync(join(clinic, 'patients.csv'), patientsCsv(patients));
  writeFileSync(join(clinic, 'canaries.csv'), patientsCsv(canaries));
  for (const n of notes) writeFileSync(join(clinic, n.ref), n.text);
  writeFileSync(join(clinic, 'mapping.yaml'), CLINIC_MAPPING_YAML);
  say(`1. synthetic clinic: ${patients.length} patients, ${canaries.length} canary records, ${notes.length} session notes`);

  // 2. keygen + enroll.
  const keyPath = join(dir, 'clinic-a.key');
  writeNewKeyFile(keyPath);
  const bundlePath = join(dir, 'clinic-a.lwb');
  const header = await enroll({
    org: 'clinic-a',
    key: readKeyFile(keyPath),
    mapping: parseMapping(parseYaml(CLINIC_MAPPING_YAML), 'mapping.yaml'),
    recordFiles: [join(clinic, 'patients.csv')],
    canaryFiles: [join(clinic, 'canaries.csv')],
    documentsDir: join(clinic, 'notes'),
    out: bundlePath,
  });
  say(
    `2. $ leakwatch enroll --org clinic-a ... -> ${header.counts.identifier_fingerprints} identifier, ` +
      `${header.counts.document_fingerprints} text fingerprints (${header.counts.boilerplate_fingerprints} boilerplate dropped), kcv ${header.kcv}`,
  );

  // 3. Config + import.
  const configPath = join(dir, 'leakwatch.yaml');
  writeFileSync(
    configPath,
    [
      'data_dir: var',
      'orgs:',
      '  - id: clinic-a',
      `    key: { file: ${JSON.stringify(keyPath)} }`,
      '    watch_terms: ["Lakeside Therapy Centre", "lakeside-therapy.example"]',
      '    critical_records: 10',
      '',
    ].join('\n'),
  );
  const cfg = loadConfig(configPath);
  const store = Store.open(cfg.dataDir);
  try {
    store.importBundle(header, readFileSync(bundlePath));
    say('3. $ leakwatch import clinic-a.lwb -> store ' + store.path);

    // 4. The leak: a reformatted semicolon CSV of 25 patients plus one canary and a note excerpt, in a zip; a forum post.
    const rng = createRng(3);
    const leaked = patients.slice(0, 25);
    const dumpCsv = ['henkilötunnus;nimi;syntymäaika;puhelin;sähköposti']
      .concat(
        [...leaked, canaries[0]!].map(
          (p, i) => `${p.hetu.toLowerCase()};"${reverseName(p.full_name)}";${finnishDate(p.birth_date)};${reformatPhone(p.phone, i)};${p.email.toUpperCase()}`,
        ),
      )
      .join('\n');
    const note = notes[5]!.text;
    const excerpt = note.slice(note.length - 420, note.length - 20).toUpperCase().replace(/ /g, '  ');
    const story = `${makeFiller(rng, 120)}\n\nLook what their shrink wrote:\n${excerpt}\n\n${makeFiller(rng, 80)}`;
    writeFileSync(
      join(leak, 'lakeside-dump.zip'),
      zipSync({ 'export/patients.csv': strToU8(dumpCsv), 'export/notes/excerpt.txt': strToU8(story), 'readme.txt': strToU8(makeFiller(rng, 50)) }),
    );
    const victim = patients[30]!;
    writeFileSync(
      join(leak, 'forum-post.html'),
      `<html><head><title>Lakeside Therapy Centre data</title><script>alert(1)</script></head><body><h1>Lakeside Therapy Centre leak</h1>` +
        `<p>${makeFiller(rng, 40)}</p><p>Sample: ${victim.full_name}, born ${finnishDate(victim.birth_date)}, mail ${victim.email}</p></body></html>`,
    );
    say('4. synthetic leak: lakeside-dump.zip (reformatted CSV dump, note excerpt), forum-post.html');

    // 5. Scan.
    const orgIndex = loadOrgIndex(readFileSync(bundlePath), readKeyFile(keyPath), {
      where: bundlePath,
      watchTerms: cfg.orgs[0]!.watch_terms,
      criticalRecords: 10,
    });
    const findings: Finding[] = [];
    const docs: Parameters<Store['recordScan']>[1][number][] = [];
    const simhashes: DocumentSimhash[] = [];
    await scanPaths([leak], {
      orgs: [orgIndex],
      onDocument: (r, d) => {
        findings.push(...r.findings);
        docs.push(d);
        simhashes.push(...r.simhashes.map((s) => ({ ...s, sha256: r.sha256 })));
      },
      onIssue: (i) => say(`   issue: ${i.code} ${i.message}`),
    });
    const recorded = recordFindings(store, { findings, docs, simhashes }, { config: cfg });
    say(`5. $ leakwatch scan ${leak}   (${recorded.alerts.length} alerts raised; no alert sinks configured in the demo)`);
    summarize(findings, say);

    if (!options.skipCrawl) {
      const crawl = await runCrawlDemo({ patients, notes, store, org: orgIndex, say, forceFallback: options.forceFallback });
      const f = crawl.first;
      say(`   pass 1: ${f.outcome}, ${f.stats.requests} requests, ${(f.stats.bytes / 1024).toFixed(0)} KiB, ${f.stats.documents} documents`);
      summarize(f.found, say);
      const s = crawl.second;
      say(
        `   pass 2 (unchanged site): ${s.stats.requests} conditional requests, ${(s.stats.bytes / 1024).toFixed(1)} KiB ` +
          `(${((100 * s.stats.bytes) / Math.max(1, f.stats.bytes)).toFixed(1)}% of pass 1), ${s.findings} new findings`,
      );
    }
  } finally {
    store.close();
  }

  // 6. Zero plaintext: search every file leakwatch wrote for every enrolled value and note window.
  const needles = [
    ...[...patients, ...canaries].flatMap((p) => [p.hetu, p.email, p.phone, p.full_name, p.mrn]),
    ...notes.flatMap((n) => windows(n.text.slice(NOTE_BODY_START(n.text)), 40, 200)),
  ];
  // Everything under the data directory, imported bundles (bundles/) included.
  const written = [bundlePath, ...expandPaths([cfg.dataDir])];
  let plaintextHits = 0;
  for (const file of written) {
    const bytes = readFileSync(file);
    for (const needle of needles) if (bytes.includes(Buffer.from(needle, 'utf8'))) plaintextHits++;
  }
  say(`${options.skipCrawl ? 6 : 8}. plaintext check: searched ${written.length} files leakwatch wrote for ${needles.length} enrolled values and note windows: ${plaintextHits} hits`);
  const findingsAll = findingsFromStore(cfg.dataDir);
  return { dir, findings: findingsAll, plaintextHits };
}

function NOTE_BODY_START(text: string): number {
  return text.indexOf('\n\n') + 2;
}

/** Non-overlapping windows of `size` characters every `step` characters. */
function windows(text: string, size: number, step: number): string[] {
  const out: string[] = [];
  for (let i = 0; i + size <= text.length; i += step) out.push(text.slice(i, i + size));
  return out;
}

function findingsFromStore(dataDir: string): Finding[] {
  const store = Store.open(dataDir, { readonly: true });
  try {
    return store.findings({ limit: 100_000 });
  } finally {
    store.close();
  }
}

function summarize(findings: readonly Finding[], say: (l: string) => void): void {
  const bySource = new Map<string, Finding[]>();
  for (const f of findings) {
    const where = f.source.url ? `onion:${new URL(f.source.url).pathname}` : f.source.path?.split('/').pop();
    const k = [where, f.source.entry].filter(Boolean).join(' > ');
    bySource.set(k, [...(bySource.get(k) ?? []), f]);
  }
  for (const [src, list] of bySource) {
    const kinds = (k: string) => list.filter((f) => f.kind === k);
    const recs = kinds('record');
    const conf = (c: string) => recs.filter((f) => f.confidence === c).length;
    const parts = [
      recs.length ? `${recs.length} records (high ${conf('high')}, medium ${conf('medium')}, low ${conf('low')})` : '',
      kinds('canary').length ? `${kinds('canary').length} CANARY ${kinds('canary').map((f) => f.record).join(',')}` : '',
      ...kinds('document').map((f) => `note ${f.document} overlap ${(100 * (f.overlap ?? 0)).toFixed(0)}% (${f.confidence})`),
      ...kinds('term').map((f) => `term "${f.term}"`),
    ].filter(Boolean);
    say(`   ${src}: severity ${list[0]!.severity.toUpperCase()}: ${parts.join('; ')}`);
  }
  say(`   ${findings.length} findings in total; see 'leakwatch scan --json' for the line format`);
}
