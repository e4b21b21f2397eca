import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';

const OUTPUT = join(import.meta.dirname, '../../src/cli/output.ts');

test('writeOut waits for a full pipe instead of queueing: every byte arrives, in order, nothing is left queued', async () => {
  // The child touches process.stdout first, which makes its end of the pipe non-blocking (a full pipe then gives EAGAIN).
  const script = `
    const { writeOut } = await import(${JSON.stringify(OUTPUT)});
    void process.stdout;
    for (let i = 0; i < 64; i++) writeOut(String(i).padStart(8, '0') + 'x'.repeat(262_135) + '\\n');
    process.stderr.write('queued=' + process.stdout.writableLength + '\\n');
  `;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script]);
  const chunks: Buffer[] = [];
  let stderr = '';
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  // A slow reader: nothing is taken for a while, so the pipe fills and the child must wait.
  child.stdout.pause();
  const started = Date.now();
  setTimeout(() => child.stdout.resume(), 500);
  child.stdout.on('data', (b: Buffer) => chunks.push(b));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  assert.equal(code, 0, stderr);
  assert.ok(Date.now() - started >= 500, 'the child could not finish before the reader read');
  const out = Buffer.concat(chunks).toString('latin1');
  assert.equal(out.length, 64 * 262_144);
  const lines = out.split('\n').slice(0, -1);
  assert.deepEqual(
    lines.map((l) => l.slice(0, 8)),
    Array.from({ length: 64 }, (_, i) => String(i).padStart(8, '0')),
  );
  assert.match(stderr, /queued=0\n/);
});

test('Output gathers lines into chunks and writes every one, in order, by the last flush', async () => {
  const script = `
    const { Output } = await import(${JSON.stringify(OUTPUT)});
    const out = new Output();
    for (let i = 0; i < 100_000; i++) out.write('line ' + i + '\\n');
    out.flush();
  `;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script]);
  const chunks: Buffer[] = [];
  let stderr = '';
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  child.stdout.on('data', (b: Buffer) => chunks.push(b));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  assert.equal(code, 0, stderr);
  const lines = Buffer.concat(chunks).toString('utf8').split('\n').slice(0, -1);
  assert.equal(lines.length, 100_000);
  assert.ok(lines.every((l, i) => l === `line ${i}`));
});

test('the readable summary groups findings per organization, each in its order, under one header, a line at a time', async () => {
  const { writeFindingsText } = await import('../../src/cli/output.js');
  const findingsText = (findings: Parameters<typeof writeFindingsText>[0]): string => {
    const lines: string[] = [];
    writeFindingsText(findings, (line) => lines.push(line));
    return lines.join('\n');
  };
  const source = { url: null, path: 'leak.csv', entry: null, sha256: 'ab'.repeat(32), size: 12 };
  const base = { confidence: 'low' as const, source, seen_at: '2026-12-03T00:00:00.000Z' };
  const text = findingsText([
    { ...base, org: 'clinic-a', kind: 'record', record: 'A-1', fields: ['fi_hetu'], severity: 'high' },
    { ...base, org: 'clinic-b', kind: 'term', term: 'Lakeside', severity: 'medium', confidence: 'medium' },
    { ...base, org: 'clinic-a', kind: 'canary', record: 'A-2', fields: ['email', 'name'], severity: 'high', confidence: 'high' },
    { ...base, org: 'clinic-a', kind: 'document', document: 'notes/1.txt', overlap: 0.25, severity: 'high', confidence: 'medium' },
  ]);
  assert.equal(
    text,
    [
      `leak.csv  (sha256 ${'ab'.repeat(8)}…, 12 bytes)`,
      '  clinic-a: severity HIGH',
      '    record A-1  low  [fi_hetu]',
      '    CANARY A-2  high  [email, name]',
      '    document notes/1.txt  medium  overlap 25.0%',
      '  clinic-b: severity MEDIUM',
      '    term "Lakeside"  medium',
    ].join('\n'),
  );
  // A document without findings prints nothing.
  assert.equal(findingsText([]), '');
  // A large document's summary lists every record, in order.
  const many = Array.from({ length: 50_000 }, (_, i) => ({ ...base, org: 'clinic-a', kind: 'record' as const, record: `R-${i}`, fields: ['fi_hetu'], severity: 'low' as const }));
  const lines = findingsText(many).split('\n');
  assert.equal(lines.length, 2 + many.length);
  assert.equal(lines.at(-1), '    record R-49999  low  [fi_hetu]');
});

test('findingJson writes exactly what JSON.stringify gives for the documented field order, with shared and frozen parts or without', async () => {
  const { findingJson } = await import('../../src/cli/output.js');
  const fc = (await import('fast-check')).default;
  const text = fc.string({ unit: 'binary', maxLength: 12 });
  const source = fc.record({ url: fc.option(text), path: fc.option(text), entry: fc.option(text), sha256: text, size: fc.nat() });
  const finding = fc.record(
    {
      org: text,
      kind: fc.constantFrom('record', 'canary', 'document', 'term'),
      record: text,
      document: text,
      overlap: fc.double({ min: 0, max: 1, noNaN: true }),
      term: text,
      confidence: fc.constantFrom('low', 'medium', 'high'),
      fields: fc.array(text, { maxLength: 4 }),
      severity: fc.constantFrom('low', 'medium', 'high', 'critical'),
      source,
      seen_at: text,
    },
    { requiredKeys: ['org', 'kind', 'confidence', 'severity', 'source', 'seen_at'] },
  );
  const order = ['org', 'kind', 'record', 'document', 'overlap', 'term', 'confidence', 'fields', 'severity', 'source', 'seen_at'] as const;
  fc.assert(
    fc.property(finding, fc.boolean(), (f, freeze) => {
      if (freeze) {
        Object.freeze(f.source);
        if (f.fields) Object.freeze(f.fields);
      }
      const documented: Record<string, unknown> = {};
      for (const k of order) if ((f as Record<string, unknown>)[k] !== undefined) documented[k] = (f as Record<string, unknown>)[k];
      // Twice: the second time from the cache of a frozen source and field list.
      for (let i = 0; i < 2; i++) assert.equal(findingJson(f as never), JSON.stringify(documented));
    }),
    { seed: 3, numRuns: 500 },
  );
});
