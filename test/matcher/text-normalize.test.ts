import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { normalizeText, TextNormalizer } from '../../src/matcher/text-normalize.js';
import { cutAt } from '../support/cut-string.js';
import { Buffer } from 'node:buffer';
import { spawnSync } from 'node:child_process';

/** Feeds `chunks` through one streaming normalizer and joins the output. */
function streamed(chunks: string[]): string {
  const normalizer = new TextNormalizer();
  return chunks.map((c) => normalizer.push(c)).join('') + normalizer.flush();
}

test('lower-cases and collapses punctuation and whitespace runs to one space, trimmed', () => {
  assert.equal(normalizeText('  Hello,\t\tWORLD!!  \n How are   you? '), 'hello world how are you');
  assert.equal(normalizeText('Potilas: "Ei nukkunut" -- 3 yötä.'), 'potilas ei nukkunut 3 yötä');
  assert.equal(normalizeText('...!!!   '), '');
  assert.equal(normalizeText(''), '');
});

test('applies NFKC: full-width forms, ligatures, circled digits, composed accents', () => {
  assert.equal(normalizeText('ＰＡＴＩＥＮＴ　１２３'), 'patient 123');
  assert.equal(normalizeText('ﬁle ①'), 'file 1');
  assert.equal(normalizeText('Cafe\u0301'), normalizeText('Café'));
  assert.equal(normalizeText('A\u0308iti'), 'äiti');
  assert.equal(normalizeText('ﾊﾞｽ'), 'バス');
});

test('folds Greek final sigma so the result does not depend on context', () => {
  assert.equal(normalizeText('ΟΔΟΣ'), 'οδοσ');
  assert.equal(normalizeText('ΟΔΟΣΟΣ'), 'οδοσοσ');
  assert.equal(streamed(['ΟΔΟΣ', 'ΟΣ']), 'οδοσοσ');
});

test('keeps astral letters, treats emoji and lone surrogates as separators', () => {
  assert.equal(normalizeText('a\u{20000}b'), 'a\u{20000}b');
  assert.equal(normalizeText('𝐀𝐁'), 'ab');
  assert.equal(normalizeText('ok😀fine'), 'ok fine');
  assert.equal(normalizeText('x\ud800y\udc00z'), 'x y z');
});

test('streams across a chunk boundary inside a whitespace run', () => {
  assert.equal(streamed(['hello   ', '   world']), 'hello world');
  assert.equal(streamed(['hello', ' ', 'world', '']), 'hello world');
  assert.equal(streamed(['  ', 'x', '  ']), 'x');
});

test('streams across split surrogate pairs, combining marks and Hangul jamo', () => {
  assert.equal(streamed(['a\ud840', '\udc00b']), 'a\u{20000}b');
  assert.equal(streamed(['cafe', '\u0301 ok']), 'café ok');
  assert.equal(streamed(['\u1112', '\u1161', '\u11ab']), '한');
  assert.equal(streamed(['ﾊ', 'ﾞｽ']), 'バス');
  assert.equal(streamed(['\u0301', '\u0323']), normalizeText('\u0301\u0323'));
});

test('streamed output equals whole-string output wherever the chunks are cut', () => {
  const tricky = [
    'a', 'B', 'é', 'e', '\u0301', '\u0323', ' ', '\t', '.', '-', 'Σ', 'ς', 'İ', '１', 'ﬁ',
    '\ud83d', '\ude00', '😀', '\u{20000}', '\u1112', '\u1161', '\u11ab', 'ﾊ', 'ﾞ', 'Ä', 'ö',
  ];
  fc.assert(
    fc.property(
      fc.array(fc.constantFrom(...tricky), { maxLength: 80 }),
      fc.array(fc.nat(), { maxLength: 8 }),
      (units, offsets) => {
        const s = units.join('');
        assert.equal(streamed(cutAt(s, offsets)), normalizeText(s));
      },
    ),
    { numRuns: 400 },
  );
});

