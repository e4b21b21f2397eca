/**
 * Extraction benchmark: extract() over synthetic CSV (plain and quoted), JSON
 * Lines and plain text, with a sink that only counts parts, against two
 * references measured in the same run on the same file: `sha256sum` and a
 * plain `fs.createReadStream` + `TextDecoder` read. Prints figures; never
 * fails on them.
 *
 *   npx tsx bench/extract.bench.ts                 # generates 20 MB per format in a temporary directory
 *   npx tsx bench/extract.bench.ts --mb 5 --runs 3
 *   npx tsx bench/extract.bench.ts --dir DIR       # every *.csv, *.jsonl and *.txt file in DIR instead
 *
 * Runs are interleaved (references, extract, references, ...) so that load
 * from other processes hits all; best and median of the runs are shown. A sink
 * that keeps every part instead measures mostly the garbage collector.
 */
import { spawnSync } from 'node:child_process';
import { createReadStream, createWriteStream, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { extname, join, resolve } from 'node:path';
import { makeFiller, makePatients, reverseName, type Patient } from '../src/demo/synthetic-clinic.js';
import { extract } from '../src/extract/extract.js';
import { DECODE_PIECE_BYTES } from '../src/extract/text-stream.js';
import type { DocumentSink } from '../src/extract/types.js';
import { createRng } from '../src/matcher/identifiers/synthetic.js';
import { printTable } from './lib/print-table.js';

function arg(name: string): string | undefined {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? process.argv[at + 1] : undefined;
}

const RUNS = Math.max(1, Number(arg('runs') ?? 5));
const TARGET_BYTES = Math.round(Number(arg('mb') ?? 20) * 1e6);
/** Read size of the input streams; the same for the reference read and for extract(). */
const READ_BYTES = 1 << 20;

const quoted = (cell: string): string => (/[",\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell);

/** Writes lines from `next` until the file holds `target` bytes. */
async function writeLines(path: string, header: string, next: () => string): Promise<void> {
  const out = createWriteStream(path);
  let bytes = 0;
  const write = async (s: string): Promise<void> => {
    bytes += Buffer.byteLength(s);
    if (!out.write(s)) await new Promise<void>((r) => out.once('drain', () => r()));
  };
  await write(header);
  while (bytes < TARGET_BYTES) await write(next());
  await new Promise<void>((r) => out.end(() => r()));
}

/** One generator of synthetic patients, refilled in batches so that memory stays small. */
function patients(seed: number): () => Patient {
  let batch: Patient[] = [];
  let base = 10_000;
  return () => {
    if (batch.length === 0) {
      batch = makePatients(10_000, seed++, base).reverse();
      base += 10_000;
    }
    return batch.pop() as Patient;
  };
}

async function generate(dir: string): Promise<string[]> {
  const files: string[] = [];
  const add = async (name: string, header: string, next: () => string): Promise<void> => {
    files.push(join(dir, name));
    await writeLines(join(dir, name), header, next);
  };
  let next = patients(1);
  await add('plain.csv', 'hetu;nimi;syntynyt;puhelin;email\n', () => {
    const p = next();
    return `${p.hetu};${reverseName(p.full_name)};${p.birth_date};${p.phone};${p.email}\n`;
  });
  next = patients(2);
  // "SURNAME, First" holds the delimiter: every row has a quoted cell, so the character scan does the work.
  await add('quoted.csv', 'patient_id,hetu,name,email,phone,birth_date,mrn\n', () => {
    const p = next();
    return `${[p.patient_id, p.hetu, reverseName(p.full_name), p.email, p.phone, p.birth_date, p.mrn].map(quoted).join(',')}\n`;
  });
  next = patients(3);
  await add('records.jsonl', '', () => {
    const p = next();
    return `${JSON.stringify({ id: p.hetu, name: p.full_name, contact: { email: p.email, phone: p.phone }, born: p.birth_date })}\n`;
  });
  const rng = createRng(4);
  next = patients(4);
  await add('notes.txt', '', () => {
    const p = next();
    return `Client ${p.full_name} (${p.email}) called on ${p.birth_date}.\n${makeFiller(rng, 60)}\n${makeFiller(rng, 40)}\n`;
  });
  return files;
}

function inputs(dir: string): string[] {
  return readdirSync(dir)
    .filter((n) => ['.csv', '.jsonl', '.txt'].includes(extname(n)))
    .sort()
    .map((n) => join(dir, n));
}

async function timed(fn: () => Promise<unknown> | unknown): Promise<number> {
  const t0 = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

/**
 * The floor for any extractor: read and decode. Decodes in the same pieces as
 * extraction does; whole 1 MiB reads would make V8 allocate a large string for
 * each, which costs more than the decoding.
 */
async function readDecode(path: string): Promise<number> {
  const decoder = new TextDecoder();
  let chars = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: READ_BYTES }) as AsyncIterable<Buffer>) {
    for (let o = 0; o < chunk.length; o += DECODE_PIECE_BYTES) {
      chars += decoder.decode(chunk.subarray(o, o + DECODE_PIECE_BYTES), { stream: true }).length;
    }
  }
  return chars + decoder.decode().length;
}

async function extracted(path: string): Promise<number> {
  let parts = 0;
  const sink: DocumentSink = {
    begin() {},
    part() {
      parts++;
    },
    end() {},
    issue() {},
  };
  await extract(createReadStream(path, { highWaterMark: READ_BYTES }), path, sink);
  return parts;
}

function sha256sum(path: string): void {
  const r = spawnSync('sha256sum', [path], { stdio: 'ignore' });
  if (r.status !== 0) throw new Error(`sha256sum failed on ${path}`);
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const rate = (bytes: number, s: number): string => (bytes / 1e6 / s).toFixed(0);

async function main(): Promise<void> {
  const given = arg('dir');
  const dir = given === undefined ? mkdtempSync(join(tmpdir(), 'leakwatch-extract-bench-')) : resolve(given);
  try {
    const files = given === undefined ? await generate(dir) : inputs(dir);
    if (files.length === 0) throw new Error(`no .csv, .jsonl or .txt files in ${dir}`);
    console.log(`extract benchmark: ${RUNS} runs per file, ${READ_BYTES >> 10} KiB reads, node ${process.version}, ${availableParallelism()} cores, files in ${dir}`);
    const rows = [['file', 'MB', 'parts', 'sha256sum MB/s', 'read+decode MB/s', 'extract MB/s (best)', 'extract MB/s (median)', 'extract / read+decode']];
    for (const path of files) {
      const bytes = statSync(path).size;
      // One untimed pass warms the page cache, the JIT and the heap.
      const parts = await extracted(path);
      await readDecode(path);
      const times = { sha: [] as number[], read: [] as number[], extract: [] as number[] };
      const steps = [
        async () => times.sha.push(await timed(() => sha256sum(path))),
        async () => times.read.push(await timed(() => readDecode(path))),
        async () => times.extract.push(await timed(() => extracted(path))),
      ];
      // The order rotates from run to run, so that none always runs after a particular other.
      for (let r = 0; r < RUNS; r++) for (let k = 0; k < steps.length; k++) await (steps[(r + k) % steps.length] as () => Promise<number>)();
      const best = Math.min(...times.extract);
      rows.push([
        path.slice(dir.length + 1),
        (bytes / 1e6).toFixed(1),
        String(parts),
        rate(bytes, Math.min(...times.sha)),
        rate(bytes, Math.min(...times.read)),
        rate(bytes, best),
        rate(bytes, median(times.extract)),
        (Math.min(...times.read) / best).toFixed(2),
      ]);
    }
    printTable('Extraction throughput (best of the runs unless said otherwise)', rows);
  } finally {
    if (given === undefined) rmSync(dir, { recursive: true, force: true });
  }
}

await main();
