/**
 * Text normalization shared by winnowing and simhash, identical at enrollment
 * and at scan time: NFKC, lower case, and every run of characters that are not
 * letters, digits or combining marks collapsed to one space (none at the ends).
 * A reformatted leak (case, whitespace, punctuation, full-width forms) thus
 * normalizes to the same string as the enrolled original.
 */
import { Buffer } from 'node:buffer';
import { I32, instantiateKernel, memarg, op, sleb32, VOID, type KernelSpec } from './wasm-assembler.js';

/** Receives normalized UTF-16 code units `units[0..length)`; they are wiped when the call returns. */
export type UnitsSink = (units: Uint16Array, length: number) => void;

/** Code-unit classes of NFKC output, filled lazily; 0 means "not yet classified". */
const UNKNOWN = 0;
const WORD = 1;
const SEPARATOR = 2;
const SURROGATE = 3;

const WORD_CHAR = /^[\p{L}\p{N}\p{M}]$/u;
/**
 * Characters that NFKC may compose with the character before them: combining
 * marks, Hangul medial/final jamo, and the half-width kana voicing marks (which
 * decompose to combining marks). A chunk is never cut in front of one.
 */
const JOINS_BACKWARD = /^[\p{M}\u1160-\u11ff\uff9e\uff9f]$/u;

/** A run of more trailing non-starters than this is not held back (stream-safe text has at most 30). */
const MAX_HELD_UNITS = 64;

const SPACE = 0x20;
const FINAL_SIGMA = 0x3c2;
const SIGMA = 0x3c3;

const classOf = new Uint8Array(65536);
const astralIsWord = new Map<number, boolean>();

/**
 * What an input code unit becomes when it stands between two NFKC boundaries,
 * filled lazily: FAST_UNKNOWN, FAST_SLOW (the unit needs NFKC in context),
 * FAST_SEPARATOR, or the lower-case code unit it is emitted as (always above
 * FAST_SEPARATOR, since controls are separators). A unit gets a direct mapping
 * only if it is NFKC-stable, lower-cases to one unit and is not in
 * JOINS_BACKWARD; then a normalization boundary sits in front of it, so the
 * text on either side normalizes independently and NFKC can be skipped for it.
 * That covers ASCII, Latin-1 letters such as ä and ö, Greek, Cyrillic and CJK.
 */
const FAST_UNKNOWN = 0;
const FAST_SLOW = 1;
const FAST_SEPARATOR = 2;
const fastMap = new Uint16Array(65536);

function classify(unit: number): number {
  const cls =
    unit >= 0xd800 && unit <= 0xdfff
      ? SURROGATE
      : WORD_CHAR.test(String.fromCharCode(unit))
        ? WORD
        : SEPARATOR;
  classOf[unit] = cls;
  return cls;
}

/**
 * The direct path of `emitUnits`: normalizes units mapped by `fastMap` a block
 * at a time, as a small WebAssembly loop (pushUnits 2.0–3.2 against 4.1–5.5 ns
 * a unit with the JavaScript loop on this machine's CSV and text), or as that
 * JavaScript loop where WebAssembly is unavailable (node --jitless).
 */
const KERNEL_BLOCK = 16_384;

interface DirectPath {
  /**
   * Normalizes input[j, n) into output[0, …) until a unit maps to FAST_UNKNOWN
   * or FAST_SLOW; returns where it stopped. It leaves in `state`: units written,
   * spaceDue, emittedAny, and the output index, spaceDue and emittedAny before
   * the last unit read (output index -1 when none was read).
   */
  run: (j: number, n: number, space: number, emitted: number) => number;
  state: Int32Array;
  /** The block being normalized (KERNEL_BLOCK units). */
  input: Uint16Array;
  /** Its output, plus the two units a step may write past the end. */
  output: Uint16Array;
}

/** Memory of the WebAssembly loop: its state, a copy of `fastMap` (filled as classifyFast fills fastMap), input, output. */
const K_STATE = 0;
const K_MAP = 64;
const K_IN = K_MAP + 2 * 65_536;
const K_OUT = K_IN + 2 * KERNEL_BLOCK;
const K_END = K_OUT + 2 * (KERNEL_BLOCK + 2);

/**
 * `jsDirectPath`'s loop in WebAssembly, over byte addresses: run(p, end, space,
 * emitted) reads K_IN[p, end), writes from K_OUT and returns the address where
 * it stopped; the output indexes it leaves at K_STATE are in units.
 */
