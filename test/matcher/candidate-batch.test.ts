import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { CandidateBatch } from '../../src/matcher/candidate-batch.js';
import { isSpace } from '../../src/matcher/name-words-kernel.js';
import { ALL_TYPES } from '../../src/matcher/identifiers/registry.js';

const byName = (name: string) => ALL_TYPES.find((t) => t.name === name)!;
const decoder = new TextDecoder();

describe('CandidateBatch', () => {
  it('holds each candidate with the key scanKey or normalize gives, and drops candidates without one', () => {
    const batch = new CandidateBatch();
    const phone = byName('phone');
    const hetu = byName('fi_hetu');
    // Byte path, the scanKey fallback ('(0)'), the normalize fallback (non-ASCII hetu) and an invalid value.
    const parts: [typeof phone, string][] = [
      [phone, '040-123 4567'],
      [phone, '+358 (0)40 1234567'],
      [hetu, '131052\u2212308T'],
      [phone, 'not a phone'],
    ];
    const text = parts.map((p) => p[1]).join('|');
    const cases = parts.map(([type, value]) => [type, text.indexOf(value), text.indexOf(value) + value.length] as const);
    for (const [type, s, e] of cases) batch.add(type, text, s, e, { region: 'FI' });
    assert.equal(batch.count, 3);
    const keys = Array.from({ length: batch.count }, (_, i) => decoder.decode(batch.bytes.subarray(batch.keyAt[i]!, batch.keyAt[i]! + batch.keyLen[i]!)));
    assert.deepEqual(keys, ['+358401234567', '+358401234567', '131052-308T']);
    assert.deepEqual([...batch.start.subarray(0, 3)], cases.slice(0, 3).map((c) => c[1]));
    assert.deepEqual([...batch.end.subarray(0, 3)], cases.slice(0, 3).map((c) => c[2]));
  });

  it('grows past its first buffers and leaves no key bytes behind when cleared', () => {
    const batch = new CandidateBatch();
    const email = byName('email');
    const phone = byName('phone');
    const address = `${'a'.repeat(60)}@example.org`;
    const text = `${address} 0401234567 +1(555)`;
    for (let i = 0; i < 3000; i++) {
      batch.add(email, text, 0, address.length, {});
      // Declined by the byte path after writing digits: those bytes must be wiped too.
      batch.add(phone, text, address.length + 12, text.length, { region: 'FI' });
    }
    assert.ok(batch.count >= 3000);
    const bytes = batch.bytes;
    assert.ok(bytes.length > 64 * 1024, 'grew');
    batch.clear();
    assert.equal(batch.count, 0);
    assert.ok(bytes.every((b) => b === 0), 'key bytes left after clear');
  });

  it('takes keys made by the search (addKey) as add would make them, and wipes them too', () => {
    const email = byName('email');
    const text = 'x Matti.Virtanen@Example.ORG, aino@example.fi; PÄIVI@example.fi '.repeat(400);
    const viaAdd = new CandidateBatch();
    const viaKeys = new CandidateBatch();
    let keyed = 0;
    email.find!(text, 0, text.length, (s, e, key, keyAt) => {
      viaAdd.add(email, text, s, e, {});
      if (key === undefined) viaKeys.add(email, text, s, e, {});
      else {
        keyed++;
        viaKeys.addKey(s, e, key, keyAt!, e - s);
      }
    });
    assert.equal(viaKeys.count, 1200);
    assert.equal(keyed, 800, 'the two ASCII addresses of each repeat come with keys');
    const keys = (b: CandidateBatch): string[] => Array.from({ length: b.count }, (_, i) => decoder.decode(b.bytes.subarray(b.keyAt[i]!, b.keyAt[i]! + b.keyLen[i]!)));
    assert.deepEqual(keys(viaKeys), keys(viaAdd));
    assert.deepEqual([...viaKeys.start.subarray(0, 1200)], [...viaAdd.start.subarray(0, 1200)]);
    assert.deepEqual([...viaKeys.end.subarray(0, 1200)], [...viaAdd.end.subarray(0, 1200)]);
    const bytes = viaKeys.bytes;
    viaKeys.clear();
    assert.ok(bytes.every((b) => b === 0), 'key bytes left after clear');
  });

  it('isSpace is exactly the \\s of JavaScript regexes', () => {
    for (let c = 0; c <= 0xffff; c++) assert.equal(isSpace(c), /\s/.test(String.fromCharCode(c)), `U+${c.toString(16)}`);
  });

  it('property: keys from arbitrary candidates equal scanKey ?? normalize', () => {
    const types = ['fi_hetu', 'email', 'phone', 'us_ssn'].map(byName);
    fc.assert(
      fc.property(fc.string({ maxLength: 30 }), fc.nat({ max: 3 }), (value, t) => {
        const type = types[t]!;
        const batch = new CandidateBatch();
        const text = `<${value}>`;
        batch.add(type, text, 1, 1 + value.length, { region: 'FI' });
        const want = type.scanKey?.(value, { region: 'FI' }) ?? type.normalize(value, { region: 'FI' });
        if (want === null) assert.equal(batch.count, 0);
        else assert.equal(decoder.decode(batch.bytes.subarray(batch.keyAt[0]!, batch.keyAt[0]! + batch.keyLen[0]!)), want);
      }),
      { seed: 3, numRuns: 1000 },
    );
  });

  it('addKeyed holds what addKey one match at a time holds, without the matches ending at or before `from`', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat({ max: 20 }), fc.integer({ min: 1, max: 40 })), { minLength: 1, maxLength: 60 }),
        fc.nat({ max: 1000 }),
        fc.nat({ max: 3000 }),
        fc.constantFrom(0, 1000, 1020),
        (gaps, base, fromOffset, earlier) => {
          // Ascending, non-overlapping matches; each key is its bytes in `keys` at the match's offsets from base.
          const pairs: number[] = [];
          let at = 0;
          for (const [gap, len] of gaps) {
            pairs.push(at + gap, at + gap + len);
            at += gap + len;
          }
          const keys = Uint8Array.from({ length: at + 5 }, (_, i) => (i * 37 + 11) & 0xff);
          const from = base + Math.min(fromOffset, at + 2);
          const bulk = new CandidateBatch();
          const single = new CandidateBatch();
          // Candidates already in the batch (another search's) stay, and the new ones follow them, past the first arrays' 1024.
          for (let e = 0; e < earlier; e++) {
            bulk.addKey(e, e + 3, keys, 0, 3);
            single.addKey(e, e + 3, keys, 0, 3);
          }
          const n = pairs.length / 2;
          bulk.addKeyed(Int32Array.from(pairs), n, base, keys, from);
          for (let j = 0; j < n; j++) {
            const s = pairs[2 * j]!;
            const e = pairs[2 * j + 1]!;
            if (base + e > from) single.addKey(base + s, base + e, keys, s, e - s);
          }
          assert.equal(bulk.count, single.count);
          const key = (b: CandidateBatch, i: number) => [...b.bytes.subarray(b.keyAt[i]!, b.keyAt[i]! + b.keyLen[i]!)];
          for (let i = 0; i < single.count; i++) {
            assert.equal(bulk.start[i], single.start[i]);
            assert.equal(bulk.end[i], single.end[i]);
            assert.deepEqual(key(bulk, i), key(single, i), `candidate ${i}`);
          }
          bulk.clear();
          assert.ok(bulk.bytes.every((x) => x === 0), 'clear wipes the copied span');
        },
      ),
      { seed: 5, numRuns: 300 },
    );
  });
});
