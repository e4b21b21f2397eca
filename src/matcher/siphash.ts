/**
 * SipHash-2-4 (Aumasson & Bernstein, 2012), the keyed PRF for every stored
 * fingerprint (identifiers, winnowing, simhash shingles). A scan computes
 * millions of them, and node's createHmac costs a microsecond or more per call;
 * SipHash on two 32-bit halves costs a few tens of nanoseconds and needs no BigInt.
 */
import { LeakwatchError } from '../errors.js';
import { I32, I64, instantiateKernel, memarg, op, sleb32, sleb64, VOID, type KernelSpec } from './wasm-assembler.js';

/** SipHash key length in bytes. */
export const SIPHASH_KEY_BYTES = 16;

/** Reads four bytes little-endian as an int32. */
function le32(b: Uint8Array, at: number): number {
  return b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24);
}

/**
 * Runs SipHash-2-4 over `blocks` 64-bit message words stored as (lo, hi)
 * int32 pairs in `m` (the last word already carries the length byte), and
 * writes the 64-bit result to out[0] (hi) and out[1] (lo).
 *
 * 64-bit lanes are kept as hi/lo int32 pairs. The carry of a 32-bit addition is
 * taken from the operands' and the sum's top bits: staying in int32 bit
 * operations is about three times faster in V8 than an unsigned compare.
 */
function sip24(
  k0h: number,
  k0l: number,
  k1h: number,
  k1l: number,
  m: Uint32Array,
  blocks: number,
  out: Uint32Array,
): void {
  let v0h = k0h ^ 0x736f6d65;
  let v0l = k0l ^ 0x70736575;
  let v1h = k1h ^ 0x646f7261;
  let v1l = k1l ^ 0x6e646f6d;
  let v2h = k0h ^ 0x6c796765;
  let v2l = k0l ^ 0x6e657261;
  let v3h = k1h ^ 0x74656462;
  let v3l = k1l ^ 0x79746573;
  let s = 0;
  let t = 0;
  let mh = 0;
  let ml = 0;
  for (let block = 0; ; block++) {
    const compressing = block < blocks;
    let rounds = 4;
    if (compressing) {
      ml = m[2 * block]! | 0;
      mh = m[2 * block + 1]! | 0;
      v3h ^= mh;
      v3l ^= ml;
      rounds = 2;
    } else {
      v2l ^= 0xff;
    }
    for (let r = 0; r < rounds; r++) {
      s = (v0l + v1l) | 0;
      v0h = (v0h + v1h + (((v0l & v1l) | ((v0l | v1l) & ~s)) >>> 31)) | 0;
      v0l = s;
      t = (v1h << 13) | (v1l >>> 19);
      v1l = (v1l << 13) | (v1h >>> 19);
      v1h = t ^ v0h;
      v1l ^= v0l;
      t = v0h;
      v0h = v0l;
      v0l = t;

      s = (v2l + v3l) | 0;
      v2h = (v2h + v3h + (((v2l & v3l) | ((v2l | v3l) & ~s)) >>> 31)) | 0;
      v2l = s;
      t = (v3h << 16) | (v3l >>> 16);
      v3l = ((v3l << 16) | (v3h >>> 16)) ^ v2l;
      v3h = t ^ v2h;

      s = (v0l + v3l) | 0;
      v0h = (v0h + v3h + (((v0l & v3l) | ((v0l | v3l) & ~s)) >>> 31)) | 0;
      v0l = s;
      t = (v3h << 21) | (v3l >>> 11);
      v3l = ((v3l << 21) | (v3h >>> 11)) ^ v0l;
      v3h = t ^ v0h;

      s = (v2l + v1l) | 0;
      v2h = (v2h + v1h + (((v2l & v1l) | ((v2l | v1l) & ~s)) >>> 31)) | 0;
      v2l = s;
      t = (v1h << 17) | (v1l >>> 15);
      v1l = ((v1l << 17) | (v1h >>> 15)) ^ v2l;
      v1h = t ^ v2h;
      t = v2h;
      v2h = v2l;
      v2l = t;
    }
    if (!compressing) break;
    v0h ^= mh;
    v0l ^= ml;
  }
  out[0] = v0h ^ v1h ^ v2h ^ v3h;
  out[1] = v0l ^ v1l ^ v2l ^ v3l;
}

