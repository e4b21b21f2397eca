/**
 * The fi_hetu search (fi-hetu.ts, `jsFind`) as a WebAssembly loop over a copy
 * of the text's UTF-16 code units. In a leaked table nearly every cell holds
 * digits, and the JavaScript loop spent about 1.5 ns a character walking their
 * runs: 74-76 ms per 50 MB CSV dump in 48 K batches, against 30-31 ms for this
 * loop, copying included (scratch timing, one run, docs/performance.md).
 * Copying a batch in costs about 0.1 ns a character.
 *
 * The loop decides everything on ASCII, and for a match of 11 ASCII units it
 * also writes the scan key (as the type's `scanKeyBytes`), so the matches go
 * to the caller a run at a time instead of one call each. A guard character
 * outside ASCII (is it a letter or digit, under the pattern's `iu` flags?) is
 * left to the caller, which asks the same question `jsFind` asks: the loop
 * stops at such a candidate, with a flag per undecided guard, and at a match
 * with a unit outside ASCII (a dash sign, a look-alike check character), which
 * has no key here. Whatever the answer, the search goes on after the
 * candidate: no other match can start inside it (see `hetuKernelFind`).
 */
import { I32, memarg, op, sleb32, VOID, type KernelSpec } from '../wasm-assembler.js';
import { CLASS_TABLE_BYTES, lazySearchKernel, wordAfterUnits } from './search-kernel.js';

/** Class bits of a code unit (the table at CLASS). */
const SIGN = 1; // [+YXWVUABCDEF-] and the dashes, either case
const CHECK = 2; // [0-9A-Y], either case, U+017F, U+212A
const WORD = 4; // [A-Za-z0-9_]
const UNDECIDED = 8; // outside ASCII: the caller decides whether it is a letter or digit
/** What an ASCII century sign folds to in the scan key (fi-hetu.ts's FOLD_SIGN): '-', 'A', or with neither bit '+'. */
const FOLDS_TO_MINUS = 16; // [-YXWVU], either case
const FOLDS_TO_A = 32; // [ABCDEF], either case

/** Flags on the offset of the candidate the loop stopped at: its guard before, or after, is outside ASCII. */
export const HETU_BEFORE_UNDECIDED = 1 << 30;
export const HETU_AFTER_UNDECIDED = 1 << 29;
export const HETU_OFFSET_MASK = HETU_AFTER_UNDECIDED - 1;

/** Byte layout: the class table (one byte per code unit), the stop slot, then the text; the output and the keys follow the text. */
const CLASS = 0;
const STOP = CLASS_TABLE_BYTES;
const TEXT = STOP + 4;

