import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { extract } from '../../src/extract/extract.js';
import { flattenJson, type FlatRecord } from '../../src/extract/json-flatten.js';
import { flattenJsonLine } from '../../src/extract/json-line.js';
import { JsonSplitter } from '../../src/extract/json-splitter.js';
import type { Part } from '../../src/extract/types.js';
import { inPieces } from '../fixtures/make-fixtures.js';
import { cutAt } from '../support/cut-string.js';
import { RecordingSink } from './recording-sink.js';

const enc = new TextEncoder();
const isObject = (v: unknown): v is object => typeof v === 'object' && v !== null;

/** flattenJson's contract, written recursively. */
function referenceFlatten(value: unknown, max: number): FlatRecord[] {
  const cell = (v: unknown): string => (v === null ? '' : String(v)).slice(0, max);
  const join = (prefix: string, key: string): string => (prefix === '' ? key : `${prefix}.${key}`).slice(0, max);
  const out: FlatRecord[] = [];
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) {
      const scalars = v.filter((x) => !isObject(x));
      if (scalars.length > 0) out.push({ header: [], cells: scalars.map(cell) });
      v.filter(isObject).forEach(visit);
      return;
    }
    if (!isObject(v)) {
      out.push({ header: [], cells: [cell(v)] });
      return;
    }
    const record: FlatRecord = { header: [], cells: [] };
    const children: unknown[] = [];
    const walk = (key: string, x: unknown): void => {
      if (Array.isArray(x)) {
        if (x.length > 0 && x.every(isObject)) children.push(...x);
        else x.forEach((y, i) => walk(join(key, String(i)), y));
      } else if (isObject(x)) {
        for (const [k, y] of Object.entries(x)) walk(join(key, k), y);
      } else {
        record.header.push(key);
        record.cells.push(cell(x));
      }
    };
    walk('', v);
    if (record.cells.length > 0) out.push(record);
    children.forEach(visit);
  };
  visit(value);
  return out;
}

const rowsOf = (value: unknown, max: number): Part[] =>
  referenceFlatten(value, max).map((r) => (r.header.length > 0 ? { kind: 'row', cells: r.cells, header: r.header } : { kind: 'row', cells: r.cells }));

type Event = { k: 'value'; v: unknown; line: number } | { k: 'text'; t: string };

/** Runs the splitter the way the JSON extractor does; `fast` also offers it the parsed-line handler. */
function split(pieces: string[], maxRecord: number, fast: boolean): { events: Event[]; oversized: boolean; line: number } {
  const events: Event[] = [];
  const text = (t: string): void => {
    const last = events.at(-1);
    if (last?.k === 'text') last.t += t;
    else if (t !== '') events.push({ k: 'text', t });
  };
  const s = new JsonSplitter(
    {
      record(t, line) {
        let v: unknown;
        try {
          v = JSON.parse(t);
        } catch {
          text(`${t}\n`);
          return;
        }
        events.push({ k: 'value', v, line });
      },
      passthrough: text,
      ...(fast ? { value: (v: unknown, line: number) => events.push({ k: 'value', v, line }) } : {}),
    },
    maxRecord,
  );
  for (const p of pieces) s.write(p);
  s.end();
  return { events, oversized: s.oversizedSeen, line: s.currentLine };
}

const record = fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 5 });
/** Lines that are broken but keep brackets balanced and strings closed, so they stay lines of their own. */
const brokenLine = fc.oneof(
  record.filter((r) => Object.keys(r).length > 0).map((r) => `${JSON.stringify(r).slice(0, -1)},}`),
  fc.string({ maxLength: 5 }).map((k) => `{${JSON.stringify(k)}: broken}`),
  fc.constantFrom('{x}', '[1,]', '{"a" 1}', '{"a":1,"b":tru}'),
);
/** Lines that are not one record of their own: two records, or structure that breaks the rest of the input. */
const trickyLine = fc.constantFrom('{}{}', '{"a":1} {"b":2}', '[]x', '{"a":1}}{', '{"a":"open', '{"a":[1}', '\uFEFF{"a":1}');
const validLine = fc.oneof(
  record.map((r) => JSON.stringify(r)),
  fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 4 }).map((a) => JSON.stringify(a)),
  fc.constantFrom('{"s":"\\"}"}', '{"s":"\\\\"}', '{"a":\r1}'),
);
const spaced = (line: fc.Arbitrary<string>): fc.Arbitrary<string> =>
  fc.tuple(fc.constantFrom('', ' ', '\t'), line, fc.constantFrom('', '\r', ' ', ' \r')).map(([a, l, b]) => a + l + b);

