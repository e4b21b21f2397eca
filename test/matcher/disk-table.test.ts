/**
 * Text fingerprints left in the bundle file (DiskTable, loadOrgIndexFromFile):
 * every lookup answers as the in-memory table does, the findings of a scan are
 * the same, and a file that breaks under the index gives a clear error.
 */
import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import { closeSync, ftruncateSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import fc from 'fast-check';
import { parse as parseYaml } from 'yaml';
import { decodeBundleFile, encodeBundle, entryField, entryRecord, type WinnowOnDisk } from '../../src/bundle/format.js';
import { enroll } from '../../src/enroll/enroll.js';
import { parseMapping } from '../../src/enroll/mapping.js';
import type { Finding } from '../../src/matcher/findings.js';
import { DiskTable } from '../../src/matcher/disk-table.js';
import { FingerprintTable, sortByKey } from '../../src/matcher/fingerprint-table.js';
import { FileStringList } from '../../src/bundle/string-list.js';
import { syntheticBundle } from '../support/bundles.js';
import { deriveKeys } from '../../src/keys/org-key.js';
import { closeOrgIndex, loadOrgIndex, loadOrgIndexFromFile, orgIndexFromShared, shareOrgIndex } from '../../src/matcher/org-index.js';
import { matchParts } from '../support/match-parts.js';

const dir = mkdtempSync(join(tmpdir(), 'lw-disk-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const openFds = () => readdirSync('/proc/self/fd').length;

/** Writes hi, lo and doc as three sections behind `skip` bytes of other content; returns where they lie, the file open. */
function writeSections(name: string, hi: Uint32Array, lo: Uint32Array, doc: Uint32Array, skip: number): WinnowOnDisk {
  const path = join(dir, name);
  const bytes = (a: Uint32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
  writeFileSync(path, Buffer.concat([randomBytes(skip), bytes(hi), randomBytes(3), bytes(lo), bytes(doc)]));
  const n = hi.length;
  return { fd: openSync(path, 'r'), where: name, count: n, hiAt: skip, loAt: skip + 4 * n + 3, docAt: skip + 8 * n + 3 };
}

describe('a table read from the file', () => {
  it('answers every lookup as the same table in memory', () => {
    fc.assert(
      fc.property(
        // Few distinct keys with many copies, and keys that share a half: duplicates and bucket neighbours.
        fc.array(fc.tuple(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 999 })), { minLength: 1, maxLength: 300 }),
        fc.integer({ min: 0, max: 64 }),
        (entries, skip) => {
          const key = (k: number) => (Math.imul(k + 1, 0x9e3779b1) >>> 0) ^ (k & 3);
          const hi = Uint32Array.from(entries.map(([h]) => key(h)));
          const lo = Uint32Array.from(entries.map(([, l]) => key(l + 100)));
          const doc = Uint32Array.from(entries.map(([, , d]) => d));
          sortByKey(hi, lo, [doc]);
          const source = writeSections('t.bin', hi, lo, doc, skip);
          try {
            const disk = DiskTable.build(source);
            assert.ok(disk, 'sorted sections build a table');
            const memory = FingerprintTable.build(hi.slice(), lo.slice(), doc.slice(), { filter: true });
            for (let h = 0; h <= 41; h++) {
              for (let l = 0; l <= 41; l++) assert.deepEqual(disk.lookup(key(h), key(l + 100)), memory.lookup(key(h), key(l + 100)));
            }
            assert.equal(disk.size, entries.length);
            assert.ok(disk.byteLength < memory.byteLength, 'holds only directory and filter');
          } finally {
            closeSync(source.fd);
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('looks many keys up at once as it does one by one, and reads their values likewise', () => {
    // Large enough for the keys' buckets to be read in several reads, some far apart, some merged.
    const n = 200_000;
    const hi = Uint32Array.from({ length: n }, (_, i) => Math.imul((i >> 1) + 7, 0x9e3779b1) >>> 0);
    const lo = Uint32Array.from({ length: n }, (_, i) => Math.imul((i >> 1) + 9, 0x85ebca6b) >>> 0);
    // Pairs of entries share a key (i >> 1): duplicates.
    const doc = Uint32Array.from({ length: n }, (_, i) => i % 977);
    sortByKey(hi, lo, [doc]);
    const source = writeSections('m.bin', hi, lo, doc, 5);
    try {
      const disk = DiskTable.build(source)!;
      const memory = FingerprintTable.build(hi.slice(), lo.slice(), doc.slice(), { filter: true });
      fc.assert(
        fc.property(
          fc.array(fc.oneof(fc.nat(n - 1).map((e) => [hi[e]!, lo[e]!] as const), fc.tuple(fc.nat(), fc.nat()).map(([h, l]) => [h >>> 0, l >>> 0] as const), fc.nat(n - 1).map((e) => [hi[e]!, lo[(e + 1) % n]!] as const)), { maxLength: 3000, size: 'max' }),
          (keys) => {
            const qh = Uint32Array.from(keys.map(([h]) => h));
            const ql = Uint32Array.from(keys.map(([, l]) => l));
            const want: string[] = [];
            keys.forEach(([h, l], k) => {
              for (let e = memory.find(h, l); e !== -1; e = memory.nextOf(e)) want.push(`${e}/${k}`);
            });
            for (const table of [disk, memory]) {
              const got: string[] = [];
              table.findMany(qh, ql, keys.length, (e, k) => got.push(`${e}/${k}`));
              assert.deepEqual(got.sort(), [...want].sort());
            }
            const entries = Uint32Array.from(new Set(want.map((x) => Number(x.split('/')[0])))).sort();
            const values = new Uint32Array(entries.length);
            disk.valuesOf(entries, entries.length, values);
            assert.deepEqual([...values], [...entries].map((e) => doc[e]));
            // A walk begun with `find` before the batch reads reused its scratch still answers right after them.
            const e = disk.find(hi[7]!, lo[7]!);
            disk.findMany(qh, ql, keys.length, () => {});
            disk.valuesOf(entries, entries.length, values);
            assert.equal(disk.nextOf(e), memory.nextOf(e));
          },
        ),
        { numRuns: 40 },
      );
    } finally {
      closeSync(source.fd);
    }
  });

  it('is not built over keys out of order (the loader then reads them into memory)', () => {
    const source = writeSections('u.bin', Uint32Array.of(5, 1), Uint32Array.of(0, 0), Uint32Array.of(0, 1), 8);
    try {
      assert.equal(DiskTable.build(source), null);
    } finally {
      closeSync(source.fd);
    }
  });

  it('reports a file truncated under it, naming the file and nothing of its content', () => {
    const n = 1000;
    const hi = Uint32Array.from({ length: n }, (_, i) => Math.imul(i + 7, 0x9e3779b1) >>> 0);
    const lo = Uint32Array.from({ length: n }, (_, i) => Math.imul(i + 9, 0x85ebca6b) >>> 0);
    const doc = Uint32Array.from({ length: n }, (_, i) => i);
    sortByKey(hi, lo, [doc]);
    const source = writeSections('v.bin', hi, lo, doc, 16);
    try {
      const disk = DiskTable.build(source)!;
      assert.equal(disk.valueOf(disk.find(hi[n - 1]!, lo[n - 1]!)), doc[n - 1]);
      const w = openSync(join(dir, 'v.bin'), 'r+');
      ftruncateSync(w, 16 + 4 * n);
      closeSync(w);
      assert.throws(() => disk.find(hi[n - 1]!, lo[n - 1]!), (err: Error & { code?: string }) => {
        assert.equal(err.code, 'LW_BUNDLE_INVALID');
        assert.match(err.message, /^v\.bin: the bundle file was truncated while in use$/);
        return true;
      });
    } finally {
      closeSync(source.fd);
    }
  });
});

const MAPPING = `record_id: id
fields:
  - { column: hetu, type: fi_hetu, role: primary }
  - { column: name, type: name, role: corroborating }
`;

/** Synthetic notes: sentences drawn from a small vocabulary, so that excerpts and shared boilerplate occur. */
function note(seed: number, words: number): string {
  const vocab = ['patient', 'reports', 'sleep', 'anxiety', 'improved', 'session', 'follow', 'up', 'week', 'medication', 'therapy', 'goals', 'family', 'work', 'stress'];
  let x = seed * 2654435761;
  const out: string[] = [];
  for (let i = 0; i < words; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    out.push(vocab[x % vocab.length]! + (x % 7 === 0 ? '.' : ''));
  }
  return out.join(' ');
}

describe('an organization loaded from its bundle file', async () => {
  const key = randomBytes(32);
  const docs = join(dir, 'notes');
  const notes = Array.from({ length: 40 }, (_, i) => note(i + 1, 400));
  rmSync(docs, { recursive: true, force: true });
  (await import('node:fs')).mkdirSync(docs);
  notes.forEach((text, i) => writeFileSync(join(docs, `note-${i}.txt`), text));
  writeFileSync(join(dir, 'records.csv'), 'id,hetu,name\nP1,131052-308T,Ada Lind\nP2,010101A123N,Bo Rask\n');
  const bundlePath = join(dir, 'org.lwb');
  await enroll({ org: 'org-a', key, mapping: parseMapping(parseYaml(MAPPING), 'mapping'), recordFiles: [join(dir, 'records.csv')], documentsDir: docs, out: bundlePath });
  const inMemory = loadOrgIndex(readFileSync(bundlePath), key, { where: 'org.lwb' });
  const text = [
    `Excerpt: ${notes[3]!.slice(500, 1500)}`,
    `Whole note: ${notes[17]}`,
    'Ada Lind 131052-308T, and unrelated words about the weather.',
  ];
  const parts = text.map((t) => ({ kind: 'text' as const, text: t }));
  const plain = (fs: Finding[]) => fs.map((f) => ({ ...f, seen_at: '' }));

  it('keeps its text fingerprints in the file and finds what the in-memory index finds', () => {
    const before = openFds();
    const fromFile = loadOrgIndexFromFile(bundlePath, key, { where: 'org.lwb', textOnDiskFrom: 0 });
    try {
      assert.ok(fromFile.winnow instanceof DiskTable);
      assert.equal(fromFile.bundle.winnow.hi.length, 0, 'no text fingerprint in memory');
      assert.ok(fromFile.bundle.recordIds instanceof FileStringList, 'record references read from the file');
      assert.deepEqual([...fromFile.bundle.recordIds], ['P1', 'P2']);
      assert.equal(openFds(), before + 1, 'the bundle file stays open');
      const expected = plain(matchParts([inMemory], parts));
      assert.ok(expected.some((f) => f.kind === 'document' && f.document === 'note-3.txt'));
      assert.ok(expected.some((f) => f.kind === 'document' && f.document === 'note-17.txt' && f.confidence === 'high'));
      assert.ok(expected.some((f) => f.kind === 'record' && f.record === 'P1'));
      assert.deepEqual(plain(matchParts([fromFile], parts)), expected);
      // A worker thread's copy reads the same open file.
      const shared = loadOrgIndexFromFile(bundlePath, key, { where: 'org.lwb', textOnDiskFrom: 0, shared: true });
      try {
        const adopted = orgIndexFromShared(structuredClone(shareOrgIndex(shared, { where: 'org.lwb', shared: true })));
        assert.deepEqual(plain(matchParts([adopted], parts)), expected);
      } finally {
        closeOrgIndex(shared);
      }
    } finally {
      closeOrgIndex(fromFile);
    }
    assert.equal(openFds(), before, 'closeOrgIndex closes it');
  });

  it('keeps only the low halves of its corroborating fingerprints, and corroborates as the full ones do', () => {
    const fromFile = loadOrgIndexFromFile(bundlePath, key, { where: 'org.lwb' });
    try {
      assert.equal(inMemory.bundle.corro.hi.length, 4, 'two name tokens per record in the bundle');
      assert.equal(fromFile.bundle.corro.hi.length, 0);
      assert.deepEqual([...fromFile.bundle.corro.lo], [...inMemory.bundle.corro.lo]);
      assert.throws(() => encodeBundle(fromFile.bundle), /trimmed/);
      // Each identifier's field rides in its record's top byte; entry by entry the same record and field.
      assert.ok(fromFile.bundle.ids.packed);
      assert.equal(fromFile.bundle.ids.field.length, 0);
      assert.ok(inMemory.bundle.ids.field.length > 0);
      for (let e = 0; e < inMemory.bundle.ids.rec.length; e++) {
        assert.equal(entryRecord(fromFile.bundle.ids, e), inMemory.bundle.ids.rec[e]);
        assert.equal(entryField(fromFile.bundle.ids, e), inMemory.bundle.ids.field[e]);
      }
      const header = ['hetu', 'name'];
      // Each record's hetu beside Ada's name: only P1 is corroborated. Then P2's hetu beside Bo's name, reordered.
      const table = [
        { kind: 'row' as const, header, cells: ['131052-308T', 'Ada Lind'] },
        { kind: 'row' as const, header, cells: ['010101A123N', 'Ada Lind'] },
      ];
      const text = [{ kind: 'text' as const, text: 'Rask, Bo: 010101A123N.' }];
      const conf = (fs: Finding[]) => fs.filter((f) => f.kind === 'record').map((f) => `${f.record}:${f.confidence}`);
      for (const [parts, want] of [
        [table, ['P1:medium', 'P2:low']],
        [text, ['P2:medium']],
      ] as const) {
        assert.deepEqual(conf(matchParts([inMemory], parts)), want);
        assert.deepEqual(conf(matchParts([fromFile], parts)), want);
      }
    } finally {
      closeOrgIndex(fromFile);
    }
  });

  it('loads small text tables into memory by default, and closes the file', () => {
    const before = openFds();
    const small = loadOrgIndexFromFile(bundlePath, key, { where: 'org.lwb' });
    assert.ok(small.winnow instanceof FingerprintTable);
    assert.equal(openFds(), before);
    assert.deepEqual(plain(matchParts([small], parts)), plain(matchParts([inMemory], parts)));
  });

  it('rejects a wrong key and a corrupt file as loadOrgIndex does, leaving no file open', () => {
    const before = openFds();
    assert.throws(() => loadOrgIndexFromFile(bundlePath, randomBytes(32), { where: 'org.lwb', textOnDiskFrom: 0 }), { code: 'LW_KEY_MISMATCH' });
    const corrupt = join(dir, 'corrupt.lwb');
    const bytes = readFileSync(bundlePath);
    bytes[bytes.length - 100]! ^= 1;
    writeFileSync(corrupt, bytes);
    assert.throws(() => loadOrgIndexFromFile(corrupt, key, { where: 'corrupt.lwb', textOnDiskFrom: 0 }), {
      code: 'LW_BUNDLE_INVALID',
      message: 'corrupt.lwb: not a valid leakwatch bundle (checksum mismatch: the file is corrupt or truncated)',
    });
    const truncated = join(dir, 'truncated.lwb');
    const fd = openSync(truncated, 'w');
    writeSync(fd, readFileSync(bundlePath).subarray(0, 4000));
    closeSync(fd);
    assert.throws(() => loadOrgIndexFromFile(truncated, key, { where: 'truncated.lwb' }), { code: 'LW_BUNDLE_INVALID' });
    assert.throws(() => loadOrgIndexFromFile(join(dir, 'absent.lwb'), key, { where: 'absent.lwb' }), { code: 'LW_FILE_UNREADABLE' });
    assert.equal(openFds(), before);
  });

  it('reads text fingerprints out of key order (an earlier enrollment) into memory, keeping the file for the record references', () => {
    const b = syntheticBundle('clinic-b', 50, 2, deriveKeys(key).kcv);
    const m = 300;
    b.docRefs = ['a.txt', 'b.txt'];
    b.docFpCount = Uint32Array.of(150, 150);
    b.simhash = { hi: new Uint32Array(2), lo: new Uint32Array(2), has: new Uint8Array(2) };
    // Descending keys: not the order enrollment writes.
    b.winnow = { hi: Uint32Array.from({ length: m }, (_, i) => 0xffff0000 - i * 4099), lo: Uint32Array.from({ length: m }, (_, i) => i * 7), doc: Uint32Array.from({ length: m }, (_, i) => i % 2) };
    const path = join(dir, 'unsorted.lwb');
    writeFileSync(path, encodeBundle(b));
    const before = openFds();
    const index = loadOrgIndexFromFile(path, key, { where: 'unsorted.lwb', textOnDiskFrom: 0 });
    assert.ok(index.winnow instanceof FingerprintTable);
    assert.equal(index.bundle.olderLayout, true);
    assert.ok(index.bundle.recordIds instanceof FileStringList);
    assert.equal(index.bundle.recordIds.at(49), 'R-2-49');
    for (let i = 0; i < m; i += 37) assert.deepEqual(index.winnow.lookup(0xffff0000 - i * 4099, i * 7), [i % 2]);
    assert.equal(openFds(), before + 1);
    closeOrgIndex(index);
    assert.equal(openFds(), before);
  });

  it('decodes to the same bundle as the bytes in memory', () => {
    const file = decodeBundleFile(bundlePath, 'org.lwb');
    assert.ok(encodeBundle(file).equals(readFileSync(bundlePath)));
  });
});
