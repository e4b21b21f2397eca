/**
 * Document-fingerprint benchmark: our keyed 64-bit word-shingle simhash against
 * the `simhash-js` package on a seeded synthetic near-duplicate set, plus raw
 * speed of SipHash (vs HMAC-SHA256), winnowing and text normalization.
 *
 *   npx tsx bench/simhash.bench.ts [--bases 2000] [--seed 1]
 *
 * Prints numbers; never fails on them.
 */
import { createHmac } from 'node:crypto';
import { createRequire } from 'node:module';
import { HammingIndex } from '../src/matcher/hamming-index.js';
import { hamming64, simhashText, type Simhash64 } from '../src/matcher/simhash.js';
import { SipHash } from '../src/matcher/siphash.js';
import { normalizeText, TextNormalizer } from '../src/matcher/text-normalize.js';
import { Winnower } from '../src/matcher/winnow.js';
import { printTable } from './lib/print-table.js';
import { makeNote, makeVocabulary, pickWord, render, seededRandom } from './lib/synthetic-notes.js';

interface SimhashJs {
  SimHash: new (options?: { kshingles?: number; maxFeatures?: number }) => { hash(input: string): number };
}
const simhashJs = createRequire(import.meta.url)('simhash-js') as SimhashJs;

function arg(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  const value = at >= 0 ? Number(process.argv[at + 1]) : fallback;
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

const BASES = arg('bases', 2000);
const startedAt = Date.now();
const SEED = arg('seed', 1);
// A seeded key keeps the figures reproducible; real keys derive from the organization's secret.
const keyRandom = seededRandom(SEED * 104729);
const KEY = Uint8Array.from({ length: 16 }, () => Math.floor(keyRandom() * 256));
const MiB = 1 << 20;

// ---- corpus -------------------------------------------------------------

const VARIANTS = ['char at start', 'word inserted', 'reformatted', '5% words replaced'] as const;
type Variant = (typeof VARIANTS)[number];

const vocab = makeVocabulary(6000, SEED);
const random = seededRandom(SEED * 7919);
const bases: string[] = [];
const variants: Record<Variant, string[]> = {
  'char at start': [],
  'word inserted': [],
  reformatted: [],
  '5% words replaced': [],
};
const unrelated: string[] = [];

for (let i = 0; i < BASES; i++) {
  const tokens = makeNote(vocab, 150 + Math.floor(random() * 451), random);
  const text = render(tokens);
  bases.push(text);
  variants['char at start'].push(String.fromCharCode(97 + Math.floor(random() * 26)) + text);
  const inserted = tokens.slice();
  inserted.splice(Math.floor(random() * (tokens.length + 1)), 0, pickWord(vocab, random));
  variants['word inserted'].push(render(inserted));
  // Re-typed: every sentence upper-cased or not, lines re-wrapped at ~70 columns, spaces doubled.
  const shouting = random() < 0.5;
  let col = 0;
  let retyped = '';
  for (const t of tokens) {
    const w = shouting ? t.toUpperCase() : t.toLowerCase();
    if (col + w.length > 70) {
      retyped += '\r\n';
      col = 0;
    } else if (col > 0) {
      retyped += t.endsWith('.') ? '  ' : ' ';
    }
    retyped += w;
    col += w.length + 1;
  }
  variants.reformatted.push(retyped);
  const replaced = tokens.slice();
  for (let r = 0; r < Math.ceil(tokens.length * 0.05); r++) {
    replaced[Math.floor(random() * replaced.length)] = pickWord(vocab, random);
  }
  variants['5% words replaced'].push(render(replaced));
  unrelated.push(render(makeNote(vocab, 150 + Math.floor(random() * 451), random)));
}
const allDocs = [...bases, ...VARIANTS.flatMap((v) => variants[v]), ...unrelated];
const corpusBytes = allDocs.reduce((n, d) => n + Buffer.byteLength(d), 0);

// ---- helpers ------------------------------------------------------------

function timed<T>(fn: () => T): { result: T; ms: number } {
  const start = process.hrtime.bigint();
  const result = fn();
  return { result, ms: Number(process.hrtime.bigint() - start) / 1e6 };
}

const pct = (n: number, of: number): string => `${((100 * n) / of).toFixed(1)}%`;
const sci = (n: number, of: number): string => (n === 0 ? '0' : (n / of).toExponential(1));
const fixed = (n: number, digits = 0): string => n.toFixed(digits);

function quantiles(xs: number[]): string {
  const s = [...xs].sort((a, b) => a - b);
  return `${s[s.length >> 1]} / ${s[Math.floor(s.length * 0.9)]}`;
}

// ---- methods -------------------------------------------------------------

const GROUPS: [string, string[]][] = [
  ['base', bases],
  ...VARIANTS.map((v): [string, string[]] => [v, variants[v]]),
  ['unrelated', unrelated],
];

interface Method<T> {
  name: string;
  bits: number;
  thresholds: number[];
  docsPerSec: number;
  groups: Map<string, T[]>;
  distance(a: T, b: T): number;
}

/**
 * Hashes the first `limit` documents of every group (after `prepare`, which is
 * not timed) and times the hashing alone.
 */
function hashAll<T>(hash: (s: string) => T, prepare: (s: string) => string = (s) => s, limit = BASES) {
  const inputs = GROUPS.map(([g, docs]): [string, string[]] => [g, docs.slice(0, limit).map(prepare)]);
  hash(inputs[0]![1][0]!); // warm-up
  const { result, ms } = timed(() => new Map(inputs.map(([g, docs]) => [g, docs.map(hash)])));
  return { groups: result, docsPerSec: ((GROUPS.length * Math.min(limit, BASES)) / ms) * 1000 };
}

const ours: Method<Simhash64> = {
  name: 'leakwatch 64-bit (3-word shingles, keyed)',
  bits: 64,
  thresholds: [3],
  ...hashAll((d) => simhashText(d, KEY) ?? { hi: 0, lo: 0 }),
  distance: (a, b) => hamming64(a.hi, a.lo, b.hi, b.lo),
};

function simhashJsMethod(name: string, prepare: (s: string) => string, limit = BASES): Method<number> {
  const hasher = new simhashJs.SimHash();
  return {
    name,
    bits: 32,
    thresholds: [3, 1],
    ...hashAll((d) => hasher.hash(d) >>> 0, prepare, limit),
    // Its own Comparator.hammingDistance reports twice the distance (`>> 32` is a no-op in JS), so count bits here.
    distance: (a, b) => hamming64(0, a, 0, b),
  };
}

// ---- run ----------------------------------------------------------------

console.log(
  `corpus: ${BASES} base notes (150-600 words), ${VARIANTS.length} variants each, ${unrelated.length} unrelated; ` +
    `${allDocs.length} docs, ${(corpusBytes / MiB).toFixed(1)} MiB; seed ${SEED}; node ${process.version}`,
);

const detectionRows: string[][] = [['method', 'bits', 'docs/s', 'threshold', ...VARIANTS, 'false positives']];
const distanceRows: string[][] = [['method', ...VARIANTS, 'unrelated']];

function evaluate<T>(m: Method<T>): void {
  const base = m.groups.get('base')!;
  const others = m.groups.get('unrelated')!;
  const perVariant = VARIANTS.map((v) => m.groups.get(v)!.map((h, i) => m.distance(h, base[i]!)));
  const unrelatedSample = others.map((h, i) => m.distance(h, base[(i + 1) % base.length]!));
  for (const t of m.thresholds) {
    let falsePairs = 0;
    for (const u of others) for (const b of base) if (m.distance(u, b) <= t) falsePairs++;
    detectionRows.push([
      m.name,
      String(m.bits),
      fixed(m.docsPerSec),
      `<= ${t}`,
      ...perVariant.map((ds) => pct(ds.filter((d) => d <= t).length, ds.length)),
      `${falsePairs} (${sci(falsePairs, others.length * base.length)})`,
    ]);
  }
  distanceRows.push([m.name, ...perVariant.map(quantiles), quantiles(unrelatedSample)]);
}

evaluate(ours);
evaluate(simhashJsMethod('simhash-js 1.0.0, raw text', (s) => s));
// simhash-js runs at a few hundred documents per second; its second run uses an eighth of the notes to keep the bench short.
const eighth = Math.max(1, Math.floor(BASES / 8));
evaluate(simhashJsMethod(`simhash-js 1.0.0, our normalized text (first ${eighth} notes)`, normalizeText, eighth));

// The index is how matching really runs: bases enrolled, every scanned document looked up.
const oursBase = ours.groups.get('base')!;
const built = timed(() => new HammingIndex(oursBase.map((h, id) => ({ hi: h.hi, lo: h.lo, id }))));
const lookups: [Simhash64, number][] = [
  ...VARIANTS.flatMap((v) => ours.groups.get(v)!.map((h, i): [Simhash64, number] => [h, i])),
  ...ours.groups.get('unrelated')!.map((h): [Simhash64, number] => [h, -1]),
];
const queried = timed(() => {
  let own = 0;
  let other = 0;
  for (const [h, expected] of lookups) {
    for (const m of built.result.query(h.hi, h.lo, 3)) m.id === expected ? own++ : other++;
  }
  return { own, other };
});

// The same index at the scale it is built for: a million random simhashes.
const MILLION = 1_000_000;
const rnd = seededRandom(SEED * 31);
const u32 = (): number => Math.floor(rnd() * 2 ** 32);
const big = { hi: new Uint32Array(MILLION), lo: new Uint32Array(MILLION), id: new Float64Array(MILLION) };
for (let i = 0; i < MILLION; i++) {
  big.hi[i] = u32();
  big.lo[i] = u32();
  big.id[i] = i;
}
const bigBuilt = timed(() => new HammingIndex(big));
const bigQueries = 20_000;
const bigQueried = timed(() => {
  let matches = 0;
  let planted = 0;
  for (let q = 0; q < bigQueries; q++) {
    // Every other query is a stored value with one or three bits flipped.
    const i = q * 37;
    const near = q % 2 === 0;
    const hi = near ? big.hi[i]! ^ (1 << q % 32) : u32();
    const lo = near ? big.lo[i]! ^ (q % 3 === 0 ? 0b101 : 0) : u32();
    const found = bigBuilt.result.query(hi >>> 0, lo >>> 0, 3);
    matches += found.length;
    if (near && found.some((m) => m.id === i)) planted++;
  }
  return { matches, planted };
});

printTable(
  'Near-duplicate detection: share of variants within the threshold of their base; false positives over all unrelated x base pairs',
  detectionRows,
);
printTable('Hamming distance of each variant to its base (median / p90)', distanceRows);
printTable('HammingIndex, k <= 3', [
  ['index', 'build ms', 'lookups', 'us/lookup', 'matches', 'expected found'],
  [
    `${oursBase.length} base-note simhashes (variants + unrelated looked up)`,
    fixed(built.ms, 1),
    String(lookups.length),
    fixed((queried.ms * 1000) / lookups.length, 2),
    String(queried.result.own + queried.result.other),
    `${queried.result.own} own base`,
  ],
  [
    `${MILLION} random values (half the lookups planted at distance 1 or 3)`,
    fixed(bigBuilt.ms, 1),
    String(bigQueries),
    fixed((bigQueried.ms * 1000) / bigQueries, 2),
    String(bigQueried.result.matches),
    `${bigQueried.result.planted} of ${bigQueries / 2} planted`,
  ],
]);

// ---- primitives ---------------------------------------------------------

function sipNsPerOp(n: number): number {
  const sip = new SipHash(KEY);
  let x = 0;
  const { ms } = timed(() => {
    for (let i = 0; i < n; i++) x ^= sip.hash64(i, x)[1];
  });
  if (x === 0.5) console.log(x); // keeps the loop observable
  return (ms * 1e6) / n;
}

function hmacNsPerOp(n: number): number {
  const buf = Buffer.alloc(8);
  const { ms } = timed(() => {
    for (let i = 0; i < n; i++) {
      buf.writeUInt32LE(i, 0);
      createHmac('sha256', KEY).update(buf).digest();
    }
  });
  return (ms * 1e6) / n;
}

sipNsPerOp(200_000);
hmacNsPerOp(20_000);
const sipNs = sipNsPerOp(3_000_000);
const hmacNs = hmacNsPerOp(300_000);

const rawText = bases.join('\n\n');
const rawChunks: string[] = [];
for (let i = 0; i < rawText.length; i += MiB) rawChunks.push(rawText.slice(i, i + MiB));
const rawMiB = Buffer.byteLength(rawText) / MiB;

function normalizeAll(): string[] {
  const normalizer = new TextNormalizer();
  const out = rawChunks.map((c) => normalizer.push(c));
  out.push(normalizer.flush());
  return out;
}
normalizeAll();
const normalized = timed(normalizeAll);
const normMiB = normalized.result.reduce((n, c) => n + Buffer.byteLength(c), 0) / MiB;

function winnowAll(): number {
  const winnower = new Winnower({ key: KEY });
  let count = 0;
  const sink = (): void => {
    count++;
  };
  for (const c of normalized.result) winnower.push(c, sink);
  winnower.end(sink);
  return count;
}
winnowAll();
const winnowed = timed(winnowAll);

const simhashed = timed(() => simhashText(rawText, KEY));

printTable('Primitives', [
  ['operation', 'figure'],
  ['SipHash-2-4 hash64 (8-byte input)', `${fixed(sipNs, 1)} ns/op`],
  ["createHmac('sha256') on 8 bytes", `${fixed(hmacNs, 1)} ns/op`],
  ['SipHash speed-up', `${fixed(hmacNs / sipNs, 1)}x`],
  ['TextNormalizer (1 MiB chunks)', `${fixed(rawMiB / (normalized.ms / 1000), 1)} MiB/s of raw text`],
  [
    'Winnower k=40 w=61 (keyed)',
    `${fixed(normMiB / (winnowed.ms / 1000), 1)} MiB/s of normalized text, ${winnowed.result} fingerprints ` +
      `(1 per ${fixed(normalized.result.join('').length / winnowed.result, 1)} chars)`,
  ],
  ['simhashText, one long text', `${fixed(rawMiB / (simhashed.ms / 1000), 1)} MiB/s of raw text`],
]);

console.log(`\ntotal ${((Date.now() - startedAt) / 1000).toFixed(1)} s`);
