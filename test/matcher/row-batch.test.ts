import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { linesKernelResidue, linesKernelSpec } from '../../src/matcher/lines-kernel.js';
import { instantiateKernel } from '../../src/matcher/wasm-assembler.js';
import { ROW_BATCH_CHARS, ROW_SEPARATOR, RowBatch } from '../../src/matcher/row-batch.js';

type Batch = [text: string, starts: number[]];

/** Feeds `calls` (a row's text, or lines with their delimiter) to a RowBatch and returns its batches. */
function batches(calls: readonly (string | [lines: string, delimiter: string])[]): Batch[] {
  const out: Batch[] = [];
  const rb = new RowBatch((text, starts) => out.push([text, [...starts]]));
  for (const c of calls) {
    if (typeof c === 'string') rb.addRow(c);
    else rb.addLines(c[0], c[1]);
  }
  rb.flush();
  return out;
}

/** What batches must be: each line's cells joined by tabs, added as rows one by one. */
function rowByRow(calls: readonly (string | [string, string])[]): Batch[] {
  return batches(calls.flatMap((c) => (typeof c === 'string' ? [c] : c[0].slice(0, -1).split('\n').map((l) => l.split(c[1]).join('\t')))));
}

const delimiter = fc.constantFrom(',', ';', '\t', '|', '\u0000', 'ä');
/** A line: no '\n', not empty; tabs, NULs, delimiters, Latin-1, wider units and halves of pairs among its units; some long. */
const line = fc.oneof(
  { weight: 4, arbitrary: fc.string({ unit: fc.constantFrom('a', '0', ',', ';', '\t', '|', '\u0000', 'ä', '\u00ff', '\u0100', '€', '\ud83d', '\ude00', ' ', '\r'), minLength: 1, maxLength: 40 }) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom('x;', 'y,\u20ac', 'z|'), fc.integer({ min: 1000, max: 12_000 })).map(([s, n]) => s.repeat(n).slice(0, n)) },
);
const call = fc.oneof(
  line,
  fc.tuple(fc.array(line, { minLength: 1, maxLength: 30 }), delimiter).map(([ls, d]): [string, string] => [`${ls.join('\n')}\n`, d]),
);

