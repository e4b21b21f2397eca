/**
 * The rows of a `rows` part (lines of delimited text, each ended by '\n')
 * turned into a batch's form in one WebAssembly loop: each delimiter becomes
 * a tab and each line end the row separator '\n' NUL, and the offset of every
 * row in the result is written beside it. Done with `replaceAll`, the two
 * replacements took 114 ms per 50 MB of the benchmark's CSV dump. A loop a
 * unit at a time took about 57 ms there (CPU profile of six scans); where the
 * engine has SIMD, eight units without a line end are rewritten at once, and
 * parsing plus batching the dump went from 95-100 to 58-63 ms (scratch timing
 * over decoded pieces kept in memory, docs/performance.md).
 *
 * The copy of the lines and everything the loop wrote are wiped before the
 * call returns, also when the caller's work inside it throws.
 */
import { Buffer } from 'node:buffer';
import { I32, kernelCompiles, memarg, op, simd, sleb32, V128, VOID, type KernelSpec } from './wasm-assembler.js';
import { lazySearchKernel, wordAfterUnits } from './identifiers/search-kernel.js';

/** Byte layout: the lines from byte 0 on; the result and the row offsets follow them. */
const TEXT = 0;

/**
 * `lines(n, delimiter, out, starts)`: code units [0, n) at TEXT, which end
 * with '\n', rewritten from byte `out` on (a delimiter as a tab, '\n' as '\n'
 * NUL), with the offset (in units) of each row in the result as i32 from byte
 * `starts` on, and the result's length after the last. The result takes one
 * byte a unit when every unit is under 0x100 (a string of such units is
 * Latin-1, and V8 keeps it one byte a character, as the CSV's own decoded
 * text was), else two. Returns how many offsets (rows + 1) times 2, plus 1
 * when the result is two bytes a unit.
 */
export function linesKernelSpec(vector: boolean): KernelSpec {
  const [N, DELIM, OUT, STARTS] = [0, 1, 2, 3] as const;
  const [I, O, R, C, W] = [4, 5, 6, 7, 8] as const;
  // Vector locals: eight units at a time, and eight line ends, delimiters, tabs; the units' OR.
  const [V, VNL, VDELIM, VTAB, VOR] = [9, 10, 11, 12, 13] as const;
  const get = (local: number): number[] => [op.localGet, local];
  const set = (local: number): number[] => [op.localSet, local];
  const i32 = (n: number): number[] => [op.i32Const, ...sleb32(n)];
  const add = (local: number, n: number): number[] => [...get(local), ...i32(n), op.i32Add, ...set(local)];
  const inc = (local: number): number[] => add(local, 1);
  /** Byte address of input unit I. */
  const inputAt = [...get(I), ...i32(1), op.i32Shl];
  /** Stores `unit` as output unit O, `width` bytes a unit, and steps O on. */
  const emit = (width: 1 | 2, unit: number[]): number[] =>
    width === 2
      ? [...get(O), ...i32(1), op.i32Shl, ...get(OUT), op.i32Add, ...unit, op.i32Store16, ...memarg(1, 0), ...inc(O)]
      : [...get(O), ...get(OUT), op.i32Add, ...unit, op.i32Store8, ...memarg(0, 0), ...inc(O)];
  /**
   * Eight units with no line end among them, rewritten at once (delimiters
   * to tabs by a lane mask), then back to the loop's top; else nothing.
   */
  const vectorStep = (width: 1 | 2): number[] => [
    ...get(I), ...i32(8), op.i32Add, ...get(N), op.i32LeS, op.if, VOID,
    ...inputAt, ...simd.v128Load, ...memarg(0, TEXT), ...set(V),
    ...get(V), ...get(VNL), ...simd.i16x8Eq, ...simd.v128AnyTrue, op.i32Eqz, op.if, VOID,
    ...get(VTAB), ...get(V), ...get(V), ...get(VDELIM), ...simd.i16x8Eq, ...simd.v128Bitselect, ...set(V),
    ...(width === 2
      ? [...get(O), ...i32(1), op.i32Shl, ...get(OUT), op.i32Add, ...get(V), ...simd.v128Store, ...memarg(0, 0)]
      : [...get(O), ...get(OUT), op.i32Add, ...get(V), ...get(V), ...simd.i8x16NarrowI16x8U, ...simd.v128Store64Lane, ...memarg(0, 0), 0]),
    ...add(O, 8),
    ...add(I, 8),
    op.br, 2, // top
    op.end,
    op.end,
  ];
  /** The rewriting loop, writing `width` bytes a unit. */
  const rewrite = (width: 1 | 2): number[] => [
    op.block, VOID, // exit
    op.loop, VOID, // top
    ...(vector ? vectorStep(width) : []),
    ...get(I), ...get(N), op.i32GeS, op.brIf, 1,
    ...inputAt, op.i32Load16U, ...memarg(1, TEXT), ...set(C),
    ...inc(I),
    ...get(C), ...get(DELIM), op.i32Eq, op.if, VOID,
    ...i32(9), ...set(C),
    op.end,
    ...emit(width, get(C)),
    ...get(C), ...i32(10), op.i32Eq, op.if, VOID,
    ...emit(width, i32(0)),
    ...get(R), ...i32(2), op.i32Shl, ...get(STARTS), op.i32Add, ...get(O), op.i32Store, ...memarg(2, 0),
    ...inc(R),
    op.end,
    op.br, 0,
    op.end, // top
    op.end, // exit
  ];
  const width = [
    // W: some unit is over 0xFF (the result is written two bytes a unit, else one).
    ...(vector
      ? [
          op.block, VOID, op.loop, VOID,
          ...get(I), ...i32(8), op.i32Add, ...get(N), op.i32GtS, op.brIf, 1,
          ...get(VOR), ...inputAt, ...simd.v128Load, ...memarg(0, TEXT), ...simd.v128Or, ...set(VOR),
          ...add(I, 8),
          op.br, 0,
          op.end, op.end,
        ]
      : []),
    op.block, VOID, op.loop, VOID,
    ...get(I), ...get(N), op.i32GeS, op.brIf, 1,
    ...inputAt, op.i32Load16U, ...memarg(1, TEXT), ...get(W), op.i32Or, ...set(W),
    ...inc(I),
    op.br, 0,
    op.end, op.end,
    ...get(W), ...i32(0xff), op.i32GtU,
    ...(vector ? [...get(VOR), ...i32(0xff00), ...simd.i16x8Splat, ...simd.v128And, ...simd.v128AnyTrue, op.i32Or] : []),
    ...set(W),
    ...i32(0), ...set(I),
  ];
  const body = [
    ...(vector
      ? [...i32(10), ...simd.i16x8Splat, ...set(VNL), ...get(DELIM), ...simd.i16x8Splat, ...set(VDELIM), ...i32(9), ...simd.i16x8Splat, ...set(VTAB)]
      : []),
    ...width,
    ...get(STARTS), ...i32(0), op.i32Store, ...memarg(2, 0),
    ...i32(1), ...set(R),
    ...get(W), op.if, VOID,
    ...rewrite(2),
    op.else,
    ...rewrite(1),
    op.end,
    ...get(R), ...i32(1), op.i32Shl, ...get(W), op.i32Or,
  ];
  const locals: KernelSpec['locals'] = vector ? [[5, I32], [5, V128]] : [[5, I32]];
  return { fn: 'lines', params: [I32, I32, I32, I32], results: [I32], locals, body, pages: 2 };
}

