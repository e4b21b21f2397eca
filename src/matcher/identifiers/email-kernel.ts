/**
 * The e-mail search (email.ts, `decide` at every '@') as a WebAssembly loop
 * over a copy of the text's UTF-16 code units, for the whole text at once.
 *
 * The JavaScript search finds each '@' with `indexOf` and decides it by hand
 * on ASCII, in regions around the '@'s (the type's anchor). The loop decides
 * the '@'s `indexOf` found, over the whole text: a match containing an '@' lies within the
 * anchor's region of that '@' (its local part within 64 units before, its
 * domain within 576 after), guards included, so the regions' edges never
 * decide a match and one pass over the whole text finds the same ones.
 *
 * An '@' with a character outside ASCII where `decide` would look is not
 * decided here: the loop stops there and the caller handles that '@' as the
 * JavaScript search does (with the regex), then lets it go on.
 */
import { I32, memarg, op, sleb32, VOID, webAssemblyAvailable, type KernelSpec } from '../wasm-assembler.js';
import { CLASS_TABLE_BYTES, lazySearchKernel, wordAfterUnits } from './search-kernel.js';

/** Class bits of a code unit, as email.ts's ASCII_CLASS; UNICODE for everything outside ASCII. */
const LOCAL = 1;
const LABEL = 2;
const LETTER = 4;
const GUARD = 8;
const UNICODE = 0x80;

/** Byte layout: the class table, the stop slot, the label ends (8 words), then the text; the output follows the text. */
const CLASS = 0;
const STOP = CLASS_TABLE_BYTES;
const DOTS = STOP + 4;
const TEXT = DOTS + 32;

function classTable(): Uint8Array {
  const t = new Uint8Array(CLASS_TABLE_BYTES);
  for (let c = 0; c < 128; c++) {
    const ch = String.fromCharCode(c);
    const letter = /[A-Za-z]/.test(ch);
    const alnum = letter || /[0-9]/.test(ch);
    t[c] = (alnum || "._%+'-".includes(ch) ? LOCAL : 0) | (alnum || ch === '-' ? LABEL : 0) | (letter ? LETTER : 0) | (alnum || ch === '_' || ch === '-' ? GUARD : 0);
  }
  t.fill(UNICODE, 128);
  return t;
}

/**
 * `email(n, out, ats, count, from, lastEnd, keys)`: the matches of the '@'s
 * listed (ascending, as i32 from byte `ats` on) from list index `from` on, in
 * code units [0, n) at TEXT, as (start, end) i32 pairs from byte `out` on,
 * none starting before `lastEnd`; returns how many. Each match's scan key (its
 * units lower-cased, one byte each) goes to byte `keys` + its offsets. STOP
 * holds -1 when the list is done, else the list index of the undecided '@'
 * the loop stopped at.
 */
