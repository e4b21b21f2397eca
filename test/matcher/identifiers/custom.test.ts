import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { hasCode, LeakwatchError } from '../../../src/errors.js';
import { compileCustomPattern, requiredPrefix } from '../../../src/matcher/identifiers/custom.js';
import { boundedPatternSource, MAX_CANDIDATE_LENGTH } from '../../../src/matcher/identifiers/pattern-safety.js';
import { globalRegExp, scanMatches } from '../../../src/matcher/pattern-scan.js';
import { candidates, embeddings, FC, found } from './helpers.js';

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

describe('compileCustomPattern: the search by literal prefix', () => {
  it('reads the literal every match starts with, conservatively', () => {
    const cases: Array<[string, string | null]> = [
      ['VA-\\d{6}', 'VA-'],
      ['MRN\\d+', 'MRN'],
      ['MRN-2024/\\d{5}', 'MRN-2024/'],
      ['V\\-A\\.\\d', 'V-A.'],
      ['VAX?-\\d{3}', 'VA'],
      ['VA?-\\d{3}', null],
      ['VAB*\\d', 'VA'],
      ['VAB+\\d', 'VA'],
      ['VAB{2}\\d', 'VA'],
      ['VA(?:-|_)\\d', null],
      ['VA-\\d{3}|XY\\d{3}', null],
      ['[A-Z]{2}\\d{6,8}', null],
      ['(VA)-\\d{6}', null],
      ['\\d{4}/\\d{2}', null],
      ['P-?\\d{5}', null],
      ['.VA\\d', null],
      ['\\bVA\\d', null],
      ['VA\\d\\d', 'VA'],
      ['Ä\\d{3}', null],
    ];
    for (const [source, prefix] of cases) assert.equal(requiredPrefix(boundedPatternSource(source)), prefix, source);
  });

  it('uses it only for patterns that have one', () => {
    assert.ok(compileCustomPattern('VA-\\d{6}').find);
    assert.equal(compileCustomPattern('[A-Z]{2}\\d{6,8}').find, undefined);
  });

  // Patterns with a literal start (some whose last literal character is optional or repeated, one with an
  // alternation), and text made of their pieces, guards and separators.
  const patterns = ['VA-\\d{6}', 'MRN\\d+', 'VAX?-\\d{2,3}', 'VA?-\\d{3}', 'AB{1,3}\\d', 'VA-\\d{3}|XY\\d{2}', 'AA\\d{2}', 'VA-\\d{3}(-\\d)?', 'AB\\w{0,4}'];
  const pieces = fc.constantFrom('VA', 'VA-', 'V', '-', 'A', 'AA', 'B', 'M', 'MRN', 'X', 'XY', 'a', '_', '1', '12', '123', '123456', '7', ' ', ',', '\n', 'é', '\u0000');
  const text = fc.array(pieces, { maxLength: 40 }).map((a) => a.join(''));
  const byRegex = (pattern: RegExp, t: string, lo: number, hi: number): [number, number][] => {
    const out: [number, number][] = [];
    scanMatches(globalRegExp(pattern), {}, t.slice(lo, hi), (s, e) => out.push([lo + s, lo + e]));
    return out;
  };

  it('finds exactly what the regex finds, in the whole text and in regions of it', () => {
    const types = patterns.map((p) => compileCustomPattern(p));
    fc.assert(
      fc.property(text, fc.nat(), fc.nat(), (t, a, b) => {
        const lo = a % (t.length + 1);
        const hi = lo + (b % (t.length - lo + 1));
        for (const [k, type] of types.entries()) {
          const regions: Array<[number, number]> = [[0, t.length], [lo, hi]];
          for (const [from, to] of regions) {
            const out: [number, number][] = [];
            (type.find ?? ((s, l, h, on) => scanMatches(globalRegExp(type.pattern!), {}, s.slice(l, h), (x, y) => on(l + x, l + y))))(t, from, to, (s, e) => out.push([s, e]));
            assert.deepEqual(out, byRegex(type.pattern!, t, from, to), `${patterns[k]} in ${JSON.stringify(t)} [${from}, ${to})`);
          }
        }
      }),
      { ...FC, numRuns: 2000 },
    );
  });

  it('is what scanning uses, with the same values as before', () => {
    const type = compileCustomPattern('VA-\\d{6}');
    const t = 'VA-123456 xVA-123456 VA-1234567 VA-12345 (VA-654321);VA-000001_ VA-VA-111111';
    const out: string[] = [];
    scanMatches(type.pattern!, type, t, (s, e) => out.push(t.slice(s, e)));
    assert.deepEqual(out, ['VA-123456', 'VA-654321', 'VA-111111']);
    assert.deepEqual(out, candidates(type, t));
  });
});
