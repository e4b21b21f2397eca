import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { asciiNameTokens, nameTokens, personName, unicodeNameTokens } from '../../../src/matcher/identifiers/name.js';
import { makeName } from '../../../src/matcher/identifiers/synthetic.js';
import { FC, fromGenerator } from './helpers.js';

describe('name normalize', () => {
  it('is independent of order, case and punctuation', () => {
    const canonical = personName.normalize('Matti Virtanen');
    assert.equal(canonical, 'matti virtanen');
    for (const v of ['VIRTANEN, Matti', 'virtanen matti', '  Matti   VIRTANEN. ', 'Virtanen;Matti']) {
      assert.equal(personName.normalize(v), canonical, v);
    }
  });

  it('keeps diacritics (Mäkinen is not Makinen) and composes them (NFKC)', () => {
    assert.notEqual(personName.normalize('Aino Mäkinen'), personName.normalize('Aino Makinen'));
    assert.equal(personName.normalize('Aino Ma\u0308kinen'), 'aino mäkinen');
  });

  it('splits on hyphens, drops apostrophes, de-duplicates tokens', () => {
    assert.equal(personName.normalize('Anna-Liisa Mäki-Petäjä'), 'anna liisa mäki petäjä');
    assert.equal(personName.normalize("Seán O'Brien"), 'obrien seán');
    assert.equal(personName.normalize('Matti Matti Virtanen'), 'matti virtanen');
  });

  it('returns null when no letters remain', () => {
    for (const v of ['', '   ', '-,.', '12345']) assert.equal(personName.normalize(v), null, v);
  });

  it('has no search pattern', () => {
    assert.equal(personName.pattern, null);
  });

  it('the ASCII fast path gives exactly the general tokens (NFKC, regex split)', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(..."aZq'`-.,@0 9\t_"), maxLength: 40 }), fc.string({ maxLength: 20 }), (a, b) => {
        const raw = a + b.replace(/[^\x00-\x7f]/g, '');
        assert.deepEqual(asciiNameTokens(raw), unicodeNameTokens(raw));
      }),
      FC,
    );
    assert.equal(asciiNameTokens('Mäkinen'), null);
    assert.equal(asciiNameTokens('x'.repeat(300)), null);
    assert.deepEqual(nameTokens('x'.repeat(300)), []);
  });

  it('nameTokens keeps first-appearance order, de-duplicated', () => {
    assert.deepEqual(nameTokens('VIRTANEN, Matti Juhani Virtanen'), ['virtanen', 'matti', 'juhani']);
    assert.deepEqual(nameTokens(''), []);
  });

  it('property: shuffling, re-casing and punctuation do not change the canonical; idempotent', () => {
    fc.assert(
      fc.property(fromGenerator(makeName), fc.boolean(), (v, upper) => {
        const [first, last] = v.split(' ') as [string, string];
        const canonical = personName.normalize(v);
        assert.ok(canonical !== null);
        const variant = `${upper ? last.toUpperCase() : last.toLowerCase()}, ${first}`;
        assert.equal(personName.normalize(variant), canonical);
        assert.equal(personName.normalize(canonical), canonical);
        assert.deepEqual([...nameTokens(v)].sort(), canonical.split(' '));
      }),
      FC,
    );
  });
});
