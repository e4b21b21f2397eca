/**
 * Winnowing (Schleimer, Wilkerson & Aiken, SIGMOD 2003) over normalized text.
 *
 * Every k-gram of the normalized stream gets a 64-bit rolling hash; in each
 * window of w consecutive k-gram hashes the minimum is selected (robust
 * winnowing: on a tie keep the hash already selected, otherwise take the
 * rightmost). Any shared stretch of t = w + k - 1 normalized characters holds
 * w whole k-grams, i.e. one whole window, so both sides select that window's
 * minimum hash: a guaranteed common fingerprint. Selected hashes are then keyed
 * with the organization's SipHash key, so nothing stored is computable without it.
 */
import { Buffer } from 'node:buffer';
import { LeakwatchError } from '../errors.js';
import { SipHash } from './siphash.js';
import { normalizeText } from './text-normalize.js';
import { I32, I64, instantiateKernel, memarg, op, sleb32, VOID, type KernelSpec } from './wasm-assembler.js';

/**
 * k = 40 normalized characters (about six words): long enough that stock
 * phrases and salutations rarely form a whole k-gram, short enough that the
 * window still yields about one fingerprint per 31 characters.
 */
export const WINNOW_K = 40;
/** w = 61 makes the guarantee threshold t = w + k - 1 = 100 characters. */
export const WINNOW_W = 61;

/** A keyed fingerprint and the start of its k-gram in the normalized stream (UTF-16 code units). */
export interface Fingerprint {
  hi: number;
  lo: number;
  pos: number;
}

/** Receives each selected fingerprint once, in stream order. */
export type FingerprintSink = (hi: number, lo: number, pos: number) => void;

export interface WinnowOptions {
  /** 16-byte SipHash key of the organization. */
  key: Uint8Array;
  /** k-gram length in UTF-16 code units, 1..64. */
  k?: number;
  /** Window length in k-grams, >= 1. */
  w?: number;
}

/**
 * Random 64-bit values per UTF-16 code unit for the cyclic-polynomial (buzhash)
 * rolling hash. It rotates one 64-bit word (kept as two 32-bit halves), not two
 * independent 32-bit lanes: with 32-bit rotation, equal characters 32 apart in a
 * k-gram would cancel out, so the hash would ignore them. Hence also k <= 64.
 * Enrolled bundles depend on these values: changing the seed breaks matching.
 */
const TABLE_HI = new Int32Array(65536);
const TABLE_LO = new Int32Array(65536);
{
  // splitmix32 with a fixed seed: the table must be identical everywhere.
  let state = 0x6c77_2003;
  const next = (): number => {
    state = (state + 0x9e3779b9) | 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  for (let i = 0; i < 65536; i++) {
    TABLE_HI[i] = next();
    TABLE_LO[i] = next();
  }
}

/** The table rotated left by k bits, used by the JavaScript loops to remove the character leaving the k-gram. */
const rotatedTables = new Map<number, { hi: Int32Array; lo: Int32Array }>();

function rotated(k: number): { hi: Int32Array; lo: Int32Array } {
  let tables = rotatedTables.get(k);
  if (tables) return tables;
  const hi = new Int32Array(65536);
  const lo = new Int32Array(65536);
  rotateTable(k, (i, h, l) => {
    hi[i] = h;
    lo[i] = l;
  });
  tables = { hi, lo };
  rotatedTables.set(k, tables);
  return tables;
}

/** Calls `put` with each table entry's 64-bit value rotated left by k bits, as its high and low halves. */
function rotateTable(k: number, put: (i: number, hi: number, lo: number) => void): void {
  const r = k % 64;
  for (let i = 0; i < 65536; i++) {
    let h = TABLE_HI[i]!;
    let l = TABLE_LO[i]!;
    if (r >= 32) {
      const t = h;
      h = l;
      l = t;
    }
    const s = r & 31;
    if (s !== 0) {
      const t = (h << s) | (l >>> (32 - s));
      l = (l << s) | (h >>> (32 - s));
      h = t;
    }
    put(i, h, l);
  }
}

function checkInt(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new LeakwatchError('LW_USAGE', `winnowing ${name} must be an integer in ${min}..${max}`);
  }
  return value;
}

/** Flipping the sign bit makes int32 order equal uint32 order, so comparisons stay in int32. */
const SIGN = 0x80000000 | 0;

