/**
 * The fuzz properties of the proof, shared by test/proof/fuzz.test.ts (fixed
 * seed, CI-sized) and bench/fuzz.bench.ts (random seeds, 50 times the runs).
 * Each property counts the cases it ran; a failure carries fast-check's seed
 * and path so it can be replayed.
 */
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { encodeBundle, decodeBundle, decodeBundleHeader } from '../../src/bundle/format.js';
import { parseConfig } from '../../src/config/load.js';
import { parseMapping } from '../../src/enroll/mapping.js';
import { LeakwatchError } from '../../src/errors.js';
import { CsvParser } from '../../src/extract/csv-parser.js';
import { extract } from '../../src/extract/extract.js';
import { htmlToText } from '../../src/extract/html-dom.js';
import { HtmlStripper } from '../../src/extract/html-stripper.js';
import { JsonSplitter } from '../../src/extract/json-splitter.js';
import type { DocumentRef, DocumentSink } from '../../src/extract/types.js';
import { scanMatches } from '../../src/matcher/pattern-scan.js';
import { compileCustomPattern } from '../../src/matcher/identifiers/custom.js';
import { ALL_TYPES } from '../../src/matcher/identifiers/registry.js';
import type { IdentifierType } from '../../src/matcher/identifiers/types.js';
import { makeDocx, makePdf, makeXlsx, makeZip } from '../fixtures/make-fixtures.js';
import { syntheticBundle } from './bundles.js';

/** Per-call time bounds; generous so a GC pause on a loaded CI machine is no failure, tight enough to catch blow-ups. */
export const BOUNDS = {
  normalizeMs: 250,
  extractMs: 5_000,
  parserMs: 2_000,
  /** Scanning 1 MB of adversarial text with an accepted custom pattern. */
  patternScanMs: 3_000,
} as const;

export interface FuzzProperty {
  name: string;
  /** Runs in CI (the bench multiplies it). */
  runs: number;
  /** Builds the property; `tick` counts one case, `note` counts a named event (e.g. patterns accepted). */
  build(tick: () => void, note: (what: string) => void): fc.IRawProperty<any, boolean>;
}

export interface FuzzOutcome {
  name: string;
  cases: number;
  ms: number;
  seed: number;
  /** Slowest single timed call (normalize, parse, extract, pattern scan) in the run, ms. */
  slowestMs: number;
  /** Named event counts from `note`. */
  notes: Record<string, number>;
  /** fast-check's report (counterexample, seed, path), when it failed. */
  failure: string | null;
}

/** Runs one property with `seed` and `runs`; never throws, the outcome says how it went. */
export async function runFuzz(p: FuzzProperty, seed: number, runs: number): Promise<FuzzOutcome> {
  let cases = 0;
  const notes: Record<string, number> = {};
  slowest = 0;
  const t0 = performance.now();
  const details = await fc.check(p.build(() => cases++, (w) => (notes[w] = (notes[w] ?? 0) + 1)), { seed, numRuns: runs, endOnFailure: true });
  const cause = details.errorInstance instanceof Error ? `${details.errorInstance.name}: ${details.errorInstance.message}` : String(details.errorInstance);
  const failure = details.failed ? `${cause}\n${fc.defaultReportMessage(details) ?? 'failed'}\n(seed ${details.seed}, path ${details.counterexamplePath})` : null;
  return { name: p.name, cases, ms: Math.round(performance.now() - t0), seed, slowestMs: Math.round(slowest), notes, failure };
}

let slowest = 0;

function timed<T>(bound: number, what: string, fn: () => T): T {
  const t0 = performance.now();
  const v = fn();
  const ms = performance.now() - t0;
  slowest = Math.max(slowest, ms);
  if (ms > bound) throw new Error(`${what} took ${ms.toFixed(0)} ms (bound ${bound} ms)`);
  return v;
}

const onlyLeakwatchErrors = (fn: () => unknown, codes?: (c: string) => boolean): boolean => {
  try {
    fn();
    return true;
  } catch (err) {
    if (!(err instanceof LeakwatchError)) throw new Error(`threw a non-LeakwatchError: ${(err as Error)?.name}: ${String((err as Error)?.message).slice(0, 200)}`);
    if (codes && !codes(err.code)) throw new Error(`unexpected code ${err.code}`);
    return true;
  }
};

// ---- arbitraries -------------------------------------------------------------------------------

