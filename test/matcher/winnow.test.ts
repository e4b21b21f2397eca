import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { spawnSync } from 'node:child_process';
import { Winnower, winnowText, WINNOW_K, WINNOW_W, type Fingerprint } from '../../src/matcher/winnow.js';
import { normalizeText, TextNormalizer } from '../../src/matcher/text-normalize.js';
import { SipHash } from '../../src/matcher/siphash.js';
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

// ---- reference implementation -------------------------------------------

/** The buzhash table as specified: splitmix32 from the fixed seed, hi then lo per code unit. */
const REF_TABLE = (() => {
  const table = new Uint32Array(2 * 65536);
  let state = 0x6c77_2003;
  for (let i = 0; i < table.length; i++) {
    state = (state + 0x9e3779b9) | 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    table[i] = (z ^ (z >>> 16)) >>> 0;
  }
  return table;
})();

const rotl64 = (x: bigint, r: number): bigint => ((x << BigInt(r)) | (x >> BigInt(64 - r))) & 0xffff_ffff_ffff_ffffn;

/** Hash of the k-gram at `at`, computed from scratch: XOR of each unit's value rotated by its distance from the end. */
function referenceGramHash(units: string, at: number, k: number): bigint {
  let h = 0n;
  for (let j = 0; j < k; j++) {
    const unit = units.charCodeAt(at + j);
    const value = (BigInt(REF_TABLE[2 * unit]!) << 32n) | BigInt(REF_TABLE[2 * unit + 1]!);
    h ^= rotl64(value, (k - 1 - j) % 64);
  }
  return h;
}

/**
 * Winnowing by brute force. The first full window selects its leftmost
 * minimum; each later window keeps the previous selection while it is still in
 * the window and still minimal, and otherwise selects its rightmost minimum. A
 * text with fewer than w k-grams gets its leftmost minimum. Each selection is
 * keyed by hashing its 8 little-endian bytes with SipHash.
 */
function referenceWinnow(text: string, key: Uint8Array, k = WINNOW_K, w = WINNOW_W): Fingerprint[] {
  const grams = Math.max(0, text.length - k + 1);
  const hashes = Array.from({ length: grams }, (_, g) => referenceGramHash(text, g, k));
  const picks: number[] = [];
  if (grams > 0 && grams < w) picks.push(hashes.indexOf(hashes.reduce((a, b) => (b < a ? b : a))));
  let selected = -1;
  for (let end = w - 1; end < grams; end++) {
    const window = hashes.slice(end - w + 1, end + 1);
    const min = window.reduce((a, b) => (b < a ? b : a));
    if (end === w - 1) selected = window.indexOf(min);
    else if (!(selected > end - w && hashes[selected] === min)) selected = end - w + 1 + window.lastIndexOf(min);
    if (picks[picks.length - 1] !== selected) picks.push(selected);
  }
  const sip = new SipHash(key);
  return picks.map((pos) => {
    const bytes = new Uint8Array(8);
    new DataView(bytes.buffer).setBigUint64(0, hashes[pos]!, true);
    const [hi, lo] = sip.hashBytes(bytes);
    return { hi, lo, pos };
  });
}

/** Streams `chunks` through `pushUnits`, each in a larger array with unrelated units after `length`. */
function winnowUnits(chunks: string[], opts: { k?: number; w?: number } = {}): Fingerprint[] {
  const found: Fingerprint[] = [];
  const winnower = new Winnower({ key: KEY, ...opts });
  const sink = (hi: number, lo: number, pos: number): void => {
    found.push({ hi, lo, pos });
  };
  for (const c of chunks) {
    const units = new Uint16Array(c.length + 3).fill(0x78);
    for (let i = 0; i < c.length; i++) units[i] = c.charCodeAt(i);
    winnower.pushUnits(units, c.length, sink);
  }
  winnower.end(sink);
  return found;
}

test('streamed fingerprints, from strings or code units, equal the brute-force reference', () => {
  fc.assert(
    fc.property(
      fc.oneof(
        fc.string({ unit: fc.constantFrom('a', 'b', 'c', ' '), maxLength: 400 }),
        fc.string({ unit: 'binary', maxLength: 300 }),
        // Long enough to cross the winnower's internal blocks.
        fc.tuple(fc.string({ unit: fc.constantFrom('a', 'b', 'c', 'd', 'e', ' '), minLength: 1, maxLength: 50 }), fc.integer({ min: 100, max: 600 })).map(([s, n]) => s.repeat(n)),
      ),
      fc.array(fc.nat(), { maxLength: 10 }),
      fc.integer({ min: 1, max: 64 }),
      fc.integer({ min: 1, max: 80 }),
      (s, offsets, k, w) => {
        const expected = referenceWinnow(s, KEY, k, w);
        const chunks = cutAt(s, offsets);
        assert.deepEqual(winnowChunks(chunks, { k, w }), expected);
        assert.deepEqual(winnowUnits(chunks, { k, w }), expected);
      },
    ),
    { numRuns: 150 },
  );
});