/**
 * Most code units hashed per block. The work arrays grow to the largest block
 * seen, so a short document costs little memory and a long one stays in cache.
 */
const BLOCK = 8192;

/** No k-gram selected yet; below any `gram - w`, so the first k-gram triggers a window scan. */
const NONE = -(2 ** 30);

/**
 * The kernel takes windows up to one block long: its carried hashes are copied
 * in and out around every block, which for a longer window would cost more
 * than the JavaScript it replaces.
 */
const KERNEL_MAX_W = BLOCK;

/**
 * Byte layout of the kernel's memory: the buzhash table as (hi << 32 | lo)
 * words, then the last k units and the block, the last w - 1 k-gram hashes and
 * the block's, the selected hashes and their k-grams, the carried state
 * (rolling hash, selected hash, selected k-gram), and the table rotated left
 * by k bits for the unit leaving the k-gram (filled for the k in use, see
 * rotateKernelTable; it holds no text, so it is not wiped).
 */
const TABLE = 0;
const UNITS = TABLE + 8 * 65536;
const GRAMS = UNITS + 2 * (64 + BLOCK);
const OUT_HASH = GRAMS + 8 * (KERNEL_MAX_W - 1 + BLOCK);
const OUT_GRAM = OUT_HASH + 8 * BLOCK;
const STATE = OUT_GRAM + 4 * BLOCK;
const STATE_ROLL = STATE;
const STATE_SEL = STATE + 8;
const STATE_SEL_GRAM = STATE + 16;
const ROTATED = STATE + 24;
const MEMORY_END = ROTATED + 8 * 65536;

/**
 * `Winnower.block` and `Winnower.select` as one WebAssembly loop: with the
 * 64-bit hash in a native i64 instead of two int32 halves, rolling and
 * selecting take well under half the time of the JavaScript (about 4 against
 * 10 ns per code unit measured, keying included). The module is assembled here
 * because the project has no WebAssembly toolchain; the tests hold both paths
 * to the brute-force reference.
 *
 * `winnow(n, k, w, firstGram, reported)` rolls over the n units after the k
 * carried ones and winnows. k-gram numbers are relative to the block's first
 * k-gram, so they fit in i32 whatever the stream length: `firstGram` is that
 * k-gram's number in the stream, capped at w (only its distance to the first
 * full window matters), and `reported` the last reported one, relative. It
 * returns how many selections it wrote to OUT_HASH and OUT_GRAM; the units and
 * hashes to carry are left at UNITS + 2n and GRAMS + 8n.
 */