/**
 * `sip24` specialized to one 64-bit message word (then the length word 8 << 56):
 * the winnower and simhash call it millions of times per scan, and without the
 * message array and block loop it runs in about two thirds of the time.
 */
function sip24Word(k0h: number, k0l: number, k1h: number, k1l: number, mh: number, ml: number, out: Int32Array): void {
  let v0h = k0h ^ 0x736f6d65;
  let v0l = k0l ^ 0x70736575;
  let v1h = k1h ^ 0x646f7261;
  let v1l = k1l ^ 0x6e646f6d;
  let v2h = k0h ^ 0x6c796765;
  let v2l = k0l ^ 0x6e657261;
  let v3h = k1h ^ 0x74656462 ^ mh;
  let v3l = k1l ^ 0x79746573 ^ ml;
  let s = 0;
  let t = 0;
  // Rounds 0-1 compress the message word, 2-3 the length word, 4-7 finalize.
  for (let r = 0; r < 8; r++) {
    if (r === 2) {
      v0h ^= mh;
      v0l ^= ml;
      v3h ^= 0x08000000;
    } else if (r === 4) {
      v0h ^= 0x08000000;
      v2l ^= 0xff;
    }
    s = (v0l + v1l) | 0;
    v0h = (v0h + v1h + (((v0l & v1l) | ((v0l | v1l) & ~s)) >>> 31)) | 0;
    v0l = s;
    t = (v1h << 13) | (v1l >>> 19);
    v1l = (v1l << 13) | (v1h >>> 19);
    v1h = t ^ v0h;
    v1l ^= v0l;
    t = v0h;
    v0h = v0l;
    v0l = t;

    s = (v2l + v3l) | 0;
    v2h = (v2h + v3h + (((v2l & v3l) | ((v2l | v3l) & ~s)) >>> 31)) | 0;
    v2l = s;
    t = (v3h << 16) | (v3l >>> 16);
    v3l = ((v3l << 16) | (v3h >>> 16)) ^ v2l;
    v3h = t ^ v2h;

    s = (v0l + v3l) | 0;
    v0h = (v0h + v3h + (((v0l & v3l) | ((v0l | v3l) & ~s)) >>> 31)) | 0;
    v0l = s;
    t = (v3h << 21) | (v3l >>> 11);
    v3l = ((v3l << 21) | (v3h >>> 11)) ^ v0l;
    v3h = t ^ v0h;

    s = (v2l + v1l) | 0;
    v2h = (v2h + v1h + (((v2l & v1l) | ((v2l | v1l) & ~s)) >>> 31)) | 0;
    v2l = s;
    t = (v1h << 17) | (v1l >>> 15);
    v1l = ((v1l << 17) | (v1h >>> 15)) ^ v2l;
    v1h = t ^ v2h;
    t = v2h;
    v2h = v2l;
    v2l = t;
  }
  out[0] = v0h ^ v1h ^ v2h ^ v3h;
  out[1] = v0l ^ v1l ^ v2l ^ v3l;
}

/**
 * `sip24Word` over many words at once, as WebAssembly: with native 64-bit
 * additions and rotations it takes about a quarter of the time of the int32
 * pairs above once V8 has optimized it (11 against 48 ns per word measured),
 * and the winnower and simhash need one per fingerprint and one per word. The
 * module is assembled below from the SipRound definition because the project
 * has no WebAssembly toolchain; the tests hold it to the same vectors and BigInt
 * reference as the JavaScript. `sip(count, k0l, k0h, k1l, k1h)` replaces the
 * `count` little-endian 64-bit words at the start of its memory by their keyed hashes.
 */