function emailKernelSpec(): KernelSpec {
  const [N, OUT, ATS, COUNT_AT, IDX, LAST_END, KEYS] = [0, 1, 2, 3, 4, 5, 6] as const;
  const [AT, S, C, P, Q, LABELS, J, TLD, COUNT] = [7, 8, 9, 10, 11, 12, 13, 14, 15] as const;
  const get = (local: number): number[] => [op.localGet, local];
  const set = (local: number): number[] => [op.localSet, local];
  const i32 = (n: number): number[] => [op.i32Const, ...sleb32(n)];
  /** The code unit at the index on the stack. */
  const unit = [...i32(1), op.i32Shl, op.i32Load16U, ...memarg(1, TEXT)];
  /** C = the class bits of the unit at index (local + plus), 0 outside [0, n). */
  const classInto = (local: number, plus: number): number[] => [
    ...get(local), ...(plus === 0 ? [] : [...i32(plus), op.i32Add]), ...set(C),
    ...get(C), ...i32(0), op.i32GeS, ...get(C), ...get(N), op.i32LtS, op.i32And,
    op.if, VOID,
    ...get(C), ...unit, op.i32Load8U, ...memarg(0, CLASS), ...set(C),
    op.else,
    ...i32(0), ...set(C),
    op.end,
  ];
  // The list index of the undecided '@' (IDX is already past it).
  const stopAt = [...i32(0), ...get(IDX), ...i32(1), op.i32Sub, op.i32Store, ...memarg(2, STOP), ...get(COUNT), op.return];
  /**
   * Q = the end of the run of `bit` units from `from`, stopped after 64 (as
   * `decide`'s label and top-level-domain loops), C = the class of the unit
   * that ended it; an undecided unit (outside ASCII) stops the loop.
   */
  const runFrom = (from: number, bit: number): number[] => [
    ...get(from), ...set(Q),
    op.block, VOID, op.loop, VOID,
    ...get(Q), ...get(from), op.i32Sub, ...i32(63), op.i32GtS, op.brIf, 1,
    ...classInto(Q, 0),
    ...get(C), ...i32(bit), op.i32And, op.i32Eqz, op.brIf, 1,
    ...get(Q), ...i32(1), op.i32Add, ...set(Q),
    op.br, 0,
    op.end, op.end,
    ...get(C), ...i32(UNICODE), op.i32And, op.if, VOID, ...stopAt, op.end,
  ];
  const body = [
    op.block, VOID, // done
    op.loop, VOID, // next '@'
    // The next '@' of the list.
    ...get(IDX), ...get(COUNT_AT), op.i32GeS, op.brIf, 1,
    ...get(IDX), ...i32(2), op.i32Shl, ...get(ATS), op.i32Add, op.i32Load, ...memarg(2, 0), ...set(AT),
    ...get(IDX), ...i32(1), op.i32Add, ...set(IDX),
    op.block, VOID, // decided: no match for this '@', or one written
    // The local part: back from the '@' over LOCAL units, at most 65.
    ...get(AT), ...set(S),
    ...i32(0), ...set(C),
    op.block, VOID, op.loop, VOID,
    ...get(AT), ...get(S), op.i32Sub, ...i32(64), op.i32GtS, op.brIf, 1,
    ...classInto(S, -1),
    ...get(C), ...i32(LOCAL), op.i32And, op.i32Eqz, op.brIf, 1,
    ...get(S), ...i32(1), op.i32Sub, ...set(S),
    op.br, 0,
    op.end, op.end,
    ...get(C), ...i32(UNICODE), op.i32And, op.if, VOID, ...stopAt, op.end,
    ...get(S), ...get(AT), op.i32Eq, op.brIf, 0,
    ...get(AT), ...get(S), op.i32Sub, ...i32(64), op.i32GtS, op.brIf, 0,
    ...get(S), ...get(LAST_END), op.i32LtS, op.brIf, 0,
    // Up to 8 whole labels, each followed by '.'.
    ...i32(0), ...set(LABELS),
    ...get(AT), ...i32(1), op.i32Add, ...set(P),
    op.block, VOID, op.loop, VOID,
    ...get(LABELS), ...i32(8), op.i32GeS, op.brIf, 1,
    ...runFrom(P, LABEL),
    ...get(Q), ...get(P), op.i32Eq, op.brIf, 1,
    ...get(Q), ...get(P), op.i32Sub, ...i32(63), op.i32GtS, op.brIf, 1,
    ...get(Q), ...get(N), op.i32GeS, op.brIf, 1,
    ...get(Q), ...unit, ...i32(0x2e), op.i32Ne, op.brIf, 1,
    ...get(LABELS), ...i32(2), op.i32Shl, ...get(Q), op.i32Store, ...memarg(2, DOTS),
    ...get(LABELS), ...i32(1), op.i32Add, ...set(LABELS),
    ...get(Q), ...i32(1), op.i32Add, ...set(P),
    op.br, 0,
    op.end, op.end,
    // Most labels first, as the greedy regex: the top-level domain after label J's dot.
    ...get(LABELS), ...set(J),
    op.block, VOID, op.loop, VOID,
    ...get(J), ...i32(1), op.i32LtS, op.brIf, 1,
    ...get(J), ...i32(1), op.i32Sub, ...i32(2), op.i32Shl, op.i32Load, ...memarg(2, DOTS), ...i32(1), op.i32Add, ...set(TLD),
    ...runFrom(TLD, LETTER),
    // A top-level domain of 2..63 letters not followed by a guard: the match [S, Q).
    ...get(Q), ...get(TLD), op.i32Sub, ...i32(2), op.i32GeS,
    ...get(Q), ...get(TLD), op.i32Sub, ...i32(63), op.i32LeS, op.i32And,
    ...get(C), ...i32(GUARD), op.i32And, op.i32Eqz, op.i32And,
    op.if, VOID,
    // The scan key: the match lower-cased, one byte per unit, at KEYS + its offsets.
    ...get(S), ...set(P),
    op.block, VOID, op.loop, VOID,
    ...get(P), ...get(Q), op.i32GeS, op.brIf, 1,
    ...get(P), ...get(KEYS), op.i32Add,
    ...get(P), ...unit, op.localTee, C,
    ...get(C), ...i32(0x41), op.i32Sub, ...i32(26), op.i32LtU, ...i32(5), op.i32Shl, op.i32Add,
    op.i32Store8, ...memarg(0, 0),
    ...get(P), ...i32(1), op.i32Add, ...set(P),
    op.br, 0,
    op.end, op.end,
    ...get(COUNT), ...i32(3), op.i32Shl, ...get(OUT), op.i32Add, ...get(S), op.i32Store, ...memarg(2, 0),
    ...get(COUNT), ...i32(3), op.i32Shl, ...get(OUT), op.i32Add, ...get(Q), op.i32Store, ...memarg(2, 4),
    ...get(COUNT), ...i32(1), op.i32Add, ...set(COUNT),
    ...get(Q), ...set(LAST_END),
    op.br, 3, // decided
    op.end,
    ...get(J), ...i32(1), op.i32Sub, ...set(J),
    op.br, 0,
    op.end, op.end,
    op.end, // decided
    ...get(AT), ...i32(1), op.i32Add, ...set(AT),
    op.br, 0,
    op.end, // next '@'
    op.end, // done
    ...i32(0), ...i32(-1), op.i32Store, ...memarg(2, STOP),
    ...get(COUNT),
  ];
  return { fn: 'email', params: [I32, I32, I32, I32, I32, I32, I32], results: [I32], locals: [[9, I32]], body, pages: 2 };
}

