import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { hasCode } from '../../../src/errors.js';
import { ALL_TYPES, getIdentifierType, isIdentifierTypeName, normalizeValue } from '../../../src/matcher/identifiers/registry.js';
import { IDENTIFIER_TYPES } from '../../../src/matcher/identifiers/types.js';
import { anyString, candidates, FC } from './helpers.js';

const throwsCode = (fn: () => unknown, code: 'LW_MAPPING_INVALID'): void => {
  assert.throws(fn, (err: unknown) => hasCode(err, code));
};

describe('registry', () => {
  it('has every built-in type once, and no custom', () => {
    const names = ALL_TYPES.map((t) => t.name);
    assert.equal(new Set(names).size, names.length);
    assert.deepEqual([...names].sort(), IDENTIFIER_TYPES.filter((n) => n !== 'custom').sort());
  });

  it('looks types up by name', () => {
    for (const t of ALL_TYPES) assert.equal(getIdentifierType(t.name), t);
    assert.ok(isIdentifierTypeName('fi_hetu'));
    assert.ok(!isIdentifierTypeName('passport'));
  });

  it('refuses custom (needs a pattern) and unknown names with LW_MAPPING_INVALID', () => {
    throwsCode(() => getIdentifierType('custom'), 'LW_MAPPING_INVALID');
    throwsCode(() => getIdentifierType('passport'), 'LW_MAPPING_INVALID');
  });

  it('normalizeValue accepts a name or a type', () => {
    assert.equal(normalizeValue('fi_hetu', '131052-308t'), '131052-308T');
    assert.equal(normalizeValue(getIdentifierType('phone'), '040 123 4567', { region: 'FI' }), '+358401234567');
    assert.equal(normalizeValue('card', 'nope'), null);
  });

  it('patterns are global, Unicode-aware regexes; name and postcode have none', () => {
    for (const t of ALL_TYPES) {
      if (t.name === 'name' || t.name === 'postcode') assert.equal(t.pattern, null);
      else assert.ok(t.pattern?.global && t.pattern.unicode, t.name);
    }
  });

  it('property: normalize never throws and is idempotent on arbitrary strings', () => {
    fc.assert(
      fc.property(anyString, fc.constantFrom(undefined, 'FI', 'US', 'GB', 'zz'), (s, region) => {
        const options = region === undefined ? {} : { region };
        for (const t of ALL_TYPES) {
          const once = t.normalize(s, options);
          if (once !== null) assert.equal(t.normalize(once, options), once, t.name);
        }
      }),
      { ...FC, numRuns: 500 },
    );
  });

  it('property: patterns never throw and every candidate is a substring of the text', () => {
    fc.assert(
      fc.property(anyString, (s) => {
        for (const t of ALL_TYPES) for (const c of candidates(t, s)) assert.ok(s.includes(c));
      }),
      FC,
    );
  });

  it('normalize rejects very long input quickly', () => {
    const long = '1'.repeat(10_000_000);
    const started = performance.now();
    for (const t of ALL_TYPES) assert.equal(t.normalize(long, { region: 'FI' }), null, t.name);
    assert.ok(performance.now() - started < 200);
  });

  it('patterns stay linear on adversarial input (200k characters each)', () => {
    const inputs = [
      '1'.repeat(200_000), '1-'.repeat(100_000), '1 '.repeat(100_000), '1.'.repeat(100_000), 'a'.repeat(200_000),
      'a.'.repeat(100_000), 'a@'.repeat(100_000), `${'a'.repeat(64)}@${'b.'.repeat(50_000)}`, 'FI21 '.repeat(40_000),
      '+1 '.repeat(66_000), '(1)'.repeat(66_000), '1/'.repeat(100_000), '12. '.repeat(50_000), 'Feb 1 '.repeat(33_000),
    ];
    for (const t of ALL_TYPES) {
      const started = performance.now();
      for (const text of inputs) candidates(t, text);
      const ms = performance.now() - started;
      assert.ok(ms < 1500, `${t.name} took ${ms.toFixed(0)} ms`);
    }
  });
});