/** Strings of every kind: binary code points, graphemes, and identifier-like characters with separators. */
export const anyString = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.string({ unit: 'grapheme', maxLength: 200 }),
  fc.string({ unit: fc.constantFrom(...'0123456789-+/. A+xX@_abcFIGB\u00a0\u2010\u2212\uff10\u0660'.split('')), maxLength: 64 }),
  fc.string({ unit: 'binary-ascii', maxLength: 5_000 }),
);

const regions = fc.constantFrom(undefined, 'FI', 'SE', 'NO', 'DK', 'US', 'GB', 'DE', 'ZZ', '', 'fi');

/** Splits `n` units into pieces at random cut points. */
const cuts = (max: number) => fc.uniqueArray(fc.integer({ min: 1, max: Math.max(1, max) }), { maxLength: 8 }).map((a) => a.sort((x, y) => x - y));

function pieces<T extends { length: number; slice(a: number, b?: number): T }>(whole: T, at: number[]): T[] {
  const out: T[] = [];
  let prev = 0;
  for (const c of at) {
    if (c <= prev || c >= whole.length) continue;
    out.push(whole.slice(prev, c));
    prev = c;
  }
  out.push(whole.slice(prev));
  return out;
}

/** One byte-level mutation of a valid file. */
type Mutation = { kind: 'flip'; at: number; byte: number } | { kind: 'cut'; at: number } | { kind: 'insert'; at: number; bytes: Uint8Array } | { kind: 'dup'; at: number; len: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }) }),
  fc.record({ kind: fc.constant('dup' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 512 }) }),
);

/** Applies mutations in order (positions taken modulo the current length). */
export function mutate(src: Uint8Array, ms: readonly Mutation[]): Uint8Array {
  let b = Uint8Array.from(src);
  for (const m of ms) {
    const at = b.length ? m.at % b.length : 0;
    if (m.kind === 'flip') b[at] = m.byte;
    else if (m.kind === 'cut') b = b.slice(0, at);
    else if (m.kind === 'insert') b = Buffer.concat([b.subarray(0, at), m.bytes, b.subarray(at)]);
    else b = Buffer.concat([b.subarray(0, at), b.subarray(at, at + m.len), b.subarray(at)]);
  }
  return b;
}

const enc = new TextEncoder();
const CSV = 'patient_id;hetu;full_name;email\nP-1;010190-123N;Aino Virtanen;aino@example.test\nP-2;311299-999A;Liisa "L" Mäki;liisa@example.test\n';
const HTML = '<html><head><meta charset="utf-8"><style>x{}</style></head><body><table><tr><th>id</th><th>name</th></tr><tr><td>P-1</td><td>Aino</td></tr></table><p>Note &amp; text <b>bold</p><script>x()</script></body></html>';
const JSON_DOC = JSON.stringify([{ id: 'P-1', email: 'aino@example.test', nested: { phone: '+358 40 123 4567', tags: ['a', 'b'] } }, { id: 'P-2' }]);