test('streamed output equals whole-string output for arbitrary Unicode', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary', maxLength: 200 }), fc.array(fc.nat(), { maxLength: 6 }), (s, offsets) => {
      assert.equal(streamed(cutAt(s, offsets)), normalizeText(s));
    }),
    { numRuns: 300 },
  );
});

test('output never starts or ends with a space and never holds two in a row', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'grapheme', maxLength: 120 }), (s) => {
      const out = normalizeText(s);
      assert.ok(!out.startsWith(' ') && !out.endsWith(' ') && !out.includes('  '));
    }),
    { numRuns: 300 },
  );
});

test('a long run of combining marks does not grow the held-back tail without bound', () => {
  const normalizer = new TextNormalizer();
  let released = '';
  for (let i = 0; i < 100; i++) released += normalizer.push('\u0301'.repeat(100));
  assert.ok(released.length >= 100 * 100 - 200, 'marks are released as they arrive');
});

/**
 * The specification, kept deliberately simple: NFKC of the whole text, lower
 * case with final sigma folded, and the maximal runs of letters, digits and
 * marks joined by single spaces (lone surrogates are separators).
 */
function referenceNormalize(s: string): string {
  return words(s.normalize('NFKC').toLowerCase());
}

function words(lowered: string): string {
  return (lowered.replaceAll('ς', 'σ').match(/[\p{L}\p{N}\p{M}]+/gu) ?? []).join(' ');
}

const JOINER = /^[\p{M}\u1160-\u11ff\uff9e\uff9f]$/u;

/**
 * The documented chunking rule, written plainly: each chunk is appended to the
 * held-back tail, the text up to the last character that cannot combine with
 * what precedes it is normalized as one piece, and the rest is held (a run of
 * more than 64 units of non-starters is released). Where no cut splits a
 * surrogate pair this equals `referenceNormalize` of the whole input; a cut
 * between the halves of an astral combining mark (a Kaithi nukta, say) loses
 * its composition, because a dangling high surrogate counts as a starter.
 */
function referenceStream(chunks: string[]): string {
  let held = '';
  let lowered = '';
  for (const chunk of chunks) {
    const text = held + chunk;
    const floor = Math.max(0, text.length - 64);
    let cut = text.length;
    for (;;) {
      if (cut <= floor) {
        const last = text.charCodeAt(text.length - 1);
        cut = floor === 0 ? 0 : last >= 0xd800 && last <= 0xdbff ? text.length - 1 : text.length;
        break;
      }
      const low = text.charCodeAt(cut - 1);
      const high = text.charCodeAt(cut - 2);
      cut -= low >= 0xdc00 && low <= 0xdfff && high >= 0xd800 && high <= 0xdbff ? 2 : 1;
      if (!JOINER.test(String.fromCodePoint(text.codePointAt(cut)!))) break;
    }
    lowered += text.slice(0, cut).normalize('NFKC').toLowerCase();
    held = text.slice(cut);
  }
  return words(lowered + held.normalize('NFKC').toLowerCase());
}

const decode = (units: Uint16Array, length: number): string =>
  Buffer.from(units.buffer, units.byteOffset, 2 * length).toString('utf16le');

/** Feeds `chunks` through `pushUnits`/`flushUnits` and decodes what the sink receives. */
function streamedUnits(chunks: string[]): string {
  const normalizer = new TextNormalizer();
  const parts: string[] = [];
  const sink = (units: Uint16Array, length: number): void => {
    assert.ok(length > 0 && length <= units.length);
    parts.push(decode(units, length));
  };
  for (const c of chunks) normalizer.pushUnits(c, sink);
  normalizer.flushUnits(sink);
  return parts.join('');
}

const splitsSurrogatePair = (chunks: string[]): boolean =>
  chunks.some((c, i) => /[\ud800-\udbff]$/.test(c) && /^[\udc00-\udfff]/.test(chunks.slice(i + 1).join('')));

