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

describe('phone scanKey (the fast path used while scanning)', () => {
  it('equals normalize for every valid number it does not decline, in all written forms', async () => {
    const fc = (await import('fast-check')).default;
    const { phone: ph } = await import('../../../src/matcher/identifiers/phone.js');
    const { makeFiPhone, createRng } = await import('../../../src/matcher/identifiers/synthetic.js');
    const forms = (n: string) => {
      const d = n.replace(/\D/g, '').replace(/^358/, '');
      const nat = d.startsWith('0') ? d : `0${d}`;
      return [n, nat, `+358${nat.slice(1)}`, `+358 ${nat.slice(1, 3)} ${nat.slice(3)}`, `00358${nat.slice(1)}`, `+358 (0)${nat.slice(1)}`, `+358 0${nat.slice(1)}`, `${nat.slice(0, 3)}-${nat.slice(3)}`];
    };
    let compared = 0;
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), (seed) => {
        for (const f of forms(makeFiPhone(createRng(seed)))) {
          const full = ph.normalize(f, { region: 'FI' });
          const fast = ph.scanKey!(f, { region: 'FI' });
          if (full !== null && fast !== null) {
            compared++;
            if (fast !== full) throw new Error(`${f}: ${fast} != ${full}`);
          }
        }
      }),
      { seed: 42, numRuns: 300 },
    );
    if (compared < 1000) throw new Error(`only ${compared} comparisons`);
  });
});
