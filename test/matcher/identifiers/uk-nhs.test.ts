import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { makeNhs } from '../../../src/matcher/identifiers/synthetic.js';
import { ukNhs as nhs } from '../../../src/matcher/identifiers/uk-nhs.js';
import { candidates, embeddings, FC, found, fromGenerator, replaceAt } from './helpers.js';

describe('uk_nhs normalize', () => {
  // 943 476 5919: the worked check-digit example for the NHS number (Wikipedia
  // "NHS number"; also NHS API sandbox patient).
  it('accepts the published example in every written form', () => {
    for (const v of ['943 476 5919', '943-476-5919', '9434765919']) assert.equal(nhs.normalize(v), '9434765919', v);
  });

  it('rejects a wrong check digit, remainder-10 numbers and mixed grouping', () => {
    assert.equal(nhs.normalize('9434765918'), null);
    // 987 654 4321 is the NHS *format* example; its check digit does not verify.
    assert.equal(nhs.normalize('987 654 4321'), null);
    for (const v of ['943 476-5919', '94347659190', '943476591', '']) assert.equal(nhs.normalize(v), null, v);
  });

  it('property: generated test-range numbers validate; regrouping keeps the canonical', () => {
    fc.assert(
      fc.property(fromGenerator(makeNhs), (v) => {
        const canonical = nhs.normalize(v);
        assert.ok(canonical !== null && canonical.startsWith('999'));
        assert.equal(nhs.normalize(v.replaceAll(' ', '-')), canonical);
        assert.equal(nhs.normalize(canonical), canonical);
      }),
      FC,
    );
  });

  it('property: any single-digit change is rejected', () => {
    fc.assert(
      fc.property(fromGenerator(makeNhs), fc.integer({ min: 0, max: 9 }), fc.integer({ min: 1, max: 9 }), (v, pos, d) => {
        const compact = v.replaceAll(' ', '');
        assert.equal(nhs.normalize(replaceAt(compact, pos, String((Number(compact[pos]) + d) % 10))), null);
      }),
      FC,
    );
  });
});

describe('uk_nhs pattern', () => {
  it('finds NHS numbers in documents and not inside longer runs', () => {
    for (const text of embeddings('943 476 5919')) assert.deepEqual(found(nhs, text), ['9434765919'], text);
    for (const text of ['19434765919', '94347659191', '1-943-476-5919', 'NHS9434765919']) {
      assert.deepEqual(candidates(nhs, text), [], text);
    }
  });
});
