import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { encodeBundle } from '../../src/bundle/format.js';
import { deriveKeys, generateKey } from '../../src/keys/org-key.js';
import { DocumentMatcher } from '../../src/matcher/document-matcher.js';
import { loadOrgIndex } from '../../src/matcher/org-index.js';
import { normalizeText } from '../../src/matcher/text-normalize.js';
import { syntheticBundle } from '../support/bundles.js';

const key = generateKey();
const org = loadOrgIndex(encodeBundle(syntheticBundle('clinic-a', 4, 1, deriveKeys(key).kcv)), key, {
  where: 'test',
  watchTerms: ['Lakeside Therapy Centre', 'lakeside.example'],
});

/** Terms the matcher reports for `text` fed as text parts cut at `cuts`. */
function termsFound(text: string, cuts: number[]): string[] {
  const terms: string[] = [];
  const m = new DocumentMatcher({ orgs: [org], onDocument: (r) => r.findings.forEach((f) => f.term && terms.push(f.term)) }, { url: null, path: 'x' });
  const ref = { source: 'x', entry: [], mediaType: 'text/plain' };
  m.begin(ref);
  let at = 0;
  for (const c of [...cuts.filter((c) => c > 0 && c < text.length)].sort((a, b) => a - b).concat(text.length)) {
    if (c > at) m.part({ kind: 'text', text: text.slice(at, c) });
    at = c;
  }
  m.end(ref, { sha256: '0'.repeat(64), size: text.length });
  return terms.sort();
}

/** Reference: a term counts when its normalized form stands as whole words in the normalized text. */
function termsExpected(text: string): string[] {
  const norm = ` ${normalizeText(text)} `;
  return org.terms.filter((t) => norm.includes(` ${t.normalized} `)).map((t) => t.term).sort();
}

describe('DocumentMatcher watch terms', () => {
  it('finds a term as whole words, in any case and spacing, and not inside longer words', () => {
    assert.deepEqual(termsFound('Leaked from LAKESIDE   therapy\ncentre, 2020', []), ['Lakeside Therapy Centre']);
    assert.deepEqual(termsFound('xlakeside therapy centre', []), []);
    assert.deepEqual(termsFound('lakeside therapy centres', []), []);
    assert.deepEqual(termsFound('mail lakeside.example now', [9]), ['lakeside.example']);
  });

  it('property: the same terms whatever the chunking, equal to whole-word search in the normalized text', () => {
    const word = fc.constantFrom('lakeside', 'Lakeside', 'therapy', 'THERAPY', 'centre', 'centres', 'x', 'xlakeside', 'example', '.', ' ', '\n', '-', 'ä');
    const text = fc.array(word, { maxLength: 40 }).map((w) => w.join(fc.sample(fc.constantFrom(' ', '', ' '), 1)[0]!));
    fc.assert(
      fc.property(text, fc.array(fc.nat(300), { maxLength: 8 }), (t, cuts) => {
        assert.deepEqual(termsFound(t, cuts), termsExpected(t));
      }),
      { seed: 11, numRuns: 1500 },
    );
  });
});
