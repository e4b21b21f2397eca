import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { spawnSync } from 'node:child_process';
import { keysKernelResidue, MANY_MAX_KEY, MANY_MAX_PREFIX, SCRATCH_BYTES, SIP_SCRATCH, SipHash } from '../../src/matcher/siphash.js';
import { hasCode } from '../../src/errors.js';

/**
 * SipHash-2-4 test vectors of the reference implementation: `vectors_sip64` in
 * vectors.h of https://github.com/veorq/SipHash (key 00 01 .. 0f, message i
 * bytes 00 01 .. i-1 for i = 0..63). vectors.h lists the output bytes; here
 * each is that 8-byte output read as a little-endian uint64.
 */
const VECTORS = [
  '726fdb47dd0e0e31', '74f839c593dc67fd', '0d6c8009d9a94f5a', '85676696d7fb7e2d',
  'cf2794e0277187b7', '18765564cd99a68d', 'cbc9466e58fee3ce', 'ab0200f58b01d137',
  '93f5f5799a932462', '9e0082df0ba9e4b0', '7a5dbbc594ddb9f3', 'f4b32f46226bada7',
  '751e8fbc860ee5fb', '14ea5627c0843d90', 'f723ca908e7af2ee', 'a129ca6149be45e5',
  '3f2acc7f57c29bdb', '699ae9f52cbe4794', '4bc1b3f0968dd39c', 'bb6dc91da77961bd',
  'bed65cf21aa2ee98', 'd0f2cbb02e3b67c7', '93536795e3a33e88', 'a80c038ccd5ccec8',
  'b8ad50c6f649af94', 'bce192de8a85b8ea', '17d835b85bbb15f3', '2f2e6163076bcfad',
  'de4daaaca71dc9a5', 'a6a2506687956571', 'ad87a3535c49ef28', '32d892fad841c342',
  '7127512f72f27cce', 'a7f32346f95978e3', '12e0b01abb051238', '15e034d40fa197ae',
  '314dffbe0815a3b4', '027990f029623981', 'cadcd4e59ef40c4d', '9abfd8766a33735c',
  '0e3ea96b5304a7d0', 'ad0c42d6fc585992', '187306c89bc215a9', 'd4a60abcf3792b95',
  'f935451de4f21df2', 'a9538f0419755787', 'db9acddff56ca510', 'd06c98cd5c0975eb',
  'e612a3cb9ecba951', 'c766e62cfcadaf96', 'ee64435a9752fe72', 'a192d576b245165a',
  '0a8787bf8ecb74b2', '81b3e73d20b49b6f', '7fa8220ba3b2ecea', '245731c13ca42499',
  'b78dbfaf3a8d83bd', 'ea1ad565322a1a0b', '60e61c23a3795013', '6606d7e446282b93',
  '6ca4ecb15c5f91e1', '9f626da15c9625f3', 'e51b38608ef25f57', '958a324ceb064572',
];

const REFERENCE_KEY = Uint8Array.from({ length: 16 }, (_, i) => i);

function hex([hi, lo]: [number, number]): string {
  return hi.toString(16).padStart(8, '0') + lo.toString(16).padStart(8, '0');
}

/** Straightforward BigInt SipHash-2-4, written from the paper, as an independent check. */
function referenceSipHash(key: Uint8Array, msg: Uint8Array): bigint {
  const M = (1n << 64n) - 1n;
  const rotl = (x: bigint, b: bigint): bigint => ((x << b) | (x >> (64n - b))) & M;
  const le64 = (b: Uint8Array, at: number): bigint => {
    let v = 0n;
    for (let i = 7; i >= 0; i--) v = (v << 8n) | BigInt(b[at + i] ?? 0);
    return v;
  };
  const k0 = le64(key, 0);
  const k1 = le64(key, 8);
  let v0 = k0 ^ 0x736f6d6570736575n;
  let v1 = k1 ^ 0x646f72616e646f6dn;
  let v2 = k0 ^ 0x6c7967656e657261n;
  let v3 = k1 ^ 0x7465646279746573n;
  const round = (): void => {
    v0 = (v0 + v1) & M;
    v1 = rotl(v1, 13n) ^ v0;
    v0 = rotl(v0, 32n);
    v2 = (v2 + v3) & M;
    v3 = rotl(v3, 16n) ^ v2;
    v0 = (v0 + v3) & M;
    v3 = rotl(v3, 21n) ^ v0;
    v2 = (v2 + v1) & M;
    v1 = rotl(v1, 17n) ^ v2;
    v2 = rotl(v2, 32n);
  };
  const padded = new Uint8Array((Math.floor(msg.length / 8) + 1) * 8);
  padded.set(msg);
  padded[padded.length - 1] = msg.length & 0xff;
  for (let at = 0; at < padded.length; at += 8) {
    const m = le64(padded, at);
    v3 ^= m;
    round();
    round();
    v0 ^= m;
  }
  v2 ^= 0xffn;
  for (let i = 0; i < 4; i++) round();
  return v0 ^ v1 ^ v2 ^ v3;
}

