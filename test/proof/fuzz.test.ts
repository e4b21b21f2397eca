/**
 * Promise: no input crashes or hangs a parser. Property-based fuzzing with a
 * fixed seed (reproducible in CI) of every identifier normalizer, extract() on
 * arbitrary and mutated files of every format, the CSV and JSON parsers, HTML
 * text extraction, the config and mapping parsers, the bundle decoder, and
 * custom pattern vetting. bench/fuzz.bench.ts runs the same properties longer
 * with random seeds.
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { compileCustomPattern } from '../../src/matcher/identifiers/custom.js';
import { hasCode } from '../../src/errors.js';
import { EVIL_PATTERNS, PROPERTIES, runFuzz, type FuzzOutcome } from '../support/proof-fuzz.js';
import { table } from '../support/proof-measure.js';

/** The CI seed; change it only on purpose (a failure prints its own seed and path to replay). */
const SEED = 20261123;

const outcomes: FuzzOutcome[] = [];

describe('fuzzing (fast-check, fixed seed)', () => {
  for (const p of PROPERTIES) {
    test(p.name, { timeout: 60_000 }, async () => {
      const o = await runFuzz(p, SEED, p.runs);
      outcomes.push(o);
      assert.equal(o.failure, null, o.failure ?? '');
      assert.ok(o.cases >= p.runs, `${o.cases} cases ran`);
    });
  }

  test('every classic catastrophic-backtracking pattern is refused with LW_PATTERN_UNSAFE', () => {
    for (const src of EVIL_PATTERNS) assert.throws(() => compileCustomPattern(src), (e) => hasCode(e, 'LW_PATTERN_UNSAFE'), src);
  });

  test('a corrupt PDF that makes pdf.js reject a promise nobody awaits does not take the process down', () => {
    // Found by bench/fuzz.bench.ts (a flipped byte in a zipped PDF); Node's default for such a rejection is to exit.
    const r = spawnSync(process.execPath, ['--import', 'tsx', join(import.meta.dirname, '../support/proof-pdf-rejection.ts')], { encoding: 'utf8', timeout: 30_000 });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^survived LW_EXTRACT_CORRUPT/);
  });

  after(() => {
    const rows: (string | number)[][] = [['property', 'cases', 'ms', 'slowest call ms', 'result']];
    for (const o of outcomes) rows.push([o.name, o.cases, o.ms, o.slowestMs, o.failure ? 'FAILED' : Object.entries(o.notes).map(([k, v]) => `${v} ${k}`).join(', ') || 'ok']);
    rows.push(['total', outcomes.reduce((n, o) => n + o.cases, 0), outcomes.reduce((n, o) => n + o.ms, 0), '', `seed ${SEED}`]);
    console.log(`\nfuzzing\n${table(rows)}\n`);
  });
});
