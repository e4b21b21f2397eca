import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { createSePersonnummer } from '../../../src/matcher/identifiers/se-personnummer.js';
import { makePersonnummer } from '../../../src/matcher/identifiers/synthetic.js';
import { candidates, embeddings, FC, found, fromGenerator, replaceAt } from './helpers.js';

// Fixed clock: century resolution of the 10-digit form depends on "today".
const se = createSePersonnummer({ now: () => new Date('2025-06-15T12:00:00Z') });

describe('se_personnummer normalize', () => {
  // Skatteverket examples: 811218-9876 (personnummer form examples), 640823-3234
  // (their check-digit calculation example), 701063-2391 (samordningsnummer example).
  it('accepts Skatteverket examples and returns 12 digits', () => {
    assert.equal(se.normalize('811218-9876'), '198112189876');
    assert.equal(se.normalize('640823-3234'), '196408233234');
    assert.equal(se.normalize('701063-2391'), '197010632391');
  });

  it('maps 10-digit, 12-digit, spaced and bare forms to one canonical', () => {
    for (const v of ['811218-9876', '8112189876', '811218 9876', '19811218-9876', '198112189876', ' 19811218 9876 ']) {
      assert.equal(se.normalize(v), '198112189876', v);
    }
  });

  it("resolves the century: '-' is under 100 years, '+' is 100 or older", () => {
    const pnr = '1001014990'; // Luhn-valid, synthetic
    assert.equal(se.normalize('100101-4990'), '20' + pnr);
    assert.equal(se.normalize('100101+4990'), '19' + pnr);
    // Born 1925-12-24 is still 99 on the fixed date; the '-' form means 1925, not 2025.
    assert.equal(se.normalize('251224-0009'), '192512240009');
    assert.equal(se.normalize('251224+0009'), '182512240009');
  });

  it('uses the injected clock', () => {
    const se2031 = createSePersonnummer({ now: () => new Date('2031-01-01T00:00:00Z') });
    assert.equal(se.normalize('300101-0002'), '193001010002');
    assert.equal(se2031.normalize('300101-0002'), '203001010002');
  });

  it('rejects bad Luhn, impossible dates and bad shapes', () => {
    for (const v of ['811218-9877', '811232-9870', '811318-9876', '17811218-9876', '81121-89876', '811218--9876', '8112189876x', '']) {
      assert.equal(se.normalize(v), null, v);
    }
    // 29 February: 2004 valid (Skatteverket "skottdag" example 040229-0001), 2003 not.
    assert.equal(se.normalize('040229-0001'), '200402290001');
    assert.equal(se.normalize('030229-0002'), null, 'Luhn-valid but 2003 has no 29 February');
  });

  it('property: generated numbers validate; reformatting keeps the canonical; idempotent', () => {
    fc.assert(
      fc.property(fromGenerator(makePersonnummer), (v) => {
        const canonical = se.normalize(v);
        assert.ok(canonical !== null && /^\d{12}$/.test(canonical));
        assert.equal(se.normalize(v.replace('-', '')), canonical);
        assert.equal(se.normalize(canonical.slice(0, 8) + '-' + canonical.slice(8)), canonical);
        assert.equal(se.normalize(canonical), canonical);
      }),
      FC,
    );
  });

  it('property: a single changed digit is rejected (Luhn catches every single-digit error)', () => {
    fc.assert(
      fc.property(fromGenerator(makePersonnummer), fc.integer({ min: 0, max: 9 }), fc.integer({ min: 1, max: 9 }), (v, pos, delta) => {
        const i = pos < 6 ? pos : pos + 1;
        const mutated = replaceAt(v, i, String((Number(v[i]) + delta) % 10));
        assert.equal(se.normalize(mutated), null);
      }),
      FC,
    );
  });
});

describe('se_personnummer pattern', () => {
  it('finds every written form in documents', () => {
    for (const form of ['811218-9876', '19811218-9876', '198112189876', '8112189876']) {
      for (const text of embeddings(form)) assert.deepEqual(found(se, text), ['198112189876'], text);
    }
  });

  it('does not match inside longer digit runs', () => {
    for (const text of ['1198112189876', '8112189876123', '12-811218-9876', '811218-98761', 'ab8112189876']) {
      assert.deepEqual(candidates(se, text), [], text);
    }
  });
});
