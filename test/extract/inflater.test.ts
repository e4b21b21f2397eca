/**
 * Inflater: the bytes zlib deflated come back whole however the compressed
 * stream is cut into pushes; corrupt, truncated and misused streams throw
 * InflateError; a stream of no bytes is empty; gzip members run on.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { deflateRawSync, gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { InflateError, Inflater } from '../../src/extract/inflater.js';

/** Pushes `compressed` cut at `cuts` (positions, any order), the last push final; the output joined. */
function inflateIn(format: 'raw' | 'gzip', compressed: Uint8Array, cuts: number[]): Buffer {
  const at = [...new Set(cuts.map((c) => c % (compressed.length + 1)))].sort((a, b) => a - b);
  const inflater = new Inflater(format);
  const out: Uint8Array[] = [];
  let from = 0;
  for (const c of at) {
    out.push(...inflater.push(compressed.subarray(from, c), false));
    from = c;
  }
  out.push(...inflater.push(compressed.subarray(from), true));
  return Buffer.concat(out);
}

/** Text with repeats, so that deflate uses back references across pushes. */
const plain = fc
  .array(fc.oneof(fc.string({ maxLength: 40 }), fc.constantFrom('Potilas 1234, ', 'x'.repeat(300))), { maxLength: 200 })
  .map((parts) => Buffer.from(parts.join(''), 'utf8'));

describe('Inflater', () => {
  it('gives back what deflate compressed, for any cuts of the stream (property)', () => {
    fc.assert(
      fc.property(plain, fc.array(fc.nat(), { maxLength: 12 }), (data, cuts) => {
        assert.deepEqual(inflateIn('raw', deflateRawSync(data), cuts), data);
      }),
      { numRuns: 200 },
    );
  });

  it('reads gzip members one after another', () => {
    const a = randomBytes(70_000);
    const b = Buffer.from('second member '.repeat(5000));
    const both = Buffer.concat([gzipSync(a), gzipSync(b)]);
    assert.deepEqual(inflateIn('gzip', both, [5, 70_010, both.length - 3]), Buffer.concat([a, b]));
  });

  it('returns output a caller may keep: later pushes do not overwrite it', () => {
    const data = randomBytes(200_000);
    const z = deflateRawSync(data);
    const inflater = new Inflater('raw');
    const kept: Uint8Array[] = [];
    for (let o = 0; o < z.length; o += 4096) kept.push(...inflater.push(z.subarray(o, o + 4096), o + 4096 >= z.length));
    assert.deepEqual(Buffer.concat(kept), data);
  });

  it('throws InflateError for corrupt data, and for every push after it', () => {
    const z = Buffer.from(deflateRawSync(Buffer.from('some text to compress '.repeat(100))));
    z[0] = 0xff; // block type 3: reserved, invalid
    const inflater = new Inflater('raw');
    assert.throws(() => inflater.push(z, false), InflateError);
    assert.throws(() => inflater.push(Buffer.from('x'), true), InflateError);
  });

  it('throws InflateError when the final push leaves the stream unfinished', () => {
    const z = deflateRawSync(randomBytes(10_000));
    const inflater = new Inflater('raw');
    inflater.push(z.subarray(0, z.length - 10), false);
    assert.throws(() => inflater.push(new Uint8Array(0), true), /truncated/);
  });

  it('reads a stream that got no bytes as empty, and refuses pushes after the final one', () => {
    const inflater = new Inflater('raw');
    assert.deepEqual(inflater.push(new Uint8Array(0), true), []);
    assert.throws(() => inflater.push(Buffer.from('x'), false), /after the final/);
  });

  it('refuses pushes after close', () => {
    const inflater = new Inflater('gzip');
    inflater.close();
    assert.throws(() => inflater.push(gzipSync(Buffer.from('a')), true), InflateError);
  });

  it('does not put the compressed content in its error message', () => {
    const secret = Buffer.from('040-1234567 Virtanen');
    const inflater = new Inflater('gzip');
    try {
      inflater.push(secret, true);
      assert.fail('no error');
    } catch (err) {
      assert.ok(err instanceof InflateError);
      assert.ok(!err.message.includes('Virtanen') && !err.message.includes('1234567'));
    }
  });
});
