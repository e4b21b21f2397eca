/**
 * The rows of a `rows` part (lines of delimited text, each ended by '\n')
 * turned into a batch's form in one WebAssembly loop: each delimiter becomes
 * a tab and each line end the row separator '\n' NUL, and the offset of every
 * row in the result is written beside it. Done with `replaceAll`, the two
 * replacements took 114 ms per 50 MB of the benchmark's CSV dump; this loop
 * took about 57 ms there, copying in included (CPU profile of six scans), and
 * parsing plus batching went from 173-185 to 83-110 ms (scratch timings,
 * docs/performance.md).
 *
 * The copy of the lines and everything the loop wrote are wiped before the
 * call returns, also when the caller's work inside it throws.
 */
import { Buffer } from 'node:buffer';
import { I32, memarg, op, sleb32, VOID, type KernelSpec } from './wasm-assembler.js';
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
function linesKernelSpec(): KernelSpec {
  const [N, DELIM, OUT, STARTS] = [0, 1, 2, 3] as const;
  const [I, O, R, C, W] = [4, 5, 6, 7, 8] as const;
  const get = (local: number): number[] => [op.localGet, local];
  const set = (local: number): number[] => [op.localSet, local];
  const i32 = (n: number): number[] => [op.i32Const, ...sleb32(n)];
  const inc = (local: number): number[] => [...get(local), ...i32(1), op.i32Add, ...set(local)];
  /** Stores `unit` as output unit O, `width` bytes a unit, and steps O on. */
  const emit = (width: 1 | 2, unit: number[]): number[] =>
    width === 2
      ? [...get(O), ...i32(1), op.i32Shl, ...get(OUT), op.i32Add, ...unit, op.i32Store16, ...memarg(1, 0), ...inc(O)]
      : [...get(O), ...get(OUT), op.i32Add, ...unit, op.i32Store8, ...memarg(0, 0), ...inc(O)];
  /** The rewriting loop, writing `width` bytes a unit. */
  const rewrite = (width: 1 | 2): number[] => [
    op.block, VOID, // exit
    op.loop, VOID, // top
    ...get(I), ...get(N), op.i32GeS, op.brIf, 1,
    ...get(I), ...i32(1), op.i32Shl, op.i32Load16U, ...memarg(1, TEXT), ...set(C),
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
  const body = [
    // W: some unit is over 0xFF (the result is written two bytes a unit, else one).
    op.block, VOID, op.loop, VOID,
    ...get(I), ...get(N), op.i32GeS, op.brIf, 1,
    ...get(I), ...i32(1), op.i32Shl, op.i32Load16U, ...memarg(1, TEXT), ...get(W), op.i32Or, ...set(W),
    ...inc(I),
    op.br, 0,
    op.end, op.end,
    ...i32(0), ...set(I),
    ...get(W), ...i32(0xff), op.i32GtU, ...set(W),
    ...get(STARTS), ...i32(0), op.i32Store, ...memarg(2, 0),
    ...i32(1), ...set(R),
    ...get(W), op.if, VOID,
    ...rewrite(2),
    op.else,
    ...rewrite(1),
    op.end,
    ...get(R), ...i32(1), op.i32Shl, ...get(W), op.i32Or,
  ];
  return { fn: 'lines', params: [I32, I32, I32, I32], results: [I32], locals: [[5, I32]], body, pages: 2 };
}

const linesKernel = lazySearchKernel<(n: number, delimiter: number, out: number, starts: number) => number>(linesKernelSpec, () => new Uint8Array(0));

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
    use(new Int32Array(k.memory, starts, count), count - 1, text);
  });
}

/** Nonzero bytes left in the kernel's memory (for tests: 0 after every call). */
export function linesKernelResidue(): number {
  return linesKernel()?.residue(TEXT) ?? 0;
}
