/**
 * ZipStream: entries of every layout come out whole, whatever bytes their data
 * holds (signatures included) and however the stream is cut; and through
 * extract(), a data-descriptor entry whose compressed bytes contain zip
 * signatures is read to its end (fflate's Unzip cut such entries short).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { crc32, deflateRawSync } from 'node:zlib';
import fc from 'fast-check';
import { Zip, ZipDeflate } from 'fflate';
import { extract } from '../../src/extract/extract.js';
import { ZipStream, type ZipLocalHeader } from '../../src/extract/zip-stream.js';
import { buildZip, concat } from '../../src/sim/leak-site/zip-writer.js';
import { chunksOf, zipWithRawEntry } from '../fixtures/make-fixtures.js';
import { RecordingSink } from './recording-sink.js';

type Descriptor = 'none' | 'signed' | 'unsigned' | 'signed64' | 'unsigned64';

interface TestEntry {
  name: string;
  method: 0 | 8;
  data: Uint8Array;
  descriptor: Descriptor;
}

const enc = new TextEncoder();

/** The entry's bytes as stored in the archive. */
function stored(e: TestEntry): Uint8Array {
  // Level 0 keeps the data verbatim inside stored deflate blocks, signatures and all.
  return e.method === 0 ? e.data : new Uint8Array(deflateRawSync(e.data, { level: 0 }));
}

/** A zip with the given entries (the leak-site simulator's writer), after an optional junk prefix. */
function buildTestZip(entries: TestEntry[], prefix = new Uint8Array(0)): Uint8Array {
  const raw = entries.map((e) => ({
    name: e.name,
    method: e.method,
    crc: crc32(e.data) >>> 0,
    compressed: stored(e),
    size: e.data.length,
    descriptor: e.descriptor === 'none' ? undefined : e.descriptor,
  }));
  return concat([prefix, buildZip(raw)]);
}

interface Read {
  header: ZipLocalHeader;
  bytes: number[];
  ended: boolean;
}

/** Feeds `zip` in pieces of the given sizes (cycled) and collects what ZipStream hands out. */
function readAll(zip: Uint8Array, pieces: number[]): { entries: Read[]; stream: ZipStream } {
  const entries: Read[] = [];
  const stream = new ZipStream({
    entry: (header) => entries.push({ header, bytes: [], ended: false }),
    data: (chunk) => entries[entries.length - 1]!.bytes.push(...chunk),
    entryEnd: () => {
      entries[entries.length - 1]!.ended = true;
    },
  });
  for (let at = 0, k = 0; at < zip.length; k++) {
    const n = Math.max(1, pieces[k % pieces.length]!);
    stream.push(zip.slice(at, at + n));
    at += n;
  }
  return { entries, stream };
}

/**
 * Content that holds every zip signature, a descriptor with wrong sizes among
 * them. (Content crafted to hold a descriptor stating its own exact offset can
 * still end an entry early; see the module comment of zip-stream.ts.)
 */
const SIGNATURES = [
  [0x50, 0x4b, 0x03, 0x04],
  [0x50, 0x4b, 0x01, 0x02],
  [0x50, 0x4b, 0x05, 0x06],
  [0x50, 0x4b, 0x07, 0x08, 0, 0, 0, 0, 0xf0, 0xff, 0xff, 0xff, 4, 0, 0, 0],
  [0x50, 0x4b],
];
const content = fc
  .array(fc.oneof(fc.uint8Array({ maxLength: 40 }), fc.constantFrom(...SIGNATURES.map((s) => Uint8Array.from(s)))), { maxLength: 12 })
  .map((parts) => Uint8Array.from(parts.flatMap((p) => [...p])));
const entry = fc.record({
  name: fc.stringMatching(/^[a-z]{1,8}\.(txt|csv)$/),
  method: fc.constantFrom(0 as const, 8 as const),
  data: content,
  descriptor: fc.constantFrom<Descriptor>('none', 'signed', 'unsigned', 'signed64', 'unsigned64'),
});