// Both kernels: parameters count or length, k0l, k0h, k1l, k1h (i32); locals i (i32), k0, k1, m, v0..v3 (i64).
const [COUNT, K0L, K0H, K1L, K1H, I, K0, K1, M, V0, V1, V2, V3] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12] as const;
const LOCALS: KernelSpec['locals'] = [[1, I32], [7, I64]];
const get = (local: number): number[] => [op.localGet, local];
const set = (local: number): number[] => [op.localSet, local];
const const64 = (v: bigint): number[] => [op.i64Const, ...sleb64(v)];
const add = (a: number, b: number): number[] => [...get(a), ...get(b), op.i64Add, ...set(a)];
const xor = (a: number, b: number): number[] => [...get(a), ...get(b), op.i64Xor, ...set(a)];
const xorConst = (a: number, v: bigint): number[] => [...get(a), ...const64(v), op.i64Xor, ...set(a)];
const rotl = (a: number, r: number): number[] => [...get(a), ...const64(BigInt(r)), op.i64Rotl, ...set(a)];
const sipRound = (): number[] => [
  ...add(V0, V1), ...rotl(V1, 13), ...xor(V1, V0), ...rotl(V0, 32),
  ...add(V2, V3), ...rotl(V3, 16), ...xor(V3, V2),
  ...add(V0, V3), ...rotl(V3, 21), ...xor(V3, V0),
  ...add(V2, V1), ...rotl(V1, 17), ...xor(V1, V2), ...rotl(V2, 32),
];
const key = (lo: number, hi: number, to: number): number[] => [
  ...get(lo), op.i64ExtendI32U, ...get(hi), op.i64ExtendI32U, ...const64(32n), op.i64Shl, op.i64Or, ...set(to),
];
const init = (to: number, k: number, constant: bigint): number[] => [...get(k), ...const64(constant), op.i64Xor, ...set(to)];
/** The key as two i64 locals. */
const keys = (): number[] => [...key(K0L, K0H, K0), ...key(K1L, K1H, K1)];
/** The initial state v0..v3. */
const start = (): number[] => [
  ...init(V0, K0, 0x736f6d6570736575n),
  ...init(V1, K1, 0x646f72616e646f6dn),
  ...init(V2, K0, 0x6c7967656e657261n),
  ...init(V3, K1, 0x7465646279746573n),
];
/** Compresses message word m (two c-rounds). */
const compress = (): number[] => [...xor(V3, M), ...sipRound(), ...sipRound(), ...xor(V0, M)];
/** Finalization (four d-rounds), leaving v0 ^ v1 ^ v2 ^ v3 on the stack. */
const finish = (): number[] => [
  ...xorConst(V2, 0xffn), ...sipRound(), ...sipRound(), ...sipRound(), ...sipRound(),
  ...get(V0), ...get(V1), op.i64Xor, ...get(V2), op.i64Xor, ...get(V3), op.i64Xor,
];

function sipKernelSpec(): KernelSpec {
  const address = [...get(I), op.i32Const, 3, op.i32Shl]; // i * 8
  const MEMORY_ARG = memarg(3); // 8-byte alignment, offset 0
  const LENGTH_WORD = 8n << 56n;
  const body = [
    ...keys(),
    op.block, VOID, op.loop, VOID,
    ...get(I), ...get(COUNT), op.i32GeU, op.brIf, 1,
    ...address, op.i64Load, ...MEMORY_ARG, ...set(M),
    ...start(),
    ...compress(),
    ...const64(LENGTH_WORD), ...set(M), ...compress(),
    ...finish(), ...set(M), ...address, ...get(M), op.i64Store, ...MEMORY_ARG,
    ...get(I), op.i32Const, 1, op.i32Add, ...set(I),
    op.br, 0, op.end, op.end,
  ];
  return { fn: 'sip', params: [I32, I32, I32, I32, I32], results: [], locals: LOCALS, body, pages: 1 };
}

