import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hasCode } from '../../../src/errors.js';
import { normalizeValue } from '../../../src/matcher/identifiers/registry.js';
import {
  createRng, makeBirthDate, makeCard, makeCpr, makeEmail, makeFiPhone, makeFodselsnummer, makeHetu, makeIban,
  makeName, makeNhs, makePersonnummer, makeSsn,
} from '../../../src/matcher/identifiers/synthetic.js';

describe('synthetic generators', () => {
  it('createRng is deterministic per seed and stays in [0, 1)', () => {
    const a = createRng(7);
    const b = createRng(7);
    const c = createRng(8);
    const xs = Array.from({ length: 1000 }, () => a());
    assert.deepEqual(xs, Array.from({ length: 1000 }, () => b()));
    assert.notDeepEqual(xs.slice(0, 10), Array.from({ length: 10 }, () => c()));
    assert.ok(xs.every((x) => x >= 0 && x < 1));
  });

  it('hetu uses only temporary individual numbers 900-999', () => {
    const rng = createRng(1);
    for (let i = 0; i < 500; i++) {
      const v = makeHetu(rng);
      assert.ok(Number(v.slice(7, 10)) >= 900, v);
      assert.ok(normalizeValue('fi_hetu', v) !== null, v);
    }
  });

  it('NHS numbers stay in the 999 test range', () => {
    const rng = createRng(2);
    for (let i = 0; i < 200; i++) assert.match(normalizeValue('uk_nhs', makeNhs(rng)) ?? '', /^999\d{7}$/);
  });

  it('every generator yields values its type accepts', () => {
    const rng = createRng(3);
    for (let i = 0; i < 200; i++) {
      assert.ok(normalizeValue('se_personnummer', makePersonnummer(rng)) !== null);
      assert.ok(normalizeValue('no_fodselsnummer', makeFodselsnummer(rng)) !== null);
      assert.ok(normalizeValue('dk_cpr', makeCpr(rng)) !== null);
      assert.ok(normalizeValue('us_ssn', makeSsn(rng)) !== null);
      assert.ok(normalizeValue('card', makeCard(rng)) !== null);
      assert.ok(normalizeValue('iban', makeIban(rng, 'FI')) !== null);
      assert.ok(normalizeValue('phone', makeFiPhone(rng), { region: 'FI' }) !== null);
      const d = makeBirthDate(rng);
      assert.ok(normalizeValue('date', `${d.day}.${d.month}.${d.year}`) !== null);
    }
  });

  it('e-mail addresses use RFC 2606 example domains and ASCII-folded names', () => {
    const rng = createRng(4);
    for (let i = 0; i < 100; i++) {
      const v = makeEmail(rng, makeName(rng));
      assert.match(v, /^[a-z.]+\d*@example\.(com|org|net)$/);
      assert.ok(normalizeValue('email', v) !== null);
    }
    assert.match(makeEmail(createRng(5), 'Päivi Mäkelä'), /^paivi\.makela\d*@example\./);
  });

  it('makeIban refuses a country without a registered length', () => {
    assert.throws(() => makeIban(createRng(6), 'XX'), (err: unknown) => hasCode(err, 'LW_USAGE'));
  });
});
