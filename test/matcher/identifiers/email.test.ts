import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { email, EMAIL_ANCHOR, jsFind } from '../../../src/matcher/identifiers/email.js';
import { emailKernelAvailable, emailKernelResidue } from '../../../src/matcher/identifiers/email-kernel.js';
import { SEARCH_KERNEL_MAX_UNITS } from '../../../src/matcher/identifiers/search-kernel.js';
import type { IdentifierType } from '../../../src/matcher/identifiers/types.js';
import { makeEmail, makeName } from '../../../src/matcher/identifiers/synthetic.js';
import { globalRegExp, scanMatches } from '../../../src/matcher/pattern-scan.js';
import { assertWipedAfterSearch, candidates, embeddings, FC, found, fromGenerator } from './helpers.js';

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

const searches: Array<[string, Pick<IdentifierType, 'anchor' | 'find'>]> = [
  ['the WebAssembly loop over whole texts', email],
  ['the JavaScript search around each @', { anchor: EMAIL_ANCHOR, find: jsFind }],
];

for (const [name, search] of searches) describe(`email fast path, ${name} (find and scanKey, used while scanning)`, () => {
  const regexMatches = (text: string): [number, number][] => {
    const out: [number, number][] = [];
    scanMatches(globalRegExp(email.pattern!), { anchor: EMAIL_ANCHOR }, text, (s, e) => out.push([s, e]));
    return out;
  };
  const fastMatches = (text: string): [number, number][] => {
    const out: [number, number][] = [];
    scanMatches(globalRegExp(email.pattern!), search, text, (s, e) => out.push([s, e]));
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

describe('email find: the WebAssembly loop itself', () => {
  const byKernel = (text: string, lo = 0, hi = text.length): [number, number][] => {
    const out: [number, number][] = [];
    email.find!(text, lo, hi, (s, e) => out.push([s, e]));
    return out;
  };
  const byRegex = (text: string): [number, number][] => {
    const out: [number, number][] = [];
    scanMatches(globalRegExp(email.pattern!), { anchor: EMAIL_ANCHOR }, text, (s, e) => out.push([s, e]));
    return out;
  };

  it('runs here, so the type searches whole texts without an anchor', () => {
    assert.equal(emailKernelAvailable(), true);
    assert.equal(email.anchor, undefined);
  });

  it('property: the regex over the whole text finds what it finds around each @ (why the loop needs no regions)', () => {
    const tricky = fc.constantFrom(...'aZ9._%+\'-@@..._-;, \té'.split(''), 'ab', 'com', '.fi', 'Ä', 'a'.repeat(70), 'b.'.repeat(9), 'c'.repeat(64));
    fc.assert(fc.property(fc.array(tricky, { maxLength: 40 }).map((a) => a.join('')), (text) => {
      const whole: [number, number][] = [];
      scanMatches(globalRegExp(email.pattern!), {}, text, (s, e) => whole.push([s, e]));
      assert.deepEqual(whole, byRegex(text));
    }), { ...FC, numRuns: 2000 });
  });

  it("property: a key it passes with a match is the match's scanKeyBytes", () => {
    const tricky = fc.constantFrom(...'aZ9._%+\'-@@..._-;, \té'.split(''), 'ab', 'COM', '.Fi', 'Ä', 'x@Y.zz');
    fc.assert(fc.property(fc.array(tricky, { maxLength: 40 }).map((a) => a.join('')), (text) => {
      email.find!(text, 0, text.length, (s, e, key, keyAt) => {
        if (key === undefined) return;
        const expected = new Uint8Array(e - s);
        assert.equal(email.scanKeyBytes!(text, s, e, expected, 0), e - s);
        assert.deepEqual(key.subarray(keyAt!, keyAt! + e - s), expected, text);
      });
    }), { ...FC, numRuns: 2000 });
  });

  it('property: with a bulk sink, the same matches and keys in the same order as one by one, the bulk ones with keys', () => {
    const tricky = fc.constantFrom(...'aZ9._%+\'-@@..._-;, \té'.split(''), 'ab', 'COM', '.Fi', 'Ä', 'x@Y.zz', 'ä@b.cd');
    fc.assert(fc.property(fc.array(tricky, { maxLength: 60 }).map((a) => a.join('')), fc.nat({ max: 5 }), (text, cut) => {
      const lo = Math.min(cut, text.length);
      const single: string[] = [];
      email.find!(text, lo, text.length, (s, e, key, keyAt) => single.push(`${s}-${e}:${key ? [...key.subarray(keyAt!, keyAt! + e - s)].join(',') : ''}`));
      const mixed: string[] = [];
      let bulk = 0;
      email.find!(
        text,
        lo,
        text.length,
        (s, e, key, keyAt) => mixed.push(`${s}-${e}:${key ? [...key.subarray(keyAt!, keyAt! + e - s)].join(',') : ''}`),
        (pairs, count, base, keys) => {
          for (let j = 0; j < count; j++) {
            const s = pairs[2 * j]!;
            const e = pairs[2 * j + 1]!;
            bulk++;
            mixed.push(`${base + s}-${base + e}:${[...keys.subarray(s, e)].join(',')}`);
          }
        },
      );
      assert.deepEqual(mixed, single, text);
      // Matches the loop decides come in bulk (the text's ASCII ones, with a key each).
      assert.equal(bulk, single.filter((m) => !m.endsWith(':')).length);
    }), { ...FC, numRuns: 2000 });
  });

  it('hands every @ next to non-ASCII back, and goes on after it', () => {
    const text = 'a@b.cd päivi@example.org x@y.zz é@f.gh ok@example.fi aino@exämple.org last@e.fi';
    assert.deepEqual(byKernel(text), byRegex(text));
    assert.equal(byKernel(text).length, 7);
    assert.equal(emailKernelResidue(), 0);
  });

  it('decides the few @s of long prose itself, with the same matches', () => {
    const filler = 'Lorem ipsum dolor sit amet, consectetur adipiscing elit. '.repeat(100);
    const text = `${filler}a@b.cd päivi@example.org ${filler}x@y.zz é@f.gh@g.hi ${filler}`;
    assert.ok(text.length > 4 * 1000 * 4);
    assert.deepEqual(byKernel(text), byRegex(text));
    assert.equal(byKernel(text).length, 4);
    const out: [number, number][] = [];
    scanMatches(globalRegExp(email.pattern!), email, text, (s, e) => out.push([s, e]));
    assert.deepEqual(out, byRegex(text));
  });

  it('leaves nothing of the text in its memory, also when the sink throws', () => {
    assertWipedAfterSearch(email.find!, emailKernelResidue, 'matti.virtanen@example.org; päivi@example.fi '.repeat(300), 600);
  });

  it('grows for a long text, then still serves short ones; regions have their own edges', () => {
    const row = 'x\tmatti.virtanen.1@example.org\t040-1234567\tAino@Example.FI\n\u0000';
    const long = row.repeat(40_000);
    assert.deepEqual(byKernel(long), byRegex(long));
    assert.equal(byKernel(long).length, 80_000);
    assert.deepEqual(byKernel(row, 2, row.length), [[2, 30], [43, 58]]);
    assert.deepEqual(byKernel(row, 3, row.length), [[3, 30], [43, 58]]);
    assert.deepEqual(byKernel(row, 0, 25), []);
    assert.equal(emailKernelResidue(), 0);
  });

  it('answers a search made from inside its sink (it falls back to JavaScript then)', () => {
    const text = 'a@b.cd and e@f.gh';
    const inner: [number, number][] = [];
    const outer: [number, number][] = [];
    // The inner region is longer, so a second copy in the loop's memory would cover the outer output.
    const longer = `${' '.repeat(40)}${text}`;
    email.find!(text, 0, text.length, (s, e) => {
      outer.push([s, e]);
      email.find!(longer, 0, longer.length, (x, y) => inner.push([x, y]));
    });
    assert.deepEqual(outer, [[0, 6], [11, 17]]);
    assert.deepEqual(inner, [[40, 46], [51, 57], [40, 46], [51, 57]]);
  });

  it('searches a region longer than its limit too (in JavaScript), with the same matches', () => {
    const text = `${'a'.repeat(SEARCH_KERNEL_MAX_UNITS)} x@example.org`;
    assert.deepEqual(byKernel(text), [[SEARCH_KERNEL_MAX_UNITS + 1, SEARCH_KERNEL_MAX_UNITS + 14]]);
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