/** Longest message `hashScratchInto` takes; its kernel reads up to 7 bytes past a message's end. */
export const SCRATCH_BYTES = 4096;
/** Where the bytes kernel leaves its result. */
const BYTES_OUT = 8192;

/**
 * `sipBytes(len, k0l, k0h, k1l, k1h)`: SipHash-2-4 of memory[0, len), the
 * result at BYTES_OUT. The last word is loaded whole and masked to the
 * message's leftover bytes, with len mod 256 in its top byte.
 */
function sipBytesKernelSpec(): KernelSpec {
  const LEN = COUNT;
  const MEMORY_ARG = memarg(0);
  const body = [
    ...keys(),
    ...start(),
    op.block, VOID, op.loop, VOID,
    ...get(I), ...get(LEN), op.i32Const, ...sleb32(-8), op.i32And, op.i32GeU, op.brIf, 1,
    ...get(I), op.i64Load, ...MEMORY_ARG, ...set(M),
    ...compress(),
    ...get(I), op.i32Const, 8, op.i32Add, ...set(I),
    op.br, 0, op.end, op.end,
    ...get(I), op.i64Load, ...MEMORY_ARG,
    ...const64(1n), ...get(LEN), op.i32Const, 7, op.i32And, op.i32Const, 3, op.i32Shl, op.i64ExtendI32U, op.i64Shl,
    ...const64(1n), op.i64Sub, op.i64And,
    ...get(LEN), op.i64ExtendI32U, ...const64(0xffn), op.i64And, ...const64(56n), op.i64Shl, op.i64Or, ...set(M),
    ...compress(),
    op.i32Const, ...sleb32(BYTES_OUT), ...finish(), op.i64Store, ...memarg(3),
  ];
  return { fn: 'sipBytes', params: [I32, I32, I32, I32, I32], results: [], locals: LOCALS, body, pages: 1 };
}

/**
 * Memory of the keys kernel: the message is built at 0 (the prefix, then one
 * key at a time), the prefix length at PLEN_AT, then per key its offset in the
 * key region and its length, its hash, and the key region itself. Every
 * message is at most MANY_MAX_PREFIX + MANY_MAX_KEY bytes; the kernel copies and
 * loads whole 8-byte words, so it reads and writes up to 7 bytes past a
 * message or key (kept inside the regions by their slack).
 */
export const MANY_MAX_PREFIX = 64;
export const MANY_MAX_KEY = 256;
const PLEN_AT = 512;
const MANY_CHUNK = 2048;
const MANY_AT = 1024;
const MANY_LEN = MANY_AT + 4 * MANY_CHUNK;
const MANY_OUT = MANY_LEN + 4 * MANY_CHUNK;
const MANY_KEYS = MANY_OUT + 8 * MANY_CHUNK;
/** Bytes of the key region: two pages, less 16 bytes of slack for the 8-byte loads. */
const MANY_KEY_BYTES = 2 * 65536 - MANY_KEYS - 16;

/**
 * `sipMany(n, k0l, k0h, k1l, k1h)`: for each j < n, SipHash-2-4 of the prefix
 * (its length at PLEN_AT) followed by the key at MANY_KEYS + at[j] of length
 * len[j], stored at MANY_OUT + 8j. One call hashes a whole batch of scan keys.
 */
