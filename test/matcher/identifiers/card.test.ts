import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { card } from '../../../src/matcher/identifiers/card.js';
import { makeCard } from '../../../src/matcher/identifiers/synthetic.js';
import { candidates, embeddings, FC, found, fromGenerator, replaceAt } from './helpers.js';

// Test card numbers published by payment processors for sandbox use (Stripe and
// PayPal testing documentation): Visa, Mastercard, American Express.
const TEST_CARDS = ['4111 1111 1111 1111', '5555 5555 5555 4444', '3782 822463 10005', '4242424242424242'];

describe('card normalize', () => {
  it('accepts processor test numbers, canonical digits only', () => {
    for (const v of TEST_CARDS) assert.equal(card.normalize(v), v.replaceAll(' ', ''), v);
    assert.equal(card.normalize('4111-1111-1111-1111'), '4111111111111111');
  });

  it('rejects Luhn failures, wrong lengths, leading zero and junk', () => {
    for (const v of ['4111 1111 1111 1112', '411111111111', '41111111111111111111', '0000 0000 0000 0000', '4111 1111 1111 111a', '4111  1111 1111 1111', '']) {
      assert.equal(card.normalize(v), null, v);
    }
  });

  it('property: generated cards validate; regrouping keeps the canonical; idempotent', () => {
    fc.assert(
      fc.property(fromGenerator(makeCard), (v) => {
        const canonical = card.normalize(v);
        assert.ok(canonical !== null && canonical.length === 16);
        assert.equal(card.normalize(v.replaceAll(' ', '-')), canonical);
        assert.equal(card.normalize(v.replaceAll(' ', '')), canonical);
        assert.equal(card.normalize(canonical), canonical);
      }),
      FC,
    );
  });

  it('property: any single-digit change is rejected (Luhn)', () => {
    fc.assert(
      fc.property(fromGenerator(makeCard), fc.integer({ min: 0, max: 15 }), fc.integer({ min: 1, max: 9 }), (v, pos, d) => {
        const compact = v.replaceAll(' ', '');
        assert.equal(card.normalize(replaceAt(compact, pos, String((Number(compact[pos]) + d) % 10))), null);
      }),
      FC,
    );
  });
});

describe('card pattern', () => {
  it('finds grouped and bare card numbers in documents, also before an expiry date', () => {
    for (const text of embeddings('4111 1111 1111 1111')) assert.deepEqual(found(card, text), ['4111111111111111'], text);
    assert.deepEqual(found(card, 'kortti 5555-5555-5555-4444 exp 12/29'), ['5555555555554444']);
  });

  it('does not match inside longer digit runs', () => {
    for (const text of ['94111111111111111119999', '4111-1111-1111-1111-1111', 'x4111111111111111']) {
      assert.deepEqual(candidates(card, text), [], text);
    }
  });
});