describe('ZipStream', () => {
  it('property: every entry comes out whole, with its header, however the stream is cut', () => {
    fc.assert(
      fc.property(fc.array(entry, { minLength: 1, maxLength: 5 }), fc.array(fc.integer({ min: 1, max: 70 }), { minLength: 1, maxLength: 6 }), (entries, pieces) => {
        const { entries: got, stream } = readAll(buildTestZip(entries), pieces);
        assert.equal(got.length, entries.length);
        entries.forEach((e, i) => {
          const g = got[i]!;
          assert.equal(g.header.name, e.name);
          assert.equal(g.header.method, e.method);
          assert.equal(g.header.compressedSize, e.descriptor === 'none' ? stored(e).length : null);
          assert.deepEqual(g.bytes, [...stored(e)], `entry ${i} (${e.descriptor}, method ${e.method})`);
          assert.ok(g.ended);
        });
        assert.equal(stream.inEntry, false);
        assert.equal(stream.sawEnd, true);
      }),
      { seed: 21, numRuns: 400 },
    );
  });

  it('skips a self-extractor stub before the first entry', () => {
    const stub = Uint8Array.from([0x4d, 0x5a, 0x90, 0x00, 0x50, 0x4b, 0x11, 0x22, 0x50, 0x00]);
    const { entries } = readAll(buildTestZip([{ name: 'a.txt', method: 8, data: enc.encode('hello'), descriptor: 'signed' }], stub), [7]);
    assert.deepEqual(entries.map((e) => [e.header.name, Buffer.from(e.bytes).length > 0, e.ended]), [['a.txt', true, true]]);
  });

  it('a stream cut inside an entry leaves it open and shows no end record', () => {
    const zip = buildTestZip([{ name: 'a.txt', method: 0, data: enc.encode('x'.repeat(500)), descriptor: 'signed' }]);
    const { entries, stream } = readAll(zip.subarray(0, 300), [64]);
    assert.equal(entries.length, 1);
    assert.equal(entries[0]!.ended, false);
    assert.equal(stream.inEntry, true);
    assert.equal(stream.sawEnd, false);
  });
});

describe('zip extraction with data descriptors', () => {
  it('reads an entry whose compressed bytes contain zip signatures to its end', async () => {
    // Text with the central-directory, local-header and descriptor signatures in it, stored
    // verbatim by level-0 deflate in a streamed zip (data descriptors, as in large dumps).
    const line = (i: number) => `row ${i};PK\u0001\u0002 PK\u0003\u0004 PK\u0007\u0008 end\n`;
    const text = Array.from({ length: 2000 }, (_, i) => line(i)).join('');
    const chunks: Uint8Array[] = [];
    const zip = new Zip((err, chunk) => {
      if (err) throw err;
      chunks.push(chunk);
    });
    for (const name of ['first.txt', 'second.txt']) {
      const e = new ZipDeflate(name, { level: 0 });
      zip.add(e);
      e.push(enc.encode(text), true);
    }
    zip.end();
    const sink = new RecordingSink();
    await extract(chunksOf(Buffer.concat(chunks)), 'dump.zip', sink);
    // The control bytes make the entries binary (hashed, not read as text); what counts is that
    // each is read to its end: no corruption reported, and its full size hashed.
    assert.deepEqual(sink.trace().filter((t) => t.includes('LW_EXTRACT_CORRUPT')), []);
    const sizes = sink.events.flatMap((e) => (e.kind === 'end' && e.ref.entry.length === 1 ? [[e.ref.entry[0], e.size]] : []));
    assert.deepEqual(sizes, [
      ['first.txt', enc.encode(text).length],
      ['second.txt', enc.encode(text).length],
    ]);
  });
});

describe('zip written by another implementation', () => {
  it("reads Python zipfile's streamed zip (descriptors; stored entry full of signatures; zip64 sizes)", async () => {
    // Made by test/fixtures/zip/python-streamed.py, which printed these sizes and hashes.
    const zip = readFileSync(join(import.meta.dirname, '../fixtures/zip/python-streamed.zip'));
    const sink = new RecordingSink();
    await extract(chunksOf(zip), 'py.zip', sink);
    assert.deepEqual(sink.trace().filter((t) => t.includes('LW_EXTRACT_CORRUPT')), []);
    const ends = sink.events.flatMap((e) => (e.kind === 'end' && e.ref.entry.length === 1 ? [[e.ref.entry[0], e.size, e.sha256]] : []));
    const sha = 'a776fae0e2aa1eb93a612bcf6e092a9d651f0fb63986939d0179e295f0ab1f44';
    assert.deepEqual(ends, [
      ['deflated.txt', 19090, sha],
      ['stored.txt', 19090, sha],
      ['deflated64.txt', 19090, sha],
    ]);
  });
});

describe('zip entries that still go wrong are reported, not silent', () => {
  it('flag bit 3 without a descriptor: the entry is reported cut short and the archive truncated', async () => {
    const data = enc.encode('hello world, '.repeat(50));
    const zip = zipWithRawEntry('nodesc.txt', new Uint8Array(deflateRawSync(data)), data.length, 0x8, false);
    const sink = new RecordingSink();
    await extract(chunksOf(zip), 'bad.zip', sink);
    const issues = sink.trace().filter((t) => t.startsWith('issue'));
    assert.deepEqual(issues, ['issue bad.zip>nodesc.txt LW_EXTRACT_CORRUPT', 'issue bad.zip LW_EXTRACT_CORRUPT']);
  });
});