describe('JSON Lines: the whole-line fast path', () => {
  it('gives the same records, text, line numbers and flags as the character scan, for any text and cutting', () => {
    const noise = fc.string({ unit: fc.constantFrom('{', '}', '[', ']', '"', '\\', ',', ':', 'a', '1', ' ', '\n', '\r', '\uFEFF'), maxLength: 200 });
    const lines = fc.array(fc.oneof(spaced(validLine), spaced(brokenLine), spaced(trickyLine), noise), { maxLength: 10 }).map((l) => l.join('\n'));
    fc.assert(
      fc.property(fc.oneof(lines, noise), fc.constantFrom(16, 64, 1 << 20), fc.array(fc.nat(), { maxLength: 8 }), (text, maxRecord, cuts) => {
        const pieces = cutAt(text, cuts);
        assert.deepEqual(split(pieces, maxRecord, true), split(pieces, maxRecord, false));
      }),
      { numRuns: 3000 },
    );
  });

  it('treats a line exactly at the record limit, and one past it, as the scan does', () => {
    fc.assert(
      fc.property(fc.array(spaced(validLine), { minLength: 2, maxLength: 6 }), fc.nat(), fc.integer({ min: -1, max: 1 }), (lines, pick, delta) => {
        const text = `${lines.join('\n')}\n`;
        const maxRecord = Math.max(1, (lines[pick % lines.length] as string).trim().length + delta);
        assert.deepEqual(split([text], maxRecord, true), split([text], maxRecord, false));
      }),
      { numRuns: 1000 },
    );
  });

  it('parses lines that end in a piece through the fast path, and the rest by the scan', () => {
    const values: Event[] = [];
    const records: string[] = [];
    const s = new JsonSplitter(
      { record: (t) => records.push(t), passthrough: () => assert.fail('no passthrough'), value: (v, line) => values.push({ k: 'value', v, line }) },
      1 << 20,
    );
    s.write('{"a":1}\n{"b":');
    s.write('2}\n{"c":3}\n');
    s.end();
    // The first line opens the document (its mode is not known yet); the second is cut by the piece boundary.
    assert.deepEqual(records, ['{"a":1}', '{"b":2}']);
    assert.deepEqual(values, [{ k: 'value', v: { c: 3 }, line: 3 }]);
  });
});

