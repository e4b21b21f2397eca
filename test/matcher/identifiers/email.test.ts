import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { email } from '../../../src/matcher/identifiers/email.js';
import { makeEmail, makeName } from '../../../src/matcher/identifiers/synthetic.js';
import { candidates, embeddings, FC, found, fromGenerator } from './helpers.js';

describe('email normalize', () => {
  it('trims and lower-cases the whole address', () => {
    assert.equal(email.normalize('  Matti.Virtanen@Example.ORG '), 'matti.virtanen@example.org');
    assert.equal(email.normalize('MATTI.VIRTANEN@example.org'), email.normalize('matti.virtanen@EXAMPLE.org'));
  });

  it('accepts plus tags, Unicode local parts and subdomains', () => {
    for (const v of ['aino+klinikka@example.org', 'päivi.mäkelä@example.org', 'a@mail.example.co.uk', "o'brien@example.com"]) {
      assert.equal(email.normalize(v), v.toLowerCase(), v);
    }
  });

  it('applies NFKC (full-width letters fold to ASCII)', () => {
    assert.equal(email.normalize('ｍａｔｔｉ@example.org'), 'matti@example.org');
  });

  it('rejects malformed addresses', () => {
    for (const v of ['a@b', '@example.org', 'a@@example.org', 'a..b@example.org', '.a@example.org', 'a.@example.org', 'a@-example.org', 'a@example-.org', 'a@example.o', 'a@example.org.', 'a b@example.org', 'a@example.123', `${'x'.repeat(65)}@example.org`, '']) {
      assert.equal(email.normalize(v), null, v);
    }
  });

  it('property: generated addresses validate; case and padding do not matter; idempotent', () => {
    fc.assert(
      fc.property(fromGenerator((rng) => makeEmail(rng, makeName(rng))), (v) => {
        const canonical = email.normalize(v);
        assert.ok(canonical !== null);
        assert.equal(email.normalize(` ${v.toUpperCase()}\t`), canonical);
        assert.equal(email.normalize(canonical), canonical);
      }),
      FC,
    );
  });
});

describe('email pattern', () => {
  it('finds addresses in documents and mailto links', () => {
    for (const text of embeddings('Matti.Virtanen@Example.ORG')) {
      assert.deepEqual(found(email, text), ['matti.virtanen@example.org'], text);
    }
    assert.deepEqual(found(email, '<a href="mailto:aino@example.com">Aino</a>'), ['aino@example.com']);
    assert.deepEqual(found(email, 'Lähetä osoitteeseen aino@example.com.'), ['aino@example.com']);
  });

  it('does not produce candidates from text without an address', () => {
    assert.deepEqual(candidates(email, 'no address @ here, nor user@ or @host.org'), []);
  });
});
