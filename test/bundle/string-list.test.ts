import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import fc from 'fast-check';
import { JsonStringList } from '../../src/bundle/string-list.js';

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
