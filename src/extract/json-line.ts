/**
 * The common JSON Lines record, an object of objects and scalars, flattened
 * straight from its text: what `flattenJson(JSON.parse(text))` gives, without
 * building the parsed objects (JSON.parse and the walk over its result were a
 * fifth of a JSON Lines scan in profiles). Anything outside that subset, or
 * anything invalid, is declined with null, and the caller parses it as before:
 * arrays (they can split a record in several), duplicate keys and array-index
 * keys (JSON.parse would reorder or merge them), nesting deeper than
 * MAX_DEPTH, objects of more than MAX_KEYS keys. Strings with escapes are decoded by JSON.parse itself.
 */
import type { FlatRecord } from './json-flatten.js';

const MAX_DEPTH = 32;
/** Keys per object checked for duplicates by a linear search; an object with more is declined (quadratic otherwise). */
const MAX_KEYS = 64;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN = 0x7b;
const CLOSE = 0x7d;
const MINUS = 0x2d;
const DOT = 0x2e;

/** Thrown inside the tokenizer to decline the record; never escapes this module. */
const DECLINE = Symbol('decline');

function isWhitespace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/** A key that JSON.parse would store as an array index, which objects enumerate first. */
function isIndexKey(key: string): boolean {
  if (key.length === 0 || key.length > 10) return false;
  if (key === '0') return true;
  const c = key.charCodeAt(0);
  if (c < 0x31 || c > 0x39) return false;
  for (let i = 1; i < key.length; i++) if (!isDigit(key.charCodeAt(i))) return false;
  return Number(key) < 4294967295;
}

function cut(s: string, max: number): string {
  return s.length > max ? s.slice(0, max) : s;
}

class LineFlattener {
  private i: number;

  constructor(
    private readonly s: string,
    from: number,
    private readonly to: number,
    private readonly max: number,
    private readonly out: FlatRecord,
  ) {
    this.i = from;
  }

  run(): void {
    this.skipSpace();
    if (this.peek() !== OPEN) throw DECLINE;
    this.object('', 1);
    this.skipSpace();
    if (this.i !== this.to) throw DECLINE;
  }

  private peek(): number {
    return this.i < this.to ? this.s.charCodeAt(this.i) : -1;
  }

  private skipSpace(): void {
    while (this.i < this.to && isWhitespace(this.s.charCodeAt(this.i))) this.i++;
  }

  /** The object at i (its '{'), its scalars appended under `prefix`. */
  private object(prefix: string, depth: number): void {
    if (depth > MAX_DEPTH) throw DECLINE;
    this.i++;
    this.skipSpace();
    if (this.peek() === CLOSE) {
      this.i++;
      return;
    }
    const keys: string[] = [];
    for (;;) {
      if (this.peek() !== QUOTE) throw DECLINE;
      const key = this.string();
      if (isIndexKey(key) || keys.length === MAX_KEYS || keys.includes(key)) throw DECLINE;
      keys.push(key);
      this.skipSpace();
      if (this.peek() !== COLON) throw DECLINE;
      this.i++;
      this.skipSpace();
      const name = cut(prefix === '' ? key : `${prefix}.${key}`, this.max);
      this.value(name, depth);
      this.skipSpace();
      const c = this.peek();
      this.i++;
      if (c === CLOSE) return;
      if (c !== COMMA) throw DECLINE;
      this.skipSpace();
    }
  }

  private value(name: string, depth: number): void {
    const c = this.peek();
    let cell: string;
    if (c === QUOTE) cell = this.string();
    else if (c === OPEN) return this.object(name, depth + 1);
    else if (c === MINUS || isDigit(c)) cell = this.number();
    else if (this.literal('true')) cell = 'true';
    else if (this.literal('false')) cell = 'false';
    else if (this.literal('null')) cell = '';
    else throw DECLINE; // arrays, and anything invalid
    this.out.header.push(name);
    this.out.cells.push(cut(cell, this.max));
  }

  private literal(word: string): boolean {
    if (!this.s.startsWith(word, this.i) || this.i + word.length > this.to) return false;
    this.i += word.length;
    return true;
  }

  /** The string at i (its opening quote); escapes are left to JSON.parse. */
  private string(): string {
    const { s, to } = this;
    const open = this.i;
    let escaped = false;
    let j = open + 1;
    for (; j < to; j++) {
      const c = s.charCodeAt(j);
      if (c === QUOTE) break;
      if (c < 0x20) throw DECLINE;
      if (c === BACKSLASH) {
        escaped = true;
        j++;
      }
    }
    if (j >= to) throw DECLINE;
    this.i = j + 1;
    if (!escaped) return s.slice(open + 1, j);
    try {
      return JSON.parse(s.slice(open, j + 1)) as string;
    } catch {
      throw DECLINE;
    }
  }

  /** The number at i, as String(JSON.parse(number)) gives it. */
  private number(): string {
    const { s, to } = this;
    const start = this.i;
    let j = start;
    if (s.charCodeAt(j) === MINUS) j++;
    if (j < to && s.charCodeAt(j) === 0x30) j++;
    else if (j < to && isDigit(s.charCodeAt(j))) while (j < to && isDigit(s.charCodeAt(j))) j++;
    else throw DECLINE;
    if (j < to && s.charCodeAt(j) === DOT) {
      j++;
      if (!(j < to && isDigit(s.charCodeAt(j)))) throw DECLINE;
      while (j < to && isDigit(s.charCodeAt(j))) j++;
    }
    if (j < to && (s.charCodeAt(j) | 0x20) === 0x65) {
      j++;
      if (j < to && (s.charCodeAt(j) === 0x2b || s.charCodeAt(j) === MINUS)) j++;
      if (!(j < to && isDigit(s.charCodeAt(j)))) throw DECLINE;
      while (j < to && isDigit(s.charCodeAt(j))) j++;
    }
    this.i = j;
    return String(Number(s.slice(start, j)));
  }
}

/**
 * The flat record of the JSON object in s[from, to), as flattenJson would give
 * it (an object of objects and scalars is always one record, possibly without
 * cells), or null when the text is not such an object or not valid JSON.
 */
export function flattenJsonLine(s: string, from: number, to: number, maxCellChars: number): FlatRecord | null {
  const out: FlatRecord = { header: [], cells: [] };
  try {
    new LineFlattener(s, from, to, maxCellChars, out).run();
  } catch (e) {
    if (e === DECLINE) return null;
    throw e;
  }
  return out;
}