function normalizeKernelSpec(): KernelSpec {
  const get = (n: number) => [op.localGet, n];
  const set = (n: number) => [op.localSet, n];
  const int = (n: number) => [op.i32Const, ...sleb32(n)];
  // Parameters: 0 p, 1 end, 2 space, 3 emitted. Locals: 4 o, 5 mapped, 6 word, 7-9 the state before the last unit.
  const [p, end, space, emitted, o, mapped, word, lastO, lastSpace, lastEmitted] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  const store = (offset: number, local: number) => [...int(K_STATE), ...get(local), op.i32Store, ...memarg(2, offset)];
  return {
    fn: 'run',
    params: [I32, I32, I32, I32],
    results: [I32],
    locals: [[6, I32]],
    pages: Math.ceil(K_END / 65_536),
    body: [
      ...int(K_OUT), ...set(o),
      ...int(-1), ...set(lastO),
      op.block, VOID, op.loop, VOID,
      ...get(p), ...get(end), op.i32GeU, op.brIf, 1,
      // mapped = fastMap[unit]; stop at FAST_UNKNOWN and FAST_SLOW.
      ...get(p), op.i32Load16U, ...memarg(1), ...int(1), op.i32Shl, op.i32Load16U, ...memarg(1, K_MAP), op.localTee, mapped,
      ...int(FAST_SEPARATOR), op.i32LtU, op.brIf, 1,
      ...get(o), ...set(lastO), ...get(space), ...set(lastSpace), ...get(emitted), ...set(lastEmitted),
      ...get(mapped), ...int(FAST_SEPARATOR), op.i32GtU, ...set(word),
      // Without branches: a space is written always and kept when due before a word unit.
      ...get(o), ...int(SPACE), op.i32Store16, ...memarg(1),
      ...get(o), ...get(space), ...get(word), op.i32And, ...int(1), op.i32Shl, op.i32Add, op.localTee, o,
      ...get(mapped), op.i32Store16, ...memarg(1),
      ...get(o), ...get(word), ...int(1), op.i32Shl, op.i32Add, ...set(o),
      // A word unit clears spaceDue; a separator sets it once something was emitted.
      ...get(emitted), ...get(word), ...int(1), op.i32Xor, op.i32And, ...set(space),
      ...get(emitted), ...get(word), op.i32Or, ...set(emitted),
      ...get(p), ...int(2), op.i32Add, ...set(p),
      op.br, 0,
      op.end, op.end,
      ...get(o), ...int(K_OUT), op.i32Sub, ...int(1), op.i32ShrU, ...set(o),
      ...int(-1), ...get(lastO), ...int(K_OUT), op.i32Sub, ...int(1), op.i32ShrU, ...get(lastO), ...int(-1), op.i32Eq, op.select, ...set(lastO),
      ...store(0, o), ...store(4, space), ...store(8, emitted), ...store(12, lastO), ...store(16, lastSpace), ...store(20, lastEmitted),
      ...get(p),
    ],
  };
}

/** fastMap inside the WebAssembly loop's memory, or null without WebAssembly. */
let kernelMap: Uint16Array | null = null;

/** The WebAssembly loop, or null where WebAssembly is unavailable. */
function wasmDirectPath(): DirectPath | null {
  const instance = instantiateKernel<(p: number, end: number, space: number, emitted: number) => number>(normalizeKernelSpec());
  if (instance === null) return null;
  const run = instance.fn;
  kernelMap = new Uint16Array(instance.memory, K_MAP, 65_536);
  return {
    run: (j, n, space, emitted) => (run(K_IN + 2 * j, K_IN + 2 * n, space, emitted) - K_IN) >>> 1,
    state: new Int32Array(instance.memory, K_STATE, 6),
    input: new Uint16Array(instance.memory, K_IN, KERNEL_BLOCK),
    output: new Uint16Array(instance.memory, K_OUT, KERNEL_BLOCK + 2),
  };
}

