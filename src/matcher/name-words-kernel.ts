/**
 * The words of a corroboration window, for name corroboration
 * (document-matcher.ts `collectNameFps`), found by a WebAssembly loop over a
 * copy of the text's UTF-16 code units: a word is a run of units that are
 * not white space (`\s`); the loop classifies its units and makes its hash for
 * the word cache (word-fp-cache.ts: FNV-1a from WORD_HASH_SEED) on the way. In JavaScript that
 * took three or four passes over each character (classify, hash, and for a
 * word with digits, find and hash its letter runs).
 *
 * Per word with a letter (ASCII or any unit outside ASCII that is not white
 * space), it reports one of:
 * - NAME_WORD: no digit and no '@': the whole word, with its hash;
 * - NAME_RUNS: digits or '@', but only ASCII and no apostrophe: each run of
 *   ASCII letters in it, with the run's hash;
 * - NAME_OTHER: digits or '@' among units outside ASCII or apostrophes: the
 *   whole word, for the caller to tokenize (no hash).
 *
 * The text is copied in once, at its first window, and stays until
 * `clearNameWords` wipes it (the matcher does at the end of each text it
 * searched): a row batch's hits are a few to a few hundred windows of one
 * text, and copying each window cost as much as the loop saved. A window's
 * output is wiped before the call returns.
 */
import { Buffer } from 'node:buffer';
import { I32, instantiateKernel, memarg, op, sleb32, VOID, type KernelSpec } from './wasm-assembler.js';
import { CLASS_TABLE_BYTES, nonzeroBytes, SEARCH_KERNEL_MAX_UNITS, wordAfterUnits } from './identifiers/search-kernel.js';
import { WORD_HASH_SEED } from './word-fp-cache.js';

export const NAME_WORD = 0;
export const NAME_RUNS = 1;
export const NAME_OTHER = 2;

/** What `\s` matches in a JavaScript regex: the words' separators. */
export function isSpace(c: number): boolean {
  if (c <= 0x20) return c === 0x20 || (c >= 0x09 && c <= 0x0d);
  if (c < 0xa0) return false;
  return c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}