function winnowKernelSpec(): KernelSpec {
  const [N, K, W, FIRST_GRAM, REPORTED] = [0, 1, 2, 3, 4] as const;
  const [J, P, G, K2, EXPIRY, SEL_GRAM, FIRST_WINDOW, FROM, LIMIT, I, BEST, COUNT, AT] = [5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17] as const;
  const [ROLL, SEL, H, BEST_H] = [18, 19, 20, 21] as const;
  /** min(LIMIT, N): the fast loop's one bound. */
  const FAST_END = 22;
  /** P + 2k in the unrolled loop: the entering units' address. */
  const Q = 23;
  const UNROLL = 4;
  const get = (local: number): number[] => [op.localGet, local];
  const set = (local: number): number[] => [op.localSet, local];
  const i32 = (n: number): number[] => [op.i32Const, ...sleb32(n)];
  const increment = (local: number, by: number): number[] => [...get(local), ...i32(by), op.i32Add, ...set(local)];
  /** The k-gram hash at index `local` of the GRAMS region. */
  const loadGram = (local: number): number[] => [...get(local), ...i32(3), op.i32Shl, op.i64Load, ...memarg(3, GRAMS)];
  /**
   * The word of `table` (TABLE, or ROTATED for the unit leaving the k-gram) for
   * the unit `m` units after byte UNITS + address, address on the stack.
   */
  const tableWordAt = (m: number, table = TABLE): number[] => [op.i32Load16U, ...memarg(1, UNITS + 2 * m), ...i32(3), op.i32Shl, op.i64Load, ...memarg(3, table)];
  const roll = [
    // Cyclic polynomial: rotate by one, drop the leaving unit (its word rotated by k), add the new one.
    ...get(ROLL), op.i64Const, 1, op.i64Rotl,
    ...get(P), ...tableWordAt(0, ROTATED), op.i64Xor,
    ...get(P), ...get(K2), op.i32Add, ...tableWordAt(0), op.i64Xor,
    ...set(ROLL),
    ...get(G), ...get(ROLL), op.i64Store, ...memarg(3, GRAMS),
    ...increment(P, 2),
    ...increment(G, 8),
  ];
  /**
   * `roll` for the k-gram m after J, with P, G and Q (P + 2k) not advanced:
   * the offsets are constants in the loads and the store. The two table words
   * are xored first, so the chain from one rolling hash to the next is one
   * rotation and one xor.
   */
  const rollAt = (m: number): number[] => [
    ...get(ROLL), op.i64Const, 1, op.i64Rotl,
    ...get(P), ...tableWordAt(m, ROTATED),
    ...get(Q), ...tableWordAt(m), op.i64Xor,
    op.i64Xor,
    ...set(ROLL),
    ...get(G), ...get(ROLL), op.i64Store, ...memarg(3, GRAMS + 8 * m),
  ];
  const pend = [
    ...get(COUNT), ...i32(2), op.i32Shl, ...get(SEL_GRAM), op.i32Store, ...memarg(2, OUT_GRAM),
    ...get(COUNT), ...i32(3), op.i32Shl, ...get(SEL), op.i64Store, ...memarg(3, OUT_HASH),
    ...increment(COUNT, 1),
  ];
  // The fast path leaves the loop at LIMIT, the expiry of the selected k-gram
  // or, if earlier, the first full window (which reports even an unchanged selection).
  const limit = [
    ...get(EXPIRY), ...get(FIRST_WINDOW), ...get(EXPIRY), ...get(FIRST_WINDOW), op.i32LtS, op.select,
    ...get(EXPIRY),
    ...get(FIRST_WINDOW), ...get(J), op.i32GtS, op.select,
    ...set(LIMIT),
  ];
  const fastEnd = [...get(LIMIT), ...get(N), ...get(LIMIT), ...get(N), op.i32LtS, op.select, ...set(FAST_END)];
  const body = [
    ...i32(0), op.i64Load, ...memarg(3, STATE_ROLL), ...set(ROLL),
    ...get(K), ...i32(1), op.i32Shl, ...set(K2),
    ...get(W), ...i32(1), op.i32Sub, ...i32(3), op.i32Shl, ...set(G),
    ...i32(0), op.i64Load, ...memarg(3, STATE_SEL), ...set(SEL),
    ...i32(0), op.i32Load, ...memarg(2, STATE_SEL_GRAM), ...set(SEL_GRAM),
    ...get(SEL_GRAM), ...get(W), op.i32Add, ...set(EXPIRY),
    ...get(W), ...i32(1), op.i32Sub, ...get(FIRST_GRAM), op.i32Sub, ...set(FIRST_WINDOW),
    ...i32(0), ...get(FIRST_GRAM), op.i32Sub, ...i32(0), ...i32(0), ...get(FIRST_GRAM), op.i32GtS, op.select, ...set(FROM),
    ...get(FROM), ...get(N), ...get(FROM), ...get(N), op.i32LtS, op.select, ...set(FROM),
    // LIMIT as if the k-gram before FROM had just been handled.
    ...get(FROM), ...i32(1), op.i32Sub, ...set(J),
    ...limit,
    ...fastEnd,
    ...i32(0), ...set(J),
    // Before the stream has k units the hashes are not k-grams yet: only roll them.
    op.block, VOID, op.loop, VOID,
    ...get(J), ...get(FROM), op.i32GeS, op.brIf, 1,
    ...roll,
    ...increment(J, 1),
    op.br, 0, op.end, op.end,
    op.block, VOID, op.loop, VOID, // exit, outer
    // Almost every k-gram is above or equal to the selected one, which is still
    // in the window: a loop of its own, so that TurboFan keeps its few values in
    // registers (in one loop with the rare paths it kept the rolling hash on the
    // stack; 2.9 against 3.9 ns a unit measured).
    op.block, VOID, // rolled: the k-gram at J is hashed and needs the full step
    op.block, VOID, // bound: J reached LIMIT or N, not hashed yet
    op.block, VOID, // tail: fewer than UNROLL k-grams left before FAST_END
    // UNROLL k-grams a step while that many remain: one bound check and one
    // advance of the counters for all of them (see rollAt).
    op.loop, VOID,
    ...get(FAST_END), ...get(J), op.i32Sub, ...i32(UNROLL), op.i32LtS, op.brIf, 1,
    ...get(P), ...get(K2), op.i32Add, ...set(Q),
    ...Array.from({ length: UNROLL }, (_, m) => [
      ...rollAt(m),
      // Below the selection: leave with J at this k-gram, P and G past it, as `roll` leaves them.
      ...get(ROLL), ...get(SEL), op.i64LtU, op.if, VOID,
      ...increment(J, m), ...increment(P, 2 * (m + 1)), ...increment(G, 8 * (m + 1)),
      op.br, 4,
      op.end,
    ]).flat(),
    ...increment(J, UNROLL), ...increment(P, 2 * UNROLL), ...increment(G, 8 * UNROLL),
    op.br, 0,
    op.end, // loop
    op.end, // tail
    op.loop, VOID,
    ...get(J), ...get(FAST_END), op.i32GeS, op.brIf, 1,
    ...roll,
    ...get(ROLL), ...get(SEL), op.i64LtU, op.brIf, 2,
    ...increment(J, 1),
    op.br, 0,
    op.end, // loop
    op.end, // bound
    ...get(J), ...get(N), op.i32GeS, op.brIf, 2,
    ...roll,
    op.end, // rolled
    op.block, VOID, // done
    op.block, VOID, // pend
    op.block, VOID, // changed
    op.block, VOID, // expired
    ...get(J), ...get(EXPIRY), op.i32GeS, op.brIf, 0,
    ...get(ROLL), ...get(SEL), op.i64LtU, op.if, VOID,
    ...get(ROLL), ...set(SEL), ...get(J), ...set(SEL_GRAM), op.br, 2,
    op.end,
    // Unchanged at the first full window: report unless already reported.
    ...get(SEL_GRAM), ...get(REPORTED), op.i32Ne, op.brIf, 2,
    op.br, 3,
    op.end, // expired
    // Rightmost minimum of the window (or of the k-grams so far): scan left to right with <=.
    ...get(J), ...get(W), op.i32Add, ...i32(1), op.i32Sub, ...set(AT),
    ...get(AT), ...get(W), ...get(FIRST_GRAM), ...get(J), op.i32Add, ...i32(1), op.i32Add,
    ...get(W), ...get(FIRST_GRAM), ...get(J), op.i32Add, ...i32(1), op.i32Add, op.i32LtS, op.select,
    op.i32Sub, ...i32(1), op.i32Add, op.localTee, I, ...set(BEST),
    ...loadGram(I), ...set(BEST_H),
    op.block, VOID, op.loop, VOID,
    ...increment(I, 1),
    ...get(I), ...get(AT), op.i32GtS, op.brIf, 1,
    ...loadGram(I), op.localTee, H, ...get(BEST_H), op.i64LeU, op.if, VOID,
    ...get(I), ...set(BEST), ...get(H), ...set(BEST_H),
    op.end,
    op.br, 0, op.end, op.end,
    ...get(BEST_H), ...set(SEL),
    ...get(BEST), ...get(W), op.i32Sub, ...i32(1), op.i32Add, ...set(SEL_GRAM),
    op.end, // changed
    ...get(SEL_GRAM), ...get(W), op.i32Add, ...set(EXPIRY),
    ...get(J), ...get(FIRST_WINDOW), op.i32LtS, op.brIf, 1,
    op.end, // pend
    ...pend,
    op.end, // done
    ...limit,
    ...fastEnd,
    ...increment(J, 1),
    op.br, 0, op.end, op.end,
    ...i32(0), ...get(ROLL), op.i64Store, ...memarg(3, STATE_ROLL),
    ...i32(0), ...get(SEL), op.i64Store, ...memarg(3, STATE_SEL),
    ...i32(0), ...get(SEL_GRAM), op.i32Store, ...memarg(2, STATE_SEL_GRAM),
    ...get(COUNT),
  ];
  return {
    fn: 'winnow',
    params: [I32, I32, I32, I32, I32],
    results: [I32],
    locals: [[13, I32], [4, I64], [2, I32]],
    body,
    pages: Math.ceil(MEMORY_END / 65536),
  };
}

