/**
 * The fi_hetu search (fi-hetu.ts, `jsFind`) as a WebAssembly loop over a copy
 * of the text's UTF-16 code units. In a leaked table nearly every cell holds
 * digits, and the JavaScript loop spent about 1.5 ns a character walking their
 * runs: 74-76 ms per 50 MB CSV dump in 48 K batches, against 30-31 ms for this
 * loop, copying included (scratch timing, one run, docs/performance.md).
 * Copying a batch in costs about 0.1 ns a character.
 *
 * The loop decides everything on ASCII. A guard character outside ASCII (is it
 * a letter or digit, under the pattern's `iu` flags?) is left to the caller,
 * which asks the same question `jsFind` asks: each candidate comes with a flag
 * per undecided guard. Whatever the answer, the search goes on after the
 * candidate: no other match can start inside it (see `hetuKernelFind`).
 */
import { I32, memarg, op, sleb32, VOID, type KernelSpec } from '../wasm-assembler.js';
import { CLASS_TABLE_BYTES, lazySearchKernel, wordAfterUnits } from './search-kernel.js';

/** Class bits of a code unit (the table at CLASS). */
const SIGN = 1; // [+YXWVUABCDEF-] and the dashes, either case
const CHECK = 2; // [0-9A-Y], either case, U+017F, U+212A
const WORD = 4; // [A-Za-z0-9_]
const UNDECIDED = 8; // outside ASCII: the caller decides whether it is a letter or digit

/** Flags on a candidate's offset in the output: its guard before, or after, is outside ASCII. */
export const HETU_BEFORE_UNDECIDED = 1 << 30;
export const HETU_AFTER_UNDECIDED = 1 << 29;
export const HETU_OFFSET_MASK = HETU_AFTER_UNDECIDED - 1;

/** Byte layout: the class table (one byte per code unit), then the text; the output follows the text. */
const CLASS = 0;
const TEXT = CLASS_TABLE_BYTES;

function classTable(): Uint8Array {
  const t = new Uint8Array(CLASS_TABLE_BYTES);
  for (let c = 0x30; c <= 0x39; c++) t[c] = CHECK | WORD;
  for (const ch of '+-YXWVUABCDEFyxwvuabcdef') t[ch.charCodeAt(0)]! |= SIGN;
  for (let c = 0x41; c <= 0x59; c++) t[c]! |= CHECK;
  for (let c = 0x61; c <= 0x79; c++) t[c]! |= CHECK;
  for (let c = 0x41; c <= 0x5a; c++) t[c]! |= WORD;
  for (let c = 0x61; c <= 0x7a; c++) t[c]! |= WORD;
  t[0x5f]! |= WORD;
  for (let c = 0x80; c < 0x10000; c++) t[c] = UNDECIDED;
  for (let c = 0x2010; c <= 0x2015; c++) t[c]! |= SIGN;
  t[0x2212]! |= SIGN;
  t[0x17f]! |= CHECK;
  t[0x212a]! |= CHECK;
  return t;
}

/**
 * `hetu(n, out)`: the search over code units [0, n) at TEXT, writing each
 * candidate's start (with the flags above) as an i32 from byte `out` on;
 * returns how many. Candidates never overlap, so n / 11 + 1 words suffice.
 */
