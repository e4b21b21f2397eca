import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isLeapYear, isValidDate } from '../../../src/matcher/identifiers/calendar.js';
import { luhnCheckDigit, luhnValid, mod11CheckDigit, mod97 } from '../../../src/matcher/identifiers/checksums.js';

describe('checksums', () => {
  it('Luhn: validates known numbers and computes check digits', () => {
    assert.ok(luhnValid('79927398713')); // the classic Luhn example
    assert.ok(!luhnValid('79927398710'));
    assert.equal(luhnCheckDigit('7992739871'), 3);
    assert.equal(luhnCheckDigit('811218987'), 6); // Skatteverket 811218-9876
    assert.ok(!luhnValid('0'));
  });

  it('mod 11: returns -1 when the check digit would be 10', () => {
    const w = [10, 9, 8, 7, 6, 5, 4, 3, 2];
    assert.equal(mod11CheckDigit('943476591', w), 9); // NHS 943 476 5919
    assert.equal(mod11CheckDigit('000000000', w), 0);
    assert.equal(mod11CheckDigit('000000006', w), -1); // sum 12, remainder 1, check 10
  });

  it('mod 97: the IBAN check yields 1 for a valid rearranged IBAN', () => {
    assert.equal(mod97('WEST12345698765432GB82'), 1);
    assert.equal(mod97('WEST12345698765432GB83'), 2);
  });

  it('calendar: Gregorian leap years and month lengths', () => {
    assert.ok(isLeapYear(2000) && isLeapYear(2024) && !isLeapYear(1900) && !isLeapYear(2023));
    assert.ok(isValidDate(2000, 2, 29) && !isValidDate(1900, 2, 29) && !isValidDate(2023, 4, 31) && !isValidDate(2023, 13, 1));
  });
});