export function isAsciiLetter(c: number): boolean {
  return (c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a;
}

/** Classes of a word's units, for the loop here and the JavaScript one in document-matcher.ts (WORD_OTHER: outside ASCII and not white space, a letter for this purpose). */
export const WORD_SPACE = 1;
export const WORD_DIGIT = 2;
export const WORD_LETTER = 4;
export const WORD_APOSTROPHE = 8;
export const WORD_OTHER = 16;
/** Per ASCII code: WORD_SPACE for what isSpace accepts, WORD_DIGIT for digits and '@', WORD_LETTER, WORD_APOSTROPHE for ' and `, else 0. */
export const ASCII_WORD = Uint8Array.from({ length: 0x80 }, (_, c) =>
  isSpace(c) ? WORD_SPACE : (c >= 0x30 && c <= 0x39) || c === 0x40 ? WORD_DIGIT : isAsciiLetter(c) ? WORD_LETTER : c === 0x27 || c === 0x60 ? WORD_APOSTROPHE : 0,
);

/** The loop's class table: ASCII_WORD, and outside ASCII WORD_SPACE or WORD_OTHER. */
export function nameWordsClassTable(): Uint8Array {
  const t = new Uint8Array(CLASS_TABLE_BYTES);
  for (let c = 0; c < CLASS_TABLE_BYTES; c++) t[c] = c < 0x80 ? ASCII_WORD[c]! : isSpace(c) ? WORD_SPACE : WORD_OTHER;
  return t;
}

/** Byte layout: the class table, then the units; the output (four i32 a word or run) follows them. */
const CLASS = 0;
const TEXT = CLASS_TABLE_BYTES;

/**
 * `words(from, to, out)`: the words of units [from, to) of the text at TEXT,
 * as (start, end, kind, hash) i32 quadruples from byte `out` on (see the
 * module comment); returns how many.
 */
export function nameWordsKernelSpec(): KernelSpec {
  const [I, N, OUT] = [0, 1, 2] as const;
  const [A, C, K, SEEN, H, COUNT, J, R] = [3, 4, 5, 6, 7, 8, 9, 10] as const;
  const get = (local: number): number[] => [op.localGet, local];
  const set = (local: number): number[] => [op.localSet, local];
  const i32 = (n: number): number[] => [op.i32Const, ...sleb32(n)];
  const add = (local: number, n: number): number[] => [...get(local), ...i32(n), op.i32Add, ...set(local)];
  const unitAt = (local: number): number[] => [...get(local), ...i32(1), op.i32Shl, op.i32Load16U, ...memarg(1, TEXT)];
  const classOf = (unit: number[]): number[] => [...unit, op.i32Load8U, ...memarg(0, CLASS)];
  /** H = wordHash(H, C). */
  const hashStep = (h: number): number[] => [...get(h), ...get(C), op.i32Xor, ...i32(0x01000193), op.i32Mul, ...set(h)];
  /** One quadruple: start, end, kind, hash. */
  const emit = (start: number[], end: number[], kind: number, hash: number[]): number[] => [
    ...get(COUNT), ...i32(4), op.i32Shl, ...get(OUT), op.i32Add, ...start, op.i32Store, ...memarg(2, 0),
    ...get(COUNT), ...i32(4), op.i32Shl, ...get(OUT), op.i32Add, ...end, op.i32Store, ...memarg(2, 4),
    ...get(COUNT), ...i32(4), op.i32Shl, ...get(OUT), op.i32Add, ...i32(kind), op.i32Store, ...memarg(2, 8),
    ...get(COUNT), ...i32(4), op.i32Shl, ...get(OUT), op.i32Add, ...hash, op.i32Store, ...memarg(2, 12),
    ...add(COUNT, 1),
  ];
  /** The runs of ASCII letters in [A, I), each with its hash (H reused). */
  const runs = [
    ...get(A), ...set(J),
    op.block, VOID, op.loop, VOID, // runs
    op.block, VOID, op.loop, VOID,
    ...get(J), ...get(I), op.i32GeS, op.brIf, 3,
    ...classOf(unitAt(J)), ...i32(WORD_LETTER), op.i32And, op.brIf, 1,
    ...add(J, 1),
    op.br, 0,
    op.end, op.end,
    ...get(J), ...set(R),
    ...i32(WORD_HASH_SEED), ...set(H),
    op.block, VOID, op.loop, VOID,
    ...get(J), ...get(I), op.i32GeS, op.brIf, 1,
    ...unitAt(J), ...set(C),
    ...classOf(get(C)), ...i32(WORD_LETTER), op.i32And, op.i32Eqz, op.brIf, 1,
    ...hashStep(H),
    ...add(J, 1),
    op.br, 0,
    op.end, op.end,
    ...emit(get(R), get(J), NAME_RUNS, get(H)),
    op.br, 0,
    op.end, op.end,
  ];
  const body = [
    op.block, VOID, op.loop, VOID, // done, words
    // White space before the word.
    op.block, VOID, op.loop, VOID,
    ...get(I), ...get(N), op.i32GeS, op.brIf, 3,
    ...classOf(unitAt(I)), ...i32(WORD_SPACE), op.i32And, op.i32Eqz, op.brIf, 1,
    ...add(I, 1),
    op.br, 0,
    op.end, op.end,
    ...get(I), ...set(A),
    ...i32(0), ...set(SEEN),
    ...i32(WORD_HASH_SEED), ...set(H),
    op.block, VOID, op.loop, VOID,
    ...get(I), ...get(N), op.i32GeS, op.brIf, 1,
    ...unitAt(I), ...set(C),
    ...classOf(get(C)), op.localTee, K, ...i32(WORD_SPACE), op.i32And, op.brIf, 1,
    ...get(SEEN), ...get(K), op.i32Or, ...set(SEEN),
    ...hashStep(H),
    ...add(I, 1),
    op.br, 0,
    op.end, op.end,
    op.block, VOID, // next word
    ...get(SEEN), ...i32(WORD_LETTER | WORD_OTHER), op.i32And, op.i32Eqz, op.brIf, 0,
    ...get(SEEN), ...i32(WORD_DIGIT), op.i32And, op.i32Eqz, op.if, VOID,
    ...emit(get(A), get(I), NAME_WORD, get(H)),
    op.br, 1,
    op.end,
    ...get(SEEN), ...i32(WORD_APOSTROPHE | WORD_OTHER), op.i32And, op.i32Eqz, op.if, VOID,
    ...runs,
    op.br, 1,
    op.end,
    ...emit(get(A), get(I), NAME_OTHER, i32(0)),
    op.end, // next word
    op.br, 0,
    op.end, op.end, // words, done
    ...get(COUNT),
  ];
  return { fn: 'words', params: [I32, I32, I32], results: [I32], locals: [[8, I32]], body, pages: 2 };
}

interface NameWordsKernel {
  fn: (from: number, to: number, out: number) => number;
  memory: ArrayBuffer;
  grow: (pages: number) => ArrayBuffer;
}

/** Made on first use (the class table written once); null where WebAssembly is unavailable (node --jitless). */
let kernel: NameWordsKernel | null | undefined;
let bytes = new Uint8Array(0);
let words = new Int32Array(0);
/** The text whose units are at TEXT, and how many there are. */
let loaded: string | null = null;
let loadedUnits = 0;
let busy = false;

function nameWordsKernel(): NameWordsKernel | null {
  if (kernel === undefined) {
    kernel = instantiateKernel<NameWordsKernel['fn']>(nameWordsKernelSpec());
    if (kernel !== null) {
      viewsOf(kernel.memory);
      bytes.set(nameWordsClassTable(), CLASS);
    }
  }
  return kernel;
}

function viewsOf(memory: ArrayBuffer): void {
  bytes = new Uint8Array(memory);
  words = new Int32Array(memory);
}

/** Grows the memory to `end` bytes (growing keeps what it holds). */
function reserve(k: NameWordsKernel, end: number): void {
  if (end <= k.memory.byteLength) return;
  k.memory = k.grow(Math.ceil((end - k.memory.byteLength) / 65536));
  viewsOf(k.memory);
}

/**
 * The words of text[lo, hi) (see the module comment): `use` gets `count`
 * quadruples in `found` from index `from` on, their start and end offsets
 * into `text`, valid only during the call. False, and `use` not called, when
 * the loop is unavailable (node --jitless), busy, or the text too long for it.
 */
export function withNameWords(text: string, lo: number, hi: number, use: (found: Int32Array, from: number, count: number) => void): boolean {
  const k = nameWordsKernel();
  if (k === null || busy || text.length > SEARCH_KERNEL_MAX_UNITS) return false;
  if (loaded !== text) {
    clearNameWords();
    reserve(k, TEXT + 2 * text.length);
    Buffer.from(k.memory).write(text, TEXT, 2 * text.length, 'utf16le');
    loaded = text;
    loadedUnits = text.length;
  }
  const out = wordAfterUnits(TEXT, loadedUnits);
  // At most one word or run per two units (a unit and a separator), and one for a last unit.
  reserve(k, out + 16 * (Math.floor((hi - lo) / 2) + 1));
  busy = true;
  let count = 0;
  try {
    count = k.fn(lo, hi, out);
    use(words, out >>> 2, count);
  } finally {
    bytes.fill(0, out, out + 16 * count);
    busy = false;
  }
  return true;
}

/** Wipes the text copied in (the matcher calls this when it is done with a text). */
export function clearNameWords(): void {
  if (loaded === null) return;
  bytes.fill(0, TEXT, TEXT + 2 * loadedUnits);
  loaded = null;
  loadedUnits = 0;
}

/** Nonzero bytes left in the loop's memory past its class table (for tests: 0 after `clearNameWords`). */
export function nameWordsKernelResidue(): number {
  const k = nameWordsKernel();
  return k === null ? 0 : nonzeroBytes(k.memory, TEXT);
}