describe('flattenJsonLine: objects flattened straight from their text', () => {
  /** Keys that JSON.parse treats specially (array indexes come first; __proto__ is an own property) or that need escapes. */
  const key = fc.oneof(
    { weight: 4, arbitrary: fc.string({ maxLength: 6 }) },
    { weight: 1, arbitrary: fc.constantFrom('0', '7', '01', '4294967294', '4294967295', '-1', '1.5', '__proto__', 'a.b', 'é', '\u0041', 'x"y', '\\') },
  );
  const scalar = fc.oneof(
    fc.string({ maxLength: 12 }),
    fc.string({ unit: 'binary', maxLength: 6 }),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.integer(),
    fc.constantFrom(true, false, null, 0, -0, 1e21, 1e-7, 123456789012345680000, 0.1),
  );
  const { node } = fc.letrec<{ node: unknown }>((tie) => ({
    node: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, fc.dictionary(key, tie('node'), { maxKeys: 4 }), fc.array(tie('node'), { maxLength: 2 })),
  }));
  const object = fc.dictionary(key, node, { maxKeys: 6 });
  /** JSON text of an object, with random whitespace between tokens and some numbers written another way. */
  const text = fc.tuple(object, fc.constantFrom(0, 1, 2), fc.constantFrom('', ' ', '\t', '\r', ' \r\n ')).map(([o, indent, ws]) =>
    JSON.stringify(o, null, indent)
      .replace(/":/g, `"${ws}:${ws}`)
      .replace(/,"/g, `,${ws}"`),
  );
  /** Valid JSON the stringifier never writes: other number forms, escapes, duplicate keys. */
  const written = fc.constantFrom(
    '{"n":1.0,"m":-0,"e":1E+2,"f":2e-0,"g":0.000001,"h":10000000000000000000000}',
    '{"s":"\\u00e4\\/\\b\\n","t":"\\ud83d\\ude00","u":"\\udc00"}',
    '{"a":1,"a":2}',
    '{"a":{"b":1},"c":{"b":2,"b":3}}',
    '{"b":1,"2":2,"a":{"1":3}}',
    '{"__proto__":{"x":1},"y":2}',
    '{}',
    '{"a":{},"b":{"c":{}}}',
    '  {"a" : true , "b":false,"c" :null }\t',
  );
  /** Text that is not valid JSON, or not one object. */
  const mutated = fc.tuple(text, fc.nat(), fc.constantFrom('', ',', '}', '{', '"', ':', '[', '\\', '0', '-', 'x', '\u0001', ' ')).map(([t, at, c]) => {
    const i = at % (t.length + 1);
    return t.slice(0, i) + c + t.slice(i + (c === '' || at % 2 ? 1 : 0));
  });

  it('gives flattenJson(JSON.parse(text)) or declines, for valid and invalid text, any cell limit', () => {
    let handled = 0;
    let runs = 0;
    fc.assert(
      fc.property(fc.oneof({ weight: 4, arbitrary: text }, { weight: 1, arbitrary: written }, { weight: 3, arbitrary: mutated }), fc.constantFrom(3, 40, 1 << 20), fc.string({ maxLength: 3 }), (line, max, pad) => {
        runs++;
        const s = `${pad}${line}${pad}`;
        const got = flattenJsonLine(s, pad.length, pad.length + line.length, max);
        if (got === null) return;
        handled++;
        // Handled: it must be valid JSON and flatten to exactly one record (or none without cells).
        const expected = referenceFlatten(JSON.parse(line), max);
        assert.deepEqual(got.cells.length > 0 ? [got] : [], expected);
      }),
      { numRuns: 3000 },
    );
    // Most objects without arrays or special keys take the fast path: the property above is not vacuous.
    assert.ok(handled > runs / 5, `${handled} of ${runs} handled`);
  });

  it('takes the common record, with nested objects, escapes and numbers, and declines arrays, duplicates and index keys', () => {
    const line = '{"id":"130553Y9934","name":"P\\u00e4ivi M\u00e4kel\u00e4","age":41.50,"ok":true,"x":null,"contact":{"email":"p@example.com","phone":"+358 50 199 5883"}}';
    assert.deepEqual(flattenJsonLine(line, 0, line.length, 1000), {
      header: ['id', 'name', 'age', 'ok', 'x', 'contact.email', 'contact.phone'],
      cells: ['130553Y9934', 'P\u00e4ivi M\u00e4kel\u00e4', '41.5', 'true', '', 'p@example.com', '+358 50 199 5883'],
    });
    // The duplicate-key search is linear per key: an object of more than 64 keys is left to JSON.parse.
    const wide = (n: number) => `{${Array.from({ length: n }, (_, i) => `"k${i}":1`).join(',')}}`;
    assert.equal(flattenJsonLine(wide(64), 0, wide(64).length, 1000)?.cells.length, 64);
    assert.equal(flattenJsonLine(wide(65), 0, wide(65).length, 1000), null);
    for (const declined of ['{"a":[1]}', '{"a":1,"a":2}', '{"1":1}', '[{"a":1}]', '{"a":1}x', '{"a":01}', '{"a":"\\x"}', `${'{"a":'.repeat(40)}1${'}'.repeat(40)}`]) {
      assert.equal(flattenJsonLine(declined, 0, declined.length, 1000), null, declined);
    }
  });
});