/** Pieces that stress every path: ASCII, directly mapped non-ASCII, NFKC, composition across cuts, surrogates. */
const PIECES = [
  'a', 'Z', 'q', '7', ' ', '  ', '\t\n', '.', ',', '-- ', '!?', '\u00a0', '\u3000', ' '.repeat(40), '\r\n\t \t',
  'ä', 'Ö', 'å', 'ß', 'é', 'Ñ', 'Σ', 'ς', 'σ', 'ΟΔΟΣ', 'Ж', 'ж', 'İ', 'ǅ', 'Ω', 'K', 'Å',
  'Ａ', 'ｚ', '１', '①', 'ﬁ', 'ﷺ', '²', '½', '㎏',
  '\u0301', '\u0308', '\u0323', '\u0345', '\u0344', 'e\u0301', 'A\u030a', '\u0958',
  '\u1100', '\u1161', '\u11a8', '가', 'ﾊ', 'ﾞ', 'ﾟ', 'ｶ', 'か', '\u3099',
  '\u{20000}', '𝐀', '𝔷', '😀', '👍🏽', '\ud83d', '\ude00', '\ud800', '\udfff', '中文', '\u0000', '\u200b',
];
const unicodeText = fc.oneof(
  fc.array(fc.constantFrom(...PIECES), { maxLength: 150 }).map((p) => p.join('')),
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.string({ unit: 'grapheme', maxLength: 200 }),
);

test('streamed output, as a string or as code units, equals the reference for random Unicode and chunkings', () => {
  fc.assert(
    fc.property(unicodeText, fc.array(fc.nat(), { maxLength: 12 }), (s, offsets) => {
      assert.equal(normalizeText(s), referenceNormalize(s));
      const chunks = cutAt(s, offsets);
      const expected = referenceStream(chunks);
      if (!splitsSurrogatePair(chunks)) assert.equal(expected, referenceNormalize(s));
      assert.equal(streamed(chunks), expected);
      assert.equal(streamedUnits(chunks), expected);
    }),
    { numRuns: 2000 },
  );
});

test('every code unit normalizes as the reference says next to composing neighbours', () => {
  // One long string per context puts each BMP unit between characters that
  // compose with what comes before or after them.
  const contexts: [string, string][] = [
    ['e', '\u0301'],
    ['\u1100', '\u1161'],
    ['ｶ', 'ﾞ'],
    ['a\u0308', '\u0323'],
    ['Σ', 'x'],
  ];
  for (const [before, after] of contexts) {
    const parts: string[] = [];
    for (let unit = 0; unit < 0x10000; unit++) parts.push(before + String.fromCharCode(unit) + after);
    const s = parts.join('');
    const expected = referenceNormalize(s);
    assert.equal(normalizeText(s), expected);
    assert.equal(streamedUnits(cutAt(s, [1, 70_000, 70_001, 300_000])), expected);
  }
});

test('pushUnits hands out the output buffer and wipes it when the sink returns', () => {
  const normalizer = new TextNormalizer();
  let seen: Uint16Array | null = null;
  let length = 0;
  normalizer.pushUnits('Potilas ei nukkunut, yötä ', (units, n) => {
    seen = units;
    length = n;
    assert.equal(decode(units, n), 'potilas ei nukkunut yötä');
  });
  assert.ok(seen !== null && length > 0);
  assert.ok((seen as Uint16Array).subarray(0, length).every((u) => u === 0));
  let called = false;
  normalizer.pushUnits(' ... ', () => {
    called = true;
  });
  assert.equal(called, false, 'no call without output');
});

