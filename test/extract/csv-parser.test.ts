import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { CsvParser } from '../../src/extract/csv-parser.js';
import { cutAt } from '../support/cut-string.js';

interface Parsed {
  rows: { cells: string[]; line: number }[];
  truncated: boolean;
  closed: boolean;
  line: number;
}

/**
 * The parser's contract, one character at a time: CR, LF or CRLF end a row
 * (CR alone inside quotes is text, LF inside quotes counts a line), "" inside
 * quotes is a quote, text after a closing quote is kept, empty lines are
 * skipped, a cell keeps at most maxCell characters and a row at most maxRow
 * (each cell costing its length plus one; a cell that does not fit is dropped).
 */
function reference(text: string, delimiter: string, maxCell: number, maxRow: number): Parsed {
  const out: Parsed = { rows: [], truncated: false, closed: true, line: 1 };
  let state: 'start' | 'unquoted' | 'quoted' | 'afterQuote' = 'start';
  let row: string[] = [];
  let rowChars = 0;
  let cell = '';
  let cellQuoted = false;
  let rowLine = 1;
  const add = (c: string): void => {
    if (cell.length < maxCell) cell += c;
    else out.truncated = true;
  };
  const endCell = (): void => {
    if (rowChars + cell.length + 1 > maxRow) out.truncated = true;
    else {
      row.push(cell);
      rowChars += cell.length + 1;
    }
    cell = '';
    cellQuoted = false;
    state = 'start';
  };
  const endRow = (): void => {
    if (row.length > 0) out.rows.push({ cells: row, line: rowLine });
    row = [];
    rowChars = 0;
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (state === 'quoted') {
      if (c === '"') state = 'afterQuote';
      else {
        if (c === '\n') out.line++;
        add(c);
      }
      continue;
    }
    if (state === 'afterQuote' && c === '"') {
      add('"');
      state = 'quoted';
      continue;
    }
    if (state === 'start' && c === '"') {
      state = 'quoted';
      cellQuoted = true;
      continue;
    }
    if (c === delimiter) {
      endCell();
    } else if (c === '\n' || c === '\r') {
      if (row.length > 0 || cell.length > 0 || cellQuoted) {
        endCell();
        endRow();
      }
      state = 'start';
      if (c === '\r' && text[i + 1] === '\n') i++;
      out.line++;
      rowLine = out.line;
    } else {
      state = 'unquoted';
      add(c);
    }
  }
  out.closed = state !== 'quoted';
  if (state !== 'start' || row.length > 0) {
    endCell();
    endRow();
  }
  return out;
}

function parse(pieces: string[], delimiter: string, maxCell: number, maxRow: number): Parsed {
  const rows: Parsed['rows'] = [];
  const p = new CsvParser({ delimiter, maxCellChars: maxCell, maxRowChars: maxRow, onRow: (cells, line) => rows.push({ cells, line }) });
  for (const piece of pieces) p.write(piece);
  const closed = p.end();
  return { rows, truncated: p.truncated, closed, line: p.currentLine };
}

const delimiter = fc.constantFrom(',', ';', '\t', '|');
/** Cells made of the characters that matter, some quoted, some long. */
const cell = fc.oneof(
  fc.string({ unit: fc.constantFrom('a', 'ä', ' ', 'x', '😀'), maxLength: 6 }),
  fc.string({ unit: fc.constantFrom('a', ',', ';', '\t', '|', '"', '\n', '\r', ' '), maxLength: 6 }).map((s) => `"${s.replace(/"/g, '""')}"`),
  fc.string({ unit: fc.constantFrom('a', '"', 'b'), maxLength: 4 }),
  fc.integer({ min: 20, max: 90 }).map((n) => 'y'.repeat(n)),
);
const lineEnd = fc.constantFrom('\n', '\r\n', '\r', '\n\n', '\r\r\n');
/** Rows of cells joined by a delimiter chosen per row (so that other delimiters appear as text too). */
const csvText = fc
  .array(fc.tuple(fc.array(cell, { maxLength: 6 }), delimiter, lineEnd), { maxLength: 12 })
  .map((rows) => rows.map(([cells, d, end]) => cells.join(d) + end).join(''));
/** Anything at all over the interesting alphabet, including unbalanced quotes. */
const noise = fc.string({ unit: fc.constantFrom('a', 'b', ',', ';', '\t', '|', '"', '\n', '\r', ' ', 'ä'), maxLength: 300 });
const limits = fc.oneof(
  fc.constant<[number, number]>([1 << 16, 1 << 20]),
  fc.tuple(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 120 })),
);

