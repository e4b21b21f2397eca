import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import iconv from 'iconv-lite';
import { hasCode } from '../../src/errors.js';
import { readDocumentText, readRecords } from '../../src/extract/read-records.js';
import { readXlsxRows } from '../../src/extract/extract.js';
import { makeDocx, makePdf, makeXlsx, syntheticPeople } from '../fixtures/make-fixtures.js';

let dir = '';
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lw-records-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function file(name: string, content: string | Uint8Array): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, content);
  return path;
}

async function all(path: string, options?: { sheet?: string }): Promise<{ row: number; fields: Record<string, string> }[]> {
  const out = [];
  for await (const r of readRecords(path, options)) out.push(r);
  return out;
}

describe('readRecords', () => {
  it('comma CSV in UTF-8 with BOM, quoted fields', async () => {
    const path = await file('a.csv', '\uFEFFid,name,note\n1,Aino,"a, ""quoted""\nnote"\n2,Eero,\n');
    assert.deepEqual(await all(path), [
      { row: 2, fields: { id: '1', name: 'Aino', note: 'a, "quoted"\nnote' } },
      { row: 3, fields: { id: '2', name: 'Eero', note: '' } },
    ]);
  });

  it('semicolon CSV in Windows-1252 without extension', async () => {
    const path = await file('export', iconv.encode('hetu;nimi\n010190-999X;Äijö Mäkinen\n020290-998Y;Åsa Öberg\n', 'windows-1252'));
    assert.deepEqual(await all(path), [
      { row: 2, fields: { hetu: '010190-999X', nimi: 'Äijö Mäkinen' } },
      { row: 3, fields: { hetu: '020290-998Y', nimi: 'Åsa Öberg' } },
    ]);
  });

  it('JSON array and JSON Lines, nested keys flattened', async () => {
    const people = syntheticPeople(2);
    const arr = await file('p.json', JSON.stringify(people.map((p) => ({ ...p, address: { city: p.city } }))));
    const recs = await all(arr);
    assert.equal(recs.length, 2);
    assert.deepEqual(recs[1], { row: 2, fields: { id: '1001', name: 'Eero Testinen1', email: 'user1@example.test', city: 'Oulu', 'address.city': 'Oulu' } });
    const lines = await file('p.jsonl', people.map((p) => JSON.stringify(p)).join('\n') + '\n');
    assert.deepEqual((await all(lines)).map((r) => r.fields.email), ['user0@example.test', 'user1@example.test']);
  });

  it('XLSX: first sheet, or a named one; rows are sheet row numbers', async () => {
    const xlsx = makeXlsx([
      { name: 'Muu', rows: [['a'], ['1']] },
      { name: 'Potilaat', rows: [['id', 'nimi', 'syntynyt'], [7, 'Aino', { date: 32874 }], [], [8, 'Eero', null]] },
    ]);
    const path = await file('book.xlsx', xlsx);
    assert.deepEqual(await all(path), [{ row: 2, fields: { a: '1' } }]);
    assert.deepEqual(await all(path, { sheet: 'Potilaat' }), [
      { row: 2, fields: { id: '7', nimi: 'Aino', syntynyt: '1990-01-01' } },
      { row: 4, fields: { id: '8', nimi: 'Eero', syntynyt: '' } },
    ]);
    assert.deepEqual([...readXlsxRows(xlsx, { sheet: 'Potilaat' })], [['id', 'nimi', 'syntynyt'], ['7', 'Aino', '1990-01-01'], ['8', 'Eero']]);
    await assert.rejects(all(path, { sheet: 'Nope' }), (err) => hasCode(err, 'LW_RECORDS_INVALID'));
  });

  it('errors name the file and the line, never the values', async () => {
    const check = async (name: string, content: string, pattern: RegExp): Promise<void> => {
      const path = await file(name, content);
      await assert.rejects(all(path), (err) => {
        assert.ok(hasCode(err, 'LW_RECORDS_INVALID'), String(err));
        assert.match(err.message, pattern);
        assert.ok(err.message.includes(path));
        assert.ok(!err.message.includes('SECRET'), 'no values in messages');
        return true;
      });
    };
    await check('extra.csv', 'a,b\n1,2\n3,4,SECRET\n', /line 3/);
    await check('open.csv', 'a,b\n1,"SECRET\n', /line \d+: quoted field is never closed/);
    await check('dup.csv', 'a,a\n1,2\n', /column 2 repeats/);
    await check('bad.jsonl', '{"a":"ok"}\n{"a": SECRET}\n', /line 2: record is not valid JSON/);
    await check('scalar.json', '["SECRET"]', /not a JSON object/);
    await check('empty.csv', '', /no header row/);
    await check('notes.bin', '\u0000\u0001\u0002SECRET\u0000', /not a CSV, JSON or XLSX/);
    await check('broken.xlsx', 'PK\u0003\u0004SECRET', /not a readable xlsx/);
  });

  it('a missing file is LW_FILE_UNREADABLE', async () => {
    await assert.rejects(all(join(dir, 'missing.csv')), (err) => hasCode(err, 'LW_FILE_UNREADABLE'));
    await assert.rejects(readDocumentText(join(dir, 'missing.txt')), (err) => hasCode(err, 'LW_FILE_UNREADABLE'));
  });
});

describe('readDocumentText', () => {
  it('reads txt, md, html, docx and pdf as plain text', async () => {
    assert.equal(await readDocumentText(await file('n.txt', 'Hoitokertomus\n')), 'Hoitokertomus\n');
    assert.equal(await readDocumentText(await file('n.md', '# Otsikko\n')), '# Otsikko\n');
    assert.equal(await readDocumentText(await file('n.html', '<p>Hei <b>Aino</b></p><script>x</script>')), 'Hei Aino\n');
    assert.equal(await readDocumentText(await file('n.docx', makeDocx(['Kirje', 'Toinen']))), 'Kirje\nToinen\n');
    const pdfText = await readDocumentText(await file('n.pdf', makePdf(['Lausunto'])));
    assert.equal(pdfText.trim(), 'Lausunto');
  });

  it('corrupt or unsupported documents are LW_FILE_UNREADABLE', async () => {
    await assert.rejects(readDocumentText(await file('bad.pdf', '%PDF-1.4 nothing')), (err) => hasCode(err, 'LW_FILE_UNREADABLE'));
    await assert.rejects(readDocumentText(await file('img.png', Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0, 0]))), (err) =>
      hasCode(err, 'LW_FILE_UNREADABLE'),
    );
  });
});
