/**
 * How many line feeds a stretch of text holds, for the CSV parser's line
 * numbers when it passes a whole stretch of lines on at once (`onLines`).
 * Counted a unit at a time in JavaScript, the 50 MB CSV dump's lines took as
 * long as finding each line end with `indexOf` had (about 75 ms a scan, CPU
 * profile); where the engine has WebAssembly SIMD, a loop counts eight units
 * at a time (compare, bitmask, popcount) over a copy of the stretch, which is
 * wiped before the call returns.
 */
import { I32, kernelCompiles, memarg, op, simd, sleb32, V128, VOID, type KernelSpec } from '../matcher/wasm-assembler.js';
import { lazySearchKernel } from '../matcher/identifiers/search-kernel.js';

const LF = 0x0a;
/** Byte layout: the code units from byte 0 on. */
const TEXT = 0;
/** Stretches shorter than this are counted in JavaScript: copying in and wiping has a cost of its own. */
const KERNEL_MIN_UNITS = 256;

/**
 * `count(n)`: how many of the code units at TEXT, [0, n) rounded up to a
 * multiple of eight, are '\n'. The caller leaves the units past n zero.
 */
export function lineCountKernelSpec(): KernelSpec {
  const N = 0;
  const [I, C, VNL] = [1, 2, 3] as const;
  const get = (local: number): number[] => [op.localGet, local];
  const set = (local: number): number[] => [op.localSet, local];
  const i32 = (n: number): number[] => [op.i32Const, ...sleb32(n)];
  const body = [
    ...i32(LF), ...simd.i16x8Splat, ...set(VNL),
    op.block, VOID, op.loop, VOID,
    ...get(I), ...get(N), op.i32GeS, op.brIf, 1,
    ...get(I), ...i32(1), op.i32Shl, ...simd.v128Load, ...memarg(0, TEXT),
    ...get(VNL), ...simd.i16x8Eq, ...simd.i16x8Bitmask, op.i32Popcnt,
    ...get(C), op.i32Add, ...set(C),
    ...get(I), ...i32(8), op.i32Add, ...set(I),
    op.br, 0,
    op.end, op.end,
    ...get(C),
  ];
  return { fn: 'count', params: [I32], results: [I32], locals: [[2, I32], [1, V128]], body, pages: 1 };
}

const kernel = lazySearchKernel<(n: number) => number>(lineCountKernelSpec, () => new Uint8Array(0));
/** Whether this engine has the loop's SIMD instructions (checked once). */
let compiles: boolean | undefined;

function lineCountKernel(): ReturnType<typeof kernel> {
  compiles ??= kernelCompiles(lineCountKernelSpec());
  return compiles ? kernel() : null;
}

/** How many '\n' code units s[from, to) holds. */
export function countLineFeeds(s: string, from: number, to: number): number {
  const n = to - from;
  if (n >= KERNEL_MIN_UNITS) {
    const k = lineCountKernel();
    let count = 0;
    // Rounded up to whole vectors: the units past n are the zeros the last wipe left.
    if (k !== null && k.withText(s, from, to, TEXT, TEXT, TEXT + 2 * (n + 8), () => {
      count = k.fn(n);
    })) return count;
  }
  let count = 0;
  for (let i = from; i < to; i++) if (s.charCodeAt(i) === LF) count++;
  return count;
}

/** Nonzero bytes left in the loop's memory (for tests: 0 after every call). */
export function lineCountKernelResidue(): number {
  return lineCountKernel()?.residue(TEXT) ?? 0;
}