interface WinnowKernel {
  winnow: (n: number, k: number, w: number, firstGram: number, reported: number) => number;
  /** The kernel's memory as int32 words. */
  words: Int32Array;
  /** The k its ROTATED table is rotated by (0: not filled yet). */
  rotatedK: number;
  /** The UNITS region, as code units and as bytes for `Buffer.write`. */
  units: Uint16Array;
  unitBytes: Buffer;
}

/** Null where WebAssembly is unavailable (node --jitless); every Winnower then runs the JavaScript loops. */
const kernel: WinnowKernel | null = (() => {
  const instance = instantiateKernel<WinnowKernel['winnow']>(winnowKernelSpec());
  if (instance === null) return null;
  const words = new Int32Array(instance.memory);
  for (let i = 0; i < 65536; i++) {
    words[(TABLE >> 2) + 2 * i] = TABLE_LO[i]!;
    words[(TABLE >> 2) + 2 * i + 1] = TABLE_HI[i]!;
  }
  return {
    winnow: instance.fn,
    words,
    units: new Uint16Array(instance.memory, UNITS, 64 + BLOCK),
    unitBytes: Buffer.from(instance.memory, UNITS, 2 * (64 + BLOCK)),
    rotatedK: 0,
  };
})();

/** Fills the kernel's ROTATED table for k-grams of k units (organizations with another k refill it). */
function rotateKernelTable(kernel: WinnowKernel, k: number): void {
  if (kernel.rotatedK === k) return;
  const { words } = kernel;
  rotateTable(k, (i, hi, lo) => {
    words[(ROTATED >> 2) + 2 * i] = lo;
    words[(ROTATED >> 2) + 2 * i + 1] = hi;
  });
  kernel.rotatedK = k;
}