describe('flattenJson', () => {
  it('matches the recursive definition', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 5 }), fc.constantFrom(3, 1 << 16), (value, max) => {
        assert.deepEqual(flattenJson(value, max), referenceFlatten(value, max));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('extract: JSON Lines against JSON.parse per line', () => {
  /** What extraction must give: rows per valid line; broken and over-long lines as text; then the limit issue. */
  function expected(lines: string[], maxRecord: number, maxCell: number): string[] {
    const parts: Part[] = [];
    let text = '';
    let oversized = false;
    for (const line of lines) {
      const record = line.replace(/^[ \t\r]+|[ \t\r]+$/g, '');
      if (record === '') continue;
      if (record.length > maxRecord) {
        oversized = true;
        text += record;
        continue;
      }
      let value: unknown;
      try {
        value = JSON.parse(record);
      } catch {
        text += `${record}\n`;
        continue;
      }
      parts.push(...rowsOf(value, maxCell));
    }
    const sink = new RecordingSink();
    for (const part of parts) sink.part(part);
    if (text !== '') sink.part({ kind: 'text', text });
    return [
      'begin dump.jsonl application/x-ndjson',
      ...sink.trace(false),
      ...(oversized ? ['issue dump.jsonl LW_EXTRACT_LIMIT'] : []),
      'end dump.jsonl',
    ];
  }

  async function actual(text: string, piece: number, limits: { maxBufferBytes: number; maxCellChars: number }): Promise<string[]> {
    const sink = new RecordingSink();
    await extract(inPieces(enc.encode(text), piece), 'dump.jsonl', sink, { limits });
    // Without headers: records the WebAssembly loop flattens arrive without their keys.
    return sink.trace(false);
  }

  it('valid, broken and over-long lines, LF or CRLF, any read size', async () => {
    const hugeLine = fc.integer({ min: 200, max: 2000 }).map((n) => JSON.stringify({ blob: 'z'.repeat(n) }));
    const body = fc.array(fc.oneof({ weight: 6, arbitrary: spaced(validLine) }, { weight: 2, arbitrary: spaced(brokenLine) }, { weight: 1, arbitrary: hugeLine }, { weight: 1, arbitrary: fc.constant('') }), {
      maxLength: 30,
    });
    await fc.assert(
      fc.asyncProperty(record, body, fc.integer({ min: 1, max: 300 }), fc.boolean(), async (first, rest, piece, lastNewline) => {
        // The first line must open a record for the document to be read as JSON Lines.
        const lines = [JSON.stringify(first), ...rest];
        const text = lines.join('\n') + (lastNewline ? '\n' : '');
        const limits = { maxBufferBytes: 150, maxCellChars: 40 };
        assert.deepEqual(await actual(text, piece, limits), expected(lines, 150, 40));
      }),
      { numRuns: 400 },
    );
  });

  it('a line of several MiB between ordinary lines, read in 1 MiB pieces', async () => {
    const huge = JSON.stringify({ blob: 'q'.repeat(3 * 1024 * 1024) });
    const lines = ['{"email":"a@example.test","n":1}', huge, '{"email": broken}', '{"email":"b@example.test","n":2}'];
    const text = `${lines.join('\n')}\n`;
    const limits = { maxBufferBytes: 1024 * 1024, maxCellChars: 64 * 1024 };
    const sink = new RecordingSink(false);
    await extract(inPieces(enc.encode(text), 1024 * 1024), 'dump.jsonl', sink, { limits });
    const rows = sink.events.flatMap((e) => (e.kind === 'part' && e.part.kind === 'row' ? [e.part.cells.join('|')] : []));
    assert.deepEqual(rows, ['a@example.test|1', 'b@example.test|2']);
    assert.equal(sink.textChars, huge.length + '{"email": broken}\n'.length);
    assert.ok(sink.maxPart <= 1024 * 1024);
    assert.deepEqual(
      sink.events.filter((e) => e.kind === 'issue').map((e) => e.kind === 'issue' && e.issue.code),
      ['LW_EXTRACT_LIMIT'],
    );
  });
});