/** The same loop in JavaScript. */
function jsDirectPath(): DirectPath {
  const state = new Int32Array(6);
  const input = new Uint16Array(KERNEL_BLOCK);
  const output = new Uint16Array(KERNEL_BLOCK + 2);
  const run = (j: number, n: number, space: number, emitted: number): number => {
    let o = 0;
    let lastO = -1;
    let lastSpace = 0;
    let lastEmitted = 0;
    for (; j < n; j++) {
      const mapped = fastMap[input[j]!]!;
      if (mapped < FAST_SEPARATOR) break;
      lastO = o;
      lastSpace = space;
      lastEmitted = emitted;
      if (mapped === FAST_SEPARATOR) {
        space = emitted;
        continue;
      }
      // Writing the space unconditionally and advancing over it only when due
      // spares a branch that mispredicts at every word boundary.
      output[o] = SPACE;
      o += space;
      output[o++] = mapped;
      space = 0;
      emitted = 1;
    }
    state[0] = o;
    state[1] = space;
    state[2] = emitted;
    state[3] = lastO;
    state[4] = lastSpace;
    state[5] = lastEmitted;
    return j;
  };
  return { run, state, input, output };
}

const directPath: DirectPath = wasmDirectPath() ?? jsDirectPath();

function classifyFast(unit: number): number {
  let mapped = FAST_SLOW;
  if (unit < 0xd800 || unit > 0xdfff) {
    const c = String.fromCharCode(unit);
    const lower = c.toLowerCase();
    if (!JOINS_BACKWARD.test(c) && c.normalize('NFKC') === c && lower.length === 1) {
      const l = lower.charCodeAt(0);
      mapped = WORD_CHAR.test(lower) ? (l === FINAL_SIGMA ? SIGMA : l) : FAST_SEPARATOR;
    }
  }
  fastMap[unit] = mapped;
  if (kernelMap) kernelMap[unit] = mapped;
  return mapped;
}

function isSlow(unit: number): boolean {
  const mapped = fastMap[unit]!;
  return (mapped === FAST_UNKNOWN ? classifyFast(unit) : mapped) === FAST_SLOW;
}

function isAstralWord(codePoint: number): boolean {
  let word = astralIsWord.get(codePoint);
  if (word === undefined) {
    word = WORD_CHAR.test(String.fromCodePoint(codePoint));
    astralIsWord.set(codePoint, word);
  }
  return word;
}

function joinsBackward(codePoint: number): boolean {
  return codePoint >= 0x300 && JOINS_BACKWARD.test(String.fromCodePoint(codePoint));
}

/**
 * Index where the unsafe tail of `s` starts: from the last character that later
 * input cannot combine into (or a dangling high surrogate) to the end.
 */
function safeCut(s: string): number {
  let i = s.length;
  const floor = Math.max(0, s.length - MAX_HELD_UNITS);
  while (i > floor) {
    let start = i - 1;
    const unit = s.charCodeAt(start);
    if (unit >= 0xdc00 && unit <= 0xdfff && start > 0) {
      const prev = s.charCodeAt(start - 1);
      if (prev >= 0xd800 && prev <= 0xdbff) start -= 1;
    }
    if (!joinsBackward(s.codePointAt(start) ?? 0)) return start;
    i = start;
  }
  // Only non-starters: a short run waits for more input (marks reorder among
  // themselves); a run too long for stream-safe text is cut so memory stays
  // bounded, though never between the halves of a surrogate pair.
  if (floor === 0) return 0;
  const last = s.charCodeAt(s.length - 1);
  return last >= 0xd800 && last <= 0xdbff ? s.length - 1 : s.length;
}

const NO_UNITS = new Uint16Array(0);

/**
 * Input and output code units of the chunk under normalization, wiped after
 * each chunk so leaked text does not linger in them. One set serves every
 * normalizer in turn, so a new document does not allocate (and fault in) fresh
 * megabytes; a sink that normalizes more text while the set is out gets its own.
 */
class Scratch {
  input: Uint16Array = NO_UNITS;
  private inputBytes: Buffer = Buffer.alloc(0);
  out: Uint16Array = NO_UNITS;

  /** Copies text[0..end) into `input` (Buffer copies code units natively, far faster than charCodeAt). */
  load(text: string, end: number): Uint16Array {
    if (this.input.length < end) {
      this.input = new Uint16Array(Math.max(end, 2 * this.input.length, 4096));
      this.inputBytes = Buffer.from(this.input.buffer, this.input.byteOffset, this.input.byteLength);
    }
    this.inputBytes.write(text, 0, 2 * end, 'utf16le');
    return this.input;
  }

