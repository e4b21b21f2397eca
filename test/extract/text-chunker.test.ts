import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { TextChunker } from '../../src/extract/text-chunker.js';
import { cutAt } from '../support/cut-string.js';

const isSpace = (c: string): boolean => c === ' ' || c === '\t' || c === '\r' || c === '\f';

/** The documented cut rule applied to the whole text at once. */
function reference(text: string, max: number, cell: number): string[] {
  const cells = Math.floor(max / cell);
  const hardCut = cells >= 1 ? cells * cell : max;
  const half = max >> 1;
  const out: string[] = [];
  let rest = text;
  while (rest.length >= max) {
    let cut = -1;
    for (let i = max - 1; i >= half && cut === -1; i--) if (rest[i] === '\n') cut = i + 1;
    for (let i = max - 1; i >= half && cut === -1; i--) if (isSpace(rest[i] as string)) cut = i + 1;
    if (cut === -1) {
      const c = rest.charCodeAt(hardCut - 1);
      cut = c >= 0xd800 && c <= 0xdbff && hardCut > 1 ? hardCut - 1 : hardCut;
    }
    out.push(rest.slice(0, cut));
    rest = rest.slice(cut);
  }
  if (rest.length > 0) out.push(rest);
  return out;
}

function chunk(pieces: string[], max: number, cell: number): string[] {
  const out: string[] = [];
  const c = new TextChunker((t) => out.push(t), max, cell);
  for (const p of pieces) c.write(p);
  c.end();
  return out;
}

const unit = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom('a', 'b', 'ä') },
  { weight: 2, arbitrary: fc.constantFrom(' ', '\n', '\t', '\r', '\f', '😀') },
);
/** Text with long runs lacking a newline or any whitespace, so every cut rule is exercised. */
const text = fc
  .array(fc.oneof(fc.string({ unit, maxLength: 80 }), fc.integer({ min: 1, max: 150 }).map((n) => 'w'.repeat(n)), fc.constant('😀'.repeat(40))), { maxLength: 12 })
  .map((runs) => runs.join(''));

describe('TextChunker against the cut rule applied to the whole text', () => {
  it('same chunks for any text, limits and cutting into pieces', () => {
    fc.assert(
      fc.property(text, fc.integer({ min: 2, max: 120 }), fc.integer({ min: 1, max: 130 }), fc.array(fc.nat(), { maxLength: 20 }), (t, max, cell, cuts) => {
        const expected = reference(t, max, cell);
        const got = chunk(cutAt(t, cuts), max, cell);
        assert.deepEqual(got, expected);
        assert.equal(got.join(''), t);
        for (const [i, part] of got.entries()) {
          assert.ok(part.length > 0 && part.length <= max);
          if (i === got.length - 1) continue;
          // Cut after a newline when the second half of the window has one, else after whitespace when it has some.
          const window = t.slice(got.slice(0, i).join('').length).slice(0, max);
          const second = window.slice(max >> 1);
          if (second.includes('\n')) assert.ok(part.endsWith('\n'));
          else if (/[ \t\r\f]/.test(second)) assert.ok(isSpace(part.at(-1) as string));
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('one piece per character gives the same chunks as one piece', () => {
    const t = 'alpha beta\ngamma delta epsilon zeta eta theta\niota kappa lambda mu';
    assert.deepEqual(chunk([...t], 16, 4), reference(t, 16, 4));
    assert.deepEqual(chunk([t], 16, 4), reference(t, 16, 4));
  });

  it('default limits: decoder-sized pieces of several MiB', () => {
    const words = ['potilas ', 'käynti ', 'Tampere\n', 'x'.repeat(3000), '😀 ', '\n'];
    let t = '';
    for (let i = 0; t.length < 3 * 1024 * 1024; i++) t += words[(i * 7919) % words.length];
    const pieces = cutAt(t, Array.from({ length: 100 }, (_, i) => i * 32 * 1024 + (i % 3)));
    assert.deepEqual(chunk(pieces, 1024 * 1024, 64 * 1024), reference(t, 1024 * 1024, 64 * 1024));
  });
});
