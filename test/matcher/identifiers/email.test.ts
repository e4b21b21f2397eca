import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { email } from '../../../src/matcher/identifiers/email.js';
import { makeEmail, makeName } from '../../../src/matcher/identifiers/synthetic.js';
import { globalRegExp, scanMatches } from '../../../src/matcher/pattern-scan.js';
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

describe('email fast path (find and scanKey, used while scanning)', () => {
  const regexMatches = (text: string): [number, number][] => {
    const out: [number, number][] = [];
    scanMatches(globalRegExp(email.pattern!), { anchor: email.anchor }, text, (s, e) => out.push([s, e]));
    return out;
  };
  const fastMatches = (text: string): [number, number][] => {
    const out: [number, number][] = [];
    scanMatches(globalRegExp(email.pattern!), email, text, (s, e) => out.push([s, e]));
    return out;
  };
  // Characters that decide the pattern's edges: local-part punctuation, '@', '.', guards, separators.
  const tricky = fc.constantFrom(...'aZ9._%+\'-@@@..._-!#;, \n\té'.split(''), 'ab', 'xyz', 'com', '.fi', 'Ä', '𝐀');
  const trickyText = fc.array(tricky, { maxLength: 120 }).map((a) => a.join(''));

  it('finds what the regex finds on known cases', () => {
    const text = 'x a@b.co, MATTI.V@EXAMPLE.FI;a@b.cd.e@f.gh "o\'b@x.y.zz" a@b.c1 x@aa.bb.cc.dd.ee.ff.gg.hh.ii.jj';
    assert.deepEqual(fastMatches(text), regexMatches(text));
    assert.ok(fastMatches(text).length >= 4);
  });

  it('property: on any text, the same matches as the regex (ASCII regions by hand, others by regex)', () => {
    fc.assert(fc.property(fc.oneof(trickyText, fc.string({ maxLength: 80 })), (text) => {
      assert.deepEqual(fastMatches(text), regexMatches(text));
    }), { ...FC, numRuns: 3000 });
  });

  it('property: long local parts and many labels hit the same limits as the regex', () => {
    const part = fc.tuple(fc.integer({ min: 0, max: 70 }), fc.integer({ min: 0, max: 11 }), fc.integer({ min: 1, max: 66 }));
    fc.assert(fc.property(part, fc.boolean(), ([local, labels, tld], upper) => {
      let text = `${'a'.repeat(local)}@${'b.'.repeat(labels)}${'c'.repeat(tld)} `;
      if (upper) text = text.toUpperCase();
      assert.deepEqual(fastMatches(text), regexMatches(text));
    }), FC);
  });

  it('property: scanKey equals normalize on every valid generated address, in any case', () => {
    fc.assert(fc.property(fromGenerator((rng) => makeEmail(rng, makeName(rng))), fc.boolean(), (addr, upper) => {
      const raw = upper ? addr.toUpperCase() : addr;
      const canon = email.normalize(raw);
      const key = email.scanKey!(raw);
      if (canon !== null && key !== null) assert.equal(key, canon);
      assert.notEqual(canon, null);
    }), FC);
  });

  it('scanKey leaves non-ASCII and padded input to normalize', () => {
    assert.equal(email.scanKey!('päivi@example.org'), null);
    assert.equal(email.scanKey!(' a@example.org'), null);
    assert.equal(email.scanKey!('A.B@Example.ORG'), 'a.b@example.org');
  });
});

describe('email scanKey never makes a valid address of an invalid one', () => {
  it('property: when the key is a valid canonical form, normalize agrees', () => {
    const ch = fc.constantFrom(...'aZ9._%+\'-@.!# é'.split(''));
    const text = fc.oneof(fc.array(ch, { maxLength: 30 }).map((a) => a.join('')), fromGenerator((rng) => makeEmail(rng, makeName(rng))).map((s) => s.replace('.', '..')));
    fc.assert(fc.property(text, (raw) => {
      const key = email.scanKey!(raw);
      if (key !== null && email.normalize(key) === key) assert.equal(email.normalize(raw), key, raw);
    }), { ...FC, numRuns: 2000 });
  });
});