function sipManyKernelSpec(): KernelSpec {
  const N = COUNT;
  // i32 locals after the shared ones: key index, key offset, key length, copy offset, message length, prefix length.
  const [J, A, L, O, T, PLEN] = [13, 14, 15, 16, 17, 18] as const;
  const i32 = (n: number): number[] => [op.i32Const, ...sleb32(n)];
  const body = [
    ...keys(),
    ...i32(0), op.i32Load, ...memarg(2, PLEN_AT), ...set(PLEN),
    op.block, VOID, op.loop, VOID,
    ...get(J), ...get(N), op.i32GeU, op.brIf, 1,
    ...get(J), ...i32(2), op.i32Shl, op.i32Load, ...memarg(2, MANY_AT), ...set(A),
    ...get(J), ...i32(2), op.i32Shl, op.i32Load, ...memarg(2, MANY_LEN), ...set(L),
    // The key after the prefix, a word at a time.
    ...i32(0), ...set(O),
    op.block, VOID, op.loop, VOID,
    ...get(O), ...get(L), op.i32GeU, op.brIf, 1,
    ...get(PLEN), ...get(O), op.i32Add,
    ...get(A), ...get(O), op.i32Add, op.i64Load, ...memarg(0, MANY_KEYS),
    op.i64Store, ...memarg(0),
    ...get(O), ...i32(8), op.i32Add, ...set(O),
    op.br, 0, op.end, op.end,
    ...get(PLEN), ...get(L), op.i32Add, ...set(T),
    // SipHash-2-4 of memory[0, T), as sipBytes.
    ...start(),
    ...i32(0), ...set(I),
    op.block, VOID, op.loop, VOID,
    ...get(I), ...get(T), ...i32(-8), op.i32And, op.i32GeU, op.brIf, 1,
    ...get(I), op.i64Load, ...memarg(0), ...set(M),
    ...compress(),
    ...get(I), ...i32(8), op.i32Add, ...set(I),
    op.br, 0, op.end, op.end,
    ...get(I), op.i64Load, ...memarg(0),
    ...const64(1n), ...get(T), ...i32(7), op.i32And, ...i32(3), op.i32Shl, op.i64ExtendI32U, op.i64Shl,
    ...const64(1n), op.i64Sub, op.i64And,
    ...get(T), op.i64ExtendI32U, ...const64(0xffn), op.i64And, ...const64(56n), op.i64Shl, op.i64Or, ...set(M),
    ...compress(),
    ...get(J), ...i32(3), op.i32Shl, ...finish(), op.i64Store, ...memarg(3, MANY_OUT),
    ...get(J), ...i32(1), op.i32Add, ...set(J),
    op.br, 0, op.end, op.end,
  ];
  return { fn: 'sipMany', params: [I32, I32, I32, I32, I32], results: [], locals: [...LOCALS, [6, I32]], body, pages: 2 };
}

/** Null without WebAssembly; `hashKeysInto` then declines. */
const manyKernel = (() => {
  const instance = instantiateKernel<(n: number, k0l: number, k0h: number, k1l: number, k1h: number) => void>(sipManyKernelSpec());
  if (!instance) return null;
  const { memory } = instance;
  return {
    sip: instance.fn,
    bytes: new Uint8Array(memory),
    ints: new Int32Array(memory),
    out: new Uint32Array(memory, MANY_OUT, 2 * MANY_CHUNK),
  };
})();

/** Non-zero bytes left in the keys kernel's message and key regions (for the test that they are wiped); 0 without WebAssembly. */
export function keysKernelResidue(): number {
  if (manyKernel === null) return 0;
  let n = 0;
  for (let i = 0; i < PLEN_AT; i++) if (manyKernel.bytes[i] !== 0) n++;
  for (let i = MANY_KEYS; i < manyKernel.bytes.length; i++) if (manyKernel.bytes[i] !== 0) n++;
  return n;
}

/** Null without WebAssembly; `hashScratchInto` then runs the JavaScript code. */
const bytesKernel = (() => {
  const instance = instantiateKernel<(len: number, k0l: number, k0h: number, k1l: number, k1h: number) => void>(sipBytesKernelSpec());
  return instance && { sip: instance.fn, message: new Uint8Array(instance.memory, 0, SCRATCH_BYTES), out: new Uint32Array(instance.memory, BYTES_OUT, 2) };
})();

/**
 * A buffer for messages to `hashScratchInto`, shared by every SipHash in this
 * thread (the kernel's memory when there is one). Callers write a message,
 * hash it and wipe it before doing anything else.
 */
export const SIP_SCRATCH: Uint8Array = bytesKernel?.message ?? new Uint8Array(SCRATCH_BYTES);