/**
 * Streaming winnower over normalized text. State carries across `push` calls,
 * so the fingerprints equal those of the concatenated stream; memory is O(k + w)
 * whatever the input size.
 */
export class Winnower {
  private readonly k: number;
  private readonly w: number;
  private readonly sip: SipHash;
  private readonly outHi: Int32Array;
  private readonly outLo: Int32Array;
  /** The WebAssembly loops, or null to run the JavaScript ones. */
  private readonly kernel: WinnowKernel | null;
  /**
   * With the kernel: the last w - 1 k-gram hashes as (lo, hi) words, copied in
   * and out around each block since the kernel's memory is shared by all winnowers.
   */
  private readonly history: Int32Array;
  /** Code units a block may hold with the arrays as they are. */
  private capacity = 0;
  /**
   * The last k code units, then the block being hashed: the unit leaving the
   * k-gram is always `k` places before the one entering, with no ring to wrap.
   * Before the stream has k units, the front holds zeros that the rolling hash
   * was primed with (see the constructor), so every unit takes the same path.
   */
  private units: Uint16Array;
  private unitBytes: Buffer;
  /** Sign-flipped k-gram hashes: the last w - 1, then those of the block, so a window is contiguous. */
  private gramHi: Int32Array;
  private gramLo: Int32Array;
  /**
   * Fingerprints selected in the current block, keyed together once it ends:
   * (lo, hi) hash pairs and positions.
   */
  private pendingWords: Int32Array;
  private pendingGrams: Int32Array;
  private pending = 0;
  private rollHi = 0;
  private rollLo = 0;
  /** Code units consumed so far. */
  private consumed = 0;
  /** The selected k-gram (NONE before the first) and its sign-flipped hash. */
  private selected = NONE;
  private selHi = 0;
  private selLo = 0;
  /** The last k-gram reported, or -1. */
  private reported = -1;