  /** `out`, grown if needed so that `extra` more units fit after the first `used`. */
  reserve(used: number, extra: number): Uint16Array {
    const old = this.out;
    if (old.length >= used + extra) return old;
    const grown = new Uint16Array(Math.max(used + extra, 2 * old.length, 4096));
    grown.set(old.subarray(0, used));
    old.fill(0, 0, used);
    this.out = grown;
    return grown;
  }
}

let idleScratch: Scratch | null = new Scratch();

/**
 * Streaming normalizer. The concatenation of every `push` result followed by
 * `flush()` equals `normalizeText` of the concatenated input, wherever the
 * chunks were cut; `pushUnits` and `flushUnits` hand out the same text as code
 * units, without building a string.
 */
export class TextNormalizer {
  /** Raw input held back because the next chunk may still combine with it. */
  private held = '';
  /** 1 when a separator followed the last word character emitted (none before the first), else 0. */
  private spaceDue = 0;
  /** 1 once a word character has been emitted, else 0. */
  private emittedAny = 0;
  /** The work buffers, while a chunk is being normalized. */
  private scratch = new Scratch();

  /** Normalizes the next chunk; returns the normalized text it completes (possibly empty). */
  push(chunk: string): string {
    let text = '';
    this.pushUnits(chunk, (units, length) => {
      text = decodeUnits(units, length);
    });
    return text;
  }

  /** Ends the stream and returns whatever was held back. */
  flush(): string {
    let text = '';
    this.flushUnits((units, length) => {
      text = decodeUnits(units, length);
    });
    return text;
  }

  /** Like `push`, but hands the normalized code units to `sink` (not called when there are none). */
  pushUnits(chunk: string, sink: UnitsSink): void {
    this.run(chunk, false, sink);
  }

  /** Like `flush`, but hands the normalized code units to `sink` (not called when there are none). */
  flushUnits(sink: UnitsSink): void {
    this.run('', true, sink);
  }

  private run(chunk: string, end: boolean, sink: UnitsSink): void {
    const scratch = idleScratch ?? new Scratch();
    idleScratch = null;
    this.scratch = scratch;
    let length = 0;
    try {
      length = end ? this.normalizeRest() : this.normalizeChunk(chunk);
      if (length > 0) sink(scratch.out, length);
    } finally {
      scratch.out.fill(0, 0, length);
      idleScratch = scratch;
    }
  }

  /** Normalizes what `chunk` completes into `out`; returns the number of units written. */
  private normalizeChunk(chunk: string): number {
    let text = chunk;
    let o = 0;
    if (this.held.length > 0) {
      // In front of a directly mapped unit lies a boundary, so the held tail
      // normalizes on its own and the chunk needs no concatenation.
      if (chunk.length > 0 && !isSlow(chunk.charCodeAt(0))) o = this.emitSlow(this.held, 0);
      else text = this.held + chunk;
      this.held = '';
    }
    const cut = safeCut(text);
    if (cut < text.length) this.held = text.slice(cut);
    return this.emit(text, cut, o);
  }

  private normalizeRest(): number {
    const rest = this.held;
    this.held = '';
    return this.emit(rest, rest.length, 0);
  }

  /**
   * Appends the normalization of text[0..end) at out[o]; returns the new end.
   * Directly mapped units are copied; a run of other units is normalized as one
   * piece together with the unit before it, the boundary nearest in front.
   */
  private emit(text: string, end: number, o: number): number {
    if (end === 0) return o;
    // Reading a typed array is several times faster than charCodeAt on a long
    // (often sliced) string.
    const input = this.scratch.load(text, end);
    // The mapped part never grows: a space is written only for a separator read.
    // Growing here, not in emitUnits, keeps a rarely taken path out of the hot loop.
    this.scratch.reserve(o, end);
    try {
      return this.emitUnits(text, input, end, o);
    } finally {
      input.fill(0, 0, end);
    }
  }

