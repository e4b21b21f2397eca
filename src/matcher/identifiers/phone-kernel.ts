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
import { CLASS_TABLE_BYTES, lazySearchKernel, wordAfterUnits } from './search-kernel.js';

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
 * `phone(n, from, out)`: the matches in code units [0, n) at TEXT from unit
 * `from` on, as (start, end) i32 pairs from byte `out` on; returns how many.
 * STOP holds -1 when the text is done, else the start the loop stopped at,
 * undecided (see the module comment).
 */
export function phoneKernelSpec(vector: boolean): KernelSpec {
  const [N, FROM, OUT] = [0, 1, 2] as const;
  const [S, C, Q, P0, D, K, G, R, E, T, COUNT] = [3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13] as const;
  // Vector locals: eight units, eight of each starting unit, eight tens.
  const [V, VZERO, VPLUS, VOPEN, VTEN] = [14, 15, 16, 17, 18] as const;
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
  const code = [
    ...(vector ? [...i32(0x30), ...simd.i16x8Splat, ...set(VZERO), ...i32(0x2b), ...simd.i16x8Splat, ...set(VPLUS), ...i32(0x28), ...simd.i16x8Splat, ...set(VOPEN), ...i32(10), ...simd.i16x8Splat, ...set(VTEN)] : []),
    ...get(FROM), ...set(S),
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
  const locals: KernelSpec['locals'] = vector ? [[11, I32], [5, V128]] : [[11, I32]];
  return { fn: 'phone', params: [I32, I32, I32], results: [I32], locals, body: code, pages: 2 };
}

/** The loop that skips eight units at a time where the engine has SIMD, else the one that looks at each. */
const phoneKernel = lazySearchKernel<(n: number, from: number, out: number) => number>(
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
 * The pattern's matches in text[lo, hi) by the kernel, as offsets into
 * `text`, passed to `onMatch` in order; a start the kernel leaves undecided
 * goes to `decide(start)`, which returns the end of the pattern's match
 * there, or -1 for none, and the kernel goes on after it. Returns -1 when the
 * region is done; the offset from which the caller must search the rest
 * itself when the kernel met too many undecided starts; null (and nothing
 * passed) when the kernel cannot take the region.
 */
export function phoneKernelFind(
  text: string,
  lo: number,
  hi: number,
  onMatch: (start: number, end: number) => void,
  decide: (start: number) => number,
): number | null {
  const k = phoneKernel();
  if (k === null) return null;
  const n = hi - lo;
  const out = wordAfterUnits(TEXT, n) + 8;
  let rest = -1;
  // A match takes at least six units ('0' and five digits).
  const done = k.withText(text, lo, hi, TEXT, STOP, out + 8 * (Math.floor(n / 6) + 1), () => {
    let from = 0;
    let stops = 0;
    for (;;) {
      const count = k.fn(n, from, out);
      const found = new Int32Array(k.memory, out, 2 * count);
      for (let j = 0; j < count; j++) onMatch(lo + found[2 * j]!, lo + found[2 * j + 1]!);
      const stop = new Int32Array(k.memory, STOP, 1)[0]!;
      if (stop < 0) return;
      const end = decide(lo + stop);
      if (end >= 0) onMatch(lo + stop, end);
      from = end >= 0 ? end - lo : stop + 1;
      if (++stops > STOPS_FREE && stops * STOPS_UNITS > from) {
        rest = lo + from;
        return;
      }
    }
  });
  return done ? rest : null;
}

/** Nonzero bytes left in the kernel's memory past its class table (for tests: 0 after every search). */
export function phoneKernelResidue(): number {
  return phoneKernel()?.residue(STOP) ?? 0;
}
