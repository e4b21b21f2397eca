import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { phone } from '../../../src/matcher/identifiers/phone.js';
import { makeFiPhone } from '../../../src/matcher/identifiers/synthetic.js';
import { candidates, embeddings, FC, found, fromGenerator } from './helpers.js';

const FI = { region: 'FI' };

describe('phone normalize', () => {
  it('maps the common Finnish mobile forms to one E.164 number', () => {
    for (const v of ['+358 40 123 4567', '040-1234567', '0401234567', '040 123 4567', '+358401234567', '00358 40 123 4567', '+358 (0)40 123 4567']) {
      assert.equal(phone.normalize(v, FI), '+358401234567', v);
    }
  });

  it('needs a region for national forms, not for international ones', () => {
    assert.equal(phone.normalize('040 123 4567'), null);
    assert.equal(phone.normalize('+358 40 123 4567'), '+358401234567');
    assert.equal(phone.normalize('00358 40 123 4567'), '+358401234567');
    assert.equal(phone.normalize('+358 40 123 4567', { region: 'SE' }), '+358401234567');
  });

  it('uses the region for other countries (libphonenumber-js README example)', () => {
    assert.equal(phone.normalize('(213) 373-4253', { region: 'US' }), '+12133734253');
    assert.equal(phone.normalize('070-123 45 67', { region: 'SE' }), '+46701234567');
  });

  it('rejects numbers the number plan does not allow, and junk', () => {
    for (const v of ['123', '+358 40', '040-12345678901234', 'call me', '+999 123 456 789', '040 123 4567 ext', '']) {
      assert.equal(phone.normalize(v, FI), null, v);
    }
    assert.equal(phone.normalize('040 123 4567', { region: 'ZZ' }), null, 'unknown region acts as none');
  });

  it('property: generated Finnish mobiles normalize to +358 and are idempotent', () => {
    fc.assert(
      fc.property(fromGenerator(makeFiPhone), (v) => {
        const canonical = phone.normalize(v, FI);
        assert.ok(canonical !== null && /^\+358(40|50)\d{7}$/.test(canonical), v);
        assert.equal(phone.normalize(canonical), canonical);
        assert.equal(phone.normalize(canonical, { region: 'US' }), canonical);
      }),
      { ...FC, numRuns: 200 },
    );
  });
});

describe('phone pattern', () => {
  it('finds numbers in documents in all common forms', () => {
    for (const form of ['+358 40 123 4567', '040-1234567', '0401234567', '(09) 1234 567']) {
      const expected = phone.normalize(form, FI);
      assert.ok(expected !== null, form);
      for (const text of embeddings(form)) assert.deepEqual(found(phone, text, FI), [expected], `${form} in ${text}`);
    }
  });

  it('does not match inside longer digit runs or words', () => {
    for (const text of ['12345678901234567890', 'ABC0401234567', '0401234567XYZ']) {
      assert.deepEqual(candidates(phone, text), [], text);
    }
  });
});
