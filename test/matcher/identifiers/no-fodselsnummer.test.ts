import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { noBirthYear, noCheckDigits, noFodselsnummer as no } from '../../../src/matcher/identifiers/no-fodselsnummer.js';
import { makeFodselsnummer } from '../../../src/matcher/identifiers/synthetic.js';
import { candidates, embeddings, FC, found, fromGenerator, replaceAt } from './helpers.js';

describe('no_fodselsnummer normalize', () => {
  // No official test vectors are published; these are the (generated) examples in
  // validator READMEs: storbukas/norsk-validator (fnr 01010750160, D 41010199946),
  // slahn/nonin (29100207042, D 43022014103), navikt/fnrvalidator (H 13527248013).
  it('accepts published library examples, including D- and H-numbers', () => {
    for (const v of ['01010750160', '29100207042', '41010199946', '43022014103', '13527248013']) {
      assert.equal(no.normalize(v), v, v);
    }
  });

  it('accepts a space or dash between date and personal number', () => {
    assert.equal(no.normalize('010107 50160'), '01010750160');
    assert.equal(no.normalize('010107-50160'), '01010750160');
  });

  it('derives the century from the individual number', () => {
    assert.equal(noBirthYear(85, 123), 1985);
    assert.equal(noBirthYear(60, 600), 1860);
    assert.equal(noBirthYear(5, 600), 2005);
    assert.equal(noBirthYear(45, 950), 1945);
    assert.equal(noBirthYear(45, 800), null);
  });

  it('rejects bad check digits, impossible dates and unassigned ranges', () => {
    assert.equal(no.normalize('01010750161'), null);
    assert.equal(no.normalize('01010750170'), null);
    // 30 February with otherwise computed check digits
    const feb30 = '300285123';
    const check = noCheckDigits(feb30);
    if (check !== null) assert.equal(no.normalize(feb30 + check), null);
    for (const v of ['0101075016', '010107501601', 'abcdefghijk', '']) assert.equal(no.normalize(v), null, v);
  });

  it('property: generated numbers validate and are idempotent', () => {
    fc.assert(
      fc.property(fromGenerator(makeFodselsnummer), (v) => {
        assert.equal(no.normalize(v), v);
        assert.equal(no.normalize(`${v.slice(0, 6)} ${v.slice(6)}`), v);
      }),
      FC,
    );
  });

  it('property: any single-digit change is rejected (both mod-11 weights are non-zero)', () => {
    fc.assert(
      fc.property(fromGenerator(makeFodselsnummer), fc.integer({ min: 0, max: 10 }), fc.integer({ min: 1, max: 9 }), (v, i, d) => {
        assert.equal(no.normalize(replaceAt(v, i, String((Number(v[i]) + d) % 10))), null);
      }),
      FC,
    );
  });
});

describe('no_fodselsnummer pattern', () => {
  it('finds numbers in documents and not inside longer runs', () => {
    for (const text of embeddings('010107 50160')) assert.deepEqual(found(no, text), ['01010750160'], text);
    for (const text of ['101010750160', '010107501601', 'A01010750160']) assert.deepEqual(candidates(no, text), [], text);
  });
});