describe('CsvParser against a character-by-character reference', () => {
  it('same rows, lines, truncation and end state for any text, delimiter, limits and cutting', () => {
    fc.assert(
      fc.property(fc.oneof(csvText, noise), delimiter, limits, fc.array(fc.nat(), { maxLength: 8 }), (text, d, [maxCell, maxRow], cuts) => {
        const expected = reference(text, d, maxCell, maxRow);
        assert.deepEqual(parse([text], d, maxCell, maxRow), expected);
        assert.deepEqual(parse(cutAt(text, cuts), d, maxCell, maxRow), expected);
      }),
      { numRuns: 3000 },
    );
  });

  it('a CR at the end of one piece and an LF at the start of the next are one line end', () => {
    const expected = reference('a,b\r\nc,d\r\n', ',', 100, 100);
    assert.deepEqual(parse(['a,b\r', '\nc,d\r', '\n'], ',', 100, 100), expected);
    assert.deepEqual(expected.rows, [
      { cells: ['a', 'b'], line: 1 },
      { cells: ['c', 'd'], line: 2 },
    ]);
  });

  it('a cell dropped for the row limit does not end the row', () => {
    // The first cell alone exceeds maxRowChars; the rest of the line still belongs to row 1.
    const got = parse(['yyyyyyyyyy,a,b\nc\n'], ',', 100, 5);
    assert.deepEqual(got, reference('yyyyyyyyyy,a,b\nc\n', ',', 100, 5));
    assert.deepEqual(got.rows, [
      { cells: ['a', 'b'], line: 1 },
      { cells: ['c'], line: 2 },
    ]);
    assert.equal(got.truncated, true);
  });

  it('a long line of quoted cells takes linear time', () => {
    // Looking for the next newline from every quoted cell made this quadratic: over 10 s for these 4 MB.
    const text = `${'"a",'.repeat(1024 * 1024)}\n`;
    let cells = 0;
    const t0 = performance.now();
    const p = new CsvParser({ delimiter: ',', maxCellChars: 10, maxRowChars: 1 << 22, onRow: (row) => (cells += row.length) });
    p.write(text);
    p.end();
    assert.equal(cells, 1024 * 1024 + 1);
    assert.ok(performance.now() - t0 < 3000, `took ${Math.round(performance.now() - t0)} ms`);
  });

  it('refuses a delimiter that is a quote or a line end', () => {
    for (const d of ['"', '\n', '\r', ',,', '']) {
      assert.throws(() => new CsvParser({ delimiter: d, maxCellChars: 1, maxRowChars: 1, onRow: () => undefined }), RangeError);
    }
  });

  it('long plain lines are cut by both limits exactly as quoted ones are', () => {
    const line = `${'x'.repeat(30)},${'z'.repeat(3)},${'w'.repeat(30)}`;
    const plain = parse([`${line}\n`], ',', 10, 20);
    const quoted = parse([`${line.split(',').map((c) => `"${c}"`).join(',')}\n`], ',', 10, 20);
    assert.deepEqual(plain.rows, [{ cells: ['x'.repeat(10), 'zzz'], line: 1 }]);
    assert.deepEqual(quoted, plain);
  });
});

/**
 * The parser with onLines: each run's lines are checked against onLines'
 * contract and stand for rows (cells by split, lines counted), in order with
 * the rows onRow gets.
 */
function parseWithLines(pieces: string[], delimiter: string, maxCell: number, maxRow: number): Parsed & { runs: number } {
  const rows: Parsed['rows'] = [];
  let runs = 0;
  const p = new CsvParser({
    delimiter,
    maxCellChars: maxCell,
    maxRowChars: maxRow,
    onRow: (cells, at) => rows.push({ cells, line: at }),
    onLines: (s, from, to) => {
      runs++;
      assert.ok(to > from && s.charCodeAt(to - 1) === 0x0a, 'a run ends with LF');
      const lines = s.slice(from, to - 1).split('\n');
      for (const l of lines) {
        assert.ok(l.length > 0 && l.length <= maxCell && !/["\r]/.test(l), `not a plain line: ${JSON.stringify(l)}`);
        rows.push({ cells: l.split(delimiter), line: -1 });
      }
    },
  });
  for (const piece of pieces) p.write(piece);
  const closed = p.end();
  return { rows, truncated: p.truncated, closed, line: p.currentLine, runs };
}

/** Rows without their line numbers, where onLines gives none. */
function withoutLines(parsed: Parsed, like: Parsed): Parsed {
  return { ...parsed, rows: parsed.rows.map((r, i) => (like.rows[i]?.line === -1 ? { ...r, line: -1 } : r)) };
}

describe('CsvParser with onLines', () => {
  it('runs of plain lines stand for exactly the rows onRow would get, in order, for any text, limits and cutting', () => {
    fc.assert(
      fc.property(fc.oneof(csvText, noise), delimiter, limits, fc.array(fc.nat(), { maxLength: 8 }), (text, d, [maxCell, maxRow], cuts) => {
        const expected = reference(text, d, maxCell, maxRow);
        for (const pieces of [[text], cutAt(text, cuts)]) {
          const { runs, ...got } = parseWithLines(pieces, d, maxCell, maxRow);
          void runs;
          assert.deepEqual(got, withoutLines(expected, got));
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('takes a table of plain lines as one run per piece, and a line with a quote, a CR or too long a cell row by row', () => {
    const plain = 'a;b;c\n1;2;3\n4;5;6\n';
    const got = parseWithLines([plain], ';', 100, 1000);
    assert.equal(got.runs, 1);
    assert.deepEqual(got.rows.map((r) => r.cells), [['a', 'b', 'c'], ['1', '2', '3'], ['4', '5', '6']]);
    assert.equal(got.line, 4);
    const mixed = parseWithLines(['a;b\n"q";r\n', 's;t\r\nu;v\n', `${'w'.repeat(20)};x\ny;z\n`], ';', 10, 1000);
    assert.deepEqual(mixed.rows, [
      { cells: ['a', 'b'], line: -1 },
      { cells: ['q', 'r'], line: 2 },
      { cells: ['s', 't'], line: 3 },
      { cells: ['u', 'v'], line: -1 },
      { cells: ['w'.repeat(10), 'x'], line: 5 },
      { cells: ['y', 'z'], line: -1 },
    ]);
    assert.equal(mixed.runs, 3);
    assert.equal(mixed.truncated, true);
  });
});