  constructor(opts: WinnowOptions) {
    this.k = checkInt('k', opts.k ?? WINNOW_K, 1, 64);
    this.w = checkInt('w', opts.w ?? WINNOW_W, 1, 1 << 20);
    this.sip = new SipHash(opts.key);
    this.kernel = this.w <= KERNEL_MAX_W ? kernel : null;
    // The kernel rotates the leaving unit's table word itself.
    const tables = this.kernel ? { hi: TABLE_HI, lo: TABLE_LO } : rotated(this.k);
    this.outHi = tables.hi;
    this.outLo = tables.lo;
    this.history = new Int32Array(this.kernel ? 2 * (this.w - 1) : 0);
    this.units = new Uint16Array(this.k);
    this.unitBytes = Buffer.from(this.units.buffer);
    this.gramHi = new Int32Array(this.w - 1);
    this.gramLo = new Int32Array(this.w - 1);
    this.pendingWords = new Int32Array(0);
    this.pendingGrams = new Int32Array(0);
    // The hash of k zero units: removing those zeros one by one as real units
    // arrive leaves, from the k-th unit on, exactly the hash of the real k-gram.
    for (let i = 0; i < this.k; i++) {
      const carry = this.rollHi >>> 31;
      this.rollHi = (this.rollHi << 1) | (this.rollLo >>> 31);
      this.rollLo = (this.rollLo << 1) | carry;
      this.rollHi ^= TABLE_HI[0]!;
      this.rollLo ^= TABLE_LO[0]!;
    }
  }

  /** Consumes the next piece of normalized text and reports fingerprints selected so far. */
  push(normalizedChunk: string, onFingerprint: FingerprintSink): void {
    const length = normalizedChunk.length;
    const { kernel } = this;
    if (kernel) {
      for (let from = 0; from < length; from += BLOCK) {
        const n = Math.min(BLOCK, length - from);
        kernel.unitBytes.write(normalizedChunk.slice(from, from + n), 2 * this.k, 2 * n, 'utf16le');
        this.kernelBlock(kernel, n, onFingerprint);
      }
      this.wipeKernel(kernel, Math.min(BLOCK, length));
      return;
    }
    for (let from = 0; from < length; from += BLOCK) {
      const n = Math.min(BLOCK, length - from);
      this.reserve(n);
      this.unitBytes.write(normalizedChunk.slice(from, from + n), 2 * this.k, 2 * n, 'utf16le');
      this.block(n, onFingerprint);
    }
    // The block area outlives the call; leaked text must not linger in it.
    this.units.fill(0, this.k);
  }

  /** Like `push`, for normalized text given as code units `units[0..length)` (see `TextNormalizer.pushUnits`). */
  pushUnits(units: Uint16Array, length: number, onFingerprint: FingerprintSink): void {
    const { kernel } = this;
    if (kernel) {
      for (let from = 0; from < length; from += BLOCK) {
        const n = Math.min(BLOCK, length - from);
        kernel.units.set(units.subarray(from, from + n), this.k);
        this.kernelBlock(kernel, n, onFingerprint);
      }
      this.wipeKernel(kernel, Math.min(BLOCK, length));
      return;
    }
    for (let from = 0; from < length; from += BLOCK) {
      const n = Math.min(BLOCK, length - from);
      this.reserve(n);
      this.units.set(units.subarray(from, from + n), this.k);
      this.block(n, onFingerprint);
    }
    this.units.fill(0, this.k);
  }

  /**
   * Ends the stream. A text with at least one k-gram but fewer than w never
   * fills a window; it still gets its minimum k-gram as one fingerprint.
   */
  end(onFingerprint: FingerprintSink): void {
    if (this.reported >= 0 || this.selected === NONE) return;
    const keyed = new Int32Array(2);
    this.sip.hash64Into(this.selHi ^ SIGN, this.selLo ^ SIGN, keyed);
    this.reported = this.selected;
    onFingerprint(keyed[0]! >>> 0, keyed[1]! >>> 0, this.selected);
  }

  /** Grows the work arrays so that a block of n units fits, keeping the history in front. */
  private reserve(n: number): void {
    if (n <= this.capacity) return;
    const { k, w } = this;
    const capacity = Math.min(BLOCK, Math.max(n, 2 * this.capacity));
    const units = new Uint16Array(k + capacity);
    units.set(this.units.subarray(0, k));
    this.units.fill(0);
    this.units = units;
    this.unitBytes = Buffer.from(units.buffer);
    const gramHi = new Int32Array(w - 1 + capacity);
    const gramLo = new Int32Array(w - 1 + capacity);
    gramHi.set(this.gramHi.subarray(0, w - 1));
    gramLo.set(this.gramLo.subarray(0, w - 1));
    this.gramHi = gramHi;
    this.gramLo = gramLo;
    this.pendingWords = new Int32Array(2 * capacity);
    this.pendingGrams = new Int32Array(capacity);
    this.capacity = capacity;
  }

