/**
 * The phone pattern (phone.ts) as a WebAssembly loop over a copy of the
 * text's UTF-16 code units. In a leaked table the regex tried its lookbehind
 * at every position and took about 78 ms per 50 MB CSV dump in a CPU profile
 * (docs/performance.md).
 *
 * The loop makes the regex's own choices, in its order: a match starts at
 * '+', '00', '(' or '0' after an accepted left guard; the prefix alternatives
 * are tried in the pattern's order, the calling code with three digits, then
 * two, then one; the body `\d(?:[ -]?\d){4,13}` takes as many groups as it can,
 * then gives them back one by one until the right guards accept. Every
 * optional separator or "(0)" that is present must be taken: leaving it out
 * puts a non-digit where a digit must follow, so those choices never match.
 *
 * Everything is decided on ASCII and on the dashes, which are no letters or
 * digits. Where a guard's question is about another character outside ASCII
 * (is it a letter or digit, `\p{L}`, `\p{N}`?), the loop stops at that start
 * and the caller asks the regex about it.
 */
import { I32, kernelCompiles, memarg, op, simd, sleb32, V128, VOID, type KernelSpec } from '../wasm-assembler.js';
import { TRUNK_ZERO, trunkCode } from './phone-trunk.js';
import { CLASS_TABLE_BYTES, lazySearchKernel, wordAfterUnits } from './search-kernel.js';

/** The trunk-zero calling codes, as phone.ts's trunkAfterCode tries them. */
const TRUNK_CODES = Object.values(TRUNK_ZERO);

/** Class bits of a code unit (the table at CLASS). */
const DIGIT = 1; // [0-9]
const SEP = 2; // the body's separators: space and the dashes
const WORD = 4; // [A-Za-z0-9_]
const LEFT_OUT = 8; // refused right before a start: WORD and [+.@]
const NUM_SEP = 16; // [-./] and the dashes: refused between a digit and a start, and between an end and a digit
const START = 32; // [+(0]
const UNDECIDED = 64; // outside ASCII and no dash: a letter or digit? (the caller asks the regex)
const LETTER = 128; // [A-Za-z]

/** Dashes the pattern takes as '-' (lexical.ts DASH_CLASS). */
const DASHES = [0x2d, 0x2010, 0x2011, 0x2012, 0x2013, 0x2014, 0x2015, 0x2212];

export function phoneClassTable(): Uint8Array {
  const t = new Uint8Array(CLASS_TABLE_BYTES);
  for (let c = 0x80; c < 0x10000; c++) t[c] = UNDECIDED;
  for (let c = 0x30; c <= 0x39; c++) t[c] = DIGIT | WORD | LEFT_OUT;
  for (let c = 0x41; c <= 0x5a; c++) t[c] = WORD | LEFT_OUT | LETTER;
  for (let c = 0x61; c <= 0x7a; c++) t[c] = WORD | LEFT_OUT | LETTER;
  t[0x5f] = WORD | LEFT_OUT;
  for (const c of [0x2b, 0x2e, 0x40]) t[c]! |= LEFT_OUT;
  for (const c of DASHES) t[c] = SEP | NUM_SEP;
  t[0x20] = SEP;
  t[0x2e]! |= NUM_SEP;
  t[0x2f]! |= NUM_SEP;
  for (const c of [0x2b, 0x28, 0x30]) t[c]! |= START;
  return t;
}

/**
 * Byte layout: the class table; the stop slot; the body's group ends (14
 * words); four zero units, the text, four zero units; the output. A zero unit
 * belongs to no class, as the region's edges do for the pattern: reads up to
 * two units before the text and three after it see the edge.
 */
const CLASS = 0;
const STOP = CLASS_TABLE_BYTES;
const ENDS = STOP + 4;
const TEXT = ENDS + 4 * 14 + 8;
/** For tests that run the loop on its own. */
export const PHONE_STOP_BYTE = STOP;
export const PHONE_TEXT_BYTE = TEXT;

