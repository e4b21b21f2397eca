import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { IdentifierHasher } from '../../src/matcher/keyed-identifier.js';
import { SIP_SCRATCH, SipHash } from '../../src/matcher/siphash.js';

const KEY = Uint8Array.from({ length: 16 }, (_, i) => i * 7 + 1);

describe('IdentifierHasher', () => {
  it('property: hashInto and hash equal SipHash-2-4 over UTF-8 of label, NUL, value (ASCII, Unicode, long)', () => {
    const hasher = new IdentifierHasher(KEY);
    const sip = new SipHash(KEY);
    const value = fc.oneof(fc.string({ maxLength: 40 }), fc.string({ unit: 'grapheme', maxLength: 20 }), fc.string({ minLength: 4090, maxLength: 4200 }));
    fc.assert(
      fc.property(fc.constantFrom('fi_hetu', 'email', 'custom:mrn', 'näme'), value, (label, v) => {
        const [hi, lo] = sip.hashBytes(new TextEncoder().encode(`${label}\u0000${v}`));
        hasher.hashInto(label, v);
        assert.deepEqual([hasher.hi, hasher.lo], [hi, lo]);
        assert.deepEqual(hasher.hash(label, v), { hi, lo });
      }),
      { seed: 7, numRuns: 500 },
    );
  });

  it('property: hashKeys gives every key of a batch the fingerprint hashWith gives it, and leaves no key in the scratch buffer', () => {
    const hasher = new IdentifierHasher(KEY);
    const encoder = new TextEncoder();
    const key = fc.oneof(fc.string({ maxLength: 40 }), fc.string({ unit: 'grapheme', maxLength: 20 }), fc.string({ minLength: 4085, maxLength: 4200 }));
    fc.assert(
      fc.property(fc.constantFrom('fi_hetu', 'email', 'näme'), fc.array(key, { maxLength: 12 }), fc.nat({ max: 5 }), (label, keys, gap) => {
        const encoded = keys.map((k) => encoder.encode(k));
        const bytes = new Uint8Array(encoded.reduce((n, e) => n + e.length + gap, gap)).fill(0x5a);
        const at = new Int32Array(keys.length);
        const len = new Int32Array(keys.length);
        let o = gap;
        encoded.forEach((e, i) => {
          bytes.set(e, o);
          at[i] = o;
          len[i] = e.length;
          o += e.length + gap;
        });
        const hi = new Uint32Array(keys.length);
        const lo = new Uint32Array(keys.length);
        const prefix = hasher.prefix(label);
        hasher.hashKeys(prefix, bytes, at, len, keys.length, hi, lo);
        keys.forEach((k, i) => {
          hasher.hashWith(prefix, k);
          assert.deepEqual([hi[i], lo[i]], [hasher.hi, hasher.lo], JSON.stringify(k));
        });
        assert.ok(SIP_SCRATCH.every((b) => b === 0));
      }),
      { seed: 9, numRuns: 300 },
    );
  });

  it('keeps types apart and depends on the key', () => {
    const a = new IdentifierHasher(KEY).hash('date', '1985-02-01');
    assert.notDeepEqual(a, new IdentifierHasher(KEY).hash('postcode', '1985-02-01'));
    assert.notDeepEqual(a, new IdentifierHasher(new Uint8Array(16)).hash('date', '1985-02-01'));
  });
});
