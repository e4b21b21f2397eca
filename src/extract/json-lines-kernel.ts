/**
 * The commonest JSON Lines records flattened by a WebAssembly loop: every
 * line of a piece of text that is one object of objects and simple scalars
 * becomes its cells joined by tabs and ended by '\n', the form of a `rows`
 * part. In a CPU profile of the benchmark's 50 MB JSON Lines dump, the
 * JavaScript flattener (json-line.ts) with the row parts it made took about a
 * fifth of the scan (docs/performance.md). Where the engine has SIMD, the
 * passes over every unit (is any over 0xFF, where does the line end, where
 * does a string end, the result narrowed to one byte a unit) look at eight
 * units at a time, sixteen for the narrowing: the loop over the dump's
 * decoded pieces went from 123 to 70 ms, copying in and wiping included
 * (scratch timing, 15 interleaved runs).
 *
 * The loop takes only what it can give exactly as `flattenJsonLine` does, and
 * leaves every other line to it: strings without escapes, integers of at most
 * 15 digits (not -0; `String(Number(text))` is then the text), true, false,
 * null (an empty cell), objects nested at most 16 deep with at most 64 keys
 * each, no key twice in one object, no key that starts with a digit (array
 * index keys reorder), no cell longer than the limit, no record that would be
 * a single empty cell. The copy of the text and the result are wiped when the
 * piece is done, also when the work inside throws.
 */
import { Buffer } from 'node:buffer';
import { I32, kernelCompiles, MEMORY_COPY, memarg, op, simd, sleb32, V128, VOID, type KernelSpec } from '../matcher/wasm-assembler.js';
import { lazySearchKernel, wordAfterUnits } from '../matcher/identifiers/search-kernel.js';

/** Objects nested deeper than this, or with more keys, are left to the JavaScript flattener. */
const MAX_DEPTH = 16;
const MAX_KEYS = 64;

/** Byte layout: per depth the index of its first key; the keys as (start, length); the text; the result and the line entries follow. */
const BASES = 0;
const KEYS = BASES + 4 * (MAX_DEPTH + 1);
const TEXT = KEYS + 8 * MAX_DEPTH * MAX_KEYS;
/** For tests that run the loop on its own. */
export const JSON_LINES_TEXT_BYTE = TEXT;

/** Where the result and the entries of `n` units go, and the end of the memory the loop uses. */
export function jsonLinesLayout(n: number): { out: number; entries: number; end: number } {
  const out = wordAfterUnits(TEXT, n) + 8;
  const entries = wordAfterUnits(out, n);
  // An entry per line, and a line takes at least 3 units ('{}' and '\n').
  return { out, entries, end: entries + 16 * (Math.floor(n / 3) + 1) };
}

/**
 * `jsonl(n, maxCell, out, entries)`: the lines of code units [0, n) at TEXT
 * that end with '\n' (after whitespace, each starts a record at its first
 * other unit). For each line it takes, it writes the record's cells, joined
 * by tabs and ended by '\n' (nothing for a record without cells), as units
 * from byte `out` on, and the entry (record start, end after its '}', result
 * start, result end) as four i32 from byte `entries` on. The result is one
 * byte a unit when no unit of the text is over 0xFF, else two. Returns the
 * entries' count times 2, plus 1 for two bytes a unit.
 *
 * With `vector`, the loop reads up to 7 units past a line's '\n' and up to 15
 * result units past the result's end: 30 bytes past it at most, inside
 * [0, end) of `jsonLinesLayout` (a result takes at least 7 units of text, whose
 * entries' room is 48 bytes). What it reads there never changes a result.
 */
