import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { iban, IBAN_LENGTHS } from '../../../src/matcher/identifiers/iban.js';
import { createRng, makeIban } from '../../../src/matcher/identifiers/synthetic.js';
import { candidates, embeddings, FC, found, replaceAt } from './helpers.js';

// Examples from the SWIFT IBAN Registry (ISO 13616) as republished in bank
// documentation (e.g. currencycloud "IBAN formats by country"); GB82 WEST… is the
// classic ISO 13616 print-format example.
const REGISTRY_EXAMPLES = [
  'GB82 WEST 1234 5698 7654 32',
  'DE89 3704 0044 0532 0130 00',
  'FI21 1234 5600 0007 85',
  'GB29 NWBK 6016 1331 9268 19',
  'CH93 0076 2011 6238 5295 7',
  'NO93 8601 1117 947',
  'FR14 2004 1010 0505 0001 3M02 606',
  'BE68 5390 0754 7034',
  'DK50 0040 0440 1162 43',
  'EE38 2200 2210 2014 5685',
];

const printFormat = (compact: string): string => compact.match(/.{1,4}/g)!.join(' ');

describe('iban normalize', () => {
  it('accepts registry examples and returns them compact and upper case', () => {
    for (const v of REGISTRY_EXAMPLES) assert.equal(iban.normalize(v), v.replaceAll(' ', ''), v);
    assert.equal(iban.normalize('fi21 1234 5600 0007 85'), 'FI2112345600000785');
  });

  it('rejects bad check digits, wrong lengths and unknown countries', () => {
    for (const v of ['GB82 WEST 1234 5698 7654 33', 'FI21 1234 5600 0007 8', 'FI21 1234 5600 0007 850', 'XX82 WEST 1234 5698 7654 32', 'GB8X WEST 1234 5698 7654 32', '']) {
      assert.equal(iban.normalize(v), null, v);
    }
  });

  it('covers all EU/EEA countries, GB and CH in the length table', () => {
    const required = 'AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE IS LI NO GB CH'.split(' ');
    for (const cc of required) assert.ok(IBAN_LENGTHS[cc] !== undefined, cc);
  });

  it('property: generated IBANs of every country validate; print format and case do not matter', () => {
    fc.assert(
      fc.property(fc.constantFrom(...Object.keys(IBAN_LENGTHS)), fc.integer({ min: 0, max: 0x7fffffff }), (cc, seed) => {
        const v = makeIban(createRng(seed), cc);
        assert.equal(iban.normalize(v), v);
        assert.equal(iban.normalize(printFormat(v).toLowerCase()), v);
      }),
      FC,
    );
  });

  it('property: changing any one digit is rejected (mod 97 detects single substitutions)', () => {
    fc.assert(
      fc.property(fc.constantFrom('FI', 'DE', 'GB', 'SE', 'NO', 'FR'), fc.nat(), fc.nat(), fc.integer({ min: 1, max: 9 }), (cc, seed, pos, d) => {
        const v = makeIban(createRng(seed), cc);
        const digitPositions = [...v].flatMap((c, i) => (/\d/.test(c) ? [i] : []));
        const i = digitPositions[pos % digitPositions.length]!;
        assert.equal(iban.normalize(replaceAt(v, i, String((Number(v[i]) + d) % 10))), null);
      }),
      FC,
    );
  });
});

describe('iban pattern', () => {
  it('finds print-format and compact IBANs in documents', () => {
    for (const text of embeddings('FI21 1234 5600 0007 85')) assert.deepEqual(found(iban, text), ['FI2112345600000785'], text);
    assert.deepEqual(found(iban, 'Tili DE89370400440532013000.'), ['DE89370400440532013000']);
  });

  it('stops at the registered length even when a word follows', () => {
    assert.deepEqual(found(iban, 'IBAN FI21 1234 5600 0007 85 EUR 100'), ['FI2112345600000785']);
    assert.deepEqual(found(iban, 'GB82 WEST 1234 5698 7654 32 GBP'), ['GB82WEST12345698765432']);
  });

  it('does not match inside longer tokens', () => {
    for (const text of ['XFI2112345600000785', 'FI21123456000007851', 'FI2112345600000785X']) {
      assert.deepEqual(candidates(iban, text), [], text);
    }
  });
});
