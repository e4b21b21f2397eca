import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import iconv from 'iconv-lite';
import { gzipSync } from 'fflate';
import { extract } from '../../src/extract/extract.js';
import { chunksOf, inPieces, makeDocx, makePdf, makeXlsx, makeZip, syntheticPeople } from '../fixtures/make-fixtures.js';
import { RecordingSink } from './recording-sink.js';

const enc = new TextEncoder();
const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

async function run(name: string, bytes: Uint8Array, options: Parameters<typeof extract>[3] = {}, piece = 7): Promise<RecordingSink> {
  const sink = new RecordingSink();
  // Odd piece sizes make every parser cope with values split across chunks.
  await extract(inPieces(bytes, piece), name, sink, options);
  return sink;
}

describe('extract: formats', () => {
  it('plain text: begin, text, end with the hash and size of the raw bytes', async () => {
    const bytes = enc.encode('Potilas Aino Testinen\nkäynti 2.3.\n');
    const sink = await run('note.txt', bytes);
    assert.deepEqual(sink.trace(), ['begin note.txt text/plain', 'text Potilas Aino Testinen\nkäynti 2.3.\n', 'end note.txt']);
    assert.deepEqual(sink.ends()[0], { kind: 'end', ref: { source: 'note.txt', entry: [], mediaType: 'text/plain' }, sha256: sha(bytes), size: bytes.length });
  });

  it('text chunks stay under maxChunkChars and are cut after whitespace', async () => {
    const text = Array.from({ length: 200 }, (_, i) => `word${i}`).join(' ');
    const sink = await run('t.txt', enc.encode(text), { limits: { maxChunkChars: 100, maxCellChars: 50 } });
    const parts = sink.events.flatMap((e) => (e.kind === 'part' && e.part.kind === 'text' ? [e.part.text] : []));
    assert.equal(parts.join(''), text);
    assert.ok(parts.length > 10);
    for (const p of parts.slice(0, -1)) {
      assert.ok(p.length <= 100);
      assert.ok(p.endsWith(' '), 'cut after a space');
    }
  });

  it('UTF-16LE with BOM', async () => {
    const bytes = Uint8Array.from([0xff, 0xfe, ...Buffer.from('Hyvää päivää\n', 'utf16le')]);
    const sink = await run('u16.txt', bytes);
    assert.deepEqual(sink.trace(), ['begin u16.txt text/plain', 'text Hyvää päivää\n', 'end u16.txt']);
  });

  it('UTF-16BE with BOM', async () => {
    const le = Buffer.from('Grüße\n', 'utf16le');
    const be = Buffer.from(le).swap16();
    const sink = await run('u16be.txt', Uint8Array.from([0xfe, 0xff, ...be]));
    assert.equal(sink.text(), 'Grüße\n');
  });

  it('semicolon CSV in Latin-1: rows with the header, no text parts', async () => {
    const csv = 'nimi;kaupunki;sähköposti\nÄijö Mäkinen;Tampere;aijo@example.test\nSöderström Öljy;Oulu;"soder;strom@example.test"\n';
    const sink = await run('people.csv', iconv.encode(csv, 'latin1'));
    assert.deepEqual(sink.trace(), [
      'begin people.csv text/csv',
      'row nimi|kaupunki|sähköposti',
      'row Äijö Mäkinen|Tampere|aijo@example.test [nimi|kaupunki|sähköposti]',
      'row Söderström Öljy|Oulu|soder;strom@example.test [nimi|kaupunki|sähköposti]',
      'end people.csv',
    ]);
  });

  it('CSV of plain lines: the header as a row, the rest as rows parts standing for the same rows', async () => {
    const csv = `id,name,phone\n${Array.from({ length: 50 }, (_, i) => `${i},Aino ${i},040-12${i}`).join('\n')}\n"q",x,y\nlast,a,b\n`;
    // In 7-byte pieces no whole line is ever at hand: every row comes as a row part.
    const small = await run('plain.csv', enc.encode(csv));
    assert.equal(small.rowsParts, 0);
    const sink = await run('plain.csv', enc.encode(csv), {}, 1 << 20);
    assert.deepEqual(sink.trace(), small.trace());
    // Rows parts are recorded as the row parts they stand for: the trace is the row-by-row one.
    assert.deepEqual(sink.trace(), [
      'begin plain.csv text/csv',
      'row id|name|phone',
      ...Array.from({ length: 50 }, (_, i) => `row ${i}|Aino ${i}|040-12${i} [id|name|phone]`),
      'row q|x|y [id|name|phone]',
      'row last|a|b [id|name|phone]',
      'end plain.csv',
    ]);
    // The 50 plain lines came as one rows part, the line after the quoted one as another.
    assert.equal(sink.rowsParts, 2);
  });

  it('CSV sniffed from content: tabs, quoted newlines, CRLF', async () => {
    const csv = 'id\tname\tnote\r\n1\tAino\t"two\r\nlines"\r\n2\tEero\t"say ""hi"""\r\n3\tLiisa\tplain\r\n';
    const sink = await run('export', enc.encode(csv));
    assert.deepEqual(sink.trace(), [
      'begin export text/csv',
      'row id|name|note',
      'row 1|Aino|two\r\nlines [id|name|note]',
      'row 2|Eero|say "hi" [id|name|note]',
      'row 3|Liisa|plain [id|name|note]',
      'end export',
    ]);
  });

  it('CSV cells longer than maxCellChars are cut, with one limit issue', async () => {
    const csv = `a,b\n${'x'.repeat(500)},y\n`;
    const sink = await run('long.csv', enc.encode(csv), { limits: { maxCellChars: 100 } });
    assert.deepEqual(sink.trace(), [
      'begin long.csv text/csv',
      'row a|b',
      `row ${'x'.repeat(100)}|y [a|b]`,
      'issue long.csv LW_EXTRACT_LIMIT',
      'end long.csv',
    ]);
  });

  it('JSON array of objects: flattened rows; arrays of objects become their own rows', async () => {
    const json = JSON.stringify([
      { id: 1, name: { first: 'Aino', last: 'Testinen' }, tags: ['a', 'b'] },
      { id: 2, visits: [{ date: '2020-01-01' }, { date: '2020-02-01' }], ok: true, none: null },
    ]);
    const sink = await run('dump.json', enc.encode(json));
    assert.deepEqual(sink.trace(), [
      'begin dump.json application/json',
      'row 1|Aino|Testinen|a|b [id|name.first|name.last|tags.0|tags.1]',
      'row 2|true| [id|ok|none]',
      'row 2020-01-01 [date]',
      'row 2020-02-01 [date]',
      'end dump.json',
    ]);
  });

  it('a single object wrapping a list of records', async () => {
    const json = JSON.stringify({ export: 'x', users: syntheticPeople(2) }, null, 2);
    const sink = await run('api.json', enc.encode(json));
    assert.deepEqual(sink.trace(), [
      'begin api.json application/json',
      'row x [export]',
      'row 1000|Aino Testinen0|user0@example.test|Tampere [id|name|email|city]',
      'row 1001|Eero Testinen1|user1@example.test|Oulu [id|name|email|city]',
      'end api.json',
    ]);
  });

  it('JSON Lines, with a broken line kept as text', async () => {
    const lines = '{"email":"a@example.test","n":1}\n{"email":"b@example.test","n":2}\n{"email": broken}\n{"email":"c@example.test","n":3}\n';
    const sink = await run('log.jsonl', enc.encode(lines));
    assert.deepEqual(sink.trace(), [
      'begin log.jsonl application/x-ndjson',
      'row a@example.test|1 [email|n]',
      'row b@example.test|2 [email|n]',
      'row c@example.test|3 [email|n]',
      'text {"email": broken}\n',
      'end log.jsonl',
    ]);
  });

  it('invalid JSON falls back to text without failing', async () => {
    const sink = await run('bad.json', enc.encode('{"a": [1, 2}, "b": }} trailing words'));
    assert.equal(sink.events[0]?.kind, 'begin');
    assert.ok(sink.text().includes('trailing words'));
    assert.equal(sink.events.at(-1)?.kind, 'end');
  });

  it('HTML: visible text only, table rows as rows with the th header', async () => {
    const html = `<!doctype html><html><head><title>Leak index</title><meta charset="utf-8">
      <style>body{color:red}</style><script>document.write("secret script")</script></head>
      <body><noscript>enable js</noscript><template><p>tpl</p></template>
      <h1>Files</h1><p>Posted <b>today</b> &amp; yesterday</p><!-- comment -->
      <table><thead><tr><th>Name</th><th>Email</th></tr></thead>
      <tbody><tr><td>Aino</td><td>aino@example.test</td></tr><tr><td>Eero</td><td>eero@example.test</td></tr></tbody></table>
      </body></html>`;
    const sink = await run('index.html', enc.encode(html));
    assert.deepEqual(sink.trace(), [
      'begin index.html text/html',
      'text Leak index\nFiles\nPosted today & yesterday\nName\tEmail\nAino\taino@example.test\nEero\teero@example.test\n',
      'row Aino|aino@example.test [Name|Email]',
      'row Eero|eero@example.test [Name|Email]',
      'end index.html',
    ]);
  });

  it('HTML in windows-1252 declared by meta charset', async () => {
    const html = '<html><head><meta charset="windows-1252"></head><body><p>Jyväskylä – “quoted”</p></body></html>';
    const sink = await run('w.html', iconv.encode(html, 'windows-1252'));
    assert.equal(sink.text(), 'Jyväskylä – “quoted”\n');
  });

  it('Content-Type hint decides between look-alikes', async () => {
    const sink = await run('download', enc.encode('a,b\n1,2\n'), { mediaTypeHint: 'text/plain; charset=utf-8' });
    assert.deepEqual(sink.trace(), ['begin download text/plain', 'text a,b\n1,2\n', 'end download']);
  });

  it('XML: text content only', async () => {
    const sink = await run('feed.xml', enc.encode('<?xml version="1.0"?><root><item a="x">One</item><item>Two &amp; three</item></root>'));
    assert.deepEqual(sink.trace(), ['begin feed.xml application/xml', 'text OneTwo & three', 'end feed.xml']);
  });

  it('DOCX: paragraphs become lines, tab stops are not text', async () => {
    const docx = makeDocx(['Hoitosuunnitelma', 'Potilas:\tAino Testinen', 'Seuraava käynti']);
    const sink = await run('plan.docx', docx, {}, 1000);
    assert.deepEqual(sink.trace(), [
      'begin plan.docx application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      'text Hoitosuunnitelma\nPotilas:\tAino Testinen\nSeuraava käynti\n',
      'end plan.docx',
    ]);
    assert.equal(sink.ends()[0]?.sha256, sha(docx));
  });

  it('XLSX: every sheet, first row as header, shared strings, numbers and dates', async () => {
    const xlsx = makeXlsx([
      { name: 'Potilaat', rows: [['id', 'nimi', 'syntynyt'], [1, 'Aino Testinen', { date: 32874 }], [2, 'Eero Testinen', null]] },
      { name: 'Muut', rows: [['x'], ['y']] },
    ]);
    const sink = await run('book.xlsx', xlsx, {}, 1000);
    assert.deepEqual(sink.trace(), [
      'begin book.xlsx application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      'row id|nimi|syntynyt',
      'row 1|Aino Testinen|1990-01-01 [id|nimi|syntynyt]',
      'row 2|Eero Testinen [id|nimi|syntynyt]',
      'row x',
      'row y [x]',
      'end book.xlsx',
    ]);
  });

  it('PDF: unpdf extracts the text of every page', async () => {
    const pdf = makePdf(['Lausunto Aino Testinen', 'Sivu kaksi (2)']);
    const sink = await run('report.pdf', pdf, {}, 4096);
    assert.equal(sink.events[0]?.kind, 'begin');
    assert.deepEqual(sink.events.filter((e) => e.kind === 'issue'), []);
    assert.equal(sink.text().replace(/\n+/g, '\n'), 'Lausunto Aino Testinen\nSivu kaksi (2)\n');
    assert.equal(sink.ends()[0]?.sha256, sha(pdf));
  });

  it('zip with a nested zip with a CSV: nested begin/end, entry hashes of uncompressed bytes', async () => {
    const csv = enc.encode('email,name\naino@example.test,Aino\n');
    const inner = makeZip({ 'data/people.csv': csv });
    const outer = makeZip({ 'inner.zip': inner, 'readme.txt': 'Sample', 'img/logo.png': Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0]) });
    const sink = await run('leak.zip', outer, {}, 333);
    assert.deepEqual(sink.trace(), [
      'begin leak.zip application/zip',
      'begin leak.zip>inner.zip application/zip',
      'begin leak.zip>inner.zip>data/people.csv text/csv',
      'row email|name',
      'row aino@example.test|Aino [email|name]',
      'end leak.zip>inner.zip>data/people.csv',
      'end leak.zip>inner.zip',
      'begin leak.zip>readme.txt text/plain',
      'text Sample',
      'end leak.zip>readme.txt',
      'begin leak.zip>img/logo.png image/png',
      'end leak.zip>img/logo.png',
      'end leak.zip',
    ]);
    const ends = sink.ends();
    assert.equal(ends[0]?.sha256, sha(csv));
    assert.equal(ends[0]?.size, csv.length);
    assert.equal(ends[1]?.sha256, sha(inner));
    assert.equal(ends.at(-1)?.sha256, sha(outer));
  });

  it('docx inside a zip is buffered and extracted', async () => {
    const outer = makeZip({ 'letters/a.docx': makeDocx(['Kirje potilaalle']) });
    const sink = await run('docs.zip', outer, {}, 4096);
    assert.deepEqual(sink.trace(), [
      'begin docs.zip application/zip',
      'begin docs.zip>letters/a.docx application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      'text Kirje potilaalle\n',
      'end docs.zip>letters/a.docx',
      'end docs.zip',
    ]);
  });

  it('gzip: the member is named after the file and dispatched', async () => {
    const csv = enc.encode('id,email\n1,a@example.test\n');
    const gz = gzipSync(csv);
    const sink = await run('https://x.onion/files/dump.csv.gz?dl=1', gz, {}, 5);
    assert.deepEqual(sink.trace(), [
      'begin https://x.onion/files/dump.csv.gz?dl=1 application/gzip',
      'begin https://x.onion/files/dump.csv.gz?dl=1>dump.csv text/csv',
      'row id|email',
      'row 1|a@example.test [id|email]',
      'end https://x.onion/files/dump.csv.gz?dl=1>dump.csv',
      'end https://x.onion/files/dump.csv.gz?dl=1',
    ]);
    assert.equal(sink.ends()[0]?.sha256, sha(csv));
  });

  it('images are hashed silently; unknown binary gets LW_EXTRACT_UNSUPPORTED', async () => {
    const png = await run('a.png', Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0]));
    assert.deepEqual(png.trace(), ['begin a.png image/png', 'end a.png']);
    const bin = await run('blob', Uint8Array.from([1, 2, 3, 0, 0, 0, 9, 8]));
    assert.deepEqual(bin.trace(), ['begin blob application/octet-stream', 'issue blob LW_EXTRACT_UNSUPPORTED', 'end blob']);
  });

  it('empty input is an empty text document', async () => {
    const sink = new RecordingSink();
    await extract(chunksOf(), 'empty.txt', sink);
    assert.deepEqual(sink.trace(), ['begin empty.txt text/plain', 'end empty.txt']);
    assert.equal(sink.ends()[0]?.sha256, sha(new Uint8Array(0)));
  });
});
