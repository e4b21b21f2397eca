import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { phone } from '../../../src/matcher/identifiers/phone.js';
import { createRng, makeFiPhone } from '../../../src/matcher/identifiers/synthetic.js';
import { PHONE_STOP_BYTE, PHONE_TEXT_BYTE, phoneClassTable, phoneKernelResidue, phoneKernelSpec } from '../../../src/matcher/identifiers/phone-kernel.js';
import { instantiateKernel } from '../../../src/matcher/wasm-assembler.js';
import { assertWipedAfterSearch, candidates, embeddings, FC, found, fromGenerator } from './helpers.js';

const FI = { region: 'FI' };

describe('phone normalize', () => {
  it('maps the common Finnish mobile forms to one E.164 number', () => {
    for (const v of ['+358 40 123 4567', '040-1234567', '0401234567', '040 123 4567', '+358401234567', '00358 40 123 4567', '+358 (0)40 123 4567']) {
      assert.equal(phone.normalize(v, FI), '+358401234567', v);
    }
  });

  it('needs a region for national forms, not for international ones', () => {
    assert.equal(phone.normalize('040 123 4567'), null);
    assert.equal(phone.normalize('+358 40 123 4567'), '+358401234567');
    assert.equal(phone.normalize('00358 40 123 4567'), '+358401234567');
    assert.equal(phone.normalize('+358 40 123 4567', { region: 'SE' }), '+358401234567');
  });

  it('uses the region for other countries (libphonenumber-js README example)', () => {
    assert.equal(phone.normalize('(213) 373-4253', { region: 'US' }), '+12133734253');
    assert.equal(phone.normalize('070-123 45 67', { region: 'SE' }), '+46701234567');
  });

  it('rejects numbers the number plan does not allow, and junk', () => {
    for (const v of ['123', '+358 40', '040-12345678901234', 'call me', '+999 123 456 789', '040 123 4567 ext', '']) {
      assert.equal(phone.normalize(v, FI), null, v);
    }
    assert.equal(phone.normalize('040 123 4567', { region: 'ZZ' }), null, 'unknown region acts as none');
  });

  it('property: generated Finnish mobiles normalize to +358 and are idempotent', () => {
    fc.assert(
      fc.property(fromGenerator(makeFiPhone), (v) => {
        const canonical = phone.normalize(v, FI);
        assert.ok(canonical !== null && /^\+358(40|50)\d{7}$/.test(canonical), v);
        assert.equal(phone.normalize(canonical), canonical);
        assert.equal(phone.normalize(canonical, { region: 'US' }), canonical);
      }),
      { ...FC, numRuns: 200 },
    );
  });
});

describe('phone pattern', () => {
  it('finds numbers in documents in all common forms', () => {
    for (const form of ['+358 40 123 4567', '040-1234567', '0401234567', '(09) 1234 567']) {
      const expected = phone.normalize(form, FI);
      assert.ok(expected !== null, form);
      for (const text of embeddings(form)) assert.deepEqual(found(phone, text, FI), [expected], `${form} in ${text}`);
    }
  });

  it('does not match inside longer digit runs or words', () => {
    for (const text of ['12345678901234567890', 'ABC0401234567', '0401234567XYZ']) {
      assert.deepEqual(candidates(phone, text), [], text);
    }
  });
});