describe('RowBatch', () => {
  it('lines added in stretches make exactly the batches of their rows added one by one (the loop, and after it the memory wiped)', () => {
    let multi = 0;
    fc.assert(
      fc.property(fc.array(call, { maxLength: 12 }), (calls) => {
        const got = batches(calls);
        assert.deepEqual(got, rowByRow(calls));
        if (got.length > 1) multi++;
        assert.equal(linesKernelResidue(), 0);
      }),
      { numRuns: 400 },
    );
    // The property reached the batch limit, so cuts inside a stretch of lines were compared too.
    assert.ok(multi > 20, `only ${multi} runs made more than one batch`);
  });

  it('a batch holds its rows joined by the separator, with their offsets, and is passed on at the limit', () => {
    const long = 'q'.repeat(ROW_BATCH_CHARS - 10);
    const got = batches([['a;b\nc\n', ';'], long, ['d;e\nf\n', ';']]);
    assert.deepEqual(got, [
      [`a\tb${ROW_SEPARATOR}c${ROW_SEPARATOR}${long}`, [0, 5, 8]],
      [`d\te${ROW_SEPARATOR}f`, [0, 5]],
    ]);
  });

  it('a batch passed on from inside another batch’s call (the loop busy) is made without it, the same', () => {
    const inner = [['1;2\n3;4\n', ';'], 'row'] as [string, string][] | string[];
    const expectInner = rowByRow(inner as (string | [string, string])[]);
    const outerLines = `${Array.from({ length: 3000 }, (_, i) => `cell${i};x;${'y'.repeat(20)}`).join('\n')}\n`;
    let innerGot: Batch[] = [];
    const outer: Batch[] = [];
    const rb = new RowBatch((text, starts) => {
      outer.push([text, [...starts]]);
      if (outer.length === 1) innerGot = batches(inner as (string | [string, string])[]);
    });
    rb.addLines(outerLines, ';');
    rb.flush();
    assert.deepEqual(innerGot, expectInner);
    assert.deepEqual(outer, rowByRow([[outerLines, ';']]));
    assert.ok(outer.length > 1);
    assert.equal(linesKernelResidue(), 0);
  });

  it('leaves nothing of the lines in the loop’s memory when the batch’s receiver throws', () => {
    const rb = new RowBatch(() => {
      throw new Error('receiver failed');
    });
    const lines = `${'secret;value;'.repeat(400)}\n`.repeat(20);
    assert.throws(() => rb.addLines(lines, ';'), /receiver failed/);
    assert.equal(linesKernelResidue(), 0);
    // And the loop is free again.
    assert.deepEqual(batches([[lines, ';']]), rowByRow([[lines, ';']]));
  });

  it('the loop eight units at a time (SIMD) and the one a unit at a time rewrite any lines the same, as replaceAll would', () => {
    type Lines = (n: number, delimiter: number, out: number, starts: number) => number;
    const kernels = [linesKernelSpec(true), linesKernelSpec(false)].map((spec) => instantiateKernel<Lines>(spec)!);
    const run = (k: (typeof kernels)[number], text: string, delimiter: string): [string, number[]] => {
      const n = text.length;
      // Word-aligned, as the offsets are read as an Int32Array.
      const out = (2 * n + 7) & ~3;
      const starts = out + 4 * n + 4;
      const mem = Buffer.from(k.memory);
      mem.fill(0);
      mem.write(text, 0, 'utf16le');
      const r = k.fn(n, delimiter.charCodeAt(0), out, starts);
      const count = r >>> 1;
      const offsets = [...new Int32Array(k.memory, starts, count)];
      const length = offsets[count - 1]!;
      return [(r & 1) === 1 ? mem.toString('utf16le', out, out + 2 * length) : mem.toString('latin1', out, out + length), offsets];
    };
    fc.assert(
      fc.property(fc.array(line, { minLength: 1, maxLength: 12 }), delimiter, (ls, d) => {
        const text = `${ls.map((l) => l.slice(0, 200)).join('\n')}\n`;
        const expected = text.replaceAll(d, '\t').replaceAll('\n', ROW_SEPARATOR);
        const offsets = [0];
        for (let i = 0, o = 0; i < text.length; i++) {
          o += text[i] === '\n' ? 2 : 1;
          if (text[i] === '\n') offsets.push(o);
        }
        for (const k of kernels) assert.deepEqual(run(k, text, d), [expected, offsets]);
      }),
      { numRuns: 1500 },
    );
  });

  it('without WebAssembly (node --jitless) makes the same batches', () => {
    const calls: (string | [string, string])[] = [['a;b\nc;d\n', ';'], 'e\tf', [`${'g,h,€\n'.repeat(9000)}`, ','], ['ä|ö\n', '|']];
    const module = new URL('../../src/matcher/row-batch.ts', import.meta.url).href;
    const script = `
      import { RowBatch } from ${JSON.stringify(module)};
      const out = [];
      const rb = new RowBatch((text, starts) => out.push([text, [...starts]]));
      for (const c of ${JSON.stringify(calls)}) typeof c === 'string' ? rb.addRow(c) : rb.addLines(c[0], c[1]);
      rb.flush();
      console.log(JSON.stringify({ wasm: typeof WebAssembly, out }));`;
    const child = spawnSync(process.execPath, ['--jitless', '--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 60_000, maxBuffer: 1 << 26 });
    assert.equal(child.status, 0, child.stderr);
    const result = JSON.parse(child.stdout) as { wasm: string; out: Batch[] };
    assert.equal(result.wasm, 'undefined');
    assert.deepEqual(result.out, rowByRow(calls));
    assert.deepEqual(batches(calls), rowByRow(calls));
    // The 54 K characters of lines were cut into batches, so cuts inside a stretch were compared too.
    assert.ok(result.out.length >= 2, `${result.out.length} batches`);
  });
});
