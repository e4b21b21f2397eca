import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { makeSsn } from '../../../src/matcher/identifiers/synthetic.js';
import { usSsn as ssn } from '../../../src/matcher/identifiers/us-ssn.js';
import { candidates, embeddings, FC, found, fromGenerator } from './helpers.js';

// Never-issued ranges: SSA, "Social Security Number Randomization" (area 000, 666,
// 900-999; group 00; serial 0000).
describe('us_ssn normalize', () => {
  it('accepts dashed, spaced and bare forms', () => {
    for (const v of ['123-45-6789', '123 45 6789', '123456789']) assert.equal(ssn.normalize(v), '123456789', v);
  });

  it('rejects never-issued areas, groups and serials and malformed input', () => {
    for (const v of ['000-12-3456', '666-12-3456', '900-12-3456', '999-12-3456', '123-00-4567', '123-45-0000', '123-45 6789', '12-345-6789', '1234567890', '']) {
      assert.equal(ssn.normalize(v), null, v);
    }
  });

  it('property: generated SSNs validate and reformat to the same canonical', () => {
    fc.assert(
      fc.property(fromGenerator(makeSsn), (v) => {
        const canonical = ssn.normalize(v);
        assert.ok(canonical !== null);
        assert.equal(ssn.normalize(v.replaceAll('-', ' ')), canonical);
        assert.equal(ssn.normalize(canonical), canonical);
      }),
      FC,
    );
  });
});

describe('us_ssn pattern', () => {
  it('finds separated SSNs in documents', () => {
    for (const text of embeddings('123-45-6789')) assert.deepEqual(found(ssn, text), ['123456789'], text);
  });

  it('finds bare nine digits only after an SSN label', () => {
    assert.deepEqual(found(ssn, 'order 123456789 shipped'), []);
    assert.deepEqual(found(ssn, 'SSN: 123456789'), ['123456789']);
    assert.deepEqual(found(ssn, 'Social Security Number 123456789'), ['123456789']);
  });

  it('does not match inside longer numbers or with mixed separators', () => {
    for (const text of ['1123-45-6789', '123-45-67890', '123-45 6789', '9-123-45-6789', '123-45-6789-1']) {
      assert.deepEqual(candidates(ssn, text), [], text);
    }
  });
});
