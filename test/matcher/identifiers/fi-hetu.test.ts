import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { fiHetu, HETU_CHECK_ALPHABET, HETU_SIGNS, hetuCheckChar, jsFind } from '../../../src/matcher/identifiers/fi-hetu.js';
import { hetuKernelResidue } from '../../../src/matcher/identifiers/hetu-kernel.js';
import { SEARCH_KERNEL_MAX_UNITS } from '../../../src/matcher/identifiers/search-kernel.js';
import { DASH_CLASS } from '../../../src/matcher/identifiers/lexical.js';
import { globalRegExp, scanMatches } from '../../../src/matcher/pattern-scan.js';
import { makeHetu } from '../../../src/matcher/identifiers/synthetic.js';
import { assertWipedAfterSearch, candidates, embeddings, FC, found, fromGenerator, replaceAt } from './helpers.js';

// Example code from the Digital and Population Data Services Agency (DVV) description
// of the personal identity code, also used by e.g. floftar/finnish-pic's README.
const DVV_EXAMPLE = '131052-308T';

// DVV's fictitious test persons for the 2023 century-sign reform (DVV Excel linked
// from dvv.fi/hetu-uudistus, as listed on dimarchi.net/test/new-ssn/).
const DVV_REFORM_VECTORS = [
  '010594Y9032', '010594Y9021', '020594X903P', '020594X902N', '030594W903B', '030694W9024',
  '040594V9030', '040594V902Y', '050594U903M', '050594U902L', '010516B903X', '010516B902W',
  '020516C903K', '020516C902J', '030516D9037', '030516D9026', '010501E9032', '020502E902X',
  '020503F9037', '020504A902E', '020504B904H',
];

describe('fi_hetu normalize', () => {
  it('accepts the DVV example code', () => {
    assert.equal(fiHetu.normalize(DVV_EXAMPLE), '131052-308T');
  });

  it('accepts every DVV 2023-reform test code and folds the sign per century', () => {
    for (const v of DVV_REFORM_VECTORS) {
      const canonical = fiHetu.normalize(v);
      assert.ok(canonical !== null, v);
      const expectedSign = 'YXWVU-'.includes(v[6]!) ? '-' : 'A';
      assert.equal(canonical, v.slice(0, 6) + expectedSign + v.slice(7), v);
    }
  });

  it('maps the same code written with different signs of one century to one canonical', () => {
    assert.equal(fiHetu.normalize('010594Y9021'), fiHetu.normalize('010594-9021'));
    assert.equal(fiHetu.normalize('010516B902W'), fiHetu.normalize('010516A902W'));
  });

  it('keeps centuries apart', () => {
    const check = hetuCheckChar('010100', '902');
    const c1800 = fiHetu.normalize(`010100+902${check}`);
    const c1900 = fiHetu.normalize(`010100-902${check}`);
    const c2000 = fiHetu.normalize(`010100A902${check}`);
    assert.equal(new Set([c1800, c1900, c2000]).size, 3);
  });

  it('checks 29 February in the year the century sign gives', () => {
    const check = hetuCheckChar('290200', '902');
    assert.equal(fiHetu.normalize(`290200-902${check}`), null, '1900 is not a leap year');
    assert.equal(fiHetu.normalize(`290200A902${check}`), `290200A902${check}`, '2000 is');
    const check96 = hetuCheckChar('290296', '902');
    assert.equal(fiHetu.normalize(`290296Y902${check96}`), `290296-902${check96}`);
  });

  it('rejects impossible dates, reserved individual numbers, bad checks and bad shapes', () => {
    for (const [date, zzz] of [['310494', '902'], ['001052', '308'], ['131352', '308'], ['131052', '000'], ['131052', '001']] as const) {
      assert.equal(fiHetu.normalize(`${date}-${zzz}${hetuCheckChar(date, zzz)}`), null, `${date}${zzz}`);
    }
    for (const v of ['131052-308U', '131052-308', '131052G308T', '131052-308TT', '1310523308T', '', '   ']) {
      assert.equal(fiHetu.normalize(v), null, v);
    }
  });

  it('accepts temporary individual numbers 900-999', () => {
    const check = hetuCheckChar('131052', '999');
    assert.equal(fiHetu.normalize(`131052-999${check}`), `131052-999${check}`);
  });

  it('tolerates case, surrounding space and typographic dashes', () => {
    assert.equal(fiHetu.normalize('  131052\u2013308t '), '131052-308T');
    assert.equal(fiHetu.normalize('010594y9021'), '010594-9021');
  });

  it('property: generated codes validate; any sign of the century gives the same canonical', () => {
    fc.assert(
      fc.property(fromGenerator(makeHetu), fc.nat(), (v, k) => {
        const canonical = fiHetu.normalize(v);
        assert.ok(canonical !== null);
        const century = canonical[6] === '+' ? 1800 : canonical[6] === '-' ? 1900 : 2000;
        const signs = HETU_SIGNS[century];
        const other = replaceAt(v, 6, signs[k % signs.length]!);
        assert.equal(fiHetu.normalize(other.toLowerCase()), canonical);
        assert.equal(fiHetu.normalize(canonical), canonical);
      }),
      FC,
    );
  });

  it('property: any single-character change of a digit or the check character is rejected', () => {
    fc.assert(
      fc.property(fromGenerator(makeHetu), fc.integer({ min: 0, max: 9 }), fc.nat(), (v, pos, r) => {
        const i = pos < 6 ? pos : pos + 1; // skip the century sign (index 6)
        const alphabet = i === 10 ? HETU_CHECK_ALPHABET : '0123456789';
        const replacement = alphabet[r % alphabet.length]!;
        fc.pre(replacement !== v[i]);
        assert.equal(fiHetu.normalize(replaceAt(v, i, replacement)), null);
      }),
      FC,
    );
  });
});

