import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { JSON_LINES_TEXT_BYTE, jsonLinesKernelResidue, jsonLinesKernelSpec, jsonLinesLayout, withJsonLines } from '../../src/extract/json-lines-kernel.js';
import { flattenJsonLine } from '../../src/extract/json-line.js';
import { instantiateKernel } from '../../src/matcher/wasm-assembler.js';

/** Where each line's record starts and ends as the splitter hands it over (whitespace around it left out). */
function records(s: string): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 0; ; ) {
    while (i < s.length && ' \t\r\n'.includes(s[i]!)) i++;
    const nl = s.indexOf('\n', i);
    if (nl === -1) return out;
    let last = nl - 1;
    while (last > i && ' \t\r'.includes(s[last]!)) last--;
    out.push([i, last + 1]);
    i = nl + 1;
  }
}

/** For each record of `s`: the loop's lines for it, or null where it left the record to JavaScript. */
function taken(s: string, maxCell: number): (string | null)[] {
  const out: (string | null)[] = [];
  const ok = withJsonLines(s, maxCell, (t) => {
    for (const [from, to] of records(s)) {
      const r = t.find(from, to);
      out.push(r === null ? null : t.text(r[0], r[1]));
    }
  });
  assert.ok(ok);
  return out;
}

/** What the loop must give for a record it takes: flattenJsonLine's cells joined by tabs, ended by '\n' (nothing without cells). */
function expected(s: string, from: number, to: number, maxCell: number): string | null {
  const r = flattenJsonLine(s, from, to, maxCell);
  if (r === null) return null;
  return r.cells.length === 0 ? '' : `${r.cells.join('\t')}\n`;
}