test('winnowers with different k, pushed in turns, each give their reference fingerprints', () => {
  // The WebAssembly loop keeps one table rotated by k for the unit leaving the k-gram: every
  // block of a winnower with another k must find it rotated by its own.
  fc.assert(
    fc.property(
      fc.string({ unit: fc.constantFrom('a', 'b', 'c', 'd', ' '), minLength: 200, maxLength: 3000 }),
      fc.string({ unit: fc.constantFrom('x', 'y', 'z', ' '), minLength: 200, maxLength: 3000 }),
      fc.integer({ min: 1, max: 64 }),
      fc.integer({ min: 1, max: 64 }),
      fc.array(fc.nat(), { maxLength: 6 }),
      (a, b, ka, kb, offsets) => {
        const got = [a, b].map(() => [] as Fingerprint[]);
        const winnowers = [new Winnower({ key: KEY, k: ka }), new Winnower({ key: KEY, k: kb })];
        const sinks = got.map((out) => (hi: number, lo: number, pos: number): void => void out.push({ hi, lo, pos }));
        const pieces = [cutAt(a, offsets), cutAt(b, offsets)];
        for (let i = 0; i < Math.max(pieces[0]!.length, pieces[1]!.length); i++) {
          for (let x = 0; x < 2; x++) {
            const c = pieces[x]![i];
            if (c === undefined) continue;
            const units = Uint16Array.from(c, (ch) => ch.charCodeAt(0));
            winnowers[x]!.pushUnits(units, units.length, sinks[x]!);
          }
        }
        winnowers.forEach((w, x) => w.end(sinks[x]!));
        assert.deepEqual(got[0], referenceWinnow(a, KEY, ka));
        assert.deepEqual(got[1], referenceWinnow(b, KEY, kb));
      },
    ),
    { numRuns: 100 },
  );
});

test('the whole pipeline on code units gives the reference fingerprints of the normalized text', () => {
  const pieces = ['Potilas', ' ', 'EI', ' nukkunut', '.', '\n\n', 'yötä', 'ΟΔΟΣ', 'ﬁ', 'Ｆ', 'e\u0301', '\u{20000}', '😀', '\ud800', '  -- ', 'ß', 'ǅ'];
  fc.assert(
    fc.property(fc.array(fc.constantFrom(...pieces), { maxLength: 200 }), fc.array(fc.nat(), { maxLength: 8 }), (parts, offsets) => {
      const raw = parts.join('');
      const found: Fingerprint[] = [];
      const normalizer = new TextNormalizer();
      const winnower = new Winnower({ key: KEY });
      const sink = (hi: number, lo: number, pos: number): void => {
        found.push({ hi, lo, pos });
      };
      const feed = (units: Uint16Array, length: number): void => winnower.pushUnits(units, length, sink);
      for (const c of cutAt(raw, offsets)) normalizer.pushUnits(c, feed);
      normalizer.flushUnits(feed);
      winnower.end(sink);
      assert.deepEqual(found, referenceWinnow(normalizeText(raw), KEY));
    }),
    { numRuns: 150 },
  );
});

test('a long synthetic text gives the reference fingerprints under 1 MiB-style chunking', () => {
  const text = normalizeText(prose(17, 6000));
  const expected = referenceWinnow(text, KEY);
  assert.ok(expected.length > 500);
  assert.deepEqual(winnowUnits(cutAt(text, [8191, 8192, 16_385, 20_000])), expected);
  assert.deepEqual(winnowText(text, KEY), expected);
});

/** Texts, chunkings and parameters as in the reference property above. */
const referenceCases = fc.record({
  text: fc.oneof(
    fc.string({ unit: fc.constantFrom('a', 'b', 'c', ' '), maxLength: 400 }),
    fc.string({ unit: 'binary', maxLength: 300 }),
    fc.tuple(fc.string({ unit: fc.constantFrom('a', 'b', 'c', 'd', 'e', ' '), minLength: 1, maxLength: 50 }), fc.integer({ min: 100, max: 600 })).map(([s, n]) => s.repeat(n)),
  ),
  offsets: fc.array(fc.nat(), { maxLength: 10 }),
  k: fc.integer({ min: 1, max: 64 }),
  w: fc.integer({ min: 1, max: 80 }),
});