test('matches all 64 SipHash-2-4 reference vectors', () => {
  assert.equal(VECTORS.length, 64);
  const sip = new SipHash(REFERENCE_KEY);
  VECTORS.forEach((expected, len) => {
    const msg = Uint8Array.from({ length: len }, (_, i) => i);
    assert.equal(hex(sip.hashBytes(msg)), expected, `message length ${len}`);
  });
});

test('hash64(hi, lo) equals hashing the value as 8 little-endian bytes', () => {
  const sip = new SipHash(REFERENCE_KEY);
  // Vector 8 is the message 00 01 .. 07, i.e. the uint64 0x0706050403020100.
  assert.equal(hex(sip.hash64(0x07060504, 0x03020100)), VECTORS[8]);
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), fc.nat(0xffffffff), fc.nat(0xffffffff), (key, hi, lo) => {
      const bytes = new Uint8Array(8);
      new DataView(bytes.buffer).setBigUint64(0, (BigInt(hi) << 32n) | BigInt(lo), true);
      const s = new SipHash(key);
      assert.deepEqual(s.hash64(hi, lo), s.hashBytes(bytes));
    }),
    { numRuns: 300 },
  );
});

test('agrees with an independent BigInt implementation for random keys and messages', () => {
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), fc.uint8Array({ maxLength: 300 }), (key, msg) => {
      const [hi, lo] = new SipHash(key).hashBytes(msg);
      assert.equal((BigInt(hi) << 32n) | BigInt(lo), referenceSipHash(key, msg));
    }),
    { numRuns: 300 },
  );
});

test('hash64 and hash64Into agree with the BigInt implementation on random keys and values', () => {
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), fc.nat(0xffffffff), fc.nat(0xffffffff), (key, hi, lo) => {
      const bytes = new Uint8Array(8);
      new DataView(bytes.buffer).setBigUint64(0, (BigInt(hi) << 32n) | BigInt(lo), true);
      const expected = referenceSipHash(key, bytes);
      const sip = new SipHash(key);
      const [h, l] = sip.hash64(hi, lo);
      assert.equal((BigInt(h) << 32n) | BigInt(l), expected);
      // hash64Into takes and gives int32 bit patterns.
      const out = new Int32Array(2);
      sip.hash64Into(hi | 0, lo | 0, out);
      assert.equal((BigInt(out[0]! >>> 0) << 32n) | BigInt(out[1]! >>> 0), expected);
    }),
    { numRuns: 500 },
  );
});

/** The reference hash of the 64-bit value hi:lo as 8 little-endian bytes. */
function referenceWord(key: Uint8Array, hi: number, lo: number): bigint {
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setBigUint64(0, (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0), true);
  return referenceSipHash(key, bytes);
}

/** Runs hash64Batch in place and reads each (lo, hi) pair back as a uint64. */
function batched(key: Uint8Array, words: Int32Array, count: number): bigint[] {
  new SipHash(key).hash64Batch(words, count);
  return Array.from({ length: count }, (_, i) => (BigInt(words[2 * i + 1]! >>> 0) << 32n) | BigInt(words[2 * i]! >>> 0));
}

test('hash64Batch agrees with the BigInt implementation, including across WebAssembly calls', () => {
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), fc.array(fc.integer(), { maxLength: 64 }), (key, values) => {
      const words = Int32Array.from(values.length % 2 ? [...values, 0] : values);
      const count = words.length / 2;
      const expected = Array.from({ length: count }, (_, i) => referenceWord(key, words[2 * i + 1]!, words[2 * i]!));
      assert.deepEqual(batched(key, words, count), expected);
    }),
    { numRuns: 300 },
  );
  // More values than one call of the kernel takes; words past `count` stay as they were.
  const count = 20_000;
  const words = Int32Array.from({ length: 2 * count + 2 }, (_, i) => Math.imul(i, 0x9e3779b9));
  const hashes = batched(REFERENCE_KEY, words, count);
  for (const i of [0, 1, 8191, 8192, 8193, 16_384, count - 1]) {
    assert.equal(hashes[i], referenceWord(REFERENCE_KEY, Math.imul(2 * i + 1, 0x9e3779b9), Math.imul(2 * i, 0x9e3779b9)));
  }
  assert.equal(words[2 * count], Math.imul(2 * count, 0x9e3779b9));
});