/**
 * `phone(n, from, out, spans, keys, ccWord, ccLength)`: the matches in code
 * units [0, n) at TEXT from unit `from` on, as (start, end) i32 pairs from
 * byte `out` on; returns how many. STOP holds -1 when the text is done, else
 * the start the loop stopped at, undecided (see the module comment).
 *
 * With `keys` nonzero, each match's scan key (the bytes phone.ts's
 * `scanKeyBytes` writes, see `keyCode`) goes to the bytes from `keys` on, and
 * its (byte address, length) as an i32 pair to byte `spans` + 8 times its
 * number; length -1 where `scanKeyBytes` declines. `ccWord` is '+' and the
 * region's trunk-zero calling code as bytes (little-endian), `ccLength` that
 * code's length; 0 for a region without one.
 */
export function phoneKernelSpec(vector: boolean): KernelSpec {
  const [N, FROM, OUT, SPANS, KEYS, CC_WORD, CC_LENGTH] = [0, 1, 2, 3, 4, 5, 6] as const;
  const [S, C, Q, P0, D, K, G, R, E, T, COUNT] = [7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17] as const;
  // The scan key's locals: where the next key goes, where its digits start and end, a unit index, the write index.
  const [KP, D0, DP, J, O] = [18, 19, 20, 21, 22] as const;
  // Vector locals: eight units, eight of each starting unit, eight tens.
  const [V, VZERO, VPLUS, VOPEN, VTEN] = [23, 24, 25, 26, 27] as const;
  const get = (local: number): number[] => [op.localGet, local];
  const set = (local: number): number[] => [op.localSet, local];
  const i32 = (n: number): number[] => [op.i32Const, ...sleb32(n)];
  const add = (local: number, n: number): number[] => [...get(local), ...i32(n), op.i32Add, ...set(local)];
  /** The code unit at index `local` + `plus` (the zero padding outside the text). */
  const unitAt = (local: number, plus: number): number[] =>
    plus >= 0
      ? [...get(local), ...(plus === 0 ? [] : [...i32(plus), op.i32Add]), ...i32(1), op.i32Shl, op.i32Load16U, ...memarg(1, TEXT)]
      : // A memarg offset cannot be negative, and the index's address must not wrap below zero.
        [...get(local), ...i32(1), op.i32Shl, ...i32(TEXT + 2 * plus), op.i32Add, op.i32Load16U, ...memarg(1, 0)];
  /** The class bits of the unit at `local` + `plus`. */
  const classAt = (local: number, plus: number): number[] => [...unitAt(local, plus), op.i32Load8U, ...memarg(0, CLASS)];
  /** Nonzero when the unit at `local` + `plus` has `bit`. */
  const is = (local: number, plus: number, bit: number): number[] => [...classAt(local, plus), ...i32(bit), op.i32And];
  /** Q += 1 when the unit at Q is a separator. */
  const skipSep = [...is(Q, 0, SEP), op.if, VOID, ...add(Q, 1), op.end];
  /**
   * The body from Q and the right guards: R = its end, or -1 when a guard is
   * undecided; R stays 0 when the body does not match.
   */
  const body = [
    op.block, VOID, // body
    ...is(Q, 0, DIGIT), op.i32Eqz, op.brIf, 0,
    ...get(Q), ...i32(1), op.i32Add, ...set(G),
    ...i32(0), ...set(K),
    // As many groups as there are, up to 13; ENDS[k] = the end after k groups.
    op.block, VOID, op.loop, VOID,
    ...get(K), ...i32(13), op.i32GeS, op.brIf, 1,
    ...is(G, 0, SEP), op.if, VOID,
    ...is(G, 1, DIGIT), op.i32Eqz, op.brIf, 2,
    ...add(G, 2),
    op.else,
    ...is(G, 0, DIGIT), op.i32Eqz, op.brIf, 2,
    ...add(G, 1),
    op.end,
    ...add(K, 1),
    ...get(K), ...i32(2), op.i32Shl, ...get(G), op.i32Store, ...memarg(2, ENDS),
    op.br, 0,
    op.end, op.end,
    // Groups given back one by one, down to 4, until the right guards accept the end.
    op.block, VOID, op.loop, VOID,
    ...get(K), ...i32(4), op.i32LtS, op.brIf, 1,
    ...get(K), ...i32(2), op.i32Shl, op.i32Load, ...memarg(2, ENDS), ...set(E),
    // T: 0 accepted, 1 refused, 2 undecided.
    ...i32(0), ...set(T),
    op.block, VOID, // guards
    ...classAt(E, 0), ...set(C),
    ...get(C), ...i32(WORD), op.i32And, op.if, VOID, ...i32(1), ...set(T), op.br, 1, op.end,
    ...get(C), ...i32(UNDECIDED), op.i32And, op.if, VOID, ...i32(2), ...set(T), op.br, 1, op.end,
    // [-./] or a dash, then a digit: refused; '.' or '@', then a letter: refused.
    ...get(C), ...i32(NUM_SEP), op.i32And, ...unitAt(E, 0), ...i32(0x40), op.i32Eq, op.i32Or, op.if, VOID,
    ...classAt(E, 1), ...set(C),
    ...get(C), ...i32(UNDECIDED), op.i32And, op.if, VOID, ...i32(2), ...set(T), op.br, 2, op.end,
    ...get(C), ...i32(DIGIT), op.i32And, ...unitAt(E, 0), ...i32(0x40), op.i32Ne, op.i32And, op.if, VOID, ...i32(1), ...set(T), op.br, 2, op.end,
    ...get(C), ...i32(LETTER), op.i32And, ...i32(0), op.i32Ne, ...unitAt(E, 0), ...i32(0x2e), op.i32Eq, ...unitAt(E, 0), ...i32(0x40), op.i32Eq, op.i32Or, op.i32And, op.if, VOID, ...i32(1), ...set(T), op.br, 2, op.end,
    op.end,
    op.end, // guards
    ...get(T), op.i32Eqz, op.if, VOID, ...get(E), ...set(R), op.br, 3, op.end,
    ...get(T), ...i32(2), op.i32Eq, op.if, VOID, ...i32(-1), ...set(R), op.br, 3, op.end,
    ...add(K, -1),
    op.br, 0,
    op.end, op.end,
    op.end, // body
  ];
  /** '+' or '00' at S, the prefix's digits from P0: three, two, then one of them as the calling code. */
  const international = [
    ...i32(0), ...set(D),
    op.block, VOID, op.loop, VOID,
    ...get(D), ...i32(3), op.i32GeS, op.brIf, 1,
    ...get(P0), ...get(D), op.i32Add, ...set(Q),
    ...is(Q, 0, DIGIT), op.i32Eqz, op.brIf, 1,
    ...add(D, 1),
    op.br, 0,
    op.end, op.end,
    op.block, VOID, op.loop, VOID,
    ...get(D), op.i32Eqz, op.brIf, 1,
    ...get(P0), ...get(D), op.i32Add, ...set(Q),
    ...skipSep,
    ...unitAt(Q, 0), ...i32(0x28), op.i32Eq, ...unitAt(Q, 1), ...i32(0x30), op.i32Eq, op.i32And, ...unitAt(Q, 2), ...i32(0x29), op.i32Eq, op.i32And,
    op.if, VOID, ...add(Q, 3), ...skipSep, op.end,
    ...body,
    ...get(R), op.brIf, 1,
    ...add(D, -1),
    op.br, 0,
    op.end, op.end,
  ];
  /** '(' at S: one to five digits, ')'. */
  const area = [
    ...i32(0), ...set(D),
    op.block, VOID, op.loop, VOID,
    ...get(D), ...i32(6), op.i32GeS, op.brIf, 1,
    ...get(S), ...get(D), op.i32Add, ...i32(1), op.i32Add, ...set(Q),
    ...is(Q, 0, DIGIT), op.i32Eqz, op.brIf, 1,
    ...add(D, 1),
    op.br, 0,
    op.end, op.end,
    op.block, VOID,
    ...get(D), op.i32Eqz, ...get(D), ...i32(5), op.i32GtS, op.i32Or, op.brIf, 0,
    ...unitAt(Q, 0), ...i32(0x29), op.i32Ne, op.brIf, 0,
    ...add(Q, 1),
    ...skipSep,
    ...body,
    op.end,
  ];
  /**
   * Eight units at a time past units that cannot start a match (a '+', '('
   * or '0' after a digit cannot: the left guard refuses it), then to the first
   * that can (C = their lanes' bits).
   */
  const skip = [
    op.block, VOID, op.loop, VOID,
    ...get(S), ...i32(8), op.i32Add, ...get(N), op.i32GtS, op.brIf, 1,
    ...get(S), ...i32(1), op.i32Shl, ...simd.v128Load, ...memarg(0, TEXT), ...set(V),
    ...get(V), ...get(VZERO), ...simd.i16x8Eq, ...get(V), ...get(VPLUS), ...simd.i16x8Eq, ...simd.v128Or, ...get(V), ...get(VOPEN), ...simd.i16x8Eq, ...simd.v128Or,
    // The units before them (the one before the text is a zero pad unit).
    ...get(S), ...i32(1), op.i32Shl, ...i32(TEXT - 2), op.i32Add, ...simd.v128Load, ...memarg(0, 0),
    ...get(VZERO), ...simd.i16x8Sub, ...get(VTEN), ...simd.i16x8LtU,
    ...simd.v128AndNot,
    ...simd.i16x8Bitmask, ...set(C),
    ...get(C), op.if, VOID,
    ...get(S), ...get(C), op.i32Ctz, op.i32Add, ...set(S),
    op.br, 2,
    op.end,
    ...add(S, 8),
    op.br, 0,
    op.end, op.end,
  ];
  /** The byte at address `local` + `plus`. */
  const byteAt = (local: number, plus: number): number[] => [...get(local), op.i32Load8U, ...memarg(0, plus)];
  /** T = 1 when the digits [from, DP) start with a TRUNK_ZERO calling code and a '0' (phone.ts trunkAfterCode), else 0. */
  const trunkAfter = (from: number, plus: number): number[] => [
    ...i32(0), ...set(T),
    ...TRUNK_CODES.flatMap((cc) => [
      op.block, VOID,
      ...get(DP), ...get(from), op.i32Sub, ...i32(plus + cc.length + 1), op.i32LtS, op.brIf, 0,
      ...[...cc].flatMap((ch, k) => [...byteAt(from, plus + k), ...i32(ch.charCodeAt(0)), op.i32Ne, op.brIf, 0]),
      ...byteAt(from, plus + cc.length), ...i32(0x30), op.i32Ne, op.brIf, 0,
      ...i32(1), ...set(T),
      op.end,
    ]),
  ];
  /**
   * The scan key of the match [S, R) at KP, as phone.ts's `scanKeyBytes`
   * writes it: its digits (separators dropped; any other unit but a leading
   * '+' declines) first go to KP + 4 on, then '+' and the calling code in front
   * of the digits kept, moved left into place. Its span goes to SPANS.
   */
  const keyCode = [
    ...get(COUNT), ...i32(3), op.i32Shl, ...get(SPANS), op.i32Add, ...i32(-1), op.i32Store, ...memarg(2, 4),
    op.block, VOID, // declined
    ...get(R), ...get(S), op.i32Sub, ...i32(40), op.i32GtS, op.brIf, 0,
    ...get(KP), ...i32(4), op.i32Add, op.localTee, D0, ...set(DP),
    ...get(S), ...unitAt(S, 0), ...i32(0x2b), op.i32Eq, op.i32Add, ...set(J),
    op.block, VOID, op.loop, VOID,
    ...get(J), ...get(R), op.i32GeS, op.brIf, 1,
    ...unitAt(J, 0), ...set(C),
    ...get(C), ...i32(0x30), op.i32Sub, ...i32(10), op.i32LtU, op.if, VOID,
    ...get(DP), ...get(C), op.i32Store8, ...memarg(0, 0),
    ...add(DP, 1),
    op.else,
    ...classAt(J, 0), ...i32(SEP), op.i32And, op.i32Eqz, op.brIf, 3,
    op.end,
    ...add(J, 1),
    op.br, 0,
    op.end, op.end,
    op.block, VOID, // prefixed: Q = the first digit kept, O = where it goes
    ...unitAt(S, 0), ...i32(0x2b), op.i32Eq, op.if, VOID,
    ...get(DP), ...get(D0), op.i32Eq, op.brIf, 2,
    ...byteAt(D0, 0), ...i32(0x30), op.i32Eq, op.brIf, 2,
    ...trunkAfter(D0, 0), ...get(T), op.brIf, 2,
    ...get(D0), ...set(Q),
    ...get(KP), ...i32(0x2b), op.i32Store8, ...memarg(0, 0),
    ...get(KP), ...i32(1), op.i32Add, ...set(O),
    op.br, 1,
    op.end,
    // '00' and a region with trunk-zero rules: the international prefix.
    ...unitAt(S, 0), ...i32(0x30), op.i32Eq, ...get(R), ...get(S), op.i32Sub, ...i32(1), op.i32GtS, op.i32And, ...unitAt(S, 1), ...i32(0x30), op.i32Eq, op.i32And, ...get(CC_LENGTH), ...i32(0), op.i32Ne, op.i32And,
    op.if, VOID,
    ...trunkAfter(D0, 2), ...get(T), op.brIf, 2,
    ...get(D0), ...i32(2), op.i32Add, ...set(Q),
    ...get(KP), ...i32(0x2b), op.i32Store8, ...memarg(0, 0),
    ...get(KP), ...i32(1), op.i32Add, ...set(O),
    op.br, 1,
    op.end,
    // A national number: the region's code for its trunk '0'.
    ...get(CC_LENGTH), op.i32Eqz, op.brIf, 1,
    ...get(DP), ...get(D0), op.i32Eq, op.brIf, 1,
    ...byteAt(D0, 0), ...i32(0x30), op.i32Ne, op.brIf, 1,
    ...get(DP), ...get(D0), op.i32Sub, ...i32(2), op.i32GeS, ...byteAt(D0, 1), ...i32(0x30), op.i32Eq, op.i32And, op.brIf, 1,
    ...get(D0), ...i32(1), op.i32Add, ...set(Q),
    ...get(KP), ...get(CC_WORD), op.i32Store, ...memarg(0, 0),
    ...get(KP), ...i32(1), op.i32Add, ...get(CC_LENGTH), op.i32Add, ...set(O),
    op.end, // prefixed
    // The digits move left into place (O never passes Q: '+' and a code take at most four bytes).
    op.block, VOID, op.loop, VOID,
    ...get(Q), ...get(DP), op.i32GeS, op.brIf, 1,
    ...get(O), ...byteAt(Q, 0), op.i32Store8, ...memarg(0, 0),
    ...add(O, 1),
    ...add(Q, 1),
    op.br, 0,
    op.end, op.end,
    ...get(COUNT), ...i32(3), op.i32Shl, ...get(SPANS), op.i32Add, ...get(KP), op.i32Store, ...memarg(2, 0),
    ...get(COUNT), ...i32(3), op.i32Shl, ...get(SPANS), op.i32Add, ...get(O), ...get(KP), op.i32Sub, op.i32Store, ...memarg(2, 4),
    ...get(DP), ...set(KP),
    op.end, // declined
  ];
  const code = [
    ...(vector ? [...i32(0x30), ...simd.i16x8Splat, ...set(VZERO), ...i32(0x2b), ...simd.i16x8Splat, ...set(VPLUS), ...i32(0x28), ...simd.i16x8Splat, ...set(VOPEN), ...i32(10), ...simd.i16x8Splat, ...set(VTEN)] : []),
    ...get(FROM), ...set(S),
    ...get(KEYS), ...set(KP),
    op.block, VOID, // done
    op.loop, VOID, // scan
    ...(vector ? skip : []),
    ...get(S), ...get(N), op.i32GeS, op.brIf, 1,
    op.block, VOID, // next: no match at S
    ...is(S, 0, START), op.i32Eqz, op.brIf, 0,
    // The left guard.
    ...classAt(S, -1), ...set(C),
    ...get(C), ...i32(LEFT_OUT), op.i32And, op.brIf, 0,
    ...get(C), ...i32(UNDECIDED), op.i32And, op.if, VOID,
    ...i32(0), ...get(S), op.i32Store, ...memarg(2, STOP), ...get(COUNT), op.return,
    op.end,
    ...get(C), ...i32(NUM_SEP), op.i32And, op.if, VOID,
    ...classAt(S, -2), ...set(C),
    ...get(C), ...i32(DIGIT), op.i32And, op.brIf, 1,
    ...get(C), ...i32(UNDECIDED), op.i32And, op.if, VOID,
    ...i32(0), ...get(S), op.i32Store, ...memarg(2, STOP), ...get(COUNT), op.return,
    op.end,
    op.end,
    // The prefix's alternatives in the pattern's order, each with the body after it.
    ...i32(0), ...set(R),
    op.block, VOID, // tried
    ...unitAt(S, 0), ...set(C),
    ...get(C), ...i32(0x2b), op.i32Eq, op.if, VOID,
    ...get(S), ...i32(1), op.i32Add, ...set(P0),
    ...international,
    op.br, 1,
    op.end,
    ...get(C), ...i32(0x28), op.i32Eq, op.if, VOID,
    ...area,
    op.br, 1,
    op.end,
    // '0': first as '00' and a calling code, then as a trunk '0'.
    ...unitAt(S, 1), ...i32(0x30), op.i32Eq, op.if, VOID,
    ...get(S), ...i32(2), op.i32Add, ...set(P0),
    ...international,
    ...get(R), op.brIf, 1,
    op.end,
    ...get(S), ...i32(1), op.i32Add, ...set(Q),
    ...body,
    op.end, // tried
    ...get(R), op.i32Eqz, op.brIf, 0,
    ...get(R), ...i32(0), op.i32LtS, op.if, VOID,
    ...i32(0), ...get(S), op.i32Store, ...memarg(2, STOP), ...get(COUNT), op.return,
    op.end,
    ...get(COUNT), ...i32(3), op.i32Shl, ...get(OUT), op.i32Add, ...get(S), op.i32Store, ...memarg(2, 0),
    ...get(COUNT), ...i32(3), op.i32Shl, ...get(OUT), op.i32Add, ...get(R), op.i32Store, ...memarg(2, 4),
    ...get(KEYS), op.if, VOID, ...keyCode, op.end,
    ...add(COUNT, 1),
    ...get(R), ...set(S),
    op.br, 1, // scan
    op.end, // next
    ...add(S, 1),
    op.br, 0,
    op.end, // scan
    op.end, // done
    ...i32(0), ...i32(-1), op.i32Store, ...memarg(2, STOP),
    ...get(COUNT),
  ];
  const locals: KernelSpec['locals'] = vector ? [[16, I32], [5, V128]] : [[16, I32]];
  return { fn: 'phone', params: [I32, I32, I32, I32, I32, I32, I32], results: [I32], locals, body: code, pages: 2 };
}