  /** Hashes and winnows the n units after the first k of `units`, then shifts the last k to the front. */
  private block(n: number, onFingerprint: FingerprintSink): void {
    const { k, w, units, gramHi, gramLo, outHi, outLo } = this;
    const inHi = TABLE_HI;
    const inLo = TABLE_LO;
    // Hashing first and selecting in a second pass keeps both loops small
    // enough for V8 to keep their state in registers (about a third faster).
    // gram(j) is the k-gram completed by units[k + j]; it sits at gramHi[w - 1 + j].
    let rollHi = this.rollHi;
    let rollLo = this.rollLo;
    for (let j = 0; j < n; j++) {
      const leaving = units[j]!;
      const entering = units[j + k]!;
      // Cyclic polynomial: rotate by one, drop the leaving unit (rotated by k), add the new one.
      const carry = rollHi >>> 31;
      rollHi = ((rollHi << 1) | (rollLo >>> 31)) ^ outHi[leaving]! ^ inHi[entering]!;
      rollLo = ((rollLo << 1) | carry) ^ outLo[leaving]! ^ inLo[entering]!;
      gramHi[w - 1 + j] = rollHi ^ SIGN;
      gramLo[w - 1 + j] = rollLo ^ SIGN;
    }
    this.rollHi = rollHi;
    this.rollLo = rollLo;

    // Before the stream has k units the hashes are not k-grams yet: skip them.
    const firstGram = this.consumed - k + 1;
    const from = Math.max(0, -firstGram);
    // The first full window reports its selection even if that did not change there.
    const firstWindow = w - 1 - firstGram;
    this.pending = 0;
    if (firstWindow >= from && firstWindow < n) {
      this.select(firstGram, from, firstWindow + 1);
      if (this.selected !== this.reported) this.pend();
      this.select(firstGram, firstWindow + 1, n);
    } else {
      this.select(firstGram, from, n);
    }
    this.consumed += n;
    units.copyWithin(0, n, n + k);
    gramHi.copyWithin(0, n, n + w - 1);
    gramLo.copyWithin(0, n, n + w - 1);

    // Keys the block's selections together (a batch is several times faster than one call each).
    const { pendingWords, pendingGrams, pending } = this;
    this.sip.hash64Batch(pendingWords, pending);
    for (let i = 0; i < pending; i++) {
      onFingerprint(pendingWords[2 * i + 1]! >>> 0, pendingWords[2 * i]! >>> 0, pendingGrams[i]!);
    }
  }

  /**
   * The kernel's memory outlives every winnower: neither leaked text nor its
   * unkeyed k-gram hashes may linger in it. `n` is the largest block of the call.
   */
  private wipeKernel(kernel: WinnowKernel, n: number): void {
    kernel.units.fill(0, 0, this.k + n);
    kernel.words.fill(0, GRAMS >> 2, (GRAMS >> 2) + 2 * (this.w - 1 + n));
    kernel.words.fill(0, OUT_HASH >> 2, (OUT_HASH >> 2) + 2 * n);
    kernel.words.fill(0, STATE >> 2, ROTATED >> 2);
  }

