/** Shared helpers for the identifier tests (not a test file itself). */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { IdentifierType, NormalizeOptions } from '../../../src/matcher/identifiers/types.js';
import { createRng } from '../../../src/matcher/identifiers/synthetic.js';

/** Every candidate the type's pattern finds in `text`. */
export function candidates(type: IdentifierType, text: string): string[] {
  const re = type.pattern;
  if (re === null) return [];
  re.lastIndex = 0;
  return [...text.matchAll(re)].map((m) => m[0]);
}

/** Canonical values found in `text`: pattern candidates that normalize. */
export function found(type: IdentifierType, text: string, options?: NormalizeOptions): string[] {
  return candidates(type, text)
    .map((c) => type.normalize(c, options))
    .filter((v): v is string => v !== null);
}

/** The ways a value is embedded in documents: prose, CSV cell, HTML cell, JSON, line edges. */
export function embeddings(value: string): string[] {
  return [
    `Potilas ${value} kävi vastaanotolla.`,
    `id;${value};Virtanen\n`,
    `"x","${value}","y"`,
    `<tr><td>${value}</td></tr>`,
    `{"id":"${value}"}`,
    value,
    `(${value})`,
  ];
}

/** A fast-check arbitrary driving one of our seeded synthetic generators. */
export function fromGenerator<T>(make: (rng: () => number) => T): fc.Arbitrary<T> {
  return fc.integer({ min: 0, max: 0x7fffffff }).map((seed) => make(createRng(seed)));
}

/** Any string, including astral code points and lone surrogates. */
export const anyString = fc.oneof(fc.string({ unit: 'binary', maxLength: 80 }), fc.string({ maxLength: 40 }));

/** Standard fast-check settings for this suite. */
export const FC = { seed: 42, numRuns: 300 } as const;

/** Replaces the character at `i` with `c`. */
export function replaceAt(s: string, i: number, c: string): string {
  return s.slice(0, i) + c + s.slice(i + 1);
}

/**
 * A search by a WebAssembly loop leaves nothing of `text` in the loop's memory
 * (`residue`, nonzero bytes past its fixed tables): after finding `matches`
 * matches, and after a sink that throws, which must reach the caller.
 */
export function assertWipedAfterSearch(find: NonNullable<IdentifierType['find']>, residue: () => number, text: string, matches: number): void {
  let n = 0;
  find(text, 0, text.length, () => n++);
  assert.equal(n, matches);
  assert.equal(residue(), 0);
  assert.throws(() => find(text, 0, text.length, () => {
    throw new Error('sink failed');
  }), /sink failed/);
  assert.equal(residue(), 0);
}