test('hash64Batch gives the same values without WebAssembly (node --jitless)', () => {
  const module = new URL('../../src/matcher/siphash.ts', import.meta.url).href;
  const script = `
    import { SipHash } from ${JSON.stringify(module)};
    const words = Int32Array.from({ length: 200 }, (_, i) => Math.imul(i, 0x9e3779b9));
    new SipHash(Uint8Array.from({ length: 16 }, (_, i) => i)).hash64Batch(words, 100);
    console.log(JSON.stringify({ wasm: typeof WebAssembly, words: [...words] }));`;
  const child = spawnSync(process.execPath, ['--jitless', '--import', 'tsx', '--input-type=module', '-e', script], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  assert.equal(child.status, 0, child.stderr);
  const result = JSON.parse(child.stdout) as { wasm: string; words: number[] };
  assert.equal(result.wasm, 'undefined');
  const words = Int32Array.from({ length: 200 }, (_, i) => Math.imul(i, 0x9e3779b9));
  new SipHash(REFERENCE_KEY).hash64Batch(words, 100);
  assert.deepEqual(result.words, [...words]);
});

test('outputs are uint32 halves and depend on the key', () => {
  const a = new SipHash(REFERENCE_KEY).hash64(0, 1);
  const otherKey = REFERENCE_KEY.slice();
  otherKey[15] = otherKey[15]! ^ 1;
  const b = new SipHash(otherKey).hash64(0, 1);
  for (const half of [...a, ...b]) assert.ok(Number.isInteger(half) && half >= 0 && half <= 0xffffffff);
  assert.notDeepEqual(a, b);
});

test('rejects keys that are not 16 bytes', () => {
  for (const bad of [new Uint8Array(15), new Uint8Array(32), new Uint8Array(0)]) {
    assert.throws(() => new SipHash(bad), (err) => hasCode(err, 'LW_KEY_INVALID'));
  }
});

test('hashScratchInto (the WebAssembly path for identifiers) equals hashBytes for every length up to the limit', () => {
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), fc.uint8Array({ maxLength: 80 }), fc.constantFrom(0, 1, 7, 8, 9, 15, 16, 255, 256, 257, SCRATCH_BYTES), (key, head, pad) => {
      const msg = new Uint8Array(Math.min(SCRATCH_BYTES, head.length + pad));
      msg.set(head.subarray(0, msg.length));
      msg.fill(0xa5, head.length);
      const s = new SipHash(key);
      // Garbage after the message must not matter: the kernel loads the last word whole.
      SIP_SCRATCH.fill(0xff);
      SIP_SCRATCH.set(msg);
      const out = new Uint32Array(2);
      s.hashScratchInto(msg.length, out);
      SIP_SCRATCH.fill(0);
      assert.deepEqual([out[0], out[1]], s.hashBytes(msg));
    }),
    { seed: 5, numRuns: 400 },
  );
});

test('property: hashKeysInto hashes prefix + key as hashBytes does, for keys in any order and across chunks, long keys included, and wipes its memory', () => {
  const sip = new SipHash(Uint8Array.from({ length: 16 }, (_, i) => 0xa0 + i));
  const keyBytes = fc.oneof(
    { weight: 8, arbitrary: fc.uint8Array({ maxLength: 40 }) },
    { weight: 1, arbitrary: fc.uint8Array({ minLength: MANY_MAX_KEY - 2, maxLength: MANY_MAX_KEY + 2 }) },
  );
  const run = (prefix: Uint8Array, keys: Uint8Array[], order: number[], gap: number): void => {
    // Keys laid out in `order`, gap bytes apart, so that `at` need not ascend.
    const bytes = new Uint8Array(keys.reduce((n, k) => n + k.length + gap, gap)).fill(0x5a);
    const at = new Int32Array(keys.length);
    const len = new Int32Array(keys.length);
    let o = gap;
    for (const i of order) {
      bytes.set(keys[i]!, o);
      at[i] = o;
      len[i] = keys[i]!.length;
      o += keys[i]!.length + gap;
    }
    const hi = new Uint32Array(keys.length);
    const lo = new Uint32Array(keys.length);
    const done = sip.hashKeysInto(prefix, bytes, at, len, keys.length, hi, lo);
    if (prefix.length > MANY_MAX_PREFIX) {
      assert.equal(done, false);
      return;
    }
    keys.forEach((k, i) => {
      const message = new Uint8Array(prefix.length + k.length);
      message.set(prefix);
      message.set(k, prefix.length);
      assert.deepEqual([hi[i], lo[i]], sip.hashBytes(message), `key ${i} of ${keys.length}`);
    });
    assert.equal(keysKernelResidue(), 0);
  };
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: MANY_MAX_PREFIX + 2 }), fc.array(keyBytes, { maxLength: 30 }), fc.nat({ max: 9 }), fc.boolean(), (prefix, keys, gap, shuffled) => {
      const order = keys.map((_, i) => i);
      if (shuffled) order.reverse();
      run(prefix, keys, order, gap);
    }),
    { seed: 21, numRuns: 400 },
  );
  // Past one chunk's count (2,048 keys) and its key region (about 96 KiB).
  const many = Array.from({ length: 5000 }, (_, i) => Uint8Array.from({ length: 10 + (i % 40) }, (_, j) => (i * 31 + j) & 0xff));
  run(new TextEncoder().encode('fi_hetu\u0000'), many, many.map((_, i) => i), 0);
  run(new TextEncoder().encode('email\u0000'), many, many.map((_, i) => i), 3);
});
