import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { date } from '../../src/matcher/identifiers/date.js';
import { isNumbered, keyNumbers, type NumberedType } from '../../src/matcher/number-fps.js';
import { IdentifierHasher } from '../../src/matcher/keyed-identifier.js';
import { email } from '../../src/matcher/identifiers/email.js';

const KEY = Uint8Array.from({ length: 16 }, (_, i) => 3 * i + 5);

describe('keyNumbers', () => {
  const hasher = new IdentifierHasher(KEY);
  const numbered: NumberedType = isNumbered(date) ? date : assert.fail('date numbers its canonical forms');
  const table = keyNumbers(hasher, 'date', numbered);

  it('property: a slot holds the low half of the keyed fingerprint of its number\'s canonical form', () => {
    fc.assert(
      fc.property(fc.nat({ max: date.numberSlots! - 1 }), (i) => {
        const n = date.numberAt!(i);
        if (n === 0) {
          assert.equal(table[i], 0);
          return;
        }
        assert.equal(table[i], hasher.hash('date', date.canonicalOfNumber!(n)).lo);
      }),
      { seed: 11, numRuns: 2000 },
    );
    assert.equal(table[date.numberIndex!(19850201)], hasher.hash('date', '1985-02-01').lo);
    assert.equal(table[date.numberIndex!(21991231)], hasher.hash('date', '2199-12-31').lo);
  });

  it('depends on the label and the key', () => {
    const i = date.numberIndex!(19850201);
    assert.notEqual(keyNumbers(hasher, 'birth', numbered)[i], table[i]);
    assert.notEqual(keyNumbers(new IdentifierHasher(KEY.map((b) => b ^ 1)), 'date', numbered)[i], table[i]);
  });

  it('applies only to types that number all their forms', () => {
    assert.equal(isNumbered(email), false);
  });
});