test('long chunks with rare non-ASCII characters take the direct path and still match the reference', () => {
  const line = 'Asiakas kertoi nukkuneensa huonosti; Ä, Ö ja å pysyvät, ﬁ ja Ｆ muuttuvat. Café\u0301 ΟΔΟΣ 😀 𝐀 ';
  const s = line.repeat(4000);
  const expected = referenceNormalize(s);
  assert.equal(streamed(cutAt(s, [65_536, 131_072, 200_001])), expected);
  assert.equal(streamedUnits(cutAt(s, [1, 2, 3, 250_000])), expected);
});

/** Units the WebAssembly loop takes per call (KERNEL_BLOCK in text-normalize.ts). */
const KERNEL_BLOCK = 16_384;

test('units that need NFKC at and around the WebAssembly loop\'s block edges normalize as the reference says', () => {
  // Before each odd unit: a word unit, a separator, or nothing (start of the block); the odd
  // unit composes with the unit in front of it, which the previous block wrote.
  const odd = ['\u0301', '\u0308\u0323', 'ﬁ', '\uff9e', '\u1161', '\u{1d400}', '\u3099', '\u0301'.repeat(40), 'e\u0301a\u0302 '.repeat(12)];
  const filler = 'ab Cd. ef GH, ij ä Ö '.repeat(Math.ceil((3 * KERNEL_BLOCK) / 21));
  for (const unit of odd) {
    for (const edge of [KERNEL_BLOCK - 2, KERNEL_BLOCK - 1, KERNEL_BLOCK, KERNEL_BLOCK + 1, 2 * KERNEL_BLOCK]) {
      for (const before of ['e', ' ', 'x\u0301']) {
        const head = filler.slice(0, edge - before.length) + before;
        assert.equal(head.length, edge);
        const s = head + unit + filler.slice(0, KERNEL_BLOCK);
        const expected = referenceNormalize(s);
        assert.equal(normalizeText(s), expected, `${JSON.stringify(unit)} at ${edge} after ${JSON.stringify(before)}`);
        assert.equal(streamedUnits(cutAt(s, [7, KERNEL_BLOCK + 3])), expected);
      }
    }
  }
});

test('without WebAssembly (node --jitless) the JavaScript loop gives the reference output', () => {
  const cases = [
    ...fc.sample(fc.tuple(unicodeText, fc.array(fc.nat(), { maxLength: 12 })), { numRuns: 300, seed: 2026 }),
    ['Asiakas kertoi nukkuneensa huonosti; Ä, Ö ja å pysyvät, ﬁ ja Ｆ muuttuvat. Café\u0301 ΟΔΟΣ 😀 𝐀 '.repeat(600), [KERNEL_BLOCK, 40_000]] as [string, number[]],
  ].map(([s, offsets]) => cutAt(s, offsets));
  const module = new URL('../../src/matcher/text-normalize.ts', import.meta.url).href;
  const script = `
    import { readFileSync } from 'node:fs';
    import { TextNormalizer } from ${JSON.stringify(module)};
    const run = (chunks) => {
      const n = new TextNormalizer();
      const parts = [];
      const sink = (units, length) => parts.push(Buffer.from(units.buffer, units.byteOffset, 2 * length).toString('utf16le'));
      for (const c of chunks) n.pushUnits(c, sink);
      n.flushUnits(sink);
      return parts.join('');
    };
    const cases = JSON.parse(readFileSync(0, 'utf8'));
    console.log(JSON.stringify({ wasm: typeof WebAssembly, results: cases.map(run) }));`;
  const child = spawnSync(process.execPath, ['--jitless', '--import', 'tsx', '--input-type=module', '-e', script], {
    input: JSON.stringify(cases),
    encoding: 'utf8',
    timeout: 120_000,
    maxBuffer: 64 << 20,
  });
  assert.equal(child.status, 0, child.stderr);
  const result = JSON.parse(child.stdout) as { wasm: string; results: string[] };
  assert.equal(result.wasm, 'undefined');
  cases.forEach((chunks, i) => assert.equal(result.results[i], referenceStream(chunks)));
});
