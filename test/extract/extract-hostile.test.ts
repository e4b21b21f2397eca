import { TEXT_PART_CHARS } from '../../src/extract/text-extractor.js';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { deflateRawSync } from 'node:zlib';
import { gzipSync } from 'fflate';
import { extract } from '../../src/extract/extract.js';
import { hasCode } from '../../src/errors.js';
import {
  chunksOf,
  gzipWithRawDeflate,
  inPieces,
  makeDocx,
  makeZip,
  singleLine,
  runDeflate,
  zipWithRawEntry,
} from '../fixtures/make-fixtures.js';
import { RecordingSink } from './recording-sink.js';

const enc = new TextEncoder();
const GiB = 1024 ** 3;
const MAX_RSS_GROWTH = 200 * 1024 * 1024;

/** Runs `fn` and returns [elapsed ms, peak RSS growth in bytes], sampling RSS while it runs. */
async function measured(fn: () => Promise<void>): Promise<[number, number]> {
  global.gc?.();
  const base = process.memoryUsage().rss;
  let peak = base;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
  const t0 = Date.now();
  try {
    await fn();
  } finally {
    clearInterval(timer);
  }
  peak = Math.max(peak, process.memoryUsage().rss);
  return [Date.now() - t0, peak - base];
}

describe('extract: hostile input', () => {
  it('zip bomb (1 GiB of zeros in ~1 MiB) is cut by the ratio limit, fast and in bounded memory', async () => {
    const bomb = zipWithRawEntry('zeros.bin', runDeflate(1024), GiB);
    const sink = new RecordingSink();
    const [ms, rss] = await measured(() => extract(inPieces(bomb, 64 * 1024), 'bomb.zip', sink));
    assert.deepEqual(sink.trace(), [
      'begin bomb.zip application/zip',
      'begin bomb.zip>zeros.bin application/octet-stream',
      'issue bomb.zip>zeros.bin LW_EXTRACT_UNSUPPORTED',
      'issue bomb.zip>zeros.bin LW_EXTRACT_LIMIT',
      'end bomb.zip>zeros.bin',
      'end bomb.zip',
    ]);
    const entry = sink.ends()[0];
    assert.ok(entry !== undefined && entry.size < 64 * 1024 * 1024, `cut early (${entry?.size} bytes)`);
    assert.ok(ms < 5000, `took ${ms} ms`);
    assert.ok(rss < MAX_RSS_GROWTH, `rss grew ${rss >> 20} MiB`);
  });

  it('maxTotalBytes halts the whole input, including later entries', async () => {
    const big = 'line of text\n'.repeat(200_000); // 2.6 MB, compresses well below the ratio limit
    const zip = makeZip({ 'a.txt': big, 'b.txt': 'never reached' });
    const sink = new RecordingSink(false);
    await extract(chunksOf(zip), 'total.zip', sink, { limits: { maxTotalBytes: 1_000_000, maxRatio: 10_000 } });
    assert.deepEqual(sink.trace(), [
      'begin total.zip application/zip',
      'begin total.zip>a.txt text/plain',
      'issue total.zip>a.txt LW_EXTRACT_LIMIT',
      'end total.zip>a.txt',
      'end total.zip',
    ]);
    assert.equal(sink.ends()[0]?.size, 1_000_000);
    assert.equal(sink.textChars, 1_000_000);
  });

  it('gzip bomb is cut by the ratio limit in bounded memory', async () => {
    // Spaces, so the member is text and really goes through the text extractor.
    const gz = gzipWithRawDeflate(runDeflate(1024, 0x20), GiB);
    const sink = new RecordingSink(false);
    const [ms, rss] = await measured(() => extract(inPieces(gz, 64 * 1024), 'bomb.txt.gz', sink));
    assert.deepEqual(sink.trace(), [
      'begin bomb.txt.gz application/gzip',
      'begin bomb.txt.gz>bomb.txt text/plain',
      'issue bomb.txt.gz>bomb.txt LW_EXTRACT_LIMIT',
      'end bomb.txt.gz>bomb.txt',
      'end bomb.txt.gz',
    ]);
    assert.ok(ms < 5000, `took ${ms} ms`);
    assert.ok(rss < MAX_RSS_GROWTH, `rss grew ${rss >> 20} MiB`);
  });

  it('nesting deeper than maxDepth is hashed only', async () => {
    let zip = makeZip({ 'secret.txt': 'innermost' });
    for (let i = 0; i < 3; i++) zip = makeZip({ [`level${i}.zip`]: zip });
    const sink = new RecordingSink();
    await extract(chunksOf(zip), 'nest.zip', sink, { limits: { maxDepth: 2 } });
    assert.deepEqual(sink.trace(), [
      'begin nest.zip application/zip',
      'begin nest.zip>level2.zip application/zip',
      'begin nest.zip>level2.zip>level1.zip application/zip',
      'issue nest.zip>level2.zip>level1.zip LW_EXTRACT_LIMIT',
      'end nest.zip>level2.zip>level1.zip',
      'end nest.zip>level2.zip',
      'end nest.zip',
    ]);
  });

  it('more entries than maxEntries: the rest is skipped with one issue', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 10; i++) files[`f${i}.txt`] = `file ${i}`;
    const sink = new RecordingSink();
    await extract(chunksOf(makeZip(files)), 'many.zip', sink, { limits: { maxEntries: 3 } });
    assert.deepEqual(sink.trace(), [
      'begin many.zip application/zip',
      'begin many.zip>f0.txt text/plain',
      'text file 0',
      'end many.zip>f0.txt',
      'begin many.zip>f1.txt text/plain',
      'text file 1',
      'end many.zip>f1.txt',
      'begin many.zip>f2.txt text/plain',
      'text file 2',
      'end many.zip>f2.txt',
      'issue many.zip LW_EXTRACT_LIMIT',
      'end many.zip',
    ]);
  });

  it('truncated zip: earlier entries kept, the cut entry and the archive get LW_EXTRACT_CORRUPT', async () => {
    const zip = makeZip({ 'a.txt': 'first entry', 'b.txt': randomBytes(20_000).toString('hex') });
    const cut = zip.subarray(0, 2_000);
    const sink = new RecordingSink(false);
    await extract(chunksOf(cut), 'cut.zip', sink);
    assert.deepEqual(sink.trace(), [
      'begin cut.zip application/zip',
      'begin cut.zip>a.txt text/plain',
      'end cut.zip>a.txt',
      'begin cut.zip>b.txt text/plain',
      'issue cut.zip>b.txt LW_EXTRACT_CORRUPT',
      'end cut.zip>b.txt',
      'issue cut.zip LW_EXTRACT_CORRUPT',
      'end cut.zip',
    ]);
    assert.equal(sink.ends()[2]?.size, 2_000);
  });

  it('encrypted entries are hashed as stored and reported', async () => {
    const zip = zipWithRawEntry('locked.csv', randomBytes(300), 1000, 0x1);
    const sink = new RecordingSink();
    await extract(chunksOf(zip), 'enc.zip', sink);
    assert.deepEqual(sink.trace(), [
      'begin enc.zip application/zip',
      'begin enc.zip>locked.csv application/octet-stream',
      'issue enc.zip>locked.csv LW_EXTRACT_UNSUPPORTED',
      'end enc.zip>locked.csv',
      'end enc.zip',
    ]);
    assert.equal(sink.ends()[0]?.size, 300);
  });

  it('data-descriptor entries (streamed zip writers) are read', async () => {
    const csv = 'id,email\n1,a@example.test\n';
    const zip = zipWithRawEntry('stream.csv', deflateRawSync(enc.encode(csv)), csv.length, 0, true);
    const sink = new RecordingSink();
    await extract(inPieces(zip, 10), 'dd.zip', sink);
    assert.deepEqual(sink.trace(), [
      'begin dd.zip application/zip',
      'begin dd.zip>stream.csv text/csv',
      'row id|email',
      'row 1|a@example.test [id|email]',
      'end dd.zip>stream.csv',
      'end dd.zip',
    ]);
  });

  it('many small high-ratio entries stay within memory bounds', async () => {
    // 64 entries of 1 MiB of spaces each (~1 KiB compressed, so ~16 per pushed slice): each is under the ratio grace.
    const files: Record<string, Uint8Array> = {};
    const mib = new Uint8Array(1024 * 1024).fill(0x20);
    for (let i = 0; i < 64; i++) files[`s${i}.txt`] = mib;
    const zip = makeZip(files);
    const sink = new RecordingSink(false);
    const [, rss] = await measured(() => extract(chunksOf(zip), 'spaces.zip', sink));
    assert.equal(sink.ends().length, 65);
    assert.equal(sink.textChars, 64 * 1024 * 1024);
    assert.ok(rss < MAX_RSS_GROWTH, `rss grew ${rss >> 20} MiB`);
  });

  it('tar inside gzip is hashed with LW_EXTRACT_UNSUPPORTED', async () => {
    const tar = new Uint8Array(1024);
    tar.set(enc.encode('file.txt'), 0);
    tar.set(enc.encode('ustar'), 257);
    const sink = new RecordingSink();
    await extract(chunksOf(gzipSync(tar)), 'backup.tgz', sink);
    assert.deepEqual(sink.trace(), [
      'begin backup.tgz application/gzip',
      'begin backup.tgz>backup.tar application/x-tar',
      'issue backup.tgz>backup.tar LW_EXTRACT_UNSUPPORTED',
      'end backup.tgz>backup.tar',
      'end backup.tgz',
    ]);
  });

  it('documents needing random access beyond maxBufferBytes are hashed only', async () => {
    const pdf = enc.encode(`%PDF-1.4\n${'x'.repeat(5000)}`);
    const sink = new RecordingSink();
    await extract(chunksOf(makeZip({ 'big.pdf': pdf })), 'z.zip', sink, { limits: { maxBufferBytes: 1000 } });
    assert.deepEqual(sink.trace(), [
      'begin z.zip application/zip',
      'begin z.zip>big.pdf application/pdf',
      'issue z.zip>big.pdf LW_EXTRACT_LIMIT',
      'end z.zip>big.pdf',
      'end z.zip',
    ]);
    assert.equal(sink.ends()[0]?.size, pdf.length);
  });

  it('entry names are sanitized for display', async () => {
    const sink = new RecordingSink();
    await extract(chunksOf(makeZip({ '../evil\u0007\u202ename.txt': 'x' })), 'n.zip', sink);
    assert.deepEqual(sink.events[1], { kind: 'begin', ref: { source: 'n.zip', entry: ['../evilname.txt'], mediaType: 'text/plain' } });
  });

  it('corrupt PDF: LW_EXTRACT_CORRUPT, still begin/end with the hash', async () => {
    const sink = new RecordingSink();
    const bytes = enc.encode('%PDF-1.7\n1 0 obj << /Type /Catalog >> garbage');
    await extract(chunksOf(bytes), 'bad.pdf', sink);
    assert.deepEqual(sink.trace(), ['begin bad.pdf application/pdf', 'issue bad.pdf LW_EXTRACT_CORRUPT', 'end bad.pdf']);
    assert.equal(sink.ends()[0]?.size, bytes.length);
  });

  it('corrupt DOCX (broken XML, and a cut package) gives LW_EXTRACT_CORRUPT', async () => {
    const broken = makeDocx([], '<w:document xmlns:w="x"><w:body><w:p><w:t>unclosed');
    let sink = new RecordingSink();
    await extract(chunksOf(broken), 'broken.docx', sink);
    assert.deepEqual(sink.trace(), [
      'begin broken.docx application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      'issue broken.docx LW_EXTRACT_CORRUPT',
      'end broken.docx',
    ]);
    const good = makeDocx(['text']);
    sink = new RecordingSink();
    await extract(chunksOf(good.subarray(0, good.length - 30)), 'cut.docx', sink);
    assert.deepEqual(sink.trace().map((l) => l.split(' ').slice(0, 3).join(' ')), [
      'begin cut.docx application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      'issue cut.docx LW_EXTRACT_CORRUPT',
      'end cut.docx',
    ]);
  });

  it('XML entity tricks in a docx are refused, not expanded', async () => {
    const lol = `<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]><w:document xmlns:w="x"><w:body><w:p><w:t>&b;</w:t></w:p></w:body></w:document>`;
    const sink = new RecordingSink();
    await extract(chunksOf(makeDocx([], lol)), 'lol.docx', sink);
    assert.ok(sink.trace().includes('issue lol.docx LW_EXTRACT_CORRUPT'));
    assert.ok(!sink.text().includes('aaaa'));
  });

  it('invalid UTF-8 after a valid prefix becomes U+FFFD, no crash', async () => {
    const head = enc.encode('x'.repeat(70_000));
    const bad = Uint8Array.from([0x20, 0xc3, 0x28, 0xff, 0xfe, 0x20, 0x41]);
    const sink = new RecordingSink();
    await extract(chunksOf(head, bad), 'mixed.txt', sink);
    assert.ok(sink.text().endsWith(' \ufffd(\ufffd\ufffd A'));
  });

  it('a 100 MiB single line streams in bounded memory, cut into bounded chunks', async () => {
    const sink = new RecordingSink(false);
    const [, rss] = await measured(() => extract(singleLine(100), 'line.txt', sink));
    assert.equal(sink.textChars, 100 * 1024 * 1024);
    assert.ok(sink.maxPart <= TEXT_PART_CHARS);
    assert.equal(sink.textParts, Math.ceil((100 * 1024 * 1024) / sink.maxPart));
    assert.equal(sink.ends()[0]?.size, 100 * 1024 * 1024);
    assert.ok(rss < MAX_RSS_GROWTH, `rss grew ${rss >> 20} MiB`);
  });

  it('100k levels of nested HTML do not overflow the stack', async () => {
    const html = `<html><body>${'<div>'.repeat(100_000)}deep text${'</div>'.repeat(100_000)}</body></html>`;
    const sink = new RecordingSink();
    const [ms] = await measured(() => extract(chunksOf(enc.encode(html)), 'deep.html', sink));
    assert.deepEqual(sink.trace(), ['begin deep.html text/html', 'text deep text\n', 'end deep.html']);
    assert.ok(ms < 3000, `took ${ms} ms`);
  });

  it('200k levels of nested JSON do not overflow the stack', async () => {
    const sink = new RecordingSink();
    await extract(chunksOf(enc.encode(`${'['.repeat(200_000)}"deep"${']'.repeat(200_000)}`)), 'deep.json', sink);
    assert.deepEqual(sink.trace(), ['begin deep.json application/json', 'row deep', 'end deep.json']);
  });

  it('abort stops promptly with LW_ABORTED', async () => {
    const ctrl = new AbortController();
    const sink = new RecordingSink(false);
    async function* endless(): AsyncGenerator<Uint8Array> {
      const chunk = enc.encode('more text\n'.repeat(1000));
      for (let i = 0; ; i++) {
        if (i === 50) ctrl.abort();
        yield chunk;
      }
    }
    await assert.rejects(extract(endless(), 'endless.txt', sink, { signal: ctrl.signal }), (err) => hasCode(err, 'LW_ABORTED'));
  });

  it('abort inside a nested archive entry also stops everything', async () => {
    const ctrl = new AbortController();
    const zip = makeZip({ 'a.txt': 'x '.repeat(2_000_000) });
    const sink = new RecordingSink(false);
    const origPart = sink.part.bind(sink);
    sink.part = (p) => {
      origPart(p);
      ctrl.abort();
    };
    await assert.rejects(
      extract(inPieces(zip, 4096), 'a.zip', sink, { signal: ctrl.signal, limits: { maxChunkChars: 1000, maxCellChars: 100 } }),
      (err) => hasCode(err, 'LW_ABORTED'),
    );
  });

  it('errors thrown by the sink and by the input reach the caller unchanged', async () => {
    const boom = new Error('sink broke');
    const sink = new RecordingSink();
    sink.part = () => {
      throw boom;
    };
    await assert.rejects(extract(chunksOf(makeZip({ 'a.txt': 'x' })), 'a.zip', sink), (err) => err === boom);
    const readFailure = new Error('connection reset');
    async function* failing(): AsyncGenerator<Uint8Array> {
      yield enc.encode('partial ');
      throw readFailure;
    }
    await assert.rejects(extract(failing(), 'x.txt', new RecordingSink()), (err) => err === readFailure);
  });

  it('rejects invalid limits', async () => {
    await assert.rejects(extract(chunksOf(), 'x', new RecordingSink(), { limits: { maxDepth: 0 } }), (err) => hasCode(err, 'LW_USAGE'));
  });
});
