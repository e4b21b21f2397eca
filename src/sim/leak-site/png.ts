/** Tiny valid PNG images (the unrelated "proof" screenshots leak posts carry; hashed only). */
import { zlibSync } from 'fflate';
import { crc32 } from 'node:zlib';
import { createRng } from '../../matcher/identifiers/synthetic.js';
import { concat } from './zip-writer.js';

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const v = new DataView(out.buffer);
  v.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  v.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)) >>> 0);
  return out;
}

/** A `size`×`size` RGB noise image, deterministic for `seed`. */
export function buildPng(seed: number, size = 16): Uint8Array {
  const rng = createRng(seed);
  const ihdr = new Uint8Array(13);
  const v = new DataView(ihdr.buffer);
  v.setUint32(0, size);
  v.setUint32(4, size);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8-bit depth, truecolour, deflate, no filter, no interlace
  const raw = new Uint8Array(size * (1 + 3 * size));
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < 3 * size; x++) raw[y * (1 + 3 * size) + 1 + x] = Math.floor(rng() * 256);
  }
  return concat([
    Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a),
    chunk('IHDR', ihdr),
    chunk('IDAT', zlibSync(raw, { level: 9 })),
    chunk('IEND', new Uint8Array(0)),
  ]);
}
