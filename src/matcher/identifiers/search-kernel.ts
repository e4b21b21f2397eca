/**
 * What the WebAssembly loops over leaked text (the identifier searches here,
 * lines-kernel.ts, json-lines-kernel.ts) share: a class table at the start of
 * their memory when the loop has one, the loop made on first use, a copy of
 * the text that grows the memory as needed, and
 * the guarantee that the copy, and whatever the loop wrote next to it, is
 * wiped before the search returns, also when it throws.
 */
import { Buffer } from 'node:buffer';
import { instantiateKernel, type KernelSpec } from '../wasm-assembler.js';

/** Bytes of the class table (one byte per UTF-16 code unit) at the start of a search kernel's memory. */
export const CLASS_TABLE_BYTES = 65536;

/** Regions longer than this (code units) are left to the JavaScript searches. A kernel's memory then stays under about 40 MB (the phone loop's: the text, its matches, their keys' spans and the keys). */
export const SEARCH_KERNEL_MAX_UNITS = 6 * 1024 * 1024;

/** A search loop, its memory and whether a search is using it. */
export class SearchKernel<F> {
  readonly fn: F;
  #memory: ArrayBuffer;
  /** The whole memory as a Buffer, made again when it grows. */
  #bytes: Buffer;
  readonly #grow: (pages: number) => ArrayBuffer;
  #busy = false;

  constructor(instance: { fn: F; memory: ArrayBuffer; grow: (pages: number) => ArrayBuffer }, classes: Uint8Array) {
    this.fn = instance.fn;
    this.#memory = instance.memory;
    this.#bytes = Buffer.from(this.#memory);
    this.#grow = instance.grow;
    new Uint8Array(this.#memory, 0, CLASS_TABLE_BYTES).set(classes);
  }

  /** The memory as it is now (growing replaces it: views are made from this each time). */
  get memory(): ArrayBuffer {
    return this.#memory;
  }

  /**
   * Copies text[lo, hi) as UTF-16 code units to byte `textAt`, with the memory
   * grown to `end` bytes, runs `search`, and wipes bytes [wipeFrom, end) however
   * it ends; or, when `search` returns a number, bytes [wipeFrom, that number):
   * a search that knows where its output ended. False, and nothing run, when
   * the region is over SEARCH_KERNEL_MAX_UNITS or a search is already running
   * (a sink that searched again would overwrite the output being read).
   */
  withText(text: string, lo: number, hi: number, textAt: number, wipeFrom: number, end: number, search: () => number | void): boolean {
    const n = hi - lo;
    if (this.#busy || n > SEARCH_KERNEL_MAX_UNITS) return false;
    if (end > this.#memory.byteLength) {
      this.#memory = this.#grow(Math.ceil((end - this.#memory.byteLength) / 65536));
      this.#bytes = Buffer.from(this.#memory);
    }
    this.#busy = true;
    let used = end;
    try {
      this.#bytes.write(lo === 0 && hi === text.length ? text : text.slice(lo, hi), textAt, 2 * n, 'utf16le');
      const wrote = search();
      if (typeof wrote === 'number') used = Math.min(end, Math.max(textAt + 2 * n, wrote));
    } finally {
      this.#bytes.fill(0, wipeFrom, used);
      this.#busy = false;
    }
    return true;
  }

  /** Nonzero bytes in the memory from byte `from` on (for tests: 0 after every search past the fixed tables). */
  residue(from: number): number {
    return nonzeroBytes(this.#memory, from);
  }
}

/** Nonzero bytes of `memory` from byte `from` on: what a kernel left behind (for the tests of every kernel's wiping). */
export function nonzeroBytes(memory: ArrayBuffer, from: number): number {
  const bytes = new Uint8Array(memory, from);
  let n = 0;
  for (let i = 0; i < bytes.length; i++) if (bytes[i] !== 0) n++;
  return n;
}

/** A kernel made on first call, then the same one; null where WebAssembly is unavailable (node --jitless). */
export function lazySearchKernel<F>(spec: () => KernelSpec, classes: () => Uint8Array): () => SearchKernel<F> | null {
  let kernel: SearchKernel<F> | null | undefined;
  return () => {
    if (kernel === undefined) {
      const instance = instantiateKernel<F>(spec());
      kernel = instance === null ? null : new SearchKernel(instance, classes());
    }
    return kernel;
  };
}

/** Byte offset of the first 4-byte-aligned word after `n` code units from an aligned `at`. */
export function wordAfterUnits(at: number, n: number): number {
  return at + 2 * n + ((4 - ((2 * n) % 4)) % 4);
}
