/**
 * Corroboration searches a built-in type's pattern in the two parts of a
 * hit's window (before and after the hit) where they lie, instead of in one
 * string that joins them with a tab. That is the same search only if every
 * built-in pattern takes a text's edge as it takes a tab, and no match spans
 * a tab: checked here for each type, over texts made of identifier-like
 * fragments (synthetic values) and separators.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { ALL_TYPES } from '../../src/matcher/identifiers/registry.js';
import { globalRegExp, scanMatches } from '../../src/matcher/pattern-scan.js';
import type { IdentifierType } from '../../src/matcher/identifiers/types.js';

/** Pieces that make matches of every type, or nearly (cut, with a letter or digit glued on). */
const FRAGMENTS = [
  '131052-308T', '010100A123J', '19850201-1234', '850201-1234', '01018512345', '010185-1234', '123-45-6789', '943 476 5919',
  'FI21 1234 5600 0007 85', 'FI2112345600000785', '4111 1111 1111 1111', '4111-1111-1111-1111', 'matti.virtanen@example.fi',
  'A.B@EXAMPLE.ORG', '+358 40 123 4567', '040-1234567', '0401234567', '0046 70 123 45 67', '(09) 123 4567', '1.2.1985', '1985-02-01',
  '21.11.1992', '1 February 1985', 'helmikuu 1985', '2. helmikuuta 1985', 'Feb 1, 1985', '00100', 'SW1A 1AA', '90210-1234', 'Virtanen, Matti',
];
const SEPARATORS = [' ', ';', ',', '-', '.', '/', '@', '+', 'a', 'Z', '7', 'ä', '\u00a0', '\n', '', '', ''];

const piece = fc.oneof(fc.constantFrom(...FRAGMENTS), fc.constantFrom(...SEPARATORS), fc.string({ unit: fc.constantFrom('0', '1', '9', 'x', 'Q', ' ', '-', '.', ':'), maxLength: 4 }));
const part = fc.array(piece, { maxLength: 8 }).map((p) => p.join(''));

function matches(type: IdentifierType, text: string): [number, number][] {
  const out: [number, number][] = [];
  scanMatches(globalRegExp(type.pattern!), type, text, (start, end) => out.push([start, end]));
  return out;
}

describe('built-in patterns at a window seam', () => {
  for (const type of ALL_TYPES.filter((t) => t.pattern)) {
    it(`${type.name}: a tab between two parts finds what the parts find on their own`, () => {
      fc.assert(
        fc.property(part, part, (a, b) => {
          const joined = matches(type, `${a}\t${b}`);
          const apart = [...matches(type, a), ...matches(type, b).map(([s, e]): [number, number] => [s + a.length + 1, e + a.length + 1])];
          assert.deepEqual(joined, apart);
        }),
        { numRuns: 400, seed: 24 },
      );
    });
  }

  it('the fragments make matches of the types (the property is not vacuous)', () => {
    for (const type of ALL_TYPES.filter((t) => t.pattern)) {
      assert.ok(FRAGMENTS.some((f) => matches(type, f).length > 0), `${type.name} matches no fragment`);
    }
  });
});