test('without WebAssembly (node --jitless) the JavaScript loops give the reference fingerprints', () => {
  const long = normalizeText(prose(31, 4000));
  const cases = [
    ...fc.sample(referenceCases, { numRuns: 60, seed: 2003 }),
    // Longer than the winnower's blocks, with cuts at and around their ends.
    { text: long, offsets: [8191, 8192, 16_385], k: WINNOW_K, w: WINNOW_W },
    { text: long, offsets: [1, 9000], k: 64, w: 80 },
    { text: long, offsets: [], k: 1, w: 1 },
  ];
  assert.ok(long.length > 2 * 8192);
  const module = new URL('../../src/matcher/winnow.ts', import.meta.url).href;
  const script = `
    import { readFileSync } from 'node:fs';
    import { Winnower } from ${JSON.stringify(module)};
    const key = Uint8Array.from(${JSON.stringify([...KEY])});
    const run = (chunks, opts, viaUnits) => {
      const found = [];
      const winnower = new Winnower({ key, ...opts });
      const sink = (hi, lo, pos) => found.push({ hi, lo, pos });
      for (const c of chunks) {
        if (!viaUnits) winnower.push(c, sink);
        else winnower.pushUnits(Uint16Array.from({ length: c.length + 3 }, (_, i) => (i < c.length ? c.charCodeAt(i) : 0x78)), c.length, sink);
      }
      winnower.end(sink);
      return found;
    };
    const cases = JSON.parse(readFileSync(0, 'utf8'));
    console.log(JSON.stringify({
      wasm: typeof WebAssembly,
      results: cases.map(({ chunks, k, w }) => [run(chunks, { k, w }, false), run(chunks, { k, w }, true)]),
    }));`;
  const input = JSON.stringify(cases.map(({ text, offsets, k, w }) => ({ chunks: cutAt(text, offsets), k, w })));
  const child = spawnSync(process.execPath, ['--jitless', '--import', 'tsx', '--input-type=module', '-e', script], {
    input,
    encoding: 'utf8',
    timeout: 120_000,
    maxBuffer: 64 << 20,
  });
  assert.equal(child.status, 0, child.stderr);
  const result = JSON.parse(child.stdout) as { wasm: string; results: [Fingerprint[], Fingerprint[]][] };
  assert.equal(result.wasm, 'undefined');
  cases.forEach(({ text, k, w }, i) => {
    const expected = referenceWinnow(text, KEY, k, w);
    assert.deepEqual(result.results[i]![0], expected);
    assert.deepEqual(result.results[i]![1], expected);
  });
});

test('winnowers sharing the WebAssembly kernel do not disturb each other when interleaved', () => {
  fc.assert(
    fc.property(referenceCases, referenceCases, (a, b) => {
      const found: [Fingerprint[], Fingerprint[]] = [[], []];
      const streams = [a, b].map(({ text, offsets, k, w }, i) => ({
        chunks: cutAt(text, offsets),
        winnower: new Winnower({ key: KEY, k, w }),
        sink: (hi: number, lo: number, pos: number): void => {
          found[i]!.push({ hi, lo, pos });
        },
      }));
      for (let c = 0; c < Math.max(streams[0]!.chunks.length, streams[1]!.chunks.length); c++) {
        for (const { chunks, winnower, sink } of streams) if (c < chunks.length) winnower.push(chunks[c]!, sink);
      }
      for (const { winnower, sink } of streams) winnower.end(sink);
      assert.deepEqual(found[0], referenceWinnow(a.text, KEY, a.k, a.w));
      assert.deepEqual(found[1], referenceWinnow(b.text, KEY, b.k, b.w));
    }),
    { numRuns: 60 },
  );
});

test('windows longer than a block (the JavaScript loops even with WebAssembly) give the reference fingerprints', () => {
  const text = normalizeText(prose(23, 1500)).slice(0, 9000);
  const w = 8193;
  const expected = referenceWinnow(text, KEY, WINNOW_K, w);
  assert.ok(expected.length >= 1);
  assert.deepEqual(winnowUnits(cutAt(text, [100, 8192, 8500]), { w }), expected);
  assert.deepEqual(winnowChunks([text], { w }), expected);
});

test('a sink may drive another winnower through the shared kernel', () => {
  const a = normalizeText(prose(41, 4000));
  const b = normalizeText(prose(42, 3000));
  const found: [Fingerprint[], Fingerprint[]] = [[], []];
  const inner = new Winnower({ key: KEY, k: 20, w: 30 });
  const innerSink = (hi: number, lo: number, pos: number): void => {
    found[1].push({ hi, lo, pos });
  };
  let fed = 0;
  const outer = new Winnower({ key: KEY });
  const outerSink = (hi: number, lo: number, pos: number): void => {
    found[0].push({ hi, lo, pos });
    if (fed < b.length) inner.push(b.slice(fed, fed + 500), innerSink);
    fed += 500;
  };
  assert.ok(a.length > 2 * 8192);
  outer.push(a, outerSink);
  outer.end(outerSink);
  if (fed < b.length) inner.push(b.slice(fed), innerSink);
  inner.end(innerSink);
  assert.deepEqual(found[0], referenceWinnow(a, KEY));
  assert.deepEqual(found[1], referenceWinnow(b, KEY, 20, 30));
});