describe('fi_hetu pattern', () => {
  it('finds the code in prose, CSV, HTML and JSON', () => {
    for (const text of embeddings('131052-308T')) {
      assert.deepEqual(found(fiHetu, text), ['131052-308T'], text);
    }
    assert.deepEqual(found(fiHetu, 'hetu: 010594Y9021, toinen 010516b902w.'), ['010594-9021', '010516A902W']);
  });

  it('does not match inside longer tokens', () => {
    for (const text of ['1131052-308T', '131052-308T1', '131052-308TX', 'x131052-308T', '131052-3088T']) {
      assert.deepEqual(candidates(fiHetu, text), [], text);
    }
  });
});

type Find = NonNullable<typeof fiHetu.find>;
const finds: Array<[string, Find]> = [
  ['the WebAssembly loop', fiHetu.find!],
  ['the JavaScript fallback', jsFind],
];

for (const [name, find] of finds) describe(`fi_hetu find, ${name} (the hand-written search used while scanning)`, () => {
  const regexMatches = (text: string): [number, number][] => {
    const out: [number, number][] = [];
    scanMatches(globalRegExp(fiHetu.pattern!), {}, text, (s, e) => out.push([s, e]));
    return out;
  };
  const fastMatches = (text: string, lo = 0, hi = text.length): [number, number][] => {
    const out: [number, number][] = [];
    find(text, lo, hi, (s, e) => out.push([s, e]));
    return out;
  };
  // Digits, every kind of sign and check character, guards (letters, '_', non-ASCII letters and digits, an
  // astral letter and a lone surrogate), separators, and the characters that only case folding lets in.
  const tricky = fc.constantFrom(
    ...'0123456789'.split(''), '0', '1', '9', '5', '131052', '010594', '-', '+', 'A', 'a', 'Y', 'y', 'F', 'T', 't', 'Z', 'g', '_',
    ' ', ',', ';', '\n', '.', 'é', '٣', '\u2013', '\u2212', '\u017f', '\u212a', '\u212b', '𝐀', '\ud835', '\udc00',
  );
  const trickyText = fc.array(tricky, { maxLength: 120 }).map((a) => a.join(''));
  const valid = fromGenerator(makeHetu);
  const mixed = fc.array(fc.oneof(valid, tricky, fc.string({ maxLength: 4 })), { maxLength: 30 }).map((a) => a.join(''));

  it("its character classes are the pattern's on every code unit (with the i and u flags)", () => {
    const classes: [RegExp, string][] = [
      [new RegExp(`^[+YXWVUABCDEF${DASH_CLASS}]$`, 'iu'), '131052X308T'],
      [/^[0-9A-Y]$/iu, '131052-308X'],
      [/^\d$/iu, '13105X-308T'],
    ];
    for (const [cls, shape] of classes) {
      const at = shape.indexOf('X');
      for (let c = 0; c < 0x10000; c++) {
        const ch = String.fromCharCode(c);
        // Guards on both sides, so only the character under test decides.
        const text = ` ${shape.slice(0, at)}${ch}${shape.slice(at + 1)} `;
        assert.equal(fastMatches(text).length, cls.test(ch) ? 1 : 0, `U+${c.toString(16)} in ${cls}`);
      }
    }
  });

  it("its guards are the pattern's on every code unit (under the i flag U+0345 counts as a letter)", () => {
    for (let c = 0; c < 0x10000; c++) {
      const ch = String.fromCharCode(c);
      for (const text of [`${ch}131052-308T`, `131052-308T${ch}`]) {
        assert.deepEqual(fastMatches(text), regexMatches(text), `U+${c.toString(16)} in ${JSON.stringify(text)}`);
      }
    }
    assert.deepEqual(fastMatches('\u0345131052-308T'), []);
  });

  it('finds what the regex finds on known cases', () => {
    const text = '131052-308T 1131052-308T 010594Y9021,010516b902w x131052-308T 131052-308T1 0105940-9021 _131052-308T é131052-308T 131052\u2013308\u212a';
    assert.deepEqual(fastMatches(text), regexMatches(text));
    assert.equal(fastMatches(text).length, 4);
  });

  it('property: on any text, the same matches as the regex', () => {
    fc.assert(fc.property(fc.oneof(trickyText, mixed, fc.string({ maxLength: 80 }), fc.string({ unit: 'binary', maxLength: 80 })), (text) => {
      assert.deepEqual(fastMatches(text), regexMatches(text));
    }), { ...FC, numRuns: 3000 });
  });

  it("property: in a region, the regex's matches in that slice (its edges count as the text's)", () => {
    const text = fc.oneof(trickyText, mixed);
    fc.assert(fc.property(text, fc.nat(), fc.nat(), (t, x, y) => {
      const lo = x % (t.length + 1);
      const hi = lo + (y % (t.length - lo + 1));
      const expected = regexMatches(t.slice(lo, hi)).map(([s, e]): [number, number] => [s + lo, e + lo]);
      assert.deepEqual(fastMatches(t, lo, hi), expected);
    }), { ...FC, numRuns: 2000 });
  });
});