export function jsonLinesKernelSpec(vector: boolean): KernelSpec {
  const [N, MAX_CELL, OUT, ENTRIES] = [0, 1, 2, 3] as const;
  const [P, NL, A, O, O0, D, TOP, CELLS, C, S0, LEN, J, STATE, W, L, CS] = [4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19] as const;
  // Vector locals: a lane mask; eight units, their OR, and eight of '\n', '"', '\\' and 0x20.
  const M = 20;
  const [V, VOR, VNL, VQUOTE, VBACKSLASH, VSPACE] = [21, 22, 23, 24, 25, 26] as const;
  const get = (local: number): number[] => [op.localGet, local];
  const set = (local: number): number[] => [op.localSet, local];
  const i32 = (n: number): number[] => [op.i32Const, ...sleb32(n)];
  const add = (local: number, n: number): number[] => [...get(local), ...i32(n), op.i32Add, ...set(local)];
  const unitAt = (local: number, plus = 0): number[] => [...get(local), ...(plus === 0 ? [] : [...i32(plus), op.i32Add]), ...i32(1), op.i32Shl, op.i32Load16U, ...memarg(1, TEXT)];
  const eqUnit = (local: number, plus: number, unit: number): number[] => [...unitAt(local, plus), ...i32(unit), op.i32Eq];
  /** Output unit O = `unit`, O += 1. */
  const emit = (unit: number[]): number[] => [...get(O), ...i32(1), op.i32Shl, ...get(OUT), op.i32Add, ...unit, op.i32Store16, ...memarg(1, 0), ...add(O, 1)];
  /** Units of `word` at P, P += its length; else to `decline` (br depth given). */
  const expectWord = (word: string, declineDepth: number): number[] => {
    const checks: number[] = [];
    for (let k = 0; k < word.length; k++) checks.push(...eqUnit(P, k, word.charCodeAt(k)), ...(k > 0 ? [op.i32And] : []));
    return [...checks, op.i32Eqz, op.brIf, declineDepth, ...add(P, word.length)];
  };
  /** P past spaces, tabs and CRs (a line's own whitespace: its '\n' ends it). */
  const skipSpace = [
    op.block, VOID, op.loop, VOID,
    ...unitAt(P), ...set(C),
    ...get(C), ...i32(0x20), op.i32Ne, ...get(C), ...i32(0x09), op.i32Ne, op.i32And, ...get(C), ...i32(0x0d), op.i32Ne, op.i32And, op.brIf, 1,
    ...add(P, 1),
    op.br, 0,
    op.end, op.end,
  ];
  /**
   * J past eight units at a time while none is '"', a backslash or a control
   * unit (the line's '\n' is one, so the reads stay within 7 units past it);
   * then J at the first such unit.
   */
  const stringVector = [
    op.block, VOID, op.loop, VOID,
    ...get(J), ...i32(1), op.i32Shl, ...simd.v128Load, ...memarg(0, TEXT), op.localTee, V,
    ...get(VQUOTE), ...simd.i16x8Eq,
    ...get(V), ...get(VBACKSLASH), ...simd.i16x8Eq, ...simd.v128Or,
    ...get(V), ...get(VSPACE), ...simd.i16x8LtU, ...simd.v128Or,
    ...simd.i16x8Bitmask, op.localTee, M, op.brIf, 1,
    ...add(J, 8),
    op.br, 0,
    op.end, op.end,
    ...get(J), ...get(M), op.i32Ctz, op.i32Add, ...set(J),
  ];
  /** The string at P (its quote): S0, LEN; P after its closing quote; a control unit or backslash declines (depth from inside). */
  const string = (declineDepth: number): number[] => [
    ...get(P), ...i32(1), op.i32Add, ...set(S0),
    ...get(S0), ...set(J),
    ...(vector ? stringVector : []),
    op.block, VOID, op.loop, VOID,
    ...unitAt(J), ...set(C),
    ...get(C), ...i32(0x22), op.i32Eq, op.brIf, 1,
    ...get(C), ...i32(0x20), op.i32LtU, ...get(C), ...i32(0x5c), op.i32Eq, op.i32Or, op.brIf, declineDepth + 2,
    ...add(J, 1),
    op.br, 0,
    op.end, op.end,
    ...get(J), ...get(S0), op.i32Sub, ...set(LEN),
    ...get(J), ...i32(1), op.i32Add, ...set(P),
  ];
  /** A tab before every cell but the first; CS = where the cell's units start. */
  const cellStart = [...get(CELLS), op.if, VOID, ...emit(i32(9)), op.end, ...add(CELLS, 1), ...get(O), ...set(CS)];
  /** A cell longer than the limit declines. */
  const cellEnd = (declineDepth: number): number[] => [...get(O), ...get(CS), op.i32Sub, ...get(MAX_CELL), op.i32GtS, op.brIf, declineDepth];
  /** Copies LEN units from S0 to the output. */
  const copyCell = [
    ...get(O), ...i32(1), op.i32Shl, ...get(OUT), op.i32Add,
    ...get(S0), ...i32(1), op.i32Shl, ...i32(TEXT), op.i32Add,
    ...get(LEN), ...i32(1), op.i32Shl,
    ...MEMORY_COPY,
    ...get(O), ...get(LEN), op.i32Add, ...set(O),
  ];
  const [OPEN, KEY, AFTER, CLOSE] = [0, 1, 2, 3];
  // Inside the parse loop the depths are: loop 0, accept 1, decline 2, line 3; each `if` adds one.
  const parse = [
    op.block, VOID, // line: this line is done (taken or declined)
    op.block, VOID, // decline
    op.block, VOID, // accept: the record's last '}' was passed
    ...i32(OPEN), ...set(STATE),
    op.loop, VOID,
    // OPEN: at '{'.
    ...get(STATE), ...i32(OPEN), op.i32Eq, op.if, VOID,
    ...add(P, 1), ...add(D, 1),
    ...get(D), ...i32(MAX_DEPTH), op.i32GtS, op.brIf, 3,
    ...get(D), ...i32(2), op.i32Shl, ...get(TOP), op.i32Store, ...memarg(2, BASES),
    ...skipSpace,
    ...i32(KEY), ...set(STATE),
    ...unitAt(P), ...i32(0x7d), op.i32Eq, op.if, VOID, ...i32(CLOSE), ...set(STATE), op.end,
    op.br, 1,
    op.end,
    // KEY: at a key's quote; then ':' and the value.
    ...get(STATE), ...i32(KEY), op.i32Eq, op.if, VOID,
    ...unitAt(P), ...i32(0x22), op.i32Ne, op.brIf, 3,
    ...string(3),
    // A key that starts with a digit (array index keys among them) declines.
    // (An empty key's first unit is its closing quote.)
    ...unitAt(S0), ...i32(0x30), op.i32Sub, ...i32(10), op.i32LtU, op.brIf, 3,
    // The same key twice in this object, or too many keys, declines.
    ...get(TOP), ...get(D), ...i32(2), op.i32Shl, op.i32Load, ...memarg(2, BASES), op.i32Sub, ...i32(MAX_KEYS), op.i32GeS, op.brIf, 3,
    ...get(D), ...i32(2), op.i32Shl, op.i32Load, ...memarg(2, BASES), ...set(J),
    op.block, VOID, op.loop, VOID, // keys of this object: J
    ...get(J), ...get(TOP), op.i32GeS, op.brIf, 1,
    op.block, VOID, // differs
    ...get(J), ...i32(3), op.i32Shl, op.i32Load, ...memarg(2, KEYS + 4), ...get(LEN), op.i32Ne, op.brIf, 0,
    ...get(J), ...i32(3), op.i32Shl, op.i32Load, ...memarg(2, KEYS), ...set(CS),
    ...i32(0), ...set(C),
    op.block, VOID, op.loop, VOID,
    ...get(C), ...get(LEN), op.i32GeS, op.brIf, 1,
    ...get(CS), ...get(C), op.i32Add, ...i32(1), op.i32Shl, op.i32Load16U, ...memarg(1, TEXT),
    ...get(S0), ...get(C), op.i32Add, ...i32(1), op.i32Shl, op.i32Load16U, ...memarg(1, TEXT),
    op.i32Ne, op.brIf, 2, // differs
    ...add(C, 1),
    op.br, 0,
    op.end, op.end,
    op.br, 6, // equal: decline (depths: block 0, keys loop 1, keys block 2, if 3, loop 4, accept 5, decline 6)
    op.end, // differs
    ...add(J, 1),
    op.br, 0,
    op.end, op.end,
    ...get(TOP), ...i32(3), op.i32Shl, ...get(S0), op.i32Store, ...memarg(2, KEYS),
    ...get(TOP), ...i32(3), op.i32Shl, ...get(LEN), op.i32Store, ...memarg(2, KEYS + 4),
    ...add(TOP, 1),
    ...skipSpace,
    ...unitAt(P), ...i32(0x3a), op.i32Ne, op.brIf, 3,
    ...add(P, 1),
    ...skipSpace,
    ...unitAt(P), ...set(C),
    ...i32(AFTER), ...set(STATE),
    ...get(C), ...i32(0x7b), op.i32Eq, op.if, VOID, ...i32(OPEN), ...set(STATE), op.br, 2, op.end,
    ...get(C), ...i32(0x22), op.i32Eq, op.if, VOID,
    ...string(4),
    ...cellStart,
    ...copyCell,
    ...cellEnd(4),
    op.br, 2,
    op.end,
    // An integer: -?(0|[1-9][0-9]*), at most 15 digits, not -0, not followed by a fraction or exponent.
    ...get(C), ...i32(0x2d), op.i32Eq, ...get(C), ...i32(0x30), op.i32Sub, ...i32(10), op.i32LtU, op.i32Or, op.if, VOID,
    ...get(P), ...set(S0),
    ...get(C), ...i32(0x2d), op.i32Eq, op.if, VOID, ...add(P, 1), op.end,
    ...get(P), ...set(J),
    op.block, VOID, op.loop, VOID,
    ...unitAt(P), ...i32(0x30), op.i32Sub, ...i32(10), op.i32GeU, op.brIf, 1,
    ...add(P, 1),
    op.br, 0,
    op.end, op.end,
    // No digit, more than 15, or a leading zero of a longer run: declined.
    ...get(P), ...get(J), op.i32Eq, op.brIf, 4,
    ...get(P), ...get(J), op.i32Sub, ...i32(15), op.i32GtS, op.brIf, 4,
    ...unitAt(J), ...i32(0x30), op.i32Eq, ...get(P), ...get(J), op.i32Sub, ...i32(1), op.i32GtS, op.i32And, op.brIf, 4,
    // -0.
    ...unitAt(J), ...i32(0x30), op.i32Eq, ...get(J), ...get(S0), op.i32Ne, op.i32And, op.brIf, 4,
    ...unitAt(P), ...i32(0x2e), op.i32Eq, ...unitAt(P), ...i32(0x20), op.i32Or, ...i32(0x65), op.i32Eq, op.i32Or, op.brIf, 4,
    ...get(P), ...get(S0), op.i32Sub, ...set(LEN),
    ...cellStart,
    ...copyCell,
    ...cellEnd(4),
    op.br, 2,
    op.end,
    ...get(C), ...i32(0x74), op.i32Eq, op.if, VOID,
    ...expectWord('true', 4),
    ...cellStart, ...[...'true'].flatMap((ch) => emit(i32(ch.charCodeAt(0)))), ...cellEnd(4),
    op.br, 2,
    op.end,
    ...get(C), ...i32(0x66), op.i32Eq, op.if, VOID,
    ...expectWord('false', 4),
    ...cellStart, ...[...'false'].flatMap((ch) => emit(i32(ch.charCodeAt(0)))), ...cellEnd(4),
    op.br, 2,
    op.end,
    ...get(C), ...i32(0x6e), op.i32Eq, op.if, VOID,
    ...expectWord('null', 4),
    ...cellStart,
    op.br, 2,
    op.end,
    op.br, 3, // no value that is taken here: decline
    op.end,
    // AFTER: after a value, ',' and the next key, or '}'.
    ...get(STATE), ...i32(AFTER), op.i32Eq, op.if, VOID,
    ...skipSpace,
    ...unitAt(P), ...i32(0x2c), op.i32Eq, op.if, VOID,
    ...add(P, 1),
    ...skipSpace,
    ...i32(KEY), ...set(STATE),
    op.br, 2,
    op.end,
    ...unitAt(P), ...i32(0x7d), op.i32Ne, op.brIf, 3,
    ...i32(CLOSE), ...set(STATE),
    op.br, 1,
    op.end,
    // CLOSE: at '}'.
    ...add(P, 1),
    ...get(D), ...i32(2), op.i32Shl, op.i32Load, ...memarg(2, BASES), ...set(TOP),
    ...add(D, -1),
    ...get(D), op.i32Eqz, op.brIf, 1, // accept
    ...i32(AFTER), ...set(STATE),
    op.br, 0,
    op.end, // loop
    op.end, // accept
    // Only whitespace may follow; a record that would be one empty cell is left to JavaScript.
    ...get(P), ...set(J),
    ...skipSpace,
    ...get(P), ...get(NL), op.i32Ne, op.brIf, 0,
    ...get(CELLS), ...i32(1), op.i32Eq, ...get(O), ...get(O0), op.i32Eq, op.i32And, op.brIf, 0,
    ...get(CELLS), op.if, VOID, ...emit(i32(0x0a)), op.end,
    ...get(L), ...i32(4), op.i32Shl, ...get(ENTRIES), op.i32Add, ...get(A), op.i32Store, ...memarg(2, 0),
    ...get(L), ...i32(4), op.i32Shl, ...get(ENTRIES), op.i32Add, ...get(J), op.i32Store, ...memarg(2, 4),
    ...get(L), ...i32(4), op.i32Shl, ...get(ENTRIES), op.i32Add, ...get(O0), op.i32Store, ...memarg(2, 8),
    ...get(L), ...i32(4), op.i32Shl, ...get(ENTRIES), op.i32Add, ...get(O), op.i32Store, ...memarg(2, 12),
    ...add(L, 1),
    op.br, 1, // line
    op.end, // decline
    ...get(O0), ...set(O),
    op.end, // line
  ];
  /** NL past eight units at a time while they are all before n and none is '\n'; then NL at the '\n' if one was found. */
  const lineEndVector = [
    op.block, VOID, op.loop, VOID,
    ...get(NL), ...i32(8), op.i32Add, ...get(N), op.i32GtS, op.brIf, 1,
    ...get(NL), ...i32(1), op.i32Shl, ...simd.v128Load, ...memarg(0, TEXT), ...get(VNL), ...simd.i16x8Eq, ...simd.i16x8Bitmask, op.localTee, M,
    op.if, VOID, ...get(NL), ...get(M), op.i32Ctz, op.i32Add, ...set(NL), op.br, 2, op.end,
    ...add(NL, 8),
    op.br, 0,
    op.end, op.end,
  ];
  /**
   * Sixteen result units narrowed to sixteen bytes at once. In place: the
   * bytes written, [J, J + 16), were all read by this step or an earlier one.
   * The units read past O are written past byte O only.
   */
  const narrowVector = [
    ...get(J), ...get(OUT), op.i32Add,
    ...get(J), ...i32(1), op.i32Shl, ...get(OUT), op.i32Add, ...simd.v128Load, ...memarg(0, 0),
    ...get(J), ...i32(1), op.i32Shl, ...get(OUT), op.i32Add, ...simd.v128Load, ...memarg(0, 16),
    ...simd.i8x16NarrowI16x8U, ...simd.v128Store, ...memarg(0, 0),
    ...add(J, 16),
  ];
  const narrowScalar = [
    ...get(J), ...get(OUT), op.i32Add,
    ...get(J), ...i32(1), op.i32Shl, ...get(OUT), op.i32Add, op.i32Load16U, ...memarg(1, 0),
    op.i32Store8, ...memarg(0, 0),
    ...add(J, 1),
  ];
  const body = [
    ...(vector
      ? [
          ...i32(0x0a), ...simd.i16x8Splat, ...set(VNL), ...i32(0x22), ...simd.i16x8Splat, ...set(VQUOTE),
          ...i32(0x5c), ...simd.i16x8Splat, ...set(VBACKSLASH), ...i32(0x20), ...simd.i16x8Splat, ...set(VSPACE),
        ]
      : []),
    // W: some unit is over 0xFF (whole vectors of units before n, then the rest one by one).
    ...(vector
      ? [
          op.block, VOID, op.loop, VOID,
          ...get(P), ...i32(8), op.i32Add, ...get(N), op.i32GtS, op.brIf, 1,
          ...get(VOR), ...get(P), ...i32(1), op.i32Shl, ...simd.v128Load, ...memarg(0, TEXT), ...simd.v128Or, ...set(VOR),
          ...add(P, 8),
          op.br, 0,
          op.end, op.end,
          ...get(VOR), ...i32(0xff00), ...simd.i16x8Splat, ...simd.v128And, ...simd.v128AnyTrue, ...i32(8), op.i32Shl, ...set(W),
        ]
      : []),
    op.block, VOID, op.loop, VOID,
    ...get(P), ...get(N), op.i32GeS, op.brIf, 1,
    ...unitAt(P), ...get(W), op.i32Or, ...set(W),
    ...add(P, 1),
    op.br, 0,
    op.end, op.end,
    ...get(W), ...i32(0xff), op.i32GtU, ...set(W),
    ...i32(0), ...set(P),
    op.block, VOID, op.loop, VOID, // lines
    // Whitespace and empty lines before a record.
    op.block, VOID, op.loop, VOID,
    ...get(P), ...get(N), op.i32GeS, op.brIf, 1,
    ...unitAt(P), ...set(C),
    ...get(C), ...i32(0x20), op.i32Ne, ...get(C), ...i32(0x09), op.i32Ne, op.i32And, ...get(C), ...i32(0x0d), op.i32Ne, op.i32And, ...get(C), ...i32(0x0a), op.i32Ne, op.i32And, op.brIf, 1,
    ...add(P, 1),
    op.br, 0,
    op.end, op.end,
    ...get(P), ...get(N), op.i32GeS, op.brIf, 1,
    ...get(P), ...set(A),
    // The line's end; a line without one is not taken (the splitter hands it over later, whole).
    ...get(P), ...set(NL),
    ...(vector ? lineEndVector : []),
    op.block, VOID, op.loop, VOID,
    ...get(NL), ...get(N), op.i32GeS, op.brIf, 1,
    ...unitAt(NL), ...i32(0x0a), op.i32Eq, op.brIf, 1,
    ...add(NL, 1),
    op.br, 0,
    op.end, op.end,
    ...get(NL), ...get(N), op.i32GeS, op.brIf, 1,
    ...i32(0), ...set(D), ...i32(0), ...set(TOP), ...i32(0), ...set(CELLS), ...get(O), ...set(O0),
    op.block, VOID, // not an object: declined
    ...unitAt(P), ...i32(0x7b), op.i32Ne, op.brIf, 0,
    ...parse,
    op.end,
    ...get(NL), ...i32(1), op.i32Add, ...set(P),
    op.br, 0,
    op.end, op.end, // lines
    // One byte a unit: the result moved down in place.
    ...get(W), op.i32Eqz, op.if, VOID,
    ...i32(0), ...set(J),
    op.block, VOID, op.loop, VOID,
    ...get(J), ...get(O), op.i32GeS, op.brIf, 1,
    ...(vector ? narrowVector : narrowScalar),
    op.br, 0,
    op.end, op.end,
    op.end,
    ...get(L), ...i32(1), op.i32Shl, ...get(W), op.i32Or,
  ];
  const locals: KernelSpec['locals'] = vector ? [[17, I32], [6, V128]] : [[16, I32]];
  return { fn: 'jsonl', params: [I32, I32, I32, I32], results: [I32], locals, body, pages: 2 };
}

