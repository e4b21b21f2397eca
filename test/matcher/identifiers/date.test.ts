import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { date } from '../../../src/matcher/identifiers/date.js';
import { candidates, embeddings, FC, found } from './helpers.js';

const EN = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const FI = ['tammikuuta', 'helmikuuta', 'maaliskuuta', 'huhtikuuta', 'toukokuuta', 'kesäkuuta', 'heinäkuuta', 'elokuuta', 'syyskuuta', 'lokakuuta', 'marraskuuta', 'joulukuuta'];

describe('date normalize', () => {
  it('maps the common written forms to YYYY-MM-DD', () => {
    for (const v of ['1.2.1985', '01.02.1985', '1985-02-01', '1/2/1985', '1-2-1985', '1. 2. 1985', '1 Feb 1985', '1st February 1985', 'February 1, 1985', 'Feb. 1 1985', '1. helmikuuta 1985', '1 februari 1985', '1985-02-01T08:30:00Z', '1985/02/01']) {
      assert.equal(date.normalize(v), '1985-02-01', v);
    }
  });

  it('reads numeric forms day-first, month-first for region US, ISO always year-first', () => {
    assert.equal(date.normalize('2/1/1985'), '1985-01-02');
    assert.equal(date.normalize('2/1/1985', { region: 'US' }), '1985-02-01');
    assert.equal(date.normalize('1985-02-01', { region: 'US' }), '1985-02-01');
  });

  it('checks the calendar, including leap years', () => {
    assert.equal(date.normalize('29.2.2000'), '2000-02-29');
    assert.equal(date.normalize('29. helmikuuta 2024'), '2024-02-29');
    for (const v of ['29.2.1900', '29.2.1985', '31.4.1985', '1.13.1985', '0.1.1985', '32 Jan 1985', '1.2.85', '1.2.1700', '1.2-1985', 'Febtember 1, 1985', '']) {
      assert.equal(date.normalize(v), null, v);
    }
  });

  it('property: every valid date in every form gives the same ISO date; idempotent', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('1800-01-01T00:00:00Z'), max: new Date('2199-12-31T00:00:00Z'), noInvalidDate: true }), (d) => {
        const [y, m, day] = [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate()];
        const iso = `${y}-${String(m).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
        const forms = [iso, `${day}.${m}.${y}`, `${String(day).padStart(2, '0')}.${String(m).padStart(2, '0')}.${y}`, `${day}/${m}/${y}`, `${day} ${EN[m - 1]} ${y}`, `${EN[m - 1]} ${day}, ${y}`, `${day}. ${FI[m - 1]} ${y}`, `${day} ${EN[m - 1]!.slice(0, 3).toUpperCase()} ${y}`];
        for (const f of forms) assert.equal(date.normalize(f), iso, f);
        assert.equal(date.normalize(iso), iso);
      }),
      FC,
    );
  });
});

describe('date pattern', () => {
  it('finds each form in documents', () => {
    for (const form of ['1.2.1985', '1985-02-01', '1 Feb 1985', 'February 1, 1985', '1. helmikuuta 1985']) {
      for (const text of embeddings(form)) assert.deepEqual(found(date, text), ['1985-02-01'], `${form} in ${text}`);
    }
    assert.deepEqual(found(date, '{"born":"1985-02-01T00:00:00Z"}'), ['1985-02-01']);
  });

  it('does not match inside longer numbers', () => {
    for (const text of ['11.2.19851', '3.1.2.1985', '121985-02-01', 'x1.2.1985', '1985-02-011']) {
      assert.deepEqual(found(date, text), [], text);
    }
    assert.deepEqual(candidates(date, 'version 10.2.19850'), []);
  });
});

describe('date scanNumber (the cache key used while scanning)', () => {
  const scanNumber = date.scanNumber!;
  const canonical = date.canonicalOfNumber!;
  const regions = fc.constantFrom(undefined, 'FI', 'US', 'us', 'GB');

  it('gives YYYYMMDD for the numeric spellings, 0 for impossible dates, -1 for what it leaves to normalize', () => {
    const cases: [string, string | undefined, number][] = [
      ['1.2.1985', undefined, 19850201],
      ['01.02.1985', 'FI', 19850201],
      ['1985-02-01', undefined, 19850201],
      ['1985/2/1', 'US', 19850201],
      ['2/1/1985', 'US', 19850201],
      ['2/1/1985', undefined, 19850102],
      ['2/1/1985', 'us', 19850201],
      ['1985-001-1', undefined, -1],
      ['1.002.1985', undefined, -1],
      ['-12-1985', undefined, -1],
      ['1985-12-', undefined, -1],
      ['1985--1', undefined, -1],
      ['29.2.1900', undefined, 0],
      ['29.2.2000', undefined, 20000229],
      ['1.13.1985', undefined, 0],
      ['1.2.1799', undefined, 0],
      ['1.2-1985', undefined, -1],
      ['1. 2. 1985', undefined, -1],
      ['1 Feb 1985', undefined, -1],
      ['1985-02-01T08:30', undefined, -1],
      ['123.2.1985', undefined, -1],
    ];
    for (const [raw, region, want] of cases) {
      assert.equal(scanNumber(`x ${raw} y`, 2, 2 + raw.length, { region }), want, `${raw} ${region}`);
    }
    assert.equal(canonical(19850201), '1985-02-01');
  });

  it('property: a positive number is the canonical form normalize gives, 0 is a value normalize rejects', () => {
    const group = fc.oneof(fc.stringMatching(/^\d{1,2}$/), fc.stringMatching(/^(1[89]|2[01])\d\d$/), fc.stringMatching(/^\d{1,5}$/));
    const sep = fc.constantFrom('.', '-', '/', ' ', '.', '-', '/', ':', '\u2013');
    const spelled = fc.tuple(group, sep, group, sep, group).map((p) => p.join(''));
    fc.assert(fc.property(fc.oneof(spelled, fc.string({ maxLength: 12 })), regions, (raw, region) => {
      const n = scanNumber(raw, 0, raw.length, { region });
      const want = date.normalize(raw, { region });
      if (n > 0) assert.equal(canonical(n), want);
      if (n === 0) assert.equal(want, null);
    }), { ...FC, numRuns: 3000 });
  });

  it('property: takes the fast path for every real date spelled day-first, month-first (US) or ISO', () => {
    const day = fc.date({ min: new Date('1800-01-01T00:00:00Z'), max: new Date('2199-12-31T00:00:00Z'), noInvalidDate: true });
    fc.assert(fc.property(day, fc.constantFrom('.', '-', '/'), fc.boolean(), fc.constantFrom('iso', 'dmy', 'mdy'), (d, s, pad, form) => {
      const [y, m, dd] = [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate()];
      const p = (v: number): string => (pad ? String(v).padStart(2, '0') : String(v));
      const raw = form === 'iso' ? `${y}${s}${p(m)}${s}${p(dd)}` : form === 'dmy' ? `${p(dd)}${s}${p(m)}${s}${y}` : `${p(m)}${s}${p(dd)}${s}${y}`;
      const region = form === 'mdy' ? 'US' : 'FI';
      const n = scanNumber(raw, 0, raw.length, { region });
      assert.equal(n, y * 10000 + m * 100 + dd, raw);
      assert.equal(canonical(n), date.normalize(raw, { region }));
    }), FC);
  });
});

describe('date number slots (every number scanNumber gives, keyed ahead by the matcher)', () => {
  const { numberSlots, numberIndex, numberAt, canonicalOfNumber } = date as Required<typeof date>;

  it('has a slot for each of the 146,097 days of 1800-2199 and none for a day that does not exist', () => {
    let days = 0;
    for (let i = 0; i < numberSlots; i++) {
      const n = numberAt(i);
      if (n === 0) continue;
      days++;
      assert.equal(numberIndex(n), i, String(n));
      const iso = canonicalOfNumber(n);
      assert.equal(date.normalize(iso), iso);
    }
    // Four hundred Gregorian years are 146,097 days.
    assert.equal(days, 146_097);
    assert.equal(numberAt(numberIndex(19000229)), 0);
    assert.equal(numberAt(numberIndex(20000229)), 20000229);
  });

  it('property: every positive scanNumber lies in a slot that gives it back', () => {
    const day = fc.date({ min: new Date('1800-01-01T00:00:00Z'), max: new Date('2199-12-31T00:00:00Z'), noInvalidDate: true });
    fc.assert(fc.property(day, fc.constantFrom('iso', 'dmy', 'mdy'), (d, form) => {
      const [y, m, dd] = [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate()];
      const raw = form === 'iso' ? `${y}-${m}-${dd}` : form === 'dmy' ? `${dd}.${m}.${y}` : `${m}/${dd}/${y}`;
      const n = date.scanNumber!(raw, 0, raw.length, { region: form === 'mdy' ? 'US' : 'FI' });
      const i = numberIndex(n);
      assert.ok(i >= 0 && i < numberSlots, raw);
      assert.equal(numberAt(i), n, raw);
    }), FC);
  });
});

describe('date mayHold (corroboration windows it rules out are not searched)', () => {
  const mayHold = date.mayHold!;
  /** Pieces that make dates in every form, near-dates, other numbers and words. */
  const dated = fc
    .tuple(fc.integer({ min: 0, max: 32 }), fc.integer({ min: 0, max: 13 }), fc.integer({ min: 1700, max: 2300 }), fc.constantFrom('dmy', 'iso', 'day month', 'month day', 'mdy'))
    .map(([d, m, y, form]) => {
      const name = EN[(m + 11) % 12]!;
      if (form === 'iso') return `${y}-${m}-${d}`;
      if (form === 'day month') return `${d} ${name} ${y}`;
      if (form === 'month day') return `${name} ${d}, ${y}`;
      return form === 'dmy' ? `${d}.${m}.${y}` : `${m}/${d}/${y}`;
    });
  const piece = fc.oneof(
    dated,
    fc.integer({ min: 0, max: 2300 }).map(String),
    fc.integer({ min: 1, max: 31 }).map(String),
    fc.constantFrom('.', '-', '/', ' ', '  ', '\u00a0', ', ', 'T08:30', 'st ', 'of ', '\t', '+358 40 ', '@', 'x', '_', 'é', '٣'),
    fc.constantFrom(...EN, ...FI, 'Feb', 'feb.', 'SEPT', 'maj', 'desember', 'Virtanen'),
  );
  const texts = fc.array(piece, { maxLength: 14 }).map((p) => p.join(''));

  it('property: where it answers false, no match of the pattern normalizes (day-first or US)', () => {
    fc.assert(
      fc.property(texts, fc.nat(), fc.nat(), (s, a, b) => {
        const from = Math.min(a, b) % (s.length + 1);
        const to = from + (Math.max(a, b) % (s.length - from + 1));
        if (mayHold(s, from, to)) return;
        const part = s.slice(from, to);
        assert.deepEqual(found(date, part), [], part);
        assert.deepEqual(found(date, part, { region: 'US' }), [], part);
      }),
      { seed: 25, numRuns: 3000 },
    );
  });

  it('answers true for every form of a date in 1800-2199, wherever it is embedded', () => {
    for (const form of ['1.2.1800', '2199-12-31', '1 Feb 1985', 'February 1, 1985', '1. helmikuuta 2024', '1985-02-01T08:30:00Z']) {
      for (const text of embeddings(form)) assert.equal(mayHold(text, 0, text.length), true, text);
    }
  });

  it('answers false for four-digit runs outside 1800-2199, longer runs, and text without digits', () => {
    for (const text of ['1.2.1799', '1.2.2200', '+358 40 406 1753', 'JUHA.LAINE93.5384162@EXAMPLE.ORG', '11.2.19851', 'Virtanen, Matti', '']) {
      assert.equal(mayHold(text, 0, text.length), false, text);
    }
    // Only the range given counts: a year cut by its edge is not one.
    assert.equal(mayHold('1.2.1985', 0, 7), false);
    assert.equal(mayHold('x 1985 y', 2, 6), true);
  });
});
