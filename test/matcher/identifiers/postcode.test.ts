import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { postcode } from '../../../src/matcher/identifiers/postcode.js';

const n = (v: string, region?: string): string | null => postcode.normalize(v, region === undefined ? {} : { region });

describe('postcode normalize', () => {
  it('removes spaces and dashes and upper-cases', () => {
    assert.equal(n('sw1a 1aa', 'GB'), 'SW1A1AA');
    assert.equal(n('SW1A1AA', 'GB'), 'SW1A1AA');
    assert.equal(n('123 45', 'SE'), '12345');
    assert.equal(n('12345-6789', 'US'), '123456789');
  });

  it('drops a country prefix equal to the region', () => {
    assert.equal(n('FI-00100', 'FI'), '00100');
    assert.equal(n('DK-2100', 'DK'), '2100');
  });

  it('validates the shape per region', () => {
    const valid: Array<[string, string]> = [['00100', 'FI'], ['11455', 'SE'], ['0150', 'NO'], ['2100', 'DK'], ['M1 1AE', 'GB'], ['EC1A 1BB', 'GB'], ['90210', 'US']];
    for (const [v, r] of valid) assert.ok(n(v, r) !== null, `${v} ${r}`);
    const invalid: Array<[string, string]> = [['0010', 'FI'], ['001000', 'FI'], ['1234', 'SE'], ['01500', 'NO'], ['210', 'DK'], ['1AA 1AA', 'GB'], ['9021', 'US'], ['9021012', 'US']];
    for (const [v, r] of invalid) assert.equal(n(v, r), null, `${v} ${r}`);
  });

  it('without a known region accepts 2-10 letters and digits', () => {
    assert.equal(n('75008'), '75008');
    assert.equal(n('1010 AB'), '1010AB');
    assert.equal(n('75008', 'FR'), '75008');
    assert.equal(n('x'), null);
    assert.equal(n('12345678901'), null);
    assert.equal(n('!!'), null);
  });

  it('has no search pattern', () => {
    assert.equal(postcode.pattern, null);
  });
});
