/**
 * Just enough of the WebAssembly binary format (core spec 1.0) to assemble the
 * matcher's small kernels by hand: the project has no WebAssembly toolchain,
 * and a few hundred bytes of opcodes are easier to review here than a build step.
 */

/** Opcodes used by the kernels. */
export const op = {
  block: 0x02, loop: 0x03, if: 0x04, else: 0x05, end: 0x0b, br: 0x0c, brIf: 0x0d, return: 0x0f,
  localGet: 0x20, localSet: 0x21, localTee: 0x22,
  i32Load: 0x28, i32Load8U: 0x2d, i64Load: 0x29, i32Load16U: 0x2f, i32Store: 0x36, i64Store: 0x37, i32Store8: 0x3a, i32Store16: 0x3b,
  i32Const: 0x41, i64Const: 0x42,
  i32Eqz: 0x45, i32Eq: 0x46, i32Ne: 0x47, i32LtS: 0x48, i32LtU: 0x49, i32GtS: 0x4a, i32GtU: 0x4b, i32LeS: 0x4c, i32GeS: 0x4e, i32GeU: 0x4f,
  i64Eqz: 0x50, i64LtU: 0x54, i64LeU: 0x58, i64GeU: 0x5a,
  i32Ctz: 0x68, i32Popcnt: 0x69, i32Add: 0x6a, i32Sub: 0x6b, i32Mul: 0x6c, i32And: 0x71, i32Or: 0x72, i32Xor: 0x73, i32Shl: 0x74, i32ShrU: 0x76,
  i64Add: 0x7c, i64Sub: 0x7d, i64And: 0x83, i64Or: 0x84, i64Xor: 0x85, i64Shl: 0x86, i64Rotl: 0x89, i64ExtendI32U: 0xad,
  select: 0x1b,
} as const;

/**
 * Fixed-width SIMD instructions (the 0xFD prefix and its LEB128 subopcode);
 * memory ones take a memarg after, store64Lane also a lane.
 */
export const simd = {
  v128Load: [0xfd, 0x00], v128Store: [0xfd, 0x0b],
  i16x8Splat: [0xfd, 0x10], i16x8Eq: [0xfd, 0x2d], i16x8LtU: [0xfd, 0x30], i16x8Sub: [0xfd, 0x91, 0x01],
  v128And: [0xfd, 0x4e], v128AndNot: [0xfd, 0x4f], v128Or: [0xfd, 0x50], v128Bitselect: [0xfd, 0x52], v128AnyTrue: [0xfd, 0x53],
  v128Store64Lane: [0xfd, 0x5b], i8x16NarrowI16x8U: [0xfd, 0x66],
  i8x16Bitmask: [0xfd, 0x64],
  i16x8Bitmask: [0xfd, 0x84, 0x01],
} as const;

/** memory.copy (bulk memory): destination, source and byte count on the stack. */
export const MEMORY_COPY = [0xfc, 0x0a, 0x00, 0x00] as const;

/** Block type of a block, loop or if that leaves nothing on the stack. */
export const VOID = 0x40;
export const I32 = 0x7f;
export const I64 = 0x7e;
export const V128 = 0x7b;

/** Unsigned LEB128 of a non-negative 32-bit integer. */
function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    const byte = n & 0x7f;
    n >>>= 7;
    out.push(n === 0 ? byte : byte | 0x80);
  } while (n !== 0);
  return out;
}

/** Signed LEB128 of a 64-bit integer (as for i64.const). */
export function sleb64(v: bigint): number[] {
  const out: number[] = [];
  for (v = BigInt.asIntN(64, v); ; v >>= 7n) {
    const byte = Number(v & 0x7fn);
    if ((v >> 7n === 0n && (byte & 0x40) === 0) || (v >> 7n === -1n && (byte & 0x40) !== 0)) return [...out, byte];
    out.push(byte | 0x80);
  }
}

/** Signed LEB128 of a 32-bit integer (as for i32.const). */
export function sleb32(n: number): number[] {
  return sleb64(BigInt(n | 0));
}

/** A vector: its length, then its items. */
function vec(items: number[][]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

/** A section: its id, its byte length, then its body. */
function section(id: number, body: number[]): number[] {
  return [id, ...uleb(body.length), ...body];
}

/** A name (ASCII here). */
function name(s: string): number[] {
  return [...uleb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];
}

/** memarg of a load or store: log2 of the alignment, then the constant address offset. */
export function memarg(alignLog2: number, offset = 0): number[] {
  return [alignLog2, ...uleb(offset)];
}

/** A module with one function `fn`, one memory of `pages` 64 KiB pages, both exported. */
export interface KernelSpec {
  /** Export name of the function. */
  fn: string;
  params: number[];
  results: number[];
  /** Local declarations after the parameters, as (count, type) pairs. */
  locals: [count: number, type: number][];
  /** The function body, without its final `end`. */
  body: number[];
  pages: number;
}

/** Assembles a `KernelSpec` into module bytes. */
function assembleKernel(spec: KernelSpec): Uint8Array {
  const code = [...vec(spec.locals.map(([count, type]) => [...uleb(count), type])), ...spec.body, op.end];
  return Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // "\0asm", version 1
    ...section(1, vec([[0x60, ...vec(spec.params.map((t) => [t])), ...vec(spec.results.map((t) => [t]))]])), // type 0
    ...section(3, vec([[0]])), // function 0 has type 0
    ...section(5, vec([[0x00, ...uleb(spec.pages)]])), // memory: a minimum, no maximum
    ...section(7, vec([[...name(spec.fn), 0x00, 0], [...name('memory'), 0x02, 0]])), // exports
    ...section(10, vec([[...uleb(code.length), ...code]])),
  ]);
}

/** The part of the WebAssembly API used here (this project's TypeScript libs do not declare it). */
interface WebAssemblyApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: Record<string, unknown> & { memory: { buffer: ArrayBuffer; grow(pages: number): number } } };
}

function webAssembly(): WebAssemblyApi | undefined {
  return (globalThis as { WebAssembly?: WebAssemblyApi }).WebAssembly;
}

/** Whether kernels can be instantiated here (not under node --jitless), without making one. */
export function webAssemblyAvailable(): boolean {
  return webAssembly() !== undefined;
}

/** Whether this engine compiles the kernel (a kernel with SIMD instructions needs an engine that has them). */
export function kernelCompiles(spec: KernelSpec): boolean {
  const wasm = webAssembly();
  return wasm !== undefined && wasm.validate(assembleKernel(spec));
}

/**
 * Instantiates a kernel assembled by `assembleKernel`; null where WebAssembly
 * is unavailable (node --jitless), so callers keep a JavaScript fallback.
 */
export function instantiateKernel<F>(spec: KernelSpec): { fn: F; memory: ArrayBuffer; grow: (pages: number) => ArrayBuffer } | null {
  const wasm = webAssembly();
  if (wasm === undefined) return null;
  const { exports } = new wasm.Instance(new wasm.Module(assembleKernel(spec)));
  // Growing detaches the old buffer: callers make their views again from the one returned.
  const grow = (pages: number): ArrayBuffer => {
    exports.memory.grow(pages);
    return exports.memory.buffer;
  };
  return { fn: exports[spec.fn] as F, memory: exports.memory.buffer, grow };
}
