import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hasCode, LeakwatchError } from '../../../src/errors.js';
import { compileCustomPattern } from '../../../src/matcher/identifiers/custom.js';
import { boundedPatternSource, MAX_CANDIDATE_LENGTH } from '../../../src/matcher/identifiers/pattern-safety.js';
import { candidates, embeddings, found } from './helpers.js';

function rejection(source: string): LeakwatchError {
  try {
    compileCustomPattern(source);
  } catch (err) {
    assert.ok(hasCode(err, 'LW_PATTERN_UNSAFE'), `wrong error for ${source}: ${String(err)}`);
    return err;
  }
  assert.fail(`pattern was accepted: ${source}`);
}

describe('compileCustomPattern: accepted patterns', () => {
  it('accepts ordinary record-number patterns', () => {
    for (const p of ['VA-\\d{6}', '[A-Z]{2}\\d{6,8}', 'MRN\\d+', '(\\d{3}-){2}\\d{4}', '(?:VA|VB)-\\d{6}', '(?<site>VA)-\\d{6}', 'P-?\\d{5}', '\\d{4}/\\d{2}']) {
      const type = compileCustomPattern(p);
      assert.equal(type.name, 'custom');
      assert.ok(type.pattern?.global, p);
    }
  });

  it('finds values in documents, but not as part of a longer token', () => {
    const type = compileCustomPattern('VA-\\d{6}');
    for (const text of embeddings('VA-123456')) assert.deepEqual(found(type, text), ['VA-123456'], text);
    for (const text of ['VA-1234567', 'XVA-123456', 'VA-123456B']) assert.deepEqual(candidates(type, text), [], text);
    const passport = compileCustomPattern('[A-Z]{2}\\d{6,8}');
    assert.deepEqual(found(passport, 'passi FP1234567, toinen AB12345678.'), ['FP1234567', 'AB12345678']);
  });

  it('bounds unbounded quantifiers to the candidate cap', () => {
    assert.equal(boundedPatternSource('MRN\\d+'), `MRN\\d{1,${MAX_CANDIDATE_LENGTH}}`);
    assert.equal(boundedPatternSource('A\\w*?B'), `A\\w{0,${MAX_CANDIDATE_LENGTH}}?B`);
    assert.equal(boundedPatternSource('x{2,}'), `x{2,${MAX_CANDIDATE_LENGTH}}`);
    const type = compileCustomPattern('MRN\\d+');
    assert.deepEqual(candidates(type, `MRN${'1'.repeat(500)}`), [], 'no candidate longer than the cap');
  });

  it('normalizes with NFKC, upper case and whitespace removed', () => {
    const type = compileCustomPattern('VA-\\d{6}');
    assert.equal(type.normalize(' va-123 456 '), 'VA-123456');
    assert.equal(type.normalize('ＶＡ－１２３４５６'), 'VA-123456');
    assert.equal(type.normalize('   '), null);
    assert.equal(type.normalize('X'.repeat(MAX_CANDIDATE_LENGTH + 1)), null);
    assert.equal(type.normalize(type.normalize('va-123456')!), 'VA-123456');
  });
});

describe('compileCustomPattern: rejected patterns', () => {
  const evil: Array<[string, RegExp]> = [
    ['(a+)+', /nested quantifier/],
    ['(a+)+$', /nested quantifier/],
    ['(\\w*)*', /nested quantifier/],
    ['((a+))+', /nested quantifier/],
    ['((a)+)+', /nested quantifier/],
    ['(x+x+)+y', /nested quantifier/],
    ['(.*a){12}', /nested quantifier/],
    ['(\\d+-?)+', /nested quantifier/],
    ['(a|aa)+', /alternation/],
    ['(a|a)*', /alternation/],
    ['(?:\\d|\\d\\d){2,}', /alternation/],
    ['(a)\\1', /backreference/],
    ['(?<x>a)\\k<x>', /backreference/],
    ['(?=a)b', /lookahead/],
    ['(?!a)b', /lookahead/],
    ['(?<=a)b', /lookbehind/],
    ['(?<!a)b', /lookbehind/],
    ['a'.repeat(201), /longer than 200/],
    ['a{500}', /larger than/],
    ['\\d*', /empty string/],
    ['(', /unbalanced/],
    ['a)', /unbalanced/],
    ['[a-', /unterminated/],
    ['a{', /brace/],
    ['a}', /bracket/],
    ['*a', /nothing to repeat/],
    ['a**', /quantifier follows/],
    ['^*', /anchor/],
    ['\\', /trailing backslash/],
    ['(?i)a', /unsupported group/],
    ['[z-a]', /invalid syntax/],
    ['', /empty pattern/],
    ['.*.*x', /variable-length repetitions/],
    ['\\d*\\d*\\d*X', /variable-length repetitions/],
    ['[a-z]+\\d+', /variable-length repetitions/],
  ];

  for (const [source, reason] of evil) {
    it(`rejects ${JSON.stringify(source.length > 20 ? `${source.slice(0, 20)}…` : source)}`, () => {
      assert.match(rejection(source).message, reason);
    });
  }

  it('never echoes the pattern in the error message', () => {
    const err = rejection('(SECRETVALUE+)+');
    assert.ok(!err.message.includes('SECRETVALUE'));
    const syntax = rejection('[SECRETVALUE');
    assert.ok(!syntax.message.includes('SECRETVALUE'));
    const engine = rejection('[z-aSECRET]');
    assert.ok(!engine.message.includes('SECRET'));
  });
});

describe('compileCustomPattern: timing safety', () => {
  it('accepted patterns stay fast on adversarial input (200k characters)', () => {
    const inputs = ['1'.repeat(200_000), 'a'.repeat(200_000), ' '.repeat(200_000), '1 '.repeat(100_000), 'VA-'.repeat(66_000), `${'1-'.repeat(100_000)}x`];
    for (const p of ['VA-\\d{6}', '[A-Z]{2}\\d{6,8}', 'MRN\\d+', '[a-z]{1,8}\\d{1,20}', '(\\d{3}-){2}\\d{4}', '.*x', ' ?.{0,128}x']) {
      const type = compileCustomPattern(p);
      const started = process.hrtime.bigint();
      for (const text of inputs) candidates(type, text);
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      assert.ok(ms < 2000, `${p} took ${ms.toFixed(0)} ms`);
    }
  });
});