describe('fi_hetu find: the WebAssembly loop itself', () => {
  const all = (text: string, lo = 0, hi = text.length): [number, number][] => {
    const out: [number, number][] = [];
    fiHetu.find!(text, lo, hi, (s, e) => out.push([s, e]));
    return out;
  };
  const byJs = (text: string, lo = 0, hi = text.length): [number, number][] => {
    const out: [number, number][] = [];
    jsFind(text, lo, hi, (s, e) => out.push([s, e]));
    return out;
  };

  it('leaves nothing of the text in its memory, also when the sink throws', () => {
    assertWipedAfterSearch(fiHetu.find!, hetuKernelResidue, 'x 131052-308T, 010594Y9021; é131052-308T 131052-308Té '.repeat(200), 400);
  });

  it('grows for a long text, then still serves short ones', () => {
    const row = '131052-308T\t040-1234567\t1985-02-01\t010594Y9021\n\u0000';
    const long = row.repeat(40_000);
    assert.deepEqual(all(long), byJs(long));
    assert.equal(all(long).length, 80_000);
    assert.deepEqual(all(row), [[0, 11], [35, 46]]);
    assert.equal(hetuKernelResidue(), 0);
  });

  it('answers a search made from inside its sink (it falls back to JavaScript then)', () => {
    const text = '131052-308T and 010594Y9021 and 010516B902W';
    const inner: [number, number][] = [];
    const outer: [number, number][] = [];
    // The inner region is longer, so a second copy in the loop's memory would cover the outer output.
    const longer = `${' '.repeat(40)}${text}`;
    fiHetu.find!(text, 0, text.length, (s, e) => {
      outer.push([s, e]);
      fiHetu.find!(longer, 0, longer.length, (a, b) => inner.push([a, b]));
    });
    assert.deepEqual(outer, byJs(text));
    assert.deepEqual(inner, [[40, 51], [56, 67], [72, 83], [40, 51], [56, 67], [72, 83], [40, 51], [56, 67], [72, 83]]);
  });

  it('searches a region longer than its limit too (in JavaScript), with the same matches', () => {
    const text = `${'1'.repeat(SEARCH_KERNEL_MAX_UNITS)} 131052-308T`;
    assert.deepEqual(all(text), [[SEARCH_KERNEL_MAX_UNITS + 1, SEARCH_KERNEL_MAX_UNITS + 12]]);
  });
});

