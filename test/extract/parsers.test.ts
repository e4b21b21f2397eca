import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { CsvParser, sniffDelimiter } from '../../src/extract/csv-parser.js';
import { detectType } from '../../src/extract/detect.js';
import { htmlTables, htmlToText } from '../../src/extract/html-dom.js';
import { estimateDepth } from '../../src/extract/html-dom.js';
import { HtmlStripper } from '../../src/extract/html-stripper.js';
import { JsonSplitter } from '../../src/extract/json-splitter.js';
import { TextChunker } from '../../src/extract/text-chunker.js';
import { isDateFormat, serialToIso } from '../../src/extract/xlsx-reader.js';

import { makeDocx, makeXlsx, makeZip } from '../fixtures/make-fixtures.js';
import { cutAtFractions } from '../support/cut-string.js';

const enc = new TextEncoder();

function parseCsv(pieces: string[], delimiter = ','): string[][] {
  const rows: string[][] = [];
  const p = new CsvParser({ delimiter, maxCellChars: 1 << 20, maxRowChars: 1 << 22, onRow: (cells) => rows.push(cells) });
  for (const piece of pieces) p.write(piece);
  assert.equal(p.end(), true);
  return rows;
}

describe('CsvParser', () => {
  it('round-trips quoted records however the text is split', () => {
    const cell = fc.string({ unit: fc.constantFrom('a', 'ä', ',', ';', '"', '\n', '\r', ' ', 'x') , maxLength: 8 });
    fc.assert(
      fc.property(fc.array(fc.array(cell, { minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 8 }), fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 6 }), (rows, cuts) => {
        const text = rows.map((r) => r.map((c) => `"${c.replace(/"/g, '""')}"`).join(',')).join('\r\n');
        assert.deepEqual(parseCsv(cutAtFractions(text, cuts)), rows);
      }),
      { numRuns: 300 },
    );
  });

  it('handles CR, LF and CRLF split across chunks, and skips empty lines', () => {
    assert.deepEqual(parseCsv(['a,b\r', '\n1,2\r3,4\n\n', '5,6']), [['a', 'b'], ['1', '2'], ['3', '4'], ['5', '6']]);
  });

  it('reports the line each row starts on and unterminated quotes', () => {
    const lines: number[] = [];
    const p = new CsvParser({ delimiter: ';', maxCellChars: 100, maxRowChars: 1000, onRow: (_c, line) => lines.push(line) });
    p.write('h1;h2\n"multi\nline";x\n\ny;"open');
    assert.equal(p.end(), false);
    assert.deepEqual(lines, [1, 2, 5]);
  });

  it('bounds cells and rows', () => {
    const rows: string[][] = [];
    const p = new CsvParser({ delimiter: ',', maxCellChars: 5, maxRowChars: 12, onRow: (c) => rows.push(c) });
    p.write(`${'y'.repeat(50)},b,c,d,e,f,g,h\n`);
    p.end();
    assert.deepEqual(rows, [['yyyyy', 'b', 'c', 'd']]);
    assert.equal(p.truncated, true);
  });

  it('sniffs the delimiter, and not in prose', () => {
    assert.equal(sniffDelimiter('a;b;c\n1;2;3\n4;5;6\n', true), ';');
    assert.equal(sniffDelimiter('a\tb\n1\t2\n3\t4\n', true), '\t');
    assert.equal(sniffDelimiter('Dear patient, your visit is moved.\nRegards, the clinic, Tampere\nSee you soon\n', true), undefined);
  });
});

describe('TextChunker', () => {
  it('keeps all text, in order, in chunks of at most maxChunkChars', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: fc.constantFrom('a', 'b', ' ', '\n', '😀'), maxLength: 300 }), { maxLength: 10 }), fc.integer({ min: 4, max: 64 }), (pieces, max) => {
        const out: string[] = [];
        const c = new TextChunker((t) => out.push(t), max, 3);
        for (const p of pieces) c.write(p);
        c.end();
        assert.equal(out.join(''), pieces.join(''));
        for (const o of out) assert.ok(o.length <= max && o.length > 0);
      }),
      { numRuns: 300 },
    );
  });
});