/** Valid documents of every supported format, to mutate. */
export function seedDocuments(): { name: string; hint: string; bytes: Uint8Array }[] {
  const docx = makeDocx(['Session note for P-1.', 'Second\tparagraph.']);
  const xlsx = makeXlsx([{ name: 'Patients', rows: [['id', 'name', 'born'], ['P-1', 'Aino', { date: 32874 }], ['P-2', 7, null]] }]);
  const pdf = makePdf(['Session note for P-1', 'Page two']);
  const inner = makeZip({ 'inner.csv': CSV });
  return [
    { name: 'a.csv', hint: 'text/csv', bytes: enc.encode(CSV) },
    { name: 'a.html', hint: 'text/html', bytes: enc.encode(HTML) },
    { name: 'a.json', hint: 'application/json', bytes: enc.encode(JSON_DOC) },
    { name: 'a.jsonl', hint: 'application/x-ndjson', bytes: enc.encode(`${JSON.stringify({ a: 1 })}\n${JSON.stringify({ b: [1, 2] })}\n`) },
    { name: 'a.csv.gz', hint: 'application/gzip', bytes: gzipSync(CSV) },
    { name: 'a.docx', hint: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', bytes: docx },
    { name: 'a.xlsx', hint: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', bytes: xlsx },
    { name: 'a.pdf', hint: 'application/pdf', bytes: pdf },
    { name: 'a.zip', hint: 'application/zip', bytes: makeZip({ 'p.csv': CSV, 'n/note.docx': docx, 'n/x.pdf': pdf, 'deeper.zip': inner, 'page.html': HTML }) },
  ];
}

const HINTS = [undefined, 'text/csv', 'text/html', 'application/json', 'application/zip', 'application/gzip', 'application/pdf', 'text/plain', 'image/png', 'application/octet-stream'];

/** A sink that checks begin/end nesting and counts what it saw. */
class BalanceSink implements DocumentSink {
  readonly stack: DocumentRef[] = [];
  documents = 0;
  begin(ref: DocumentRef): void {
    this.stack.push(ref);
    this.documents++;
  }
  part(): void {
    if (this.stack.length === 0) throw new Error('part outside a document');
  }
  end(ref: DocumentRef, meta: { sha256: string; size: number }): void {
    const top = this.stack.pop();
    if (!top || top.source !== ref.source || top.entry.join('\u0000') !== ref.entry.join('\u0000')) throw new Error('end does not match the open begin');
    if (!/^[0-9a-f]{64}$/.test(meta.sha256) || !(meta.size >= 0)) throw new Error('bad end meta');
  }
  issue(): void {}
}

/** extract() must return (never throw) with balanced begin/end, within the time bound. */
async function extractOk(bytes: Uint8Array, at: number[], hint: string | undefined, name: string): Promise<boolean> {
  const sink = new BalanceSink();
  const t0 = performance.now();
  const chunks = pieces(bytes, at);
  await extract((async function* () {
    for (const c of chunks) yield c;
  })(), name, sink, { mediaTypeHint: hint, limits: { maxTotalBytes: 64 * 1024 ** 2, maxBufferBytes: 16 * 1024 ** 2 } });
  const ms = performance.now() - t0;
  slowest = Math.max(slowest, ms);
  if (ms > BOUNDS.extractMs) throw new Error(`extract took ${ms.toFixed(0)} ms`);
  if (sink.stack.length !== 0) throw new Error('unbalanced: a begin without its end');
  if (sink.documents === 0) throw new Error('no document at all');
  return true;
}

// ---- the properties ------------------------------------------------------------------------------

const CUSTOM = compileCustomPattern('MRN-[0-9]{6}');

/** Every identifier normalizer and scan key, and every pattern scan, on arbitrary text. */
const normalizers: FuzzProperty = {
  name: 'identifier normalizers, scan keys and pattern scans',
  runs: 2000,
  build: (tick) =>
    fc.property(anyString, regions, (s, region) => {
      for (const t of [...ALL_TYPES, CUSTOM] as IdentifierType[]) {
        tick();
        const opts = region === undefined ? {} : { region };
        const n = timed(BOUNDS.normalizeMs, `${t.name}.normalize`, () => t.normalize(s, opts));
        if (n !== null && typeof n !== 'string') throw new Error(`${t.name}.normalize returned ${typeof n}`);
        // Canonical forms are fixed points: normalizing one again gives it back (when it is accepted at all).
        // Not for custom: it upper-cases after NFKC, which can leave a non-NFKC string (e.g. U+1FE2); see docs/security.md.
        if (n !== null && t.name !== 'custom') {
          const again = timed(BOUNDS.normalizeMs, `${t.name}.normalize(normalized)`, () => t.normalize(n, opts));
          if (again !== null && again !== n) throw new Error(`${t.name}: normalize is not idempotent`);
        }
        if (t.scanKey) {
          const k = timed(BOUNDS.normalizeMs, `${t.name}.scanKey`, () => t.scanKey!(s, opts));
          // null means "use normalize"; anything else must agree with it on a valid value.
          if (n !== null && k !== null && k !== n) throw new Error(`${t.name}: scanKey disagrees with normalize on a valid value`);
        }
        if (t.pattern) {
          timed(BOUNDS.normalizeMs, `${t.name} pattern scan`, () => {
            scanMatches(t.pattern!, t, s, (a, b) => t.normalize(s.slice(a, b), opts));
          });
        }
      }
      return true;
    }),
};

/** extract() on arbitrary bytes, under every media type hint, fed in arbitrary pieces. */
const extractBytes: FuzzProperty = {
  name: 'extract() on arbitrary bytes',
  runs: 1000,
  build: (tick) =>
    fc.asyncProperty(fc.uint8Array({ maxLength: 8_192 }), cuts(8_192), fc.constantFrom(...HINTS), async (bytes, at, hint) => {
      tick();
      return extractOk(bytes, at, hint, 'fuzz.bin');
    }),
};

/** extract() on mutated valid files of every format (csv, html, json, jsonl, gzip, docx, xlsx, pdf, zip). */
const extractMutated: FuzzProperty = {
  name: 'extract() on mutated zip/docx/xlsx/pdf/html/csv/json/gzip',
  runs: 2000,
  build: (tick) => {
    const seeds = seedDocuments();
    return fc.asyncProperty(
      fc.constantFrom(...seeds.keys()),
      fc.array(mutation, { minLength: 1, maxLength: 6 }),
      cuts(4_096),
      fc.boolean(),
      async (i, ms, at, useHint) => {
        tick();
        const s = seeds[i]!;
        return extractOk(mutate(s.bytes, ms), at, useHint ? s.hint : undefined, s.name);
      },
    );
  },
};

/** The CSV parser: never throws, bounded cells, and the same rows however the text is cut into pieces. */
const csvParser: FuzzProperty = {
  name: 'CSV parser (chunking-invariant, bounded cells)',
  runs: 3000,
  build: (tick) =>
    fc.property(
      fc.oneof(fc.string({ unit: fc.constantFrom(...'ab,;"\t\r\n |x'.split('')), maxLength: 400 }), fc.string({ unit: 'binary', maxLength: 400 })),
      fc.constantFrom(',', ';', '\t', '|'),
      cuts(400),
      (text, delimiter, at) => {
        tick();
        const run = (parts: string[]) => {
          const rows: string[][] = [];
          const p = new CsvParser({ delimiter, maxCellChars: 16, maxRowChars: 64, onRow: (cells) => rows.push(cells) });
          timed(BOUNDS.parserMs, 'csv', () => {
            for (const x of parts) p.write(x);
            p.end();
          });
          return rows;
        };
        const whole = run([text]);
        const split = run(pieces(text, at));
        if (JSON.stringify(whole) !== JSON.stringify(split)) throw new Error('rows depend on how the text was cut');
        for (const r of whole) for (const c of r) if (c.length > 16) throw new Error('cell over maxCellChars');
        return true;
      },
    ),
};

/** The JSON record splitter: never throws, and the same records however the text is cut. */
const jsonSplitter: FuzzProperty = {
  name: 'JSON record splitter (chunking-invariant)',
  runs: 3000,
  build: (tick) =>
    fc.property(
      fc.oneof(fc.json({ maxDepth: 4 }), fc.array(fc.json({ maxDepth: 2 }), { maxLength: 5 }).map((a) => a.join('\n')), fc.string({ unit: fc.constantFrom(...'[]{}",:\\ab1 \n'.split('')), maxLength: 300 })),
      cuts(300),
      (text, at) => {
        tick();
        const run = (parts: string[]) => {
          // Passthrough may arrive in different pieces: consecutive pieces are merged before comparing.
          const out: { k: 'R' | 'P'; t: string }[] = [];
          const s = new JsonSplitter(
            {
              record: (t) => out.push({ k: 'R', t }),
              passthrough: (t) => {
                const last = out.at(-1);
                if (last?.k === 'P') last.t += t;
                else out.push({ k: 'P', t });
              },
            },
            64,
          );
          timed(BOUNDS.parserMs, 'json splitter', () => {
            for (const x of parts) s.write(x);
            s.end();
          });
          // Whitespace-only rest after a closed array is dropped or kept depending on where a piece ends: harmless.
          return JSON.stringify(out.map((o) => (o.k === 'P' ? { k: 'P', t: o.t.replace(/\s+/g, '') } : o)));
        };
        const whole = run([text]);
        const split = run(pieces(text, at));
        if (whole !== split) throw new Error('records depend on how the text was cut');
        return true;
      },
    ),
};

const tag = fc.constantFrom('<div>', '</div>', '<p>', '</p>', '<b>', '</b>', '<table>', '<tr>', '<td>', '</td>', '<script>', '</script>', '<style>', '<!--', '-->', '<![CDATA[', ']]>', '<br/>', '&amp;', '&#x0;', '&#xD800;', '&bogus', '<a href="x">', '</a>', '<', '>', 'text ', '\u0000', '\ufffd', '<template>', '<pre>', '</pre>');

/** HTML visible-text extraction, tree and streaming: never throws, bounded time, even on deep or broken markup. */
const htmlText: FuzzProperty = {
  name: 'HTML text extraction (DOM and streaming stripper)',
  runs: 1500,
  build: (tick) =>
    fc.property(
      fc.oneof(fc.array(tag, { maxLength: 300 }).map((a) => a.join('')), fc.string({ unit: 'binary', maxLength: 500 }), fc.integer({ min: 1, max: 5_000 }).map((n) => '<div>'.repeat(n))),
      cuts(2_000),
      (html, at) => {
        tick();
        timed(BOUNDS.parserMs, 'htmlToText', () => htmlToText(html));
        const out: string[] = [];
        const s = new HtmlStripper((t) => out.push(t));
        timed(BOUNDS.parserMs, 'HtmlStripper', () => {
          for (const x of pieces(html, at)) s.write(x);
          s.end();
        });
        if (out.join('').includes('<script')) throw new Error('markup leaked into text');
        return true;
      },
    ),
};

const VALID_CONFIG = {
  data_dir: 'var',
  orgs: [{ id: 'clinic-a', key: { file: '/k' }, watch_terms: ['Lakeside'] }],
  sites: [{ name: 'blog', locations: [`http://${'a'.repeat(56)}.onion/`], schedule: '0 */6 * * *', profile: 'ransomware-blog', limits: { max_pages: 10 } }],
  extract: { max_depth: 4 },
};
const VALID_MAPPING = { record_id: 'patient_id', fields: [{ column: 'hetu', type: 'fi_hetu', role: 'primary' }, { column: 'mrn', type: 'custom', pattern: 'MRN-\\d{6}', role: 'corroborating' }] };

/** Replaces a random path of a JSON-like value with an arbitrary value. */
function graft(base: unknown, path: number[], value: unknown): unknown {
  if (path.length === 0 || base === null || typeof base !== 'object') return value;
  const keys = Object.keys(base as object);
  if (keys.length === 0) return value;
  const k = keys[path[0]! % keys.length]!;
  const copy: Record<string, unknown> | unknown[] = Array.isArray(base) ? [...base] : { ...(base as object) };
  (copy as Record<string, unknown>)[k] = graft((base as Record<string, unknown>)[k], path.slice(1), value);
  return copy;
}

const wild = fc.oneof(fc.anything({ maxDepth: 3 }), fc.string(), fc.integer(), fc.constant(null), fc.constant(undefined), fc.constant('MRN(a+)+'), fc.constant('*/1 * * * * * *'), fc.double());

/** parseConfig and parseMapping: anything in, a value or a LeakwatchError out. */
const configParsers: FuzzProperty = {
  name: 'parseConfig and parseMapping on arbitrary and grafted input',
  runs: 3000,
  build: (tick) =>
    fc.property(fc.oneof(wild, fc.tuple(fc.array(fc.nat(), { maxLength: 5 }), wild).map(([p, v]) => ({ p, v }))), (input) => {
      tick();
      const grafted = input !== null && typeof input === 'object' && 'p' in (input as object) && 'v' in (input as object);
      const cfg = grafted ? graft(VALID_CONFIG, (input as { p: number[] }).p, (input as { v: unknown }).v) : input;
      const map = grafted ? graft(VALID_MAPPING, (input as { p: number[] }).p, (input as { v: unknown }).v) : input;
      onlyLeakwatchErrors(() => timed(BOUNDS.parserMs, 'parseConfig', () => parseConfig(cfg, 'fuzz.yaml', {})));
      onlyLeakwatchErrors(() => timed(BOUNDS.parserMs, 'parseMapping', () => parseMapping(map, 'fuzz-mapping.yaml')));
      return true;
    }),
};

/** The bundle decoder on mutated bundles, with the checksum left stale or recomputed: only LW_BUNDLE_* errors. */
const bundleDecoder: FuzzProperty = {
  name: 'bundle decoder on mutated bundles',
  runs: 3000,
  build: (tick) => {
    const valid = encodeBundle(syntheticBundle('clinic-a', 40, 7));
    return fc.property(fc.array(mutation, { minLength: 1, maxLength: 4 }), fc.boolean(), (ms, reseal) => {
      tick();
      let b = Buffer.from(mutate(valid, ms));
      // The checksum is no MAC: an attacker can recompute it, so the parser behind it must hold too.
      if (reseal && b.length > 32) b = Buffer.concat([b.subarray(0, b.length - 32), createHash('sha256').update(b.subarray(0, b.length - 32)).digest()]);
      const bundleCode = (c: string) => c === 'LW_BUNDLE_INVALID' || c === 'LW_BUNDLE_VERSION';
      onlyLeakwatchErrors(() => decodeBundleHeader(b, 'fuzz.lwb'), bundleCode);
      onlyLeakwatchErrors(() => timed(BOUNDS.parserMs, 'decodeBundle', () => decodeBundle(b, 'fuzz.lwb')), bundleCode);
      return true;
    });
  },
};

/** Classic catastrophic-backtracking shapes; every one must be refused. */
export const EVIL_PATTERNS = [
  '(a+)+$', '(a*)*b', '(a|aa)+$', '(a|a?)+$', '(\\w+\\s?)+$', '(.*a){12}', '([a-z]+)*=', '(\\d+)*x', '^(a+)+$', '(x+x+)+y',
  '(a|b|ab)*c', '((a+)|b)+c', '(?:a+)+', '(\\w*)*$', '(a{1,100}){1,100}', '.*.*.*=x', '\\d*\\d*\\d*\\d*x', '(a?){30}a{30}', '(a|\\1)+', '(?=a)+a',
];

const regexAtom = fc.constantFrom('a', 'b', 'M', 'R', 'N', '-', '\\d', '\\w', '\\s', '.', '[a-z]', '[0-9A-F]', '[^x]', '\\b', '^', '$', '\\1', '(?=a)');
const regexQuant = fc.constantFrom('', '', '*', '+', '?', '{2}', '{1,3}', '{2,}', '{0,128}', '*?', '+?');
const regexPiece: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.tuple(regexAtom, regexQuant).map(([a, q]) => a + q) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom('(', '(?:', '(?<g>'), fc.array(fc.tuple(regexAtom, regexQuant).map(([a, q]) => a + q), { minLength: 1, maxLength: 3 }), fc.boolean(), regexQuant)
      .map(([open, inner, alt, q]) => `${open}${inner.join(alt ? '|' : '')})${q}`),
  },
);
/** Pattern sources: mostly well-formed sequences of atoms, quantifiers and groups, some raw token soup. */
const patternSource = fc.oneof(
  { weight: 1, arbitrary: fc.constantFrom(...EVIL_PATTERNS) },
  { weight: 4, arbitrary: fc.array(regexPiece, { minLength: 1, maxLength: 6 }).map((a) => a.join('')) },
  { weight: 1, arbitrary: fc.array(fc.constantFrom('(', ')', '|', '*', '+', '{', '}', '[', ']', '\\', 'a', '\\d'), { minLength: 1, maxLength: 12 }).map((a) => a.join('')) },
);