const key = fc.oneof(
  { weight: 6, arbitrary: fc.string({ unit: fc.constantFrom('a', 'b', 'é', '_', '.', ' ', 'Z'), maxLength: 4 }) },
  { weight: 1, arbitrary: fc.constantFrom('0', '7', '01', '-1', '__proto__', 'x"y', '\\', 'a', '') },
);
const scalar = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 6 }),
  fc.integer(),
  fc.integer({ min: -1e15, max: 1e15 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(true, false, null, 0, -0, 123456789012345, 1234567890123456, 1e21, 0.5, 'x'.repeat(50)),
);
const { node } = fc.letrec<{ node: unknown }>((tie) => ({
  node: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, scalar, fc.dictionary(key, tie('node'), { maxKeys: 4 }), fc.array(tie('node'), { maxLength: 2 })),
}));
/** An object line, with whitespace between tokens, and number forms and escapes the stringifier never writes. */
const line = fc.oneof(
  { weight: 8, arbitrary: fc.tuple(fc.dictionary(key, node, { maxKeys: 6 }), fc.constantFrom('', ' ', '\t', '\r')).map(([o, ws]) => JSON.stringify(o).replace(/":/g, `"${ws}:${ws}`).replace(/,"/g, `,${ws}"`)) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      '{"n":1.0,"m":-0,"e":1E+2}', '{"n":-0}', '{"n":-5,"m":0,"k":00}', '{"n":0123}', '{"s":"\\u00e4"}', '{"a":1,"a":2}', '{"a":{"b":1},"c":{"b":2,"b":3}}',
      '{"a":{"b":1},"b":{"a":2}}', '{"a":[1,2]}', '{"a":tru}', '{"a":truex}', '{"a":null}', '{"a":""}', '{"a":"","b":null}', '{}', '{"a":{}}', '{ }',
      '{"a":1}x', '{"a":1,}', '{"a" 1}', '[1]', '"s"', '{"a":1}}', '{"a":{"b":{"c":{"d":{"e":{"f":{"g":{"h":{"i":{"j":{"k":{"l":{"m":{"n":{"o":{"p":{"q":1}}}}}}}}}}}}}}}}}',
      `{${Array.from({ length: 65 }, (_, i) => `"k${i}":${i}`).join(',')}}`, `{${Array.from({ length: 64 }, (_, i) => `"k${i}":${i}`).join(',')}}`,
      '{"a":"\ud800"}', '{"a":"x\ty"}', '{"a":"Ää€"}', '{"a":12345678901234,"b":-123456789012345}',
      '{"a":1234567890123456}', '{"a":12345678901234567}', '{"a":100000000000000000000000}',
    ),
  },
);
const lines = fc.tuple(fc.array(fc.tuple(fc.constantFrom('', ' ', '\t', '\n'), line, fc.constantFrom('', ' ', '\r', '\t')), { maxLength: 12 }), fc.boolean()).map(
  ([ls, last]) => ls.map(([a, l, b]) => a + l + b).join('\n') + (last ? '\n' : ''),
);

type Jsonl = (n: number, maxCell: number, out: number, entries: number) => number;
/** The loop eight units at a time (SIMD) and the one a unit at a time, each on its own memory. */
const vectorKernel = instantiateKernel<Jsonl>(jsonLinesKernelSpec(true))!;
const scalarKernel = instantiateKernel<Jsonl>(jsonLinesKernelSpec(false))!;

/**
 * One run of a loop on `s`: its return value, entries and result text. The
 * memory past the text is first filled with `past` (units that would end a
 * line or a string, or widen the result, if the loop took them for text).
 */
function runLoop(k: typeof vectorKernel, s: string, maxCell: number, past: number): { r: number; entries: number[]; text: string } {
  const { out, entries, end } = jsonLinesLayout(s.length);
  assert.ok(end <= k.memory.byteLength);
  const mem = Buffer.from(k.memory);
  mem.fill(0);
  for (let at = JSON_LINES_TEXT_BYTE + 2 * s.length; at + 1 < end; at += 2) mem.writeUInt16LE(past, at);
  mem.write(s, JSON_LINES_TEXT_BYTE, 'utf16le');
  const r = k.fn(s.length, maxCell, out, entries);
  const e = [...new Int32Array(k.memory, entries, 4 * (r >>> 1))];
  const length = e.length === 0 ? 0 : e[e.length - 1]!;
  return { r, entries: e, text: (r & 1) === 1 ? mem.toString('utf16le', out, out + 2 * length) : mem.toString('latin1', out, out + length) };
}

/** Texts whose line ends, string ends, escapes, control units and wide units fall at every position modulo 8, and near the text's end. */
const shifted = fc
  .tuple(
    fc.array(
      fc.tuple(
        fc.string({ unit: fc.constantFrom('a', 'b', ' ', 'é', 'Ā', '€', '\\', '\t', '\x01', '"'), maxLength: 20 }),
        fc.constantFrom('', ' ', '  ', '   ', '    ', '     ', '      ', '       '),
        fc.constantFrom('"', '1', 'true', '{"k":"x"}'),
      ),
      { maxLength: 5 },
    ),
    fc.constantFrom('', 'x', ' ', 'Ā', '{"a":"b"}', '{"a":"Ā"}', '{"a":"b"'),
  )
  .map(([ls, tail]) => ls.map(([str, pad, value]) => `${pad}{"s":"${str}","v":${value === '"' ? '"e"' : value}}\n`).join('') + tail);

describe('the JSON Lines loop (json-lines-kernel.ts)', () => {
  it('property: the loop eight units at a time (SIMD) gives what the one a unit at a time gives, whatever lies past the text', () => {
    const check = (s: string, maxCell: number) => {
      const scalar = runLoop(scalarKernel, s, maxCell, 0);
      for (const past of [0, 0x0a, 0x22, 0x5c, 0x100, 0xffff]) assert.deepEqual(runLoop(vectorKernel, s, maxCell, past), scalar, JSON.stringify(s));
      return scalar;
    };
    fc.assert(fc.property(fc.oneof(lines, shifted), fc.constantFrom(65536, 40, 4), (s, maxCell) => void check(s, maxCell)), { numRuns: 3000 });
    // Every text of length 0..40 cut from a record with each kind of unit, at every place of each cut.
    const record = '{"a":"xyz","b":12,"c":{"d":"Ā"},"e":"€\\t"}\n{"f":true}\n';
    for (let n = 0; n <= 40; n++) {
      for (let start = 0; start + n <= record.length; start++) check(record.slice(start, start + n), 65536);
    }
  });

  it('finds a line end, a string end, an escape and a wide unit at every position of a vector and at the text’s last unit', () => {
    for (let pad = 0; pad < 24; pad++) {
      const spaces = ' '.repeat(pad);
      const body = `x${'y'.repeat(pad)}`;
      // The line's '\n' at every position, the last one the text's last unit.
      assert.deepEqual(taken(`${spaces}{"a":"${body}"}\n`, 65536), [`${body}\n`]);
      assert.deepEqual(taken(`{"a":"${body}"}${spaces}\n`, 65536), [`${body}\n`]);
      // No '\n' at all: the line is not taken.
      assert.deepEqual(taken(`{"a":"${body}"}${spaces}`, 65536), []);
      // The string's end, a backslash and a control unit at every position.
      assert.deepEqual(taken(`{"a":"${body}","b":"${body}z"}\n`, 65536), [`${body}\t${body}z\n`]);
      assert.deepEqual(taken(`{"a":"${body}\\n"}\n`, 65536), [null]);
      assert.deepEqual(taken(`{"a":"${body}\t"}\n`, 65536), [null]);
      assert.deepEqual(taken(`{"a":"${body}\x1f"}\n`, 65536), [null]);
      // One wide unit anywhere makes the result two bytes a unit, the last unit of the text included.
      for (const s of [`{"a":"${body}Ā"}\n`, `{"a":"${body}"}\n${spaces}Ā`, `{"a":"${body}"}\n${spaces}{"b":"Ā"}`]) {
        const got = runLoop(vectorKernel, s, 65536, 0);
        assert.equal(got.r & 1, 1, JSON.stringify(s));
        assert.deepEqual(got, runLoop(scalarKernel, s, 65536, 0));
      }
    }
    // Long results narrowed in place, sixteen units at a time, with every remainder.
    for (let len = 0; len < 40; len++) {
      const s = Array.from({ length: 5 }, (_, i) => `{"a":"${String.fromCharCode(0x61 + i).repeat(len)}","b":${i}}\n`).join('');
      assert.deepEqual(taken(s, 65536), Array.from({ length: 5 }, (_, i) => `${String.fromCharCode(0x61 + i).repeat(len)}\t${i}\n`));
    }
  });

  it('property: a record it takes gives exactly flattenJsonLine’s cells, and it takes many', () => {
    let seen = 0;
    let took = 0;
    fc.assert(
      fc.property(lines, fc.constantFrom(65536, 40, 4), (s, maxCell) => {
        const got = taken(s, maxCell);
        const recs = records(s);
        assert.equal(got.length, recs.length);
        recs.forEach(([from, to], i) => {
          seen++;
          if (got[i] === null) return;
          took++;
          assert.equal(got[i], expected(s, from, to, maxCell), JSON.stringify(s.slice(from, to)));
        });
        assert.equal(jsonLinesKernelResidue(), 0);
      }),
      { numRuns: 3000 },
    );
    // Many generated records hold arrays, fractions or escapes, which are left to JavaScript.
    assert.ok(took > seen / 8, `took ${took} of ${seen}`);
  });

  it('takes the records of a leaked table and leaves what it cannot give exactly', () => {
    const s = [
      '{"id":"131052-308T","name":"Päivi Mäkelä","contact":{"email":"p@example.org","phone":"+358 50 199 5883"},"n":12,"ok":true,"x":null}',
      '{"a":1.5}', '{"a":"x\\"y"}', '{"1":2}', '{"a":1,"a":1}', '{"a":-0}', '{"a":null}', '{}', '{"€":"€uro"}',
    ].join('\n') + '\n';
    assert.deepEqual(taken(s, 65536), [
      '131052-308T\tPäivi Mäkelä\tp@example.org\t+358 50 199 5883\t12\ttrue\t\n',
      null, null, null, null, null, null, '', '€uro\n',
    ]);
    // A cell over the limit is cut by JavaScript, not here.
    assert.deepEqual(taken('{"a":"abcdef","b":"ab"}\n', 5), [null]);
    assert.deepEqual(taken('{"a":"abcde","b":"ab"}\n', 5), ['abcde\tab\n']);
  });

  it('leaves nothing in its memory, also when the work inside throws', () => {
    const s = '{"secret":"value 1234"}\n'.repeat(500);
    assert.throws(() => withJsonLines(s, 100, () => {
      throw new Error('sink failed');
    }), /sink failed/);
    assert.equal(jsonLinesKernelResidue(), 0);
    assert.equal(taken(s, 100).filter((x) => x === 'value 1234\n').length, 500);
    assert.equal(jsonLinesKernelResidue(), 0);
  });

  it('without WebAssembly (node --jitless), a JSON Lines file extracts to the same rows', () => {
    const text = `${Array.from({ length: 300 }, (_, i) => JSON.stringify({ id: `r${i}`, name: `Aino ${i}`, c: { e: `a${i}@example.test`, n: i } })).join('\n')}\n{"bad": 1.5}\n`;
    const modules = {
      extract: new URL('../../src/extract/extract.ts', import.meta.url).href,
      sink: new URL('./recording-sink.ts', import.meta.url).href,
    };
    const script = `
      import { extract } from ${JSON.stringify(modules.extract)};
      import { RecordingSink } from ${JSON.stringify(modules.sink)};
      const sink = new RecordingSink();
      const bytes = new TextEncoder().encode(${JSON.stringify(text)});
      await extract((async function* () { yield bytes; })(), 'd.jsonl', sink);
      console.log(JSON.stringify({ wasm: typeof WebAssembly, rowsParts: sink.rowsParts, trace: sink.trace(false) }));`;
    const run = (args: string[]) => {
      const child = spawnSync(process.execPath, [...args, '--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 60_000, maxBuffer: 1 << 26 });
      assert.equal(child.status, 0, child.stderr);
      return JSON.parse(child.stdout) as { wasm: string; rowsParts: number; trace: string[] };
    };
    const plain = run(['--jitless']);
    const fast = run([]);
    assert.equal(plain.wasm, 'undefined');
    assert.equal(plain.rowsParts, 0);
    assert.ok(fast.rowsParts > 0);
    assert.deepEqual(fast.trace, plain.trace);
    assert.equal(plain.trace.filter((t) => t.startsWith('row ')).length, 301);
  });
});

