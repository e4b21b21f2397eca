/**
 * Decompression bombs for hostile-site tests. Each is built on first use and
 * cached for the life of the process (about 1 MB each), so tests that never
 * switch a bomb on pay nothing.
 */
import { buildZip, concat, deflatedEntry, type RawZipEntry } from './zip-writer.js';
import { zeroDeflate, zeroDeflateSize, zerosCrc32 } from './zero-deflate.js';

/** Matches for just over 1 GiB of zeros (1 + 258 × 4,161,801 = 1,073,744,659 bytes). */
export const BOMB_MATCHES = 4_161_801;
/** Size the zip and gzip bombs inflate to. */
export const BOMB_SIZE = zeroDeflateSize(BOMB_MATCHES);
/** How many zips are nested in the nested bomb, counting the outer one. */
export const NESTED_DEPTH = 8;
/** Copies of the inner archive in every layer above the innermost. */
export const NESTED_FANOUT = 4;

let zeros: { deflated: Uint8Array; crc: number } | undefined;
const cache = new Map<string, Uint8Array>();

function bombStream(): { deflated: Uint8Array; crc: number } {
  zeros ??= { deflated: zeroDeflate(BOMB_MATCHES), crc: zerosCrc32(BOMB_SIZE) };
  return zeros;
}

function cached(key: string, build: () => Uint8Array): Uint8Array {
  let v = cache.get(key);
  if (!v) {
    v = build();
    cache.set(key, v);
  }
  return v;
}

/** A zip with one CSV-named entry that inflates to BOMB_SIZE zero bytes (~1 MB compressed). */
export function zipBomb(): Uint8Array {
  return cached('zip', () => {
    const { deflated, crc } = bombStream();
    return buildZip([{ name: 'export/patients_full.csv', method: 8, crc, compressed: deflated, size: BOMB_SIZE }]);
  });
}

/** A gzip member (RFC 1952) that inflates to BOMB_SIZE zero bytes. */
export function gzipBomb(): Uint8Array {
  return cached('gzip', () => {
    const { deflated, crc } = bombStream();
    const header = Uint8Array.of(0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 2, 0xff);
    const trailer = new Uint8Array(8);
    const v = new DataView(trailer.buffer);
    v.setUint32(0, crc, true);
    v.setUint32(4, BOMB_SIZE % 2 ** 32, true);
    return concat([header, deflated, trailer]);
  });
}

/**
 * Zips nested NESTED_DEPTH deep, NESTED_FANOUT copies per layer, with 10 MB of
 * zeros at the bottom: a few kilobytes that expand to 10 MB × 4^7 ≈ 164 GB if a
 * scanner recurses without limits.
 */
export function nestedZipBomb(): Uint8Array {
  return cached('nested', () => {
    const matches = 40_000;
    const inner: RawZipEntry = {
      name: 'data.bin',
      method: 8,
      crc: zerosCrc32(zeroDeflateSize(matches)),
      compressed: zeroDeflate(matches),
      size: zeroDeflateSize(matches),
    };
    let zip = buildZip([inner]);
    for (let depth = 2; depth <= NESTED_DEPTH; depth++) {
      const entries = Array.from({ length: NESTED_FANOUT }, (_, i) => deflatedEntry(`layer${depth - 1}-${i + 1}.zip`, zip));
      zip = buildZip(entries);
    }
    return zip;
  });
}