/** The loop that looks at eight units at a time where the engine has SIMD, else the one that looks at each. */
const jsonLinesKernel = lazySearchKernel<(n: number, maxCell: number, out: number, entries: number) => number>(
  () => (kernelCompiles(jsonLinesKernelSpec(true)) ? jsonLinesKernelSpec(true) : jsonLinesKernelSpec(false)),
  () => new Uint8Array(0),
);

/** The records of one piece the loop took: ask with the splitter's record start and end. */
export interface JsonLinesTaken {
  /** The result's [start, end) for the record at s[from, to), or null when the loop did not take it. */
  find(from: number, to: number): [number, number] | null;
  /** The result's units [start, end) as a string (lines of cells, as a `rows` part holds them). */
  text(start: number, end: number): string;
}

/**
 * Runs the loop over `s`, then `work` with what it took (valid only during
 * the call), and wipes the loop's memory. False, and `work` not called, when
 * the loop is unavailable (node --jitless), busy, or the piece too long.
 */
export function withJsonLines(s: string, maxCell: number, work: (taken: JsonLinesTaken) => void): boolean {
  const k = jsonLinesKernel();
  if (k === null) return false;
  const n = s.length;
  const { out, entries, end } = jsonLinesLayout(n);
  return k.withText(s, 0, n, TEXT, 0, end, () => {
    const r = k.fn(n, maxCell, out, entries);
    const count = r >>> 1;
    const wide = (r & 1) === 1;
    const e = new Int32Array(k.memory, entries, 4 * count);
    const memory = Buffer.from(k.memory);
    let cursor = 0;
    work({
      find(from, to) {
        while (cursor < count && e[4 * cursor]! < from) cursor++;
        if (cursor === count || e[4 * cursor]! !== from || e[4 * cursor + 1] !== to) return null;
        return [e[4 * cursor + 2]!, e[4 * cursor + 3]!];
      },
      text: wide
        ? (a, b) => memory.toString('utf16le', out + 2 * a, out + 2 * b)
        : (a, b) => memory.toString('latin1', out + a, out + b),
    });
  });
}

/** Nonzero bytes left in the loop's memory (for tests: 0 after every piece). */
export function jsonLinesKernelResidue(): number {
  return jsonLinesKernel()?.residue(0) ?? 0;
}
