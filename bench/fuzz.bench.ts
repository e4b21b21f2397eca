/**
 * Longer fuzz run (issue 6): the properties of test/proof/fuzz.test.ts with
 * 50 times the CI runs and a random seed per property (or one given seed).
 * Prints cases, cases/s and the slowest single call per property; a failure
 * prints fast-check's report with the seed and path to replay it. Exits 1 on
 * a failure (a crash or a bound exceeded), never on speed.
 *
 *   npx tsx bench/fuzz.bench.ts                     # 50x the CI runs, random seeds
 *   npx tsx bench/fuzz.bench.ts --factor 5          # quicker
 *   npx tsx bench/fuzz.bench.ts --seed 123 --only bundle
 */
import { PROPERTIES, runFuzz, type FuzzOutcome } from '../test/support/proof-fuzz.js';
import { printTable } from './lib/print-table.js';

const args = process.argv.slice(2);
const opt = (name: string): string | undefined => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const factor = Number(opt('factor') ?? 50);
const fixedSeed = opt('seed') === undefined ? undefined : Number(opt('seed'));
const only = opt('only');

const outcomes: FuzzOutcome[] = [];
for (const p of PROPERTIES.filter((x) => !only || x.name.includes(only))) {
  const seed = fixedSeed ?? Math.floor(Math.random() * 2 ** 31);
  const runs = Math.max(1, Math.round(p.runs * factor));
  process.stderr.write(`${p.name}: ${runs} runs, seed ${seed} ...\n`);
  const o = await runFuzz(p, seed, runs);
  outcomes.push(o);
  if (o.failure) process.stderr.write(`FAILED ${p.name} (seed ${seed}):\n${o.failure}\n`);
}

printTable(`fuzz, ${factor}x the CI runs`, [
  ['property', 'seed', 'cases', 'seconds', 'cases/s', 'slowest call ms', 'result'],
  ...outcomes.map((o) => [
    o.name,
    String(o.seed),
    String(o.cases),
    (o.ms / 1000).toFixed(1),
    String(Math.round(o.cases / Math.max(o.ms / 1000, 1e-3))),
    String(o.slowestMs),
    o.failure ? 'FAILED' : Object.entries(o.notes).map(([k, v]) => `${v} ${k}`).join(', ') || 'ok',
  ]),
]);
const total = outcomes.reduce((n, o) => n + o.cases, 0);
console.log(`\n${total} cases in ${(outcomes.reduce((n, o) => n + o.ms, 0) / 1000).toFixed(1)} s; ${outcomes.filter((o) => o.failure).length} failure(s)`);
if (outcomes.some((o) => o.failure)) process.exitCode = 1;