/** Words per WebAssembly call: one 64 KiB page of 8-byte words. */
const BATCH_WORDS = 8192;

interface SipKernel {
  sip: (count: number, k0l: number, k0h: number, k1l: number, k1h: number) => void;
  /** The kernel's memory as (lo, hi) int32 pairs. */
  words: Int32Array;
}

/** Null where WebAssembly is unavailable (node --jitless); batches then run `sip24Word`. */
const kernel: SipKernel | null = (() => {
  const instance = instantiateKernel<SipKernel['sip']>(sipKernelSpec());
  return instance && { sip: instance.fn, words: new Int32Array(instance.memory, 0, 2 * BATCH_WORDS) };
})();

/** SipHash-2-4 with a fixed 16-byte key; outputs are 64-bit values as [hi, lo] uint32 pairs. */
export class SipHash {
  private readonly k0h: number;
  private readonly k0l: number;
  private readonly k1h: number;
  private readonly k1l: number;
  private words = new Uint32Array(16);
  private readonly out = new Uint32Array(2);
  private readonly wordOut = new Int32Array(2);

  constructor(key: Uint8Array) {
    if (!(key instanceof Uint8Array) || key.length !== SIPHASH_KEY_BYTES) {
      throw new LeakwatchError('LW_KEY_INVALID', `SipHash needs a ${SIPHASH_KEY_BYTES}-byte key`);
    }
    this.k0l = le32(key, 0);
    this.k0h = le32(key, 4);
    this.k1l = le32(key, 8);
    this.k1h = le32(key, 12);
  }

  /** Hashes one 64-bit value (given as hi, lo uint32), encoded as 8 bytes little-endian. */
  hash64(hi: number, lo: number): [hi: number, lo: number] {
    const out = this.wordOut;
    sip24Word(this.k0h, this.k0l, this.k1h, this.k1l, hi | 0, lo | 0, out);
    return [out[0]! >>> 0, out[1]! >>> 0];
  }

  /** `hash64` without allocating: writes the result as int32 bit patterns to out[0] (hi) and out[1] (lo). */
  hash64Into(hi: number, lo: number, out: Int32Array): void {
    sip24Word(this.k0h, this.k0l, this.k1h, this.k1l, hi | 0, lo | 0, out);
  }

  /**
   * `hash64` of `count` values in place: words[2i] (lo) and words[2i + 1] (hi),
   * as int32 bit patterns, become the halves of the i-th keyed hash.
   */
  hash64Batch(words: Int32Array, count: number): void {
    if (kernel === null) {
      const out = this.wordOut;
      for (let i = 0; i < count; i++) {
        sip24Word(this.k0h, this.k0l, this.k1h, this.k1l, words[2 * i + 1]!, words[2 * i]!, out);
        words[2 * i] = out[1]!;
        words[2 * i + 1] = out[0]!;
      }
      return;
    }
    const scratch = kernel.words;
    for (let from = 0; from < count; from += BATCH_WORDS) {
      const n = Math.min(BATCH_WORDS, count - from);
      scratch.set(words.subarray(2 * from, 2 * (from + n)));
      kernel.sip(n, this.k0l, this.k0h, this.k1l, this.k1h);
      words.set(scratch.subarray(0, 2 * n), 2 * from);
    }
  }