const emailKernel = lazySearchKernel<(n: number, out: number, ats: number, count: number, from: number, lastEnd: number, keys: number) => number>(
  emailKernelSpec,
  classTable,
);

/** Whether the loop can run here (then the e-mail type searches whole texts, without an anchor). */
export function emailKernelAvailable(): boolean {
  return webAssemblyAvailable();
}

/**
 * The e-mail matches in text[lo, hi) (its edges as the text's) of the '@'s at
 * ats[0..count) (ascending, within the region), by the kernel, passed to
 * `onMatches` a run at a time with their scan keys (see KeyedMatches). An
 * '@' the kernel leaves undecided goes to
 * `undecided(at, lastEnd)`, which handles it as the JavaScript search does and
 * returns the end of the last match so far. False (and nothing done) when the
 * kernel cannot take the region. The copy of the text in the kernel's memory
 * is wiped before returning.
 */
export function emailKernelFind(
  text: string,
  lo: number,
  hi: number,
  ats: Int32Array,
  count: number,
  onMatches: (pairs: Int32Array, count: number, base: number, keys: Uint8Array) => void,
  undecided: (at: number, lastEnd: number) => number,
): boolean {
  const k = emailKernel();
  if (k === null) return false;
  const n = hi - lo;
  const list = wordAfterUnits(TEXT, n);
  const out = list + 4 * count;
  // A match holds at least 6 units ("a@b.cd") and matches never overlap; a key byte per unit after that.
  const keys = out + 8 * (Math.floor(n / 6) + 1);
  // Label ends, text, list, output and keys are wiped together: the text and the keys are leaked content, the others offsets.
  return k.withText(text, lo, hi, TEXT, DOTS, keys + n, () => {
    const positions = new Int32Array(k.memory, list, count);
    for (let j = 0; j < count; j++) positions[j] = ats[j]! - lo;
    const keyBytes = new Uint8Array(k.memory, keys, n);
    const stop = new Int32Array(k.memory, STOP, 1);
    let from = 0;
    let lastEnd = 0;
    for (;;) {
      const found = k.fn(n, out, list, count, from, lastEnd, keys);
      const pairs = new Int32Array(k.memory, out, 2 * found);
      if (found > 0) {
        onMatches(pairs, found, lo, keyBytes);
        lastEnd = pairs[2 * found - 1]!;
      }
      const at = stop[0]!;
      if (at < 0) break;
      lastEnd = undecided(lo + positions[at]!, lo + lastEnd) - lo;
      from = at + 1;
    }
  });
}

/** Nonzero bytes left in the kernel's memory past its class table and stop slot (for tests: 0 after every search). */
export function emailKernelResidue(): number {
  return emailKernel()?.residue(DOTS) ?? 0;
}