function classTable(): Uint8Array {
  const t = new Uint8Array(CLASS_TABLE_BYTES);
  for (let c = 0x30; c <= 0x39; c++) t[c] = CHECK | WORD;
  for (const ch of '+-YXWVUABCDEFyxwvuabcdef') t[ch.charCodeAt(0)]! |= SIGN;
  for (const ch of '-YXWVUyxwvu') t[ch.charCodeAt(0)]! |= FOLDS_TO_MINUS;
  for (const ch of 'ABCDEFabcdef') t[ch.charCodeAt(0)]! |= FOLDS_TO_A;
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
 * `hetu(n, from, out, keys)`: the search over code units [0, n) at TEXT from
 * index `from` on, writing each match as a (start, end) i32 pair from byte
 * `out` on and its scan key (upper case, the century sign folded) to byte
 * `keys` + its offsets; returns how many. It stops at a candidate the caller
 * decides (a guard or a unit outside ASCII): STOP then holds its start with
 * the flags above, else -1. Matches never overlap, so n / 11 + 1 pairs suffice.
 */
function hetuKernelSpec(): KernelSpec {
  const [N, I, OUT, KEYS] = [0, 1, 2, 3] as const;
  const [A, B, LAST, COUNT, C, FLAGS, SIGN_CLASS, CHECK_CLASS, KEY] = [4, 5, 6, 7, 8, 9, 10, 11, 12] as const;
  const get = (local: number): number[] => [op.localGet, local];
  const set = (local: number): number[] => [op.localSet, local];
  const i32 = (n: number): number[] => [op.i32Const, ...sleb32(n)];
  /** The code unit at index `local` + `plus`. */
  const unitAt = (local: number, plus: number): number[] => [...get(local), ...(plus === 0 ? [] : [...i32(plus), op.i32Add]), ...i32(1), op.i32Shl, op.i32Load16U, ...memarg(1, TEXT)];
  /** 1 when the unit at `local` + `plus` is an ASCII digit. */
  const digitAt = (local: number, plus: number): number[] => [...unitAt(local, plus), ...i32(0x30), op.i32Sub, ...i32(10), op.i32LtU];
  /** The class bits of the unit at `local` + `plus`. */
  const classAt = (local: number, plus: number): number[] => [...unitAt(local, plus), op.i32Load8U, ...memarg(0, CLASS)];
  /** Key byte `k` of the match at A (written at KEY + k): its unit there, an ASCII digit, as it is. */
  const keyDigit = (k: number): number[] => [...get(KEY), ...unitAt(A, k), op.i32Store8, ...memarg(0, k)];
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
    ...classAt(B, 0), op.localTee, SIGN_CLASS, ...i32(SIGN), op.i32And, op.i32Eqz, op.brIf, 0,
    ...digitAt(A, 7), op.i32Eqz, op.brIf, 0,
    ...digitAt(A, 8), op.i32Eqz, op.brIf, 0,
    ...digitAt(A, 9), op.i32Eqz, op.brIf, 0,
    ...classAt(A, 10), op.localTee, CHECK_CLASS, ...i32(CHECK), op.i32And, op.i32Eqz, op.brIf, 0,
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
    // An undecided guard, or a sign or check character outside ASCII: the caller's.
    ...get(FLAGS), ...get(SIGN_CLASS), ...get(CHECK_CLASS), op.i32Or, ...i32(UNDECIDED), op.i32And, op.i32Or, op.if, VOID,
    ...i32(0), ...get(A), ...get(FLAGS), op.i32Or, op.i32Store, ...memarg(2, STOP),
    ...get(COUNT), op.return,
    op.end,
    // The scan key: digits as they are, the sign folded, the check character upper-cased.
    ...get(KEYS), ...get(A), op.i32Add, ...set(KEY),
    ...[0, 1, 2, 3, 4, 5, 7, 8, 9].flatMap(keyDigit),
    ...get(KEY),
    ...i32(0x2d), ...i32(0x41), ...i32(0x2b), ...get(SIGN_CLASS), ...i32(FOLDS_TO_A), op.i32And, op.select,
    ...get(SIGN_CLASS), ...i32(FOLDS_TO_MINUS), op.i32And, op.select,
    op.i32Store8, ...memarg(0, 6),
    ...get(KEY),
    ...unitAt(A, 10), op.localTee, C,
    ...get(C), ...i32(0x61), op.i32Sub, ...i32(26), op.i32LtU, ...i32(5), op.i32Shl, op.i32Sub,
    op.i32Store8, ...memarg(0, 10),
    ...get(COUNT), ...i32(3), op.i32Shl, ...get(OUT), op.i32Add, ...get(A), op.i32Store, ...memarg(2, 0),
    ...get(COUNT), ...i32(3), op.i32Shl, ...get(OUT), op.i32Add, ...get(A), ...i32(11), op.i32Add, op.i32Store, ...memarg(2, 4),
    ...get(COUNT), ...i32(1), op.i32Add, ...set(COUNT),
    ...get(A), ...i32(11), op.i32Add, ...set(I),
    op.br, 1,
    op.end, // next
    ...get(B), ...i32(1), op.i32Add, ...set(I),
    op.br, 0,
    op.end, // top
    op.end, // exit
    ...i32(0), ...i32(-1), op.i32Store, ...memarg(2, STOP),
    ...get(COUNT),
  ];
  return { fn: 'hetu', params: [I32, I32, I32, I32], results: [I32], locals: [[9, I32]], body, pages: 2 };
}

const hetuKernel = lazySearchKernel<(n: number, from: number, out: number, keys: number) => number>(hetuKernelSpec, classTable);

/**
 * Matches of the fi_hetu pattern in text[lo, hi) by the kernel: runs of those
 * with a scan key go to `onKeyed` (see KeyedMatches in pattern-scan.ts, with
 * `lo` as base); every other candidate goes, in order with them, to
 * `onCandidate` as its start offset from `lo` with the HETU_*_UNDECIDED
 * flags (none when only a unit of it is outside ASCII). False (and nothing
 * passed) when the kernel cannot take the region. The copy of the text in the
 * kernel's memory, and the keys, are wiped before returning.
 *
 * A candidate whose guard the caller then refuses needs no search of its own
 * units: that guard is outside ASCII, so it is no digit, and the units between
 * the sign and it (three digits and the check character) are too few for
 * another match's six digits.
 */
export function hetuKernelFind(
  text: string,
  lo: number,
  hi: number,
  onKeyed: (pairs: Int32Array, count: number, base: number, keys: Uint8Array) => void,
  onCandidate: (flagged: number) => void,
): boolean {
  const k = hetuKernel();
  if (k === null) return false;
  const n = hi - lo;
  const out = wordAfterUnits(TEXT, n);
  // A key byte per unit: at SEARCH_KERNEL_MAX_UNITS the memory grows to about 24 MB (text 12.6, pairs 4.6, keys 6.3).
  const keys = out + 8 * (Math.floor(n / 11) + 1);
  // Stop slot, text, output and keys are wiped together: the text and the keys are identifier values, the others offsets.
  return k.withText(text, lo, hi, TEXT, STOP, keys + n, () => {
    const keyBytes = new Uint8Array(k.memory, keys, n);
    const stop = new Int32Array(k.memory, STOP, 1);
    let from = 0;
    for (;;) {
      const found = k.fn(n, from, out, keys);
      if (found > 0) onKeyed(new Int32Array(k.memory, out, 2 * found), found, lo, keyBytes);
      const flagged = stop[0]!;
      if (flagged < 0) break;
      onCandidate(flagged);
      from = (flagged & HETU_OFFSET_MASK) + 11;
    }
  });
}

/** Nonzero bytes left in the kernel's memory past its class table (for tests: 0 after every search). */
export function hetuKernelResidue(): number {
  return hetuKernel()?.residue(STOP) ?? 0;
}
