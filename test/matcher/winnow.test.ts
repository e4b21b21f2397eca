import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Winnower, winnowText, WINNOW_K, WINNOW_W, type Fingerprint } from '../../src/matcher/winnow.js';
import { normalizeText } from '../../src/matcher/text-normalize.js';
import { hasCode } from '../../src/errors.js';
import { cutAt } from '../support/cut-string.js';

const KEY = Uint8Array.from({ length: 16 }, (_, i) => 0xa0 + i);
const T = WINNOW_W + WINNOW_K - 1;

/** Seeded synthetic prose from a small made-up vocabulary. */
function prose(seed: number, words: number): string {
  const vocab = ['kalo', 'miren', 'tus', 'vela', 'orin', 'sade', 'nuppa', 'ke', 'lirva', 'tomo', 'hasu', 'eli', 'parna', 'vo'];
  let s = seed >>> 0 || 1;
  const out: string[] = [];
  for (let i = 0; i < words; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out.push(vocab[s % vocab.length]! + (s % 13 === 0 ? '.' : ''));
  }
  return out.join(' ');
}

function winnowChunks(chunks: string[], opts: { k?: number; w?: number } = {}): Fingerprint[] {
  const found: Fingerprint[] = [];
  const winnower = new Winnower({ key: KEY, ...opts });
  const sink = (hi: number, lo: number, pos: number): void => {
    found.push({ hi, lo, pos });
  };
  for (const c of chunks) winnower.push(c, sink);
  winnower.end(sink);
  return found;
}

const valueOf = (f: Fingerprint): string => `${f.hi}:${f.lo}`;

test('defaults give the 100-character guarantee threshold', () => {
  assert.equal(T, 100);
});

test('positions strictly increase, so no (fingerprint, position) pair repeats', () => {
  const fps = winnowText(prose(7, 2000), KEY);
  assert.ok(fps.length > 100);
  for (let i = 1; i < fps.length; i++) assert.ok(fps[i]!.pos > fps[i - 1]!.pos);
  for (const f of fps) assert.ok(f.hi >>> 0 === f.hi && f.lo >>> 0 === f.lo);
});

test('selects about 2/(w+1) of the k-grams on ordinary text', () => {
  const text = normalizeText(prose(11, 20000));
  const fps = winnowText(text, KEY);
  const density = fps.length / (text.length - WINNOW_K + 1);
  const expected = 2 / (WINNOW_W + 1);
  assert.ok(density > 0.75 * expected && density < 1.25 * expected, `density ${density}`);
});

test('chunked input gives exactly the fingerprints of the whole stream', () => {
  fc.assert(
    fc.property(
      fc.string({ unit: fc.constantFrom('a', 'b', 'c', ' '), maxLength: 400 }),
      fc.array(fc.nat(), { maxLength: 10 }),
      fc.integer({ min: 1, max: 12 }),
      fc.integer({ min: 1, max: 9 }),
      (s, offsets, k, w) => {
        assert.deepEqual(winnowChunks(cutAt(s, offsets), { k, w }), winnowChunks([s], { k, w }));
      },
    ),
    { numRuns: 300 },
  );
  const long = normalizeText(prose(3, 3000));
  assert.deepEqual(winnowChunks(cutAt(long, [5, 999, 1000, 7000, 7001])), winnowChunks([long]));
});

test('any shared stretch of t = 100 normalized characters shares a fingerprint', () => {
  fc.assert(
    fc.property(fc.nat(), fc.nat(), fc.nat(), fc.nat(300), fc.nat(300), (s1, s2, s3, at1, at2) => {
      const a = normalizeText(prose(s1, 120));
      const b = normalizeText(prose(s2, 120));
      const shared = normalizeText(prose(s3, 60)).slice(0, T);
      assert.equal(shared.length, T);
      const docA = a.slice(0, at1) + shared + a.slice(at1);
      const docB = b.slice(0, at2) + shared + b.slice(at2);
      const inA = new Set(winnowText(docA, KEY).map(valueOf));
      assert.ok(winnowText(docB, KEY).some((f) => inA.has(valueOf(f))));
    }),
    { numRuns: 150 },
  );
});

test('a passage reformatted in case, whitespace and punctuation keeps every fingerprint', () => {
  const original = prose(21, 400);
  const reformatted = original.toUpperCase().replace(/ /g, '\n\t ').replace(/\./g, ' -- ');
  assert.deepEqual(winnowText(reformatted, KEY).map(valueOf), winnowText(original, KEY).map(valueOf));
});

test('an excerpt found inside a much larger unrelated text still matches', () => {
  const note = prose(99, 300);
  const excerpt = note.slice(400, 700);
  const dump = prose(5, 20000) + ' ' + excerpt + ' ' + prose(6, 20000);
  const enrolled = new Set(winnowText(note, KEY).map(valueOf));
  const hits = winnowText(dump, KEY).filter((f) => enrolled.has(valueOf(f)));
  assert.ok(hits.length >= 3, `hits ${hits.length}`);
});

test('fingerprints are keyed: another key gives other values at the same positions', () => {
  const text = prose(8, 500);
  const a = winnowText(text, KEY);
  const b = winnowText(text, new Uint8Array(16));
  assert.deepEqual(
    a.map((f) => f.pos),
    b.map((f) => f.pos),
  );
  const inA = new Set(a.map(valueOf));
  assert.ok(b.every((f) => !inA.has(valueOf(f))));
});

test('short texts: one fingerprint from k up to t characters, none below k', () => {
  assert.equal(winnowText('x'.repeat(WINNOW_K - 1), KEY).length, 0);
  assert.equal(winnowText(normalizeText(prose(4, 20)).slice(0, WINNOW_K), KEY).length, 1);
  assert.equal(winnowText(normalizeText(prose(4, 40)).slice(0, T - 1), KEY).length, 1);
});

test('rejects bad parameters and keys with stable codes', () => {
  assert.throws(() => new Winnower({ key: KEY, k: 0 }), (e) => hasCode(e, 'LW_USAGE'));
  assert.throws(() => new Winnower({ key: KEY, k: 65 }), (e) => hasCode(e, 'LW_USAGE'));
  assert.throws(() => new Winnower({ key: KEY, w: 0 }), (e) => hasCode(e, 'LW_USAGE'));
  assert.throws(() => new Winnower({ key: KEY, w: 1.5 }), (e) => hasCode(e, 'LW_USAGE'));
  assert.throws(() => new Winnower({ key: new Uint8Array(8) }), (e) => hasCode(e, 'LW_KEY_INVALID'));
});