  /**
   * `block` by the kernel, for the n units at UNITS + 2k: the carried units,
   * hashes and selection go in, the kernel's selections come out for keying.
   */
  private kernelBlock(kernel: WinnowKernel, n: number, onFingerprint: FingerprintSink): void {
    const { k, w, history } = this;
    const { words, units } = kernel;
    const firstGram = this.consumed - k + 1;
    units.set(this.units);
    words.set(history, GRAMS >> 2);
    words[STATE_ROLL >> 2] = this.rollLo;
    words[(STATE_ROLL >> 2) + 1] = this.rollHi;
    words[STATE_SEL >> 2] = this.selLo ^ SIGN;
    words[(STATE_SEL >> 2) + 1] = this.selHi ^ SIGN;
    // Relative k-gram numbers fit in int32: the selected one (or NONE before any)
    // lies within a window of the block, and `reported` only matters while the
    // first full window is still ahead, i.e. near the stream's start.
    words[STATE_SEL_GRAM >> 2] = this.selected - firstGram;
    const reported = firstGram <= w ? this.reported - firstGram : 0;
    rotateKernelTable(kernel, k);
    const pending = kernel.winnow(n, k, w, Math.min(firstGram, w), reported);
    this.rollLo = words[STATE_ROLL >> 2]!;
    this.rollHi = words[(STATE_ROLL >> 2) + 1]!;
    this.selLo = words[STATE_SEL >> 2]! ^ SIGN;
    this.selHi = words[(STATE_SEL >> 2) + 1]! ^ SIGN;
    this.selected = firstGram + words[STATE_SEL_GRAM >> 2]!;
    this.units.set(units.subarray(n, n + k));
    history.set(words.subarray((GRAMS >> 2) + 2 * n, (GRAMS >> 2) + 2 * (n + w - 1)));
    this.consumed += n;
    if (pending === 0) return;

    if (this.pendingGrams.length < pending) {
      this.pendingWords = new Int32Array(2 * BLOCK);
      this.pendingGrams = new Int32Array(BLOCK);
    }
    // Copied out before any sink runs: a sink may drive another winnower through the kernel.
    const { pendingWords, pendingGrams } = this;
    pendingWords.set(words.subarray(OUT_HASH >> 2, (OUT_HASH >> 2) + 2 * pending));
    pendingGrams.set(words.subarray(OUT_GRAM >> 2, (OUT_GRAM >> 2) + pending));
    this.sip.hash64Batch(pendingWords, pending);
    this.reported = firstGram + pendingGrams[pending - 1]!;
    for (let i = 0; i < pending; i++) {
      onFingerprint(pendingWords[2 * i + 1]! >>> 0, pendingWords[2 * i]! >>> 0, firstGram + pendingGrams[i]!);
    }
  }

  /**
   * Robust winnowing over the hashed k-grams at block offsets [from, to), the
   * block's first being k-gram number `firstGram`: a new hash below the selected
   * one is selected at once; when the selected one leaves the window, the
   * rightmost minimum of the window is. Changes from the first full window on
   * are queued for keying.
   */
  private select(firstGram: number, from: number, to: number): void {
    const { w, gramHi, gramLo } = this;
    let { selected, selHi, selLo } = this;
    // The first k-gram at which the selected one has left the window.
    let expiry = selected + w;
    for (let j = from; j < to; j++) {
      const gram = firstGram + j;
      const at = w - 1 + j;
      const hi = gramHi[at]!;
      // Almost every k-gram is above the selected one (ties on hi are resolved below).
      if (hi > selHi && gram < expiry) continue;
      if (gram >= expiry) {
        // Rightmost minimum of the window (or of the k-grams so far): scan left to right with <=.
        let i = at - Math.min(w, gram + 1) + 1;
        let best = i;
        let bestHi = gramHi[i]!;
        let bestLo = gramLo[i]!;
        for (i++; i <= at; i++) {
          const h = gramHi[i]!;
          if (h < bestHi || (h === bestHi && gramLo[i]! <= bestLo)) {
            best = i;
            bestHi = h;
            bestLo = gramLo[i]!;
          }
        }
        selected = gram - (at - best);
        selHi = bestHi;
        selLo = bestLo;
      } else {
        const lo = gramLo[at]!;
        if (hi === selHi && lo >= selLo) continue;
        selected = gram;
        selHi = hi;
        selLo = lo;
      }
      expiry = selected + w;
      if (gram >= w - 1) {
        this.selected = selected;
        this.selHi = selHi;
        this.selLo = selLo;
        this.pend();
      }
    }
    this.selected = selected;
    this.selHi = selHi;
    this.selLo = selLo;
  }

  /** Queues the selected k-gram for keying and reporting. */
  private pend(): void {
    const p = this.pending++;
    this.pendingWords[2 * p] = this.selLo ^ SIGN;
    this.pendingWords[2 * p + 1] = this.selHi ^ SIGN;
    this.pendingGrams[p] = this.selected;
    this.reported = this.selected;
  }
}

/** Normalizes and winnows a whole string; fingerprints in stream order. */
export function winnowText(text: string, key: Uint8Array, opts: { k?: number; w?: number } = {}): Fingerprint[] {
  const found: Fingerprint[] = [];
  const winnower = new Winnower({ key, ...opts });
  const sink: FingerprintSink = (hi, lo, pos) => {
    found.push({ hi, lo, pos });
  };
  winnower.push(normalizeText(text), sink);
  winnower.end(sink);
  return found;
}