/** The vector loop where the engine has SIMD (Node has had it since 16.4), else the unit-at-a-time one. */
const linesKernel = lazySearchKernel<(n: number, delimiter: number, out: number, starts: number) => number>(
  () => (kernelCompiles(linesKernelSpec(true)) ? linesKernelSpec(true) : linesKernelSpec(false)),
  () => new Uint8Array(0),
);

/**
 * The rows of `lines` (each ended by '\n'; cells split by the one-unit
 * `delimiter`) in a batch's form: `use` gets the offsets of the rows in the
 * result (rows + 1 of them: row r is [starts[r], starts[r + 1] - 2), the
 * separator after it included in the next offset) and `text(from, to)`, which
 * cuts the result into a string. Both are valid only during the call. False,
 * and `use` not called, when the kernel is unavailable (node --jitless),
 * busy, or the lines are too long for it.
 */
export function linesKernelRows(lines: string, delimiter: string, use: (starts: Int32Array, rows: number, text: (from: number, to: number) => string) => void): boolean {
  const k = linesKernel();
  if (k === null) return false;
  const n = lines.length;
  const out = wordAfterUnits(TEXT, n);
  const starts = out + 4 * n;
  // At most one row per two units ('x\n'), and the offset after the last row.
  const end = starts + 4 * (Math.floor(n / 2) + 2);
  return k.withText(lines, 0, n, TEXT, TEXT, end, () => {
    const r = k.fn(n, delimiter.charCodeAt(0), out, starts);
    const count = r >>> 1;
    const memory = Buffer.from(k.memory);
    const text =
      (r & 1) === 1
        ? (from: number, to: number) => memory.toString('utf16le', out + 2 * from, out + 2 * to)
        : (from: number, to: number) => memory.toString('latin1', out + from, out + to);
    const rows = new Int32Array(k.memory, starts, count);
    use(rows, count - 1, text);
    // Only what the loop wrote (the result, its SIMD stores' last 16 bytes included, and the offsets);
    // withText wipes the text. The reserved room past them is several times the text and stays zero.
    const resultEnd = Math.min(starts, out + (count > 0 ? rows[count - 1]! : 0) * ((r & 1) === 1 ? 2 : 1) + 32);
    const bytes = new Uint8Array(k.memory);
    bytes.fill(0, out, resultEnd);
    bytes.fill(0, starts, starts + 4 * count);
    return out;
  });
}

/** Nonzero bytes left in the kernel's memory (for tests: 0 after every call). */
export function linesKernelResidue(): number {
  return linesKernel()?.residue(TEXT) ?? 0;
}