describe('JsonSplitter', () => {
  it('yields each element of a top-level array however the text is split', () => {
    fc.assert(
      fc.property(fc.array(fc.jsonValue({ maxDepth: 3 }), { maxLength: 6 }), fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 6 }), (values, cuts) => {
        const text = JSON.stringify(values, null, 1);
        const records: unknown[] = [];
        const s = new JsonSplitter({ record: (t) => records.push(JSON.parse(t)), passthrough: (t) => assert.equal(t.trim(), '') }, 1 << 20);
        for (const piece of cutAtFractions(text, cuts)) s.write(piece);
        s.end();
        assert.deepEqual(records, JSON.parse(text));
      }),
      { numRuns: 300 },
    );
  });

  it('JSON Lines with line numbers; oversized records pass through as text', () => {
    const got: string[] = [];
    const through: string[] = [];
    const s = new JsonSplitter({ record: (t, line) => got.push(`${line}:${t}`), passthrough: (t) => through.push(t) }, 20);
    s.write('{"a":1}\n{"b":"');
    s.write(`${'z'.repeat(40)}"}\n{"c":[1,"]"]}\n`);
    s.end();
    assert.deepEqual(got, ['1:{"a":1}', '3:{"c":[1,"]"]}']);
    assert.equal(through.join(''), `{"b":"${'z'.repeat(40)}"}`);
    assert.equal(s.oversizedSeen, true);
  });
});

describe('HTML helpers', () => {
  it('htmlToText drops scripts and styles, keeps the title, puts blocks on lines', () => {
    const text = htmlToText('<html><head><title>Otsikko</title><script>x()</script></head><body><div>A<span> b</span></div><p>C&nbsp;d<br>e</p><pre>  keep\n  this</pre></body></html>');
    assert.equal(text, 'Otsikko\nA b\nC d\ne\n  keep\n  this\n');
  });

  it('htmlTables: header from th, nested tables separately', () => {
    const tables = htmlTables('<table><tr><th>k</th><th>v</th></tr><tr><td>a</td><td><table><tr><td>in</td></tr></table></td></tr></table>');
    assert.deepEqual(tables, [{ header: ['k', 'v'], rows: [['a', 'in']] }, { rows: [['in']] }]);
  });

  it('the streaming stripper agrees with the DOM path on simple pages', () => {
    const html = '<html><head><title>T</title><style>p{}</style></head><body><h1>Head &amp; more</h1><p>one <i>two</i></p><!-- c --><ul><li>x</li><li>y</li></ul><script>if (a<b) {}</script></body></html>';
    let streamed = '';
    const s = new HtmlStripper((t) => (streamed += t));
    for (const piece of cutAtFractions(html, [0.1, 0.33, 0.5, 0.77])) s.write(piece);
    s.end();
    assert.equal(streamed, htmlToText(html));
  });

  it('estimates nesting depth linearly, ignoring void elements and closed tags', () => {
    assert.equal(estimateDepth('<div><br><img src=x><p>a</p><p>b</p></div>', 100), 2);
    assert.ok(estimateDepth('<b>'.repeat(1000), 100) > 100);
  });
});

describe('detectType', () => {
  const d = (s: string | Uint8Array, name = 'x', hint?: string): string =>
    detectType(typeof s === 'string' ? enc.encode(s) : s, name, hint, true).kind;

  it('magic bytes beat names and hints', () => {
    assert.equal(d(Uint8Array.from([0x50, 0x4b, 0x03, 0x04, 0, 0]), 'a.txt', 'text/html'), 'zip');
    assert.equal(d('%PDF-1.4\n', 'a.html'), 'pdf');
    assert.equal(d(Uint8Array.from([0x1f, 0x8b, 8, 0]), 'a.csv'), 'gzip');
  });

  it('OOXML is recognised by its main part name, not by a look-alike path', () => {
    assert.equal(d(makeDocx(['x']), 'download'), 'docx');
    assert.equal(d(makeXlsx([{ name: 'S', rows: [['a']] }]), 'download'), 'xlsx');
    assert.equal(d(makeZip({ 'report/word/document.xml': '<w:document/>' }), 'a.zip'), 'zip');
  });

  it('sniffs text kinds', () => {
    assert.equal(d('<!DOCTYPE html><p>x'), 'html');
    assert.equal(d('[{"a":1}]'), 'json');
    assert.equal(d('{"a":1}\n{"a":2}\n'), 'jsonl');
    assert.equal(d('[1] A footnote, not JSON.'), 'text');
    assert.equal(d('a,b\n1,2\n3,4\n'), 'csv');
    assert.equal(d('Just some words.\n'), 'text');
  });
});

describe('xlsx dates', () => {
  it('recognises date formats and converts serials', () => {
    assert.equal(isDateFormat('yyyy\\-mm\\-dd'), true);
    assert.equal(isDateFormat('#,##0.00 "kr"'), false);
    assert.equal(isDateFormat('[Red]0.00'), false);
    assert.equal(serialToIso(32874, false), '1990-01-01');
    assert.equal(serialToIso(32874.5, false), '1990-01-01T12:00:00');
    assert.equal(serialToIso(0, true), '1904-01-01');
  });
});
