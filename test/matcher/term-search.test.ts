import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { containsWord, containsWordInUnits, termSearch } from '../../src/matcher/term-search.js';

const units = (s: string): Uint16Array => Uint16Array.from(s, (c) => c.charCodeAt(0));

describe('containsWordInUnits', () => {
  // Spaces, a few letters, units that share a low byte with them ('a' 0x61, U+0161, U+0361; 'b' 0x62, U+0162)
  // and Latin-1 letters whose low seven bits are those of 'a' and 'b' (U+00E1, U+00E2),
  // so that the skip table's shared entries are exercised.
  const ch = fc.constantFrom(' ', ' ', 'a', 'b', 'c', 'ab', 'ba ', '\u0161', '\u0361', '\u0162', 'a a', '\u00e1', '\u00e2');
  const text = fc.array(ch, { maxLength: 60 }).map((a) => a.join(''));
  const term = fc.array(ch, { minLength: 1, maxLength: 6 }).map((a) => a.join('')).filter((t) => t.length > 0);

  it('property: answers as containsWord over the same text as a string, for any boundaries and start limit', () => {
    fc.assert(
      // Half the texts hold the term (between two random texts, so often as a whole word).
      fc.property(fc.tuple(text, term, text, fc.boolean()), fc.boolean(), fc.boolean(), fc.nat({ max: 140 }), ([a, needle, b, plant], leftOpen, rightOpen, startsBefore) => {
        const hay = plant ? `${a}${needle}${b}` : a;
        assert.equal(
          containsWordInUnits(units(hay), hay.length, termSearch(needle), leftOpen, startsBefore, rightOpen),
          containsWord(hay, needle, leftOpen, startsBefore, rightOpen),
          JSON.stringify({ hay, needle }),
        );
      }),
      { numRuns: 5000 },
    );
  });

  it('reads only the first `length` units of its array', () => {
    const u = units('xx lakeside therapy centre');
    const t = termSearch('lakeside therapy centre');
    assert.equal(containsWordInUnits(u, u.length, t, true, u.length, true), true);
    assert.equal(containsWordInUnits(u, u.length - 1, t, true, u.length, true), false);
    // The term ending where the units end waits for what follows (rightOpen false).
    assert.equal(containsWordInUnits(u, u.length, t, true, u.length, false), false);
  });

  it('finds a term late in a long text, whole words only', () => {
    const hay = `${'lakeside therapy centres '.repeat(2000)}the lakeside therapy centre closed`;
    const t = termSearch('lakeside therapy centre');
    assert.equal(containsWordInUnits(units(hay), hay.length, t, true, hay.length, true), true);
    const miss = 'lakeside therapy centres '.repeat(2000);
    assert.equal(containsWordInUnits(units(miss), miss.length, t, true, miss.length, true), false);
  });
});