/** The loop that skips eight units at a time where the engine has SIMD, else the one that looks at each. */
const phoneKernel = lazySearchKernel<(n: number, from: number, out: number, spans: number, keys: number, ccWord: number, ccLength: number) => number>(
  () => (kernelCompiles(phoneKernelSpec(true)) ? phoneKernelSpec(true) : phoneKernelSpec(false)),
  phoneClassTable,
);

/**
 * Undecided starts the kernel may leave before it checks how often: after
 * more than this many, and more than one per STOPS_UNITS units, the caller
 * searches the rest with the regex. Each costs a return from the kernel and a
 * sticky regex: text made of them ('ä0' repeated) took 14 times as long
 * through the kernel as through the regex (scratch timing, 5 MB).
 */
const STOPS_FREE = 64;
const STOPS_UNITS = 256;

/**
 * Where phoneKernelFind passes matches with their scan keys: `count` matches
 * as (start, end) pairs in `pairs`, offsets from `base` into the text, and
 * match j's key as keys[spans[2j], spans[2j] + spans[2j + 1]). Valid only
 * during the call.
 */
export type PhoneKeyedMatches = (pairs: Int32Array, count: number, base: number, keys: Uint8Array, spans: Int32Array) => void;

/**
 * The pattern's matches in text[lo, hi) by the kernel, as offsets into
 * `text`, passed to `onMatch` in order; a start the kernel leaves undecided
 * goes to `decide(start)`, which returns the end of the pattern's match
 * there, or -1 for none, and the kernel goes on after it. With `onKeyed`,
 * matches whose scan key the kernel wrote (under `region`'s trunk rules) go
 * there instead, runs of them at a time, in order with the others. Returns -1
 * when the region is done; the offset from which the caller must search the
 * rest itself when the kernel met too many undecided starts; null (and
 * nothing passed) when the kernel cannot take the region.
 */