/** 1 MB of text: a short unit repeated, ending in a character that breaks any match (the backtracking trigger). */
const adversarialText = fc.string({ unit: fc.constantFrom(...'aAbM0R9N -_x\n'.split('')), minLength: 1, maxLength: 24 }).map((unit) => unit.repeat(Math.ceil((1024 * 1024) / unit.length)).slice(0, 1024 * 1024 - 1) + '!');

/** Custom patterns: generated sources are rejected, or scan 1 MB of adversarial text within the bound. */
const customPatterns: FuzzProperty = {
  name: 'custom pattern compile (rejected or linear on 1 MB)',
  runs: 400,
  build: (tick, note) =>
    fc.property(patternSource, adversarialText, (src, text) => {
      tick();
      let t: IdentifierType;
      try {
        t = compileCustomPattern(src);
      } catch (err) {
        if (err instanceof LeakwatchError && err.code === 'LW_PATTERN_UNSAFE') {
          note('rejected');
          return true;
        }
        throw err;
      }
      note('accepted, scanned 1 MB');
      if (EVIL_PATTERNS.includes(src)) throw new Error('a catastrophic pattern was accepted');
      timed(BOUNDS.patternScanMs, 'custom pattern scan of 1 MB', () => {
        scanMatches(t.pattern!, t, text, (a, b) => t.normalize(text.slice(a, b)));
      });
      return true;
    }),
};

export const PROPERTIES: readonly FuzzProperty[] = [normalizers, extractBytes, extractMutated, csvParser, jsonSplitter, htmlText, configParsers, bundleDecoder, customPatterns];
