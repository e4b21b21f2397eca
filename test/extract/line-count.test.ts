import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { countLineFeeds, lineCountKernelResidue, lineCountKernelSpec } from '../../src/extract/line-count.js';
import { kernelCompiles } from '../../src/matcher/wasm-assembler.js';
import { SEARCH_KERNEL_MAX_UNITS } from '../../src/matcher/identifiers/search-kernel.js';

const naive = (s: string, from: number, to: number): number => {
  let n = 0;
  for (let i = from; i < to; i++) if (s[i] === '\n') n++;
  return n;
};

describe('countLineFeeds', () => {
  it('runs its SIMD loop here', () => {
    assert.equal(kernelCompiles(lineCountKernelSpec()), true);
  });

  it('property: counts what a unit-at-a-time count counts, in any stretch, short or long, and leaves its memory at zero', () => {
    // Line feeds among ASCII, Latin-1, wider units and the other line ends; long texts reach the loop.
    const unit = fc.constantFrom('\n', '\n', 'a', ';', '\r', 'ä', '€', '\u0a0a', '\u010a', '𝐀', '\u2028');
    const text = fc.oneof(fc.array(unit, { maxLength: 40 }), fc.array(unit, { minLength: 256, maxLength: 3000 })).map((a) => a.join(''));
    fc.assert(
      fc.property(text, fc.nat(), fc.nat(), (s, a, b) => {
        const from = Math.min(a, b) % (s.length + 1);
        const to = from + ((Math.max(a, b) - Math.min(a, b)) % (s.length - from + 1));
        assert.equal(countLineFeeds(s, from, to), naive(s, from, to));
        assert.equal(countLineFeeds(s, 0, s.length), naive(s, 0, s.length));
        assert.equal(lineCountKernelResidue(), 0);
      }),
      { numRuns: 1500 },
    );
  });

  it('counts a long stretch after a longer one (the units past the stretch are the last wipe\'s zeros)', () => {
    const long = '\n'.repeat(10_000);
    assert.equal(countLineFeeds(long, 0, long.length), 10_000);
    const s = `${'x\n'.repeat(1000)}y`;
    for (const to of [s.length, s.length - 1, 257, 263]) assert.equal(countLineFeeds(s, 0, to), naive(s, 0, to));
    assert.equal(countLineFeeds(long, 5, 5 + 300), 300);
    assert.equal(lineCountKernelResidue(), 0);
  });

  it('counts a stretch longer than the loop takes, in JavaScript', () => {
    const s = 'a\n'.repeat(SEARCH_KERNEL_MAX_UNITS / 2 + 8);
    assert.equal(countLineFeeds(s, 0, s.length), SEARCH_KERNEL_MAX_UNITS / 2 + 8);
  });
});