export function phoneKernelFind(
  text: string,
  lo: number,
  hi: number,
  onMatch: (start: number, end: number) => void,
  decide: (start: number) => number,
  onKeyed?: PhoneKeyedMatches,
  region?: string,
): number | null {
  const k = phoneKernel();
  if (k === null) return null;
  const n = hi - lo;
  // A match takes at least six units ('0' and five digits): room for that many pairs and spans,
  // and for their keys (at most four bytes more than the units of each).
  const most = Math.floor(n / 6) + 1;
  const out = wordAfterUnits(TEXT, n) + 8;
  const spans = out + 8 * most;
  const keys = onKeyed === undefined ? 0 : spans + 8 * most;
  const end = keys === 0 ? spans : keys + n + 4 * most + 8;
  const cc = onKeyed === undefined ? null : trunkCode(region);
  let ccWord = 0;
  if (cc !== null) for (let i = 0; i < 4; i++) ccWord |= (i === 0 ? 0x2b : i <= cc.length ? cc.charCodeAt(i - 1) : 0) << (8 * i);
  let rest = -1;
  const done = k.withText(text, lo, hi, TEXT, STOP, end, () => {
    let from = 0;
    let stops = 0;
    // How far the outputs reached over all calls: pairs and spans, and the keys (each at most four bytes more than its match).
    let written = 0;
    let keysEnd = keys;
    for (;;) {
      const count = k.fn(n, from, out, spans, keys, ccWord, cc?.length ?? 0);
      const found = new Int32Array(k.memory, out, 2 * count);
      if (count > written) written = count;
      if (keys !== 0) {
        let reach = keys;
        for (let j = 0; j < count; j++) reach += 4 + found[2 * j + 1]! - found[2 * j]!;
        if (reach > keysEnd) keysEnd = reach;
      }
      if (onKeyed === undefined) {
        for (let j = 0; j < count; j++) onMatch(lo + found[2 * j]!, lo + found[2 * j + 1]!);
      } else {
        const keyed = new Int32Array(k.memory, spans, 2 * count);
        const bytes = new Uint8Array(k.memory);
        // Runs of keyed matches in bulk; a match without a key on its own, between them.
        let run = 0;
        for (let j = 0; j <= count; j++) {
          if (j < count && keyed[2 * j + 1]! >= 0) continue;
          if (j > run) onKeyed(found.subarray(2 * run, 2 * j), j - run, lo, bytes, keyed.subarray(2 * run, 2 * j));
          if (j < count) onMatch(lo + found[2 * j]!, lo + found[2 * j + 1]!);
          run = j + 1;
        }
      }
      const stop = new Int32Array(k.memory, STOP, 1)[0]!;
      if (stop < 0) break;
      const end = decide(lo + stop);
      if (end >= 0) onMatch(lo + stop, end);
      from = end >= 0 ? end - lo : stop + 1;
      if (++stops > STOPS_FREE && stops * STOPS_UNITS > from) {
        rest = lo + from;
        break;
      }
    }
    // Only what the loop wrote past the text (the room reserved is several times the text); withText wipes the rest.
    const bytes = new Uint8Array(k.memory);
    bytes.fill(0, out, out + 8 * written);
    bytes.fill(0, spans, spans + 8 * written);
    if (keys !== 0) bytes.fill(0, keys, keysEnd + 8);
    return out;
  });
  return done ? rest : null;
}

/** Nonzero bytes left in the kernel's memory past its class table (for tests: 0 after every search). */
export function phoneKernelResidue(): number {
  return phoneKernel()?.residue(STOP) ?? 0;
}