describe('phone scanKey (the fast path used while scanning)', () => {
  it('equals normalize for every valid number it does not decline, in all written forms', async () => {
    const fc = (await import('fast-check')).default;
    const { phone: ph } = await import('../../../src/matcher/identifiers/phone.js');
    const { makeFiPhone, createRng } = await import('../../../src/matcher/identifiers/synthetic.js');
    const forms = (n: string) => {
      const d = n.replace(/\D/g, '').replace(/^358/, '');
      const nat = d.startsWith('0') ? d : `0${d}`;
      return [n, nat, `+358${nat.slice(1)}`, `+358 ${nat.slice(1, 3)} ${nat.slice(3)}`, `00358${nat.slice(1)}`, `+358 (0)${nat.slice(1)}`, `+358 0${nat.slice(1)}`, `${nat.slice(0, 3)}-${nat.slice(3)}`];
    };
    let compared = 0;
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), (seed) => {
        for (const f of forms(makeFiPhone(createRng(seed)))) {
          const full = ph.normalize(f, { region: 'FI' });
          const fast = ph.scanKey!(f, { region: 'FI' });
          if (full !== null && fast !== null) {
            compared++;
            if (fast !== full) throw new Error(`${f}: ${fast} != ${full}`);
          }
        }
      }),
      { seed: 42, numRuns: 300 },
    );
    if (compared < 1000) throw new Error(`only ${compared} comparisons`);
  });
});

/** The regex's matches in text[lo, hi) (its edges as the text's), as offsets into text. */
function regexMatches(text: string, lo = 0, hi = text.length): [number, number][] {
  const re = new RegExp(phone.pattern!.source, 'gu');
  const part = text.slice(lo, hi);
  const out: [number, number][] = [];
  for (let m = re.exec(part); m !== null; m = re.exec(part)) out.push([lo + m.index, lo + m.index + m[0].length]);
  return out;
}

function findMatches(text: string, lo = 0, hi = text.length): [number, number][] {
  const out: [number, number][] = [];
  phone.find!(text, lo, hi, (s, e) => out.push([s, e]));
  return out;
}

