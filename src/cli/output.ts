/** Rendering of findings for people and for scripts (design section 5), and writing them out. */
import { writeSync } from 'node:fs';
import { LeakwatchError } from '../errors.js';
import type { Finding } from '../matcher/findings.js';

const PAUSE = new Int32Array(new SharedArrayBuffer(4));

/**
 * Writes `text` to standard output before returning. `process.stdout` to a
 * pipe queues what the reader has not taken yet, and a scan produces findings
 * faster than the event loop hands them to the pipe: the 1 GB benchmark zip
 * (a million findings) piped to `wc -l` peaked at 1.7 GB RSS, against 426 MB
 * written to a file. Here a full pipe makes the scan wait instead (a
 * non-blocking one is retried a millisecond at a time). All of a command's
 * output must go through here, or lines could overtake each other. A closed
 * pipe is LW_OUTPUT_CLOSED, which ends the command.
 */
export function writeOut(text: string): void {
  let rest = Buffer.from(text, 'utf8');
  while (rest.length > 0) {
    try {
      rest = rest.subarray(writeSync(1, rest));
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      // The reader went away (`leakwatch scan … | head`): nothing more can be written, so the command stops.
      if (code === 'EPIPE') throw new LeakwatchError('LW_OUTPUT_CLOSED', 'standard output was closed before the output ended (EPIPE); the rest of it was not written', { cause: err });
      if (code !== 'EAGAIN') throw err;
      Atomics.wait(PAUSE, 0, 0, 1);
    }
  }
}

/** Bytes gathered before a write: one system call per line would cost more than the scan at a million lines. */
const OUTPUT_CHUNK_CHARS = 64 * 1024;

/** Output gathered into chunks of about OUTPUT_CHUNK_CHARS and written with `writeOut`. */
export class Output {
  #parts: string[] = [];
  #chars = 0;

  write(text: string): void {
    this.#parts.push(text);
    this.#chars += text.length;
    if (this.#chars >= OUTPUT_CHUNK_CHARS) this.flush();
  }

  flush(): void {
    if (this.#parts.length === 0) return;
    const text = this.#parts.join('');
    this.#parts = [];
    this.#chars = 0;
    writeOut(text);
  }
}

/**
 * JSON of a finding's source and of its field list, by object: a document's
 * findings share one source object and a few frozen field lists, and
 * stringifying them again for each of a leaked table's million findings
 * cost about a microsecond a finding.
 */
const sharedJson = new WeakMap<object, string>();

function jsonOf(value: object): string {
  let text = sharedJson.get(value);
  if (text === undefined) {
    text = JSON.stringify(value);
    sharedJson.set(value, text);
  }
  return text;
}

/** One JSON line per finding, in the documented field order (what JSON.stringify gives for that order). */
export function findingJson(f: Finding): string {
  const q = JSON.stringify;
  let s = `{"org":${q(f.org)},"kind":${q(f.kind)}`;
  if (f.record !== undefined) s += `,"record":${q(f.record)}`;
  if (f.document !== undefined) s += `,"document":${q(f.document)}`;
  if (f.overlap !== undefined) s += `,"overlap":${q(f.overlap)}`;
  if (f.term !== undefined) s += `,"term":${q(f.term)}`;
  s += `,"confidence":${q(f.confidence)}`;
  // Frozen lists (shared by the matcher) are cached; any other array is written as it is now.
  if (f.fields !== undefined) s += `,"fields":${Object.isFrozen(f.fields) ? jsonOf(f.fields) : q(f.fields)}`;
  s += `,"severity":${q(f.severity)},"source":${Object.isFrozen(f.source) ? jsonOf(f.source) : q(f.source)},"seen_at":${q(f.seen_at)}}`;
  return s;
}

/**
 * A readable block for the findings of one document, handed to `writeLine`
 * line by line (a leaked table is a million lines: building them into one
 * string first took gigabytes).
 */
export function writeFindingsText(findings: readonly Finding[], writeLine: (line: string) => void): void {
  if (findings.length === 0) return;
  const first = findings[0]!;
  const where = [first.source.url ?? first.source.path, first.source.entry].filter(Boolean).join(' > ');
  writeLine(`${where}  (sha256 ${first.source.sha256.slice(0, 16)}…, ${first.source.size} bytes)`);
  // Grouped in place: copying the group for every finding made a leaked table of 100,000 records
  // take 7.5 minutes to print.
  const byOrg = new Map<string, Finding[]>();
  for (const f of findings) {
    const list = byOrg.get(f.org);
    if (list) list.push(f);
    else byOrg.set(f.org, [f]);
  }
  for (const [org, list] of byOrg) {
    writeLine(`  ${org}: severity ${list[0]!.severity.toUpperCase()}`);
    for (const f of list) {
      if (f.kind === 'record' || f.kind === 'canary') {
        writeLine(`    ${f.kind === 'canary' ? 'CANARY' : 'record'} ${f.record}  ${f.confidence}  [${(f.fields ?? []).join(', ')}]`);
      } else if (f.kind === 'document') {
        writeLine(`    document ${f.document}  ${f.confidence}  overlap ${(100 * (f.overlap ?? 0)).toFixed(1)}%`);
      } else {
        writeLine(`    term "${f.term}"  ${f.confidence}`);
      }
    }
  }
}
