import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { dkCpr as dk } from '../../../src/matcher/identifiers/dk-cpr.js';
import { makeCpr } from '../../../src/matcher/identifiers/synthetic.js';
import { candidates, embeddings, FC, found, fromGenerator } from './helpers.js';

// Century rules: CPR office, "Personnummeret i CPR-systemet" (table of 7th digit x year).
describe('dk_cpr normalize', () => {
  it('accepts DDMMYY-SSSS and bare digits, canonical 10 digits', () => {
    assert.equal(dk.normalize('010203-1234'), '0102031234');
    assert.equal(dk.normalize('0102031234'), '0102031234');
    assert.equal(dk.normalize('010203 1234'), '0102031234');
  });

  it('does not require the mod-11 check (dropped by CPR in 2007)', () => {
    // 010165-0000 fails mod 11 (weights 4,3,2,7,6,5,4,3,2,1) but is a legal CPR number today.
    const weights = [4, 3, 2, 7, 6, 5, 4, 3, 2, 1];
    const sum = [...'0101650000'].reduce((acc, d, i) => acc + Number(d) * weights[i]!, 0);
    assert.notEqual(sum % 11, 0);
    assert.equal(dk.normalize('010165-0000'), '0101650000');
  });

  it('validates the date with the century from the 7th digit', () => {
    assert.equal(dk.normalize('290200-4000'), '2902004000', '7th digit 4, year 00 -> 2000 (leap)');
    assert.equal(dk.normalize('290200-1000'), null, '7th digit 1 -> 1900 (not leap)');
    assert.equal(dk.normalize('290262-5000'), null, '7th digit 5, year 62 -> 1862 (not leap)');
    assert.equal(dk.normalize('290260-5000'), '2902605000', '7th digit 5, year 60 -> 1860 (leap)');
    assert.equal(dk.normalize('290256-5000'), null, '7th digit 5, year 37-57 is unassigned');
    assert.equal(dk.normalize('290296-9000'), '2902969000', '7th digit 9, year 96 -> 1996 (leap)');
    for (const v of ['320185-1234', '011385-1234', '000185-1234', '01018-51234', '0101851234x']) {
      assert.equal(dk.normalize(v), null, v);
    }
  });

  it('property: generated numbers validate, reformat to the same canonical and are idempotent', () => {
    fc.assert(
      fc.property(fromGenerator(makeCpr), (v) => {
        const canonical = dk.normalize(v);
        assert.ok(canonical !== null);
        assert.equal(dk.normalize(v.replace('-', '')), canonical);
        assert.equal(dk.normalize(canonical), canonical);
      }),
      FC,
    );
  });
});

describe('dk_cpr pattern', () => {
  it('finds numbers in documents and not inside longer runs', () => {
    for (const text of embeddings('010203-1234')) assert.deepEqual(found(dk, text), ['0102031234'], text);
    for (const text of ['9010203-1234', '010203-12345', '1-010203-1234']) assert.deepEqual(candidates(dk, text), [], text);
  });
});