  /**
   * Appends the normalization of input[0..end) (the units of text[0..end)) at
   * out[o]; returns the new end. Directly mapped units go through the direct
   * path a block at a time; where it stops, the unit is classified, or its run
   * of units that need NFKC is normalized as one piece together with the unit
   * before it (the boundary nearest in front), and the direct path resumes.
   */
  private emitUnits(text: string, input: Uint16Array, end: number, o: number): number {
    const path = directPath;
    const { state } = path;
    let space = this.spaceDue;
    let emitted = this.emittedAny;
    // The state before the last unit read, to re-read that unit with a slow run.
    let lastO = o;
    let lastSpace = space;
    let lastEmitted = emitted;
    let wipeIn = 0;
    let wipeOut = 0;
    try {
      // Block by block; within a block the direct path resumes where it stopped (the block is copied in once).
      for (let i = 0; i < end; ) {
        const n = Math.min(KERNEL_BLOCK, end - i);
        path.input.set(input.subarray(i, i + n));
        wipeIn = Math.max(wipeIn, n);
        let j = 0;
        while (j < n) {
          j = path.run(j, n, space, emitted);
          const produced = state[0]!;
          wipeOut = Math.max(wipeOut, produced + 2);
          // The direct path never writes more units than it reads, and emit reserved one per unit read.
          // A short run between two stops is copied by a loop: a subarray for each would cost more.
          if (produced > 64) this.scratch.out.set(path.output.subarray(0, produced), o);
          else for (let k = 0, out = this.scratch.out, from = path.output; k < produced; k++) out[o + k] = from[k]!;
          if (state[3] !== -1) {
            lastO = o + state[3]!;
            lastSpace = state[4]!;
            lastEmitted = state[5]!;
          }
          o += produced;
          space = state[1]!;
          emitted = state[2]!;
          if (j === n) break;
          const at = i + j;
          if (fastMap[input[at]!] === FAST_UNKNOWN) {
            classifyFast(input[at]!);
            continue;
          }
          let from = at;
          if (at > 0) {
            from = at - 1;
            o = lastO;
            space = lastSpace;
            emitted = lastEmitted;
          }
          let to = at + 1;
          while (to < end && isSlow(input[to]!)) to++;
          this.spaceDue = space;
          this.emittedAny = emitted;
          o = this.emitSlow(text.slice(from, to), o);
          this.scratch.reserve(o, end - to);
          space = this.spaceDue;
          emitted = this.emittedAny;
          // The run may end past this block; the next block then starts where it ends.
          j = to - i;
        }
        i += j;
      }
    } finally {
      // The direct path's buffers outlive the call; leaked text must not linger in them.
      path.input.fill(0, 0, wipeIn);
      path.output.fill(0, 0, wipeOut);
    }
    this.spaceDue = space;
    this.emittedAny = emitted;
    return o;
  }

  /** Appends the normalization of `raw`, which starts and ends at boundaries, at out[o]. */
  private emitSlow(raw: string, o: number): number {
    const lowered = raw.normalize('NFKC').toLowerCase();
    const n = lowered.length;
    const out = this.scratch.reserve(o, n);
    let space = this.spaceDue;
    let emitted = this.emittedAny;
    for (let i = 0; i < n; i++) {
      const unit = lowered.charCodeAt(i);
      let cls = classOf[unit]!;
      if (cls === UNKNOWN) cls = classify(unit);
      let low = -1;
      if (cls === SURROGATE) {
        const next = i + 1 < n ? lowered.charCodeAt(i + 1) : 0;
        const paired = unit <= 0xdbff && next >= 0xdc00 && next <= 0xdfff;
        if (paired && isAstralWord(((unit - 0xd800) << 10) + (next - 0xdc00) + 0x10000)) {
          low = next;
          i += 1;
          cls = WORD;
        } else {
          cls = SEPARATOR;
        }
      }
      if (cls !== WORD) {
        space = emitted;
        continue;
      }
      if (space === 1) out[o++] = SPACE;
      space = 0;
      // Case folding maps final sigma to sigma; toLowerCase picks one by context,
      // and the context can sit in another chunk.
      out[o++] = unit === FINAL_SIGMA ? SIGMA : unit;
      if (low >= 0) out[o++] = low;
      emitted = 1;
    }
    this.spaceDue = space;
    this.emittedAny = emitted;
    return o;
  }
}

/** Decodes code units to a string; Buffer's UTF-16LE decoding is many times faster than TextDecoder's in Node 20. */
export function decodeUnits(units: Uint16Array, length: number): string {
  // Typed arrays are little-endian on every platform Node supports.
  return Buffer.from(units.buffer, units.byteOffset, 2 * length).toString('utf16le');
}

/** Normalizes a whole string: NFKC, lower case, separator runs collapsed to single spaces, trimmed. */
export function normalizeText(s: string): string {
  const normalizer = new TextNormalizer();
  return normalizer.push(s) + normalizer.flush();
}
