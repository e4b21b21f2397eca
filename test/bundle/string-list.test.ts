import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import fc from 'fast-check';
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileStringList, JsonStringList, stringsAt } from '../../src/bundle/string-list.js';

const bytes = (s: string) => Buffer.from(s, 'utf8');

test('the strings of any JSON array of strings come back exactly, in any layout', () => {
  fc.assert(
    fc.property(fc.array(fc.string({ unit: 'binary' }), { maxLength: 30 }), fc.constantFrom(undefined, 1, '\t'), (strings, indent) => {
      const list = JsonStringList.parse(bytes(JSON.stringify(strings, null, indent)));
      assert.equal(list.length, strings.length);
      assert.deepEqual([...list], strings);
      for (let i = 0; i < strings.length; i++) assert.equal(list.at(i), strings[i]);
      assert.equal(list.at(strings.length), undefined);
      assert.equal(list.at(-1), strings.at(-1));
    }),
    { seed: 5, numRuns: 300 },
  );
});

test('accepts exactly what JSON.parse reads as an array of strings (bytes near the grammar)', () => {
  // Short texts from the characters that matter to the grammar, so that many are valid and many are not.
  const text = fc.array(fc.constantFrom('[', ']', '"', ',', ' ', '\n', '\\', 'u', '0', '0', '4', '1', 'n', 'a', 'ä', '\u0001', '\u001f', '/'), { maxLength: 14 });
  fc.assert(
    fc.property(text, (chars) => {
      const s = chars.join('');
      let expected: string[] | null = null;
      try {
        const v: unknown = JSON.parse(s);
        if (Array.isArray(v) && v.every((x) => typeof x === 'string')) expected = v as string[];
      } catch {
        // not JSON
      }
      let got: string[] | null = null;
      try {
        got = [...JsonStringList.parse(bytes(s))];
      } catch {
        // rejected
      }
      assert.deepEqual(got, expected, JSON.stringify(s));
    }),
    { seed: 9, numRuns: 3000 },
  );
});

test('a rejection names the byte where the text stops being a JSON array of strings', () => {
  assert.throws(() => JsonStringList.parse(bytes('["a", 1]')), /expected a string at byte 6/);
  assert.throws(() => JsonStringList.parse(bytes('["a"')), /expected , or \] at byte 4/);
  assert.throws(() => JsonStringList.parse(bytes('["\\x"]')), /bad escape in a string at byte 5/);
  assert.throws(() => JsonStringList.parse(bytes('')), /expected \[ at byte 0/);
  // Every control character must be escaped inside a string, as JSON.parse requires; DEL need not be.
  for (let c = 0; c < 0x20; c++) assert.throws(() => JsonStringList.parse(bytes(`["a${String.fromCharCode(c)}"]`)), /control character/, `U+${c.toString(16)}`);
  assert.deepEqual([...JsonStringList.parse(bytes('["a\u007f"]'))], ['a\u007f']);
});

test('the strings are read from the bytes given, not copied at parse time', () => {
  const json = bytes('["P-1","P-2"]');
  const list = JsonStringList.parse(json);
  json[2] = 0x51; // 'P' -> 'Q'
  assert.equal(list.at(0), 'Q-1');
  assert.equal(list.parts.json.buffer, json.buffer);
});

test('a list left in its file reads many strings at once, in the order asked, as one at a time would', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lw-strings-'));
  try {
    fc.assert(
      fc.property(
        // Short strings (many per read), escaped ones, and now and then one longer than a whole read.
        fc.array(fc.oneof({ weight: 20, arbitrary: fc.string({ unit: 'binary', maxLength: 12 }) }, { weight: 1, arbitrary: fc.nat({ max: 3 }).map((k) => 'é"\\'.repeat(9000 * k + 1)) }), { minLength: 1, maxLength: 200 }),
        fc.array(fc.nat(), { maxLength: 300 }),
        fc.nat({ max: 40 }),
        // Compact as enrollment writes it, or with white space around the commas and brackets (each string's end is found from the next one's start).
        fc.constantFrom(undefined, 1, '\t \r\n'),
        (strings, picks, skip, indent) => {
          const json = bytes(JSON.stringify(strings, null, indent));
          const path = join(dir, 'refs');
          writeFileSync(path, Buffer.concat([Buffer.alloc(skip, 0x7b), json, bytes(']junk')]));
          const fd = openSync(path, 'r');
          try {
            const inMemory = JsonStringList.parse(json);
            assert.deepEqual([...inMemory], strings);
            const list = new FileStringList({ fd, where: 'refs', at: skip, length: json.length, starts: inMemory.parts.starts });
            const indexes = picks.map((p) => p % strings.length);
            const expected = indexes.map((i) => strings[i]);
            assert.deepEqual(list.many(indexes), expected);
            assert.deepEqual(stringsAt(list, Int32Array.from(indexes)), expected);
            assert.deepEqual(stringsAt(strings, indexes), expected, 'a plain array through the same call');
            assert.deepEqual(indexes.map((i) => list.at(i)), expected);
          } finally {
            closeSync(fd);
          }
        },
      ),
      { seed: 11, numRuns: 200 },
    );
    const path = join(dir, 'one');
    writeFileSync(path, bytes('["a"]'));
    const fd = openSync(path, 'r');
    try {
      const list = new FileStringList({ fd, where: 'one', at: 0, length: 5, starts: JsonStringList.parse(bytes('["a"]')).parts.starts });
      assert.throws(() => list.many([1]), RangeError, 'an index past the end is an error, not a wrong string');
    } finally {
      closeSync(fd);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
