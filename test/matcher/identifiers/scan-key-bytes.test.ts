/**
 * scanKeyBytes (the allocation-free scan key the matcher uses) must write
 * exactly the UTF-8 of scanKey whenever it does not decline, for any input and
 * any position in a longer text, and must not decline the common forms.
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { ALL_TYPES } from '../../../src/matcher/identifiers/registry.js';
import { createRng, makeEmail, makeFiPhone, makeHetu, makeName } from '../../../src/matcher/identifiers/synthetic.js';
import type { IdentifierType, NormalizeOptions } from '../../../src/matcher/identifiers/types.js';

const decoder = new TextDecoder('utf-8', { fatal: true });

/** What scanKeyBytes gives for text[start, end), as a string, or null when it declines. */
function bytesKey(type: IdentifierType, text: string, start: number, end: number, options?: NormalizeOptions): string | null {
  const at = 3;
  const out = new Uint8Array(at + 4 * (end - start) + 4).fill(0xee);
  const n = type.scanKeyBytes!(text, start, end, out, at, options);
  if (n < 0) return null;
  assert.ok(n <= out.length - at, 'wrote past the room it was given');
  return decoder.decode(out.subarray(at, at + n));
}

const ALPHABET = [...'0123456789+-() .@_abcdefxyzABCDEFUVWXY', '\u2010', '\u2212', 'ä', 'Ä', '\u017f', '\u212a', '\u00a0', '\t', '\u0000', '😀'];
const anyText = fc.array(fc.constantFrom(...ALPHABET), { maxLength: 48 }).map((a) => a.join(''));
/** Mostly digits and separators, often starting like a phone number, so the fast paths are taken. */
const numberish = fc
  .tuple(fc.constantFrom('', '0', '00', '+', '+358', '+3580', '0046', '(0)'), fc.array(fc.constantFrom(...'0123456789', ' ', '-', '\u2010', '\u2212'), { maxLength: 20 }))
  .map(([head, rest]) => head + rest.join(''));
/** Eleven characters shaped like a hetu, with lower case, look-alike signs and non-ASCII letters mixed in. */
const digitRun = (n: number) => fc.array(fc.constantFrom(...'0123456789'), { minLength: n, maxLength: n }).map((a) => a.join(''));
const hetuish = fc
  .tuple(digitRun(6), fc.constantFrom(...'+-YXWVUABCDEFyxwvuabcdefGZ', '\u2010', 'Ä'), digitRun(3), fc.constantFrom(...'0123456789ABCHJKLMNPRSTUVWXYabkyz', '\u017f', '\u212a'))
  .map((parts) => parts.join(''));
const REGIONS: (string | undefined)[] = [undefined, 'FI', 'fi', 'SE', 'NO', 'US', 'IT', 'XX'];

const withBytes = ALL_TYPES.filter((t) => t.scanKeyBytes !== undefined);

describe('scanKeyBytes', () => {
  it('is provided by the types the scan loop sees most (hetu, e-mail, phone)', () => {
    assert.deepEqual(withBytes.map((t) => t.name).sort(), ['email', 'fi_hetu', 'phone']);
  });

  for (const type of withBytes) {
    it(`${type.name}: equals scanKey on arbitrary text wherever it does not decline`, () => {
      let fast = 0;
      fc.assert(
        fc.property(anyText, fc.oneof(anyText, numberish, hetuish), anyText, fc.constantFrom(...REGIONS), (before, value, after, region) => {
          const text = before + value + after;
          const options = { region };
          const got = bytesKey(type, text, before.length, before.length + value.length, options);
          if (got !== null) {
            fast++;
            assert.equal(got, type.scanKey!(value, options), JSON.stringify(value));
          }
        }),
        { seed: 11, numRuns: 3000 },
      );
      assert.ok(fast >= 300, `only ${fast} inputs took the fast path`);
    });
  }

  it('takes the fast path for generated values in their usual written forms', () => {
    const byName = new Map(withBytes.map((t) => [t.name, t]));
    const rng = createRng(5);
    for (let i = 0; i < 300; i++) {
      const hetu = makeHetu(rng);
      const phone = makeFiPhone(rng);
      const digits = phone.replace(/\D/g, '').replace(/^358/, '');
      const national = digits.startsWith('0') ? digits : `0${digits}`;
      const cases: [string, string][] = [
        ['fi_hetu', hetu],
        ['fi_hetu', hetu.toLowerCase()],
        ['email', makeEmail(rng, makeName(rng))],
        ['email', makeEmail(rng, makeName(rng)).toUpperCase()],
        ['phone', phone],
        ['phone', national],
        ['phone', `${national.slice(0, 3)}-${national.slice(3)}`],
        ['phone', `+358 ${national.slice(1, 3)} ${national.slice(3)}`],
        ['phone', `00358${national.slice(1)}`],
      ];
      for (const [name, value] of cases) {
        const type = byName.get(name as IdentifierType['name'])!;
        const text = `x;${value};y`;
        const got = bytesKey(type, text, 2, 2 + value.length, { region: 'FI' });
        assert.notEqual(got, null, `${name} declined ${value}`);
        assert.equal(got, type.scanKey!(value, { region: 'FI' }), value);
      }
    }
  });

  it('phone: declines what it leaves to scanKey, and never reads digits it did not write', () => {
    const phone = withBytes.find((t) => t.name === 'phone')!;
    const key = (v: string, region?: string) => bytesKey(phone, v, 0, v.length, { region });
    assert.equal(key('+358 (0)40 123 4567', 'FI'), null);
    assert.equal(key('040+1234567', 'FI'), null);
    assert.equal(key('0', 'FI'), '+358');
    assert.equal(key('0', 'FI'), phone.scanKey!('0', { region: 'FI' }));
    assert.equal(key('040 123 4567'), null, 'no region: no national form');
    assert.equal(key('+358 040 123 4567', 'FI'), null, 'a trunk 0 after the calling code is libphonenumber\'s');
    assert.equal(key('0046 8 123 456 78', 'SE'), '+46812345678');
    // Two leading zeros split by a separator are not the international prefix, nor a trunk 0.
    assert.equal(phone.scanKey!('0 040 123 4567', { region: 'FI' }), null);
    assert.equal(key('0 040 123 4567', 'FI'), null);
  });
});