  /**
   * SipHash-2-4 of `prefix` followed by key i, the bytes[at[i], at[i] + len[i]),
   * for each i < count, into hi[i] and lo[i]: one WebAssembly call per chunk of
   * keys instead of one per key, and no JavaScript loop over their bytes.
   * Returns false, having done nothing, without WebAssembly or for a prefix
   * over MANY_MAX_PREFIX bytes; a key over MANY_MAX_KEY bytes goes through
   * `hashBytesInto`. The kernel's memory is wiped before returning.
   */
  hashKeysInto(prefix: Uint8Array, bytes: Uint8Array, at: Int32Array, len: Int32Array, count: number, hi: Uint32Array, lo: Uint32Array): boolean {
    const many = manyKernel;
    if (many === null || prefix.length > MANY_MAX_PREFIX) return false;
    const p = prefix.length;
    many.bytes.set(prefix, 0);
    many.ints[PLEN_AT >> 2] = p;
    let wipe = 0;
    try {
      for (let i = 0; i < count; ) {
        if (len[i]! > MANY_MAX_KEY) {
          const message = new Uint8Array(p + len[i]!);
          message.set(prefix);
          message.set(bytes.subarray(at[i]!, at[i]! + len[i]!), p);
          this.hashBytesInto(message, message.length, this.out);
          message.fill(0);
          hi[i] = this.out[0]!;
          lo[i] = this.out[1]!;
          i++;
          continue;
        }
        // A chunk: the keys from i whose bytes lie in one span that fits the key region.
        const from = at[i]!;
        let to = from;
        let j = i;
        for (; j < count && j - i < MANY_CHUNK; j++) {
          const a = at[j]!;
          const n = len[j]!;
          if (n > MANY_MAX_KEY || a < from || a + n - from > MANY_KEY_BYTES) break;
          many.ints[(MANY_AT >> 2) + j - i] = a - from;
          many.ints[(MANY_LEN >> 2) + j - i] = n;
          if (a + n > to) to = a + n;
        }
        many.bytes.set(bytes.subarray(from, to), MANY_KEYS);
        if (to - from > wipe) wipe = to - from;
        many.sip(j - i, this.k0l, this.k0h, this.k1l, this.k1h);
        const out = many.out;
        for (let k = i; k < j; k++) {
          lo[k] = out[2 * (k - i)]!;
          hi[k] = out[2 * (k - i) + 1]!;
        }
        i = j;
      }
    } finally {
      // The keys are identifiers from scanned text: none may linger in the kernel's memory.
      many.bytes.fill(0, 0, PLEN_AT);
      many.bytes.fill(0, MANY_KEYS, MANY_KEYS + wipe + 8);
    }
    return true;
  }

  /** Hashes an arbitrary byte string. */
  hashBytes(bytes: Uint8Array): [hi: number, lo: number] {
    this.hashBytesInto(bytes, bytes.length, this.out);
    return [this.out[0]!, this.out[1]!];
  }

  /** `hashBytesInto` of SIP_SCRATCH[0, len), len <= SCRATCH_BYTES: one WebAssembly call where available. */
  hashScratchInto(len: number, out: Uint32Array): void {
    if (bytesKernel === null) {
      this.hashBytesInto(SIP_SCRATCH, len, out);
      return;
    }
    bytesKernel.sip(len, this.k0l, this.k0h, this.k1l, this.k1h);
    out[0] = bytesKernel.out[1]!;
    out[1] = bytesKernel.out[0]!;
  }

  /** `hashBytes` of bytes[0, len) without allocating: out[0] = hi, out[1] = lo. */
  hashBytesInto(bytes: Uint8Array, len: number, out: Uint32Array): void {
    const blocks = (len >>> 3) + 1;
    if (this.words.length < 2 * blocks) this.words = new Uint32Array(2 * blocks);
    const m = this.words;
    const full = len >>> 3;
    for (let b = 0; b < full; b++) {
      m[2 * b] = le32(bytes, 8 * b);
      m[2 * b + 1] = le32(bytes, 8 * b + 4);
    }
    // Final word: the 0..7 leftover bytes, and len mod 256 in the top byte.
    let lo = 0;
    let hi = (len & 0xff) << 24;
    for (let i = 8 * full; i < len; i++) {
      const shift = 8 * (i & 7);
      if (shift < 32) lo |= bytes[i]! << shift;
      else hi |= bytes[i]! << (shift - 32);
    }
    m[2 * full] = lo;
    m[2 * full + 1] = hi;
    sip24(this.k0h, this.k0l, this.k1h, this.k1l, m, blocks, out);
    // The scratch words outlive the call; the message must not linger in them.
    m.fill(0, 0, 2 * blocks);
  }
}