describe('fi_hetu find: matches in bulk with the keys the WebAssembly loop wrote', () => {
  /** One match as the sinks saw it: offsets, then its key bytes as a string, or '' for none. */
  type Seen = string;
  const keyOf = (text: string, s: number, e: number): string => {
    const out = new Uint8Array(e - s);
    const n = fiHetu.scanKeyBytes!(text, s, e, out, 0);
    return n < 0 ? '' : String.fromCharCode(...out.subarray(0, n));
  };
  /** The matches without a bulk sink (as before the loop made keys), which are the JavaScript search's. */
  const oneByOne = (text: string, lo: number, hi: number): Seen[] => {
    const out: Seen[] = [];
    fiHetu.find!(text, lo, hi, (s, e, key) => {
      assert.equal(key, undefined);
      out.push(`${s}-${e}`);
    });
    const byJs: Seen[] = [];
    jsFind(text, lo, hi, (s, e) => byJs.push(`${s}-${e}`));
    assert.deepEqual(out, byJs);
    return out;
  };
  /** The matches with a bulk sink: all in the order passed, and which came in bulk with what key. */
  const withBulk = (text: string, lo: number, hi: number): { order: Seen[]; bulk: Seen[] } => {
    const order: Seen[] = [];
    const bulk: Seen[] = [];
    fiHetu.find!(
      text,
      lo,
      hi,
      (s, e, key) => {
        assert.equal(key, undefined);
        order.push(`${s}-${e}`);
      },
      (pairs, count, base, keys) => {
        assert.ok(count > 0);
        for (let j = 0; j < count; j++) {
          const s = pairs[2 * j]!;
          const e = pairs[2 * j + 1]!;
          if (j > 0) assert.ok(s >= pairs[2 * j - 1]!, 'pairs ascending and not overlapping');
          order.push(`${base + s}-${base + e}`);
          bulk.push(`${base + s}-${base + e}:${String.fromCharCode(...keys.subarray(s, e))}`);
        }
      },
    );
    return { order, bulk };
  };
  /** The matches the loop can key: 11 ASCII units, guards ASCII or the region's edges. */
  const keyable = (text: string, lo: number, hi: number): Seen[] =>
    oneByOne(text, lo, hi)
      .map((m) => m.split('-').map(Number) as [number, number])
      .filter(([s, e]) => /^[\x00-\x7f]*$/.test(text.slice(Math.max(lo, s - 1), Math.min(hi, e + 1))))
      .map(([s, e]) => `${s}-${e}:${keyOf(text, s, e)}`);

  const digits = (n: number): fc.Arbitrary<string> => fc.array(fc.constantFrom(...'0123456789'), { minLength: n, maxLength: n }).map((a) => a.join(''));
  const DASHES = ['\u2010', '\u2011', '\u2012', '\u2013', '\u2014', '\u2015', '\u2212'];
  const ALL_SIGNS = Object.values(HETU_SIGNS).flat();
  /** A valid code with any sign of its century, in either case. */
  const valid = fc.tuple(fromGenerator(makeHetu), fc.nat(5), fc.boolean()).map(([code, pick, lower]) => {
    const century = Object.values(HETU_SIGNS).find((signs) => signs.includes(code[6]!))!;
    const raw = replaceAt(code, 6, century[pick % century.length]!);
    return lower ? raw.toLowerCase() : raw;
  });
  /** Shaped like a code, mostly invalid: any sign (dashes too), any check character (look-alikes outside ASCII too). */
  const shaped = fc
    .tuple(
      digits(6),
      fc.constantFrom(...ALL_SIGNS, ...ALL_SIGNS.map((c) => c.toLowerCase()), ...DASHES, 'G', 'z', 'ä'),
      digits(3),
      fc.constantFrom(...HETU_CHECK_ALPHABET, ...HETU_CHECK_ALPHABET.toLowerCase(), 'Z', 'g', '\u017f', '\u212a', 'Ä'),
    )
    .map((parts) => parts.join(''));
  /** What lies between: separators, letters and digits glued on, guards outside ASCII (word or not, astral, lone surrogates). */
  const glue = fc.constantFrom('', '', ' ', ',', '\t', '\n', ';', 'x', 'T', '1', '0', '_', '-', 'é', '٣', '\u00a0', '\u0345', '\u2013', '𝐀', '\ud835', '\udc00');
  const text = fc.array(fc.tuple(glue, fc.oneof(valid, shaped), glue).map((parts) => parts.join('')), { maxLength: 12 }).map((a) => a.join(''));
  const region = (t: string, x: number, y: number): [number, number] => {
    const lo = x % (t.length + 1);
    return [lo, lo + (y % (t.length - lo + 1))];
  };

  it('property: the same matches in the same order as without a bulk sink; the loop keys each one it can, as scanKeyBytes does', () => {
    let keyed = 0;
    let single = 0;
    let both = 0;
    fc.assert(fc.property(text, fc.nat(), fc.nat(), fc.boolean(), (t, x, y, whole) => {
      const [lo, hi] = whole ? [0, t.length] : region(t, x, y);
      const { order, bulk } = withBulk(t, lo, hi);
      assert.equal(hetuKernelResidue(), 0);
      const expected = oneByOne(t, lo, hi);
      assert.deepEqual(order, expected, JSON.stringify(t));
      assert.deepEqual(bulk, keyable(t, lo, hi), JSON.stringify(t));
      keyed += bulk.length;
      single += expected.length - bulk.length;
      if (bulk.length > 0 && bulk.length < expected.length) both++;
    }), { ...FC, numRuns: 3000 });
    // Both paths were taken often, also within one text.
    assert.ok(keyed > 500 && single > 500 && both > 200, `${keyed} keyed, ${single} one by one, ${both} texts with both`);
  });

  it('folds every century sign and upper-cases every check character, in either case', () => {
    for (const sign of [...ALL_SIGNS, ...ALL_SIGNS.map((c) => c.toLowerCase())]) {
      for (const check of [...HETU_CHECK_ALPHABET, ...HETU_CHECK_ALPHABET.toLowerCase()]) {
        const t = `x 131052${sign}308${check},`;
        assert.deepEqual(withBulk(t, 0, t.length).bulk, [`2-13:${keyOf(t, 2, 13)}`], t);
      }
    }
    assert.deepEqual(withBulk('010594y9021', 0, 11).bulk, ['0-11:010594-9021']);
    assert.deepEqual(withBulk('010516b902w', 0, 11).bulk, ['0-11:010516A902W']);
  });

  it('leaves nothing of the text or the keys in its memory, also when the bulk sink throws', () => {
    const t = 'x 131052-308T, 010594Y9021; é131052-308T 131052\u2013308T 131052-308Té '.repeat(200);
    const { order, bulk } = withBulk(t, 0, t.length);
    assert.equal(order.length, 600);
    assert.equal(bulk.length, 400);
    assert.equal(hetuKernelResidue(), 0);
    assert.throws(() => fiHetu.find!(t, 0, t.length, () => {}, () => {
      throw new Error('sink failed');
    }), /sink failed/);
    assert.equal(hetuKernelResidue(), 0);
  });

  it('answers a search made from inside its bulk sink (in JavaScript, without keys)', () => {
    const t = '131052-308T and 010594Y9021 and 010516B902W';
    const inner: Seen[] = [];
    fiHetu.find!(t, 0, t.length, () => {}, () => {
      fiHetu.find!(t, 0, t.length, (s, e) => inner.push(`${s}-${e}`), () => assert.fail('no bulk from JavaScript'));
    });
    assert.deepEqual(inner, ['0-11', '16-27', '32-43']);
  });

  it('keys a match at the end of the longest region it takes', () => {
    const t = `${'1'.repeat(SEARCH_KERNEL_MAX_UNITS - 12)} 131052-308t`;
    assert.equal(t.length, SEARCH_KERNEL_MAX_UNITS);
    assert.deepEqual(withBulk(t, 0, t.length).bulk, [`${t.length - 11}-${t.length}:131052-308T`]);
    assert.equal(hetuKernelResidue(), 0);
  });
});