function hetuKernelSpec(): KernelSpec {
  const [N, OUT] = [0, 1] as const;
  const [I, A, B, LAST, COUNT, C, FLAGS] = [2, 3, 4, 5, 6, 7, 8] as const;
  const get = (local: number): number[] => [op.localGet, local];
  const set = (local: number): number[] => [op.localSet, local];
  const i32 = (n: number): number[] => [op.i32Const, ...sleb32(n)];
  /** The code unit at index `local` + `plus`. */
  const unitAt = (local: number, plus: number): number[] => [...get(local), ...(plus === 0 ? [] : [...i32(plus), op.i32Add]), ...i32(1), op.i32Shl, op.i32Load16U, ...memarg(1, TEXT)];
  /** 1 when the unit at `local` + `plus` is an ASCII digit. */
  const digitAt = (local: number, plus: number): number[] => [...unitAt(local, plus), ...i32(0x30), op.i32Sub, ...i32(10), op.i32LtU];
  /** The class bits of the unit at `local` + `plus`. */
  const classAt = (local: number, plus: number): number[] => [...unitAt(local, plus), op.i32Load8U, ...memarg(0, CLASS)];
  const body = [
    ...get(N), ...i32(11), op.i32Sub, ...set(LAST),
    op.block, VOID, // exit
    op.loop, VOID, // top
    ...get(I), ...get(LAST), op.i32GtS, op.brIf, 1,
    // No digit five places on: no match starts at I..I+5 (a match's first six units are digits).
    op.block, VOID,
    ...digitAt(I, 5), op.brIf, 0,
    ...get(I), ...i32(6), op.i32Add, ...set(I),
    op.br, 1,
    op.end,
    // The run of digits through I + 5: [A, B).
    ...get(I), ...i32(5), op.i32Add, ...set(A),
    op.block, VOID, op.loop, VOID,
    ...get(A), ...i32(0), op.i32LeS, op.brIf, 1,
    ...digitAt(A, -1), op.i32Eqz, op.brIf, 1,
    ...get(A), ...i32(1), op.i32Sub, ...set(A),
    op.br, 0,
    op.end, op.end,
    ...get(I), ...i32(6), op.i32Add, ...set(B),
    op.block, VOID, op.loop, VOID,
    ...get(B), ...get(N), op.i32GeS, op.brIf, 1,
    ...digitAt(B, 0), op.i32Eqz, op.brIf, 1,
    ...get(B), ...i32(1), op.i32Add, ...set(B),
    op.br, 0,
    op.end, op.end,
    op.block, VOID, // next: no match starts in [A, B]
    ...get(B), ...get(A), op.i32Sub, ...i32(6), op.i32Ne, op.brIf, 0,
    ...get(A), ...get(LAST), op.i32GtS, op.brIf, 0,
    ...classAt(B, 0), ...i32(SIGN), op.i32And, op.i32Eqz, op.brIf, 0,
    ...digitAt(A, 7), op.i32Eqz, op.brIf, 0,
    ...digitAt(A, 8), op.i32Eqz, op.brIf, 0,
    ...digitAt(A, 9), op.i32Eqz, op.brIf, 0,
    ...classAt(A, 10), ...i32(CHECK), op.i32And, op.i32Eqz, op.brIf, 0,
    ...i32(0), ...set(FLAGS),
    ...get(A), ...i32(0), op.i32GtS, op.if, VOID,
    ...classAt(A, -1), ...set(C),
    ...get(C), ...i32(WORD), op.i32And, op.brIf, 1,
    ...get(C), ...i32(UNDECIDED), op.i32And, op.if, VOID,
    ...i32(HETU_BEFORE_UNDECIDED), ...set(FLAGS),
    op.end,
    op.end,
    ...get(A), ...i32(11), op.i32Add, ...get(N), op.i32LtS, op.if, VOID,
    ...classAt(A, 11), ...set(C),
    ...get(C), ...i32(WORD), op.i32And, op.brIf, 1,
    ...get(C), ...i32(UNDECIDED), op.i32And, op.if, VOID,
    ...get(FLAGS), ...i32(HETU_AFTER_UNDECIDED), op.i32Or, ...set(FLAGS),
    op.end,
    op.end,
    ...get(COUNT), ...i32(2), op.i32Shl, ...get(OUT), op.i32Add,
    ...get(A), ...get(FLAGS), op.i32Or,
    op.i32Store, ...memarg(2, 0),
    ...get(COUNT), ...i32(1), op.i32Add, ...set(COUNT),
    ...get(A), ...i32(11), op.i32Add, ...set(I),
    op.br, 1,
    op.end, // next
    ...get(B), ...i32(1), op.i32Add, ...set(I),
    op.br, 0,
    op.end, // top
    op.end, // exit
    ...get(COUNT),
  ];
  return { fn: 'hetu', params: [I32, I32], results: [I32], locals: [[7, I32]], body, pages: 2 };
}

const hetuKernel = lazySearchKernel<(n: number, out: number) => number>(hetuKernelSpec, classTable);

/**
 * Candidates of the fi_hetu pattern in text[lo, hi) by the kernel, as start
 * offsets from `lo` with the HETU_*_UNDECIDED flags, passed to `onCandidate`;
 * false (and nothing passed) when the kernel cannot take the region. The
 * copy of the text in the kernel's memory is wiped before returning.
 *
 * A candidate whose guard the caller then refuses needs no search of its own
 * units: that guard is outside ASCII, so it is no digit, and the units between
 * the sign and it (three digits and the check character) are too few for
 * another match's six digits.
 */
export function hetuKernelFind(text: string, lo: number, hi: number, onCandidate: (flagged: number) => void): boolean {
  const k = hetuKernel();
  if (k === null) return false;
  const n = hi - lo;
  const out = wordAfterUnits(TEXT, n);
  // Text and output are wiped together: the output holds only offsets.
  return k.withText(text, lo, hi, TEXT, TEXT, out + 4 * (Math.floor(n / 11) + 1), () => {
    const count = k.fn(n, out);
    const found = new Int32Array(k.memory, out, count);
    for (let j = 0; j < count; j++) onCandidate(found[j]!);
  });
}

/** Nonzero bytes left in the kernel's memory past its class table (for tests: 0 after every search). */
export function hetuKernelResidue(): number {
  return hetuKernel()?.residue(TEXT) ?? 0;
}
