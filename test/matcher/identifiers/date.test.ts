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