describe('phone find (the WebAssembly loop used while scanning)', () => {
  // Pieces that make the pattern's choices: prefixes, separators, guards, and characters outside ASCII
  // (letters, digits of other scripts, an astral digit, lone surrogates, the dashes).
  const piece = fc.constantFrom(
    '0', '00', '+', '+358', '00358', '(', ')', '(0)', '(09)', '(12345)', '(123456)', '040', '1234567', '12', '5', '9',
    ' ', '-', '\u2010', '\u2015', '\u2212', '.', '/', '@', '_', 'a', 'Z', 'x.y', '\n', '\u0000', '\t',
    'ä', '\u0663', '\u{1D7CE}', '\ud835', '\udfce', '\u00a0', 'é0', '1-', '3.', '@a', '.b', '@1', '-\u0663', '.\u00e4',
  );
  const tricky = fc.array(piece, { maxLength: 40 }).map((a) => a.join(''));
  const valid = fc.integer({ min: 1, max: 2 ** 31 - 1 }).map((seed) => {
    const n = makeFiPhone(createRng(seed));
    return [n, n.replace('+358', '0'), n.replace(/ /g, '-'), `(0${n.slice(4, 6)}) ${n.slice(7)}`][seed % 4]!;
  });
  const mixed = fc.array(fc.oneof(valid, piece, fc.string({ maxLength: 3 })), { maxLength: 20 }).map((a) => a.join(''));

  it('finds what the regex finds on known cases', () => {
    for (const text of [
      '+358 40 123 4567', '+358 (0)40 123 4567', '00358401234567', '(09) 1234 567', '040-1234567', '0401234567',
      'tel. 040 123 4567, fax 09-123 4567', '1-0401234567', 'x0401234567', '0401234567@x', '0401234567.a', '040123456789012345678',
      '+3584012345 67', '+1 (0) 23456', '(123456) 1234567', '040\u20131234567', '\u06630401234567', '0401234567\u0663', 'ä0401234567', '040123-\u0663',
    ]) {
      assert.deepEqual(findMatches(text), regexMatches(text), text);
    }
  });

  it('property: on any text, the same matches as the regex', () => {
    fc.assert(
      fc.property(fc.oneof(tricky, mixed, fc.string({ maxLength: 60 }), fc.string({ unit: 'binary', maxLength: 60 })), (text) => {
        assert.deepEqual(findMatches(text), regexMatches(text));
      }),
      { numRuns: FC.numRuns * 8 },
    );
  });

  it("property: in a region, the regex's matches in that slice (its edges count as the text's)", () => {
    fc.assert(
      fc.property(fc.oneof(tricky, mixed), fc.nat(), fc.nat(), (t, x, y) => {
        const lo = x % (t.length + 1);
        const hi = lo + (y % (t.length - lo + 1));
        assert.deepEqual(findMatches(t, lo, hi), regexMatches(t, lo, hi));
      }),
      { numRuns: FC.numRuns * 4 },
    );
  });

  it('the loop with and without SIMD, each on its own: the same matches and undecided starts', () => {
    type Phone = (n: number, from: number, out: number) => number;
    const kernels = [phoneKernelSpec(true), phoneKernelSpec(false)].map((spec) => instantiateKernel<Phone>(spec)!);
    const run = (k: (typeof kernels)[number], text: string): number[] => {
      const mem = Buffer.from(k.memory);
      mem.fill(0);
      mem.set(phoneClassTable(), 0);
      const at = PHONE_TEXT_BYTE;
      mem.write(text, at, 'utf16le');
      const out = at + 2 * text.length + 12 + (4 - ((2 * text.length) % 4)) % 4;
      const seen: number[] = [];
      for (let from = 0; ; ) {
        const count = k.fn(text.length, from, out);
        seen.push(...new Int32Array(k.memory, out, 2 * count));
        const stop = new Int32Array(k.memory, PHONE_STOP_BYTE, 1)[0]!;
        seen.push(-1, stop);
        if (stop < 0) return seen;
        from = stop + 1;
      }
    };
    fc.assert(
      fc.property(fc.oneof(tricky, mixed), (text) => {
        assert.deepEqual(run(kernels[0]!, text), run(kernels[1]!, text));
      }),
      { numRuns: FC.numRuns * 2 },
    );
  });

  it('hands the rest of a region to the regex when undecided starts crowd it, with the same matches', () => {
    // Every 'ä0' and 'é(' is a start whose left guard is a character outside ASCII.
    for (const unit of ['ä0 040-1234567 é(09) 123 4567 ', 'ä0ä0ä0 +358401234567 é ', '0401234567ä 050 123 4567 ']) {
      const text = unit.repeat(3000);
      const got = findMatches(text);
      assert.deepEqual(got, regexMatches(text));
      assert.ok(got.length >= 3000, `${got.length} matches`);
      assert.deepEqual(findMatches(text, 7, text.length - 5), regexMatches(text, 7, text.length - 5));
    }
    assert.equal(phoneKernelResidue(), 0);
  });

  it('leaves nothing of the text in its memory, also when the sink throws', () => {
    assertWipedAfterSearch(phone.find!, phoneKernelResidue, 'puh. 040-1234567; +358 50 765 4321\n'.repeat(200), 400);
  });

  it('answers a search made from inside its sink (with the regex then), and grows for a long text', () => {
    const inner = '0401234567 ja 050-7654321';
    const text = `${'x 040 1234567 y '.repeat(100)}`;
    const outer: [number, number][] = [];
    let innerFound: [number, number][] = [];
    phone.find!(text, 0, text.length, (s, e) => {
      outer.push([s, e]);
      if (outer.length === 1) innerFound = findMatches(inner);
    });
    assert.deepEqual(outer, regexMatches(text));
    assert.deepEqual(innerFound, regexMatches(inner));
    const long = '+358 40 123 4567 / (09) 123 4567 '.repeat(80_000);
    assert.equal(findMatches(long).length, regexMatches(long).length);
    assert.deepEqual(findMatches(inner), regexMatches(inner));
    assert.equal(phoneKernelResidue(), 0);
  });

  /**
   * The matches of `find` given a bulk sink, in the order passed, each with its
   * key as hex ('' for one passed on its own), and how many runs came in bulk.
   */
  function keyedMatches(text: string, region: string | undefined, lo = 0, hi = text.length): { matches: [number, number, string][]; runs: number } {
    const matches: [number, number, string][] = [];
    let runs = 0;
    phone.find!(
      text,
      lo,
      hi,
      (s, e) => matches.push([s, e, '']),
      (pairs, count, base, keys, spans) => {
        runs++;
        assert.ok(spans, 'phone keys come with their spans');
        for (let j = 0; j < count; j++) {
          const key = Buffer.from(keys.subarray(spans[2 * j]!, spans[2 * j]! + spans[2 * j + 1]!)).toString('hex');
          if (j > 0) assert.ok(spans[2 * j]! >= spans[2 * j - 2]! + spans[2 * j - 1]!, 'keys lie in ascending order');
          matches.push([base + pairs[2 * j]!, base + pairs[2 * j + 1]!, key]);
        }
      },
      { region },
    );
    return { matches, runs };
  }

  /** What `scanKeyBytes` writes for text[start, end) in `region`, as hex ('' when it declines). */
  function scanKeyHex(text: string, start: number, end: number, region: string | undefined): string {
    const out = new Uint8Array(64);
    const n = phone.scanKeyBytes!(text, start, end, out, 3, { region });
    return n < 0 ? '' : Buffer.from(out.subarray(3, 3 + n)).toString('hex');
  }

  const REGIONS = ['FI', 'se', 'GB', 'IE', 'NO', 'US', undefined];

  it("with a bulk sink: the same matches in the same order, each key the bytes scanKeyBytes writes (every region's rules)", () => {
    for (const text of ['+358 40 123 4567', '040-1234567', '00358 40 123 4567', '0046 70 123 45 67', '+358 040 123 4567', '+46 0701234567', '+0401234567', '(09) 1234 567', '+358 (0)40 123 4567', '00 40 1234567', '0040 1234567', '+353 1 234 5678', '01 234 5678', '+44 20 7946 0958']) {
      for (const region of REGIONS) {
        const { matches } = keyedMatches(text, region);
        assert.deepEqual(matches.map(([s, e]) => [s, e]), findMatches(text), `${text} ${region}`);
        for (const [s, e, key] of matches) assert.equal(key, scanKeyHex(text, s, e, region), `${text} ${region}`);
      }
    }
  });

  it('property: with a bulk sink, the matches and order of find without one, and scanKeyBytes keys', () => {
    fc.assert(
      fc.property(fc.oneof(tricky, mixed), fc.constantFrom(...REGIONS), fc.nat(), fc.nat(), (t, region, x, y) => {
        const lo = x % (t.length + 1);
        const hi = lo + (y % (t.length - lo + 1));
        const { matches } = keyedMatches(t, region, lo, hi);
        assert.deepEqual(matches.map(([s, e]) => [s, e]), findMatches(t, lo, hi));
        // A start next to a character outside ASCII is decided by the regex and passed on its own, unkeyed.
        const ascii = !/[^\x00-\x7f]/.test(t);
        for (const [s, e, key] of matches) if (ascii || key !== '') assert.equal(key, scanKeyHex(t, s, e, region));
      }),
      { numRuns: FC.numRuns * 8 },
    );
    assert.equal(phoneKernelResidue(), 0);
  });

  it('passes keyed matches in runs around those it cannot key, and undecided starts in order', () => {
    const text = '040-1234567 (09) 123 4567 0501234567 \u00a00401234567 +358 50 123 4567 '.repeat(50);
    const { matches, runs } = keyedMatches(text, 'FI');
    assert.deepEqual(matches.map(([s, e]) => [s, e]), regexMatches(text));
    // '(09) …' has no scan key (scanKeyBytes declines), and the start after a no-break space is the
    // regex's to decide: each is passed on its own, between runs.
    assert.equal(runs, 101);
    assert.equal(matches.filter(([, , key]) => key === '').length, 100);
    assert.equal(matches.length, 250);
    assert.equal(phoneKernelResidue(), 0);
  });
});

