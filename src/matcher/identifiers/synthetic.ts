/**
 * Seeded generators of SYNTHETIC identifier values for tests, the demo and the
 * benchmarks. Every value passes its type's validation, and wherever the issuing
 * scheme reserves a range that is never given to a person, that range is used:
 * Finnish individual numbers 900-999 (temporary codes, never a permanent
 * identity), NHS numbers 999 000 0000-999 999 9999 (reserved for testing), e-mail
 * domains example.com/.org/.net (RFC 2606). Schemes without such a range
 * (SE, NO, DK, US, cards, phones) yield random valid values: they may coincide
 * with a real number, but they are never derived from or linked to a person.
 */
import { LeakwatchError } from '../../errors.js';
import { isValidDate } from './calendar.js';
import { luhnCheckDigit, mod11CheckDigit } from './checksums.js';
import { HETU_SIGNS, hetuCheckChar } from './fi-hetu.js';
import { IBAN_LENGTHS, ibanCheckDigits } from './iban.js';
import { noCheckDigits } from './no-fodselsnummer.js';
import { NHS_WEIGHTS } from './uk-nhs.js';

/** A PRNG returning floats in [0, 1). */
export type Rng = () => number;

/** Mulberry32: a small, fast, seedable PRNG (not cryptographic; fixtures only). */
export function createRng(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Integer in [lo, hi]. */
function int(rng: Rng, lo: number, hi: number): number {
  return lo + Math.floor(rng() * (hi - lo + 1));
}

function pick<T>(rng: Rng, items: readonly T[]): T {
  return items[Math.floor(rng() * items.length)]!;
}

function digits(rng: Rng, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += String(int(rng, 0, 9));
  return s;
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

interface Ymd {
  year: number;
  month: number;
  day: number;
}

/** A valid calendar day with year in [fromYear, toYear]. */
export function makeBirthDate(rng: Rng, fromYear = 1930, toYear = 2020): Ymd {
  for (;;) {
    const d = { year: int(rng, fromYear, toYear), month: int(rng, 1, 12), day: int(rng, 1, 31) };
    if (isValidDate(d.year, d.month, d.day)) return d;
  }
}

/** Finnish hetu with a temporary individual number (900-999) and any century sign of its century. */
export function makeHetu(rng: Rng): string {
  const { year, month, day } = makeBirthDate(rng, 1900, 2023);
  const century = year >= 2000 ? 2000 : 1900;
  const ddmmyy = pad(day) + pad(month) + pad(year % 100);
  const zzz = String(int(rng, 900, 999));
  return ddmmyy + pick(rng, HETU_SIGNS[century]) + zzz + hetuCheckChar(ddmmyy, zzz);
}

/** Swedish personnummer as YYMMDD-NNNN, born 1930-2020 (so '-' holds until 2030). */
export function makePersonnummer(rng: Rng): string {
  const { year, month, day } = makeBirthDate(rng, 1930, 2020);
  const nine = pad(year % 100) + pad(month) + pad(day) + digits(rng, 3);
  return `${nine.slice(0, 6)}-${nine.slice(6)}${luhnCheckDigit(nine)}`;
}

/** Norwegian fødselsnummer (11 digits), born 1940-2020. */
export function makeFodselsnummer(rng: Rng): string {
  for (;;) {
    const { year, month, day } = makeBirthDate(rng, 1940, 2020);
    const individual = year >= 2000 ? int(rng, 500, 999) : int(rng, 0, 499);
    const nine = pad(day) + pad(month) + pad(year % 100) + pad(individual, 3);
    const check = noCheckDigits(nine);
    if (check !== null) return nine + check;
  }
}

/** Danish CPR number as DDMMYY-SSSS, born 1940-2020. */
export function makeCpr(rng: Rng): string {
  const { year, month, day } = makeBirthDate(rng, 1940, 2020);
  const seventh = year >= 2000 ? 4 : int(rng, 0, 3);
  return `${pad(day)}${pad(month)}${pad(year % 100)}-${seventh}${digits(rng, 3)}`;
}

/** US SSN as AAA-GG-SSSS with an issuable area, group and serial. */
export function makeSsn(rng: Rng): string {
  let area = int(rng, 1, 898);
  if (area >= 666) area += 1;
  return `${pad(area, 3)}-${pad(int(rng, 1, 99))}-${pad(int(rng, 1, 9999), 4)}`;
}

/** NHS number in the 999 test range, written "999 NNN NNNN". */
export function makeNhs(rng: Rng): string {
  for (;;) {
    const nine = `999${digits(rng, 6)}`;
    const check = mod11CheckDigit(nine, NHS_WEIGHTS);
    if (check >= 0) return `${nine.slice(0, 3)} ${nine.slice(3, 6)} ${nine.slice(6)}${check}`;
  }
}

// Countries whose BBAN starts with a four-letter bank code.
const LETTER_BANK_CODE = new Set(['GB', 'IE', 'NL', 'BG', 'GI', 'MT']);

/** IBAN for `country` (compact form); throws LW_USAGE for a country without a registered length. */
export function makeIban(rng: Rng, country: string): string {
  const length = IBAN_LENGTHS[country];
  if (length === undefined) throw new LeakwatchError('LW_USAGE', 'no IBAN length registered for that country');
  let bban = '';
  if (LETTER_BANK_CODE.has(country)) {
    for (let i = 0; i < 4; i++) bban += String.fromCharCode(65 + int(rng, 0, 25));
  }
  bban += digits(rng, length - 4 - bban.length);
  return country + ibanCheckDigits(country, bban) + bban;
}

/** 16-digit Visa-shaped card number, Luhn-valid, written in groups of four. */
export function makeCard(rng: Rng): string {
  const payload = `4${digits(rng, 14)}`;
  const pan = payload + String(luhnCheckDigit(payload));
  return pan.match(/\d{4}/g)!.join(' ');
}

/** Finnish mobile number in the 040/050 ranges, in one of the common written forms. */
export function makeFiPhone(rng: Rng): string {
  const operator = pick(rng, ['40', '50']);
  const subscriber = digits(rng, 7);
  const forms = [
    `+358 ${operator} ${subscriber.slice(0, 3)} ${subscriber.slice(3)}`,
    `0${operator}-${subscriber}`,
    `0${operator}${subscriber}`,
    `0${operator} ${subscriber.slice(0, 3)} ${subscriber.slice(3)}`,
  ];
  return pick(rng, forms);
}

const FIRST_NAMES = ['Aino', 'Eero', 'Liisa', 'Juha', 'Sanna', 'Mikko', 'Päivi', 'Jukka', 'Tiina', 'Ville', 'Kaisa', 'Matti'];
const LAST_NAMES = ['Virtanen', 'Korhonen', 'Mäkinen', 'Nieminen', 'Mäkelä', 'Hämäläinen', 'Laine', 'Heikkinen', 'Koskinen', 'Järvinen'];

/** "First Last" from Finnish name lists (common names, random pairings). */
export function makeName(rng: Rng): string {
  return `${pick(rng, FIRST_NAMES)} ${pick(rng, LAST_NAMES)}`;
}

/** E-mail derived from `name` on an RFC 2606 example domain. */
export function makeEmail(rng: Rng, name: string): string {
  const local = name
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .split(/[^a-z]+/)
    .filter((t) => t.length > 0)
    .join('.');
  const suffix = rng() < 0.5 ? String(int(rng, 1, 99)) : '';
  return `${local || 'user'}${suffix}@${pick(rng, ['example.com', 'example.org', 'example.net'])}`;
}
