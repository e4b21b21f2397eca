/**
 * A hand-built raw DEFLATE stream of zeros, used for decompression bombs. The
 * stream is written directly (one stored byte, then one dynamic-Huffman block
 * whose only symbols are "copy 258 bytes from distance 1" and end-of-block, each
 * coded in one bit), so a gigabyte of output costs about 1 MB and a few
 * milliseconds to build, instead of deflating a gigabyte.
 */
import { crc32 } from 'node:zlib';

/** The longest DEFLATE match; every symbol of the block copies this many zeros. */
export const MATCH_LENGTH = 258;

class BitWriter {
  private readonly out: Uint8Array;
  private pos = 0;
  private bit = 0;

  constructor(capacity: number) {
    this.out = new Uint8Array(capacity);
  }

  /** Writes `n` bits of `value`, least significant first (DEFLATE header fields). */
  bits(value: number, n: number): void {
    for (let i = 0; i < n; i++) this.one((value >>> i) & 1);
  }

  /** Writes a Huffman code, most significant bit first (RFC 1951 3.1.1). */
  code(value: number, n: number): void {
    for (let i = n - 1; i >= 0; i--) this.one((value >>> i) & 1);
  }

  one(b: number): void {
    if (b) this.out[this.pos]! |= 1 << this.bit;
    if (++this.bit === 8) {
      this.bit = 0;
      this.pos++;
    }
  }

  bytes(data: readonly number[]): void {
    for (const b of data) this.bits(b, 8);
  }

  finish(): Uint8Array {
    return this.out.subarray(0, this.pos + (this.bit > 0 ? 1 : 0));
  }
}

// Code-length alphabet order of RFC 1951 3.2.7; we transmit the first 18 (up to symbol 1).
const CL_ORDER = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];
const CL_LENGTHS: Record<number, number> = { 18: 1, 0: 2, 1: 2 };
// Canonical codes for those lengths: 18 -> '0', 0 -> '10', 1 -> '11'.
const CL_CODE: Record<number, [number, number]> = { 18: [0b0, 1], 0: [0b10, 2], 1: [0b11, 2] };

/** Uncompressed size of `zeroDeflate(matches)`. */
export function zeroDeflateSize(matches: number): number {
  return 1 + MATCH_LENGTH * matches;
}

/** Raw DEFLATE stream that inflates to `zeroDeflateSize(matches)` zero bytes. */
export function zeroDeflate(matches: number): Uint8Array {
  const w = new BitWriter(64 + Math.ceil((2 * matches + 1) / 8));
  // Stored block holding the single literal zero the matches copy from.
  w.bytes([0x00, 0x01, 0x00, 0xfe, 0xff, 0x00]);
  w.bits(1, 1); // BFINAL
  w.bits(2, 2); // BTYPE = dynamic Huffman
  w.bits(285 - 256, 5); // HLIT: literal/length codes 0..285
  w.bits(0, 5); // HDIST: one distance code
  w.bits(18 - 4, 4); // HCLEN: 18 code-length code lengths
  for (const sym of CL_ORDER.slice(0, 18)) w.bits(CL_LENGTHS[sym] ?? 0, 3);
  const repeatZeros = (count: number) => {
    w.code(...CL_CODE[18]!);
    w.bits(count - 11, 7);
  };
  const lengthOne = () => w.code(...CL_CODE[1]!);
  repeatZeros(138); // literals 0..137
  repeatZeros(118); // literals 138..255
  lengthOne(); // 256 end-of-block -> code '0'
  repeatZeros(28); // lengths 257..284
  lengthOne(); // 285 (length 258) -> code '1'
  lengthOne(); // distance code 0 (distance 1) -> code '0'
  for (let i = 0; i < matches; i++) {
    w.one(1); // length 258
    w.one(0); // distance 1
  }
  w.one(0); // end of block
  return w.finish();
}

/** CRC-32 of `size` zero bytes, computed in 1 MiB steps so memory stays bounded. */
export function zerosCrc32(size: number): number {
  const step = new Uint8Array(1 << 20);
  let crc = 0;
  let left = size;
  while (left > 0) {
    const n = Math.min(left, step.length);
    crc = crc32(step.subarray(0, n), crc);
    left -= n;
  }
  return crc >>> 0;
}