describe('fi_hetu scanKey (the fast path used while scanning)', () => {
  it('equals normalize on the DVV vectors, in either case', () => {
    for (const v of [DVV_EXAMPLE, ...DVV_REFORM_VECTORS]) {
      assert.equal(fiHetu.scanKey!(v), fiHetu.normalize(v), v);
      assert.equal(fiHetu.scanKey!(v.toLowerCase()), fiHetu.normalize(v), v);
    }
  });

  it('property: equals normalize on every valid generated code, with any sign of its century', () => {
    fc.assert(fc.property(fromGenerator(makeHetu), fc.nat(5), fc.boolean(), (code, pick, lower) => {
      const century = Object.values(HETU_SIGNS).find((signs) => signs.includes(code[6]!))!;
      let raw = replaceAt(code, 6, century[pick % century.length]!);
      if (lower) raw = raw.toLowerCase();
      assert.equal(fiHetu.scanKey!(raw), fiHetu.normalize(raw));
    }), FC);
  });

  it('property: an invalid candidate never turns into a valid canonical form', () => {
    const ch = fc.constantFrom(...'0123456789+-YXWVUABCDEFGIOQZyxag'.split(''), ...HETU_CHECK_ALPHABET.split(''));
    const near = fromGenerator(makeHetu).chain((code) => fc.tuple(fc.nat(10), ch).map(([i, c]) => replaceAt(code, i, c)));
    fc.assert(fc.property(fc.oneof(near, fc.array(ch, { minLength: 11, maxLength: 11 }).map((a) => a.join(''))), (raw) => {
      const key = fiHetu.scanKey!(raw);
      if (key !== null && fiHetu.normalize(key) === key) assert.equal(fiHetu.normalize(raw), key, raw);
    }), { ...FC, numRuns: 2000 });
  });

  it('leaves other lengths and non-ASCII to normalize', () => {
    assert.equal(fiHetu.scanKey!(` ${DVV_EXAMPLE}`), null);
    assert.equal(fiHetu.scanKey!('131052\u2010308T'), null);
  });
});
