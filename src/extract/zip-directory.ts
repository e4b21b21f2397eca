/**
 * Random access to a zip held in memory (for OOXML packages, which need it):
 * reads the central directory and inflates single entries with hard caps on
 * output size and ratio, so a lying size field cannot turn into a bomb.
 */
import { LeakwatchError } from '../errors.js';
import { concat } from './byte-source.js';
import { Inflater } from './inflater.js';

export interface ZipDirEntry {
  name: string;
  method: number;
  flags: number;
  compressedSize: number;
  size: number;
  localHeaderOffset: number;
}

/** Zip record signatures (little-endian), shared with the streaming reader. */
export const EOCD = 0x06054b50;
const EOCD64_LOCATOR = 0x07064b50;
export const EOCD64 = 0x06064b50;
export const CENTRAL = 0x02014b50;
export const LOCAL = 0x04034b50;

function corrupt(what: string): LeakwatchError {
  return new LeakwatchError('LW_EXTRACT_CORRUPT', `zip ${what}`);
}

/** Reads the central directory; at most `maxEntries` entries. */
export function readZipDirectory(buf: Uint8Array, maxEntries: number): Map<string, ZipDirEntry> {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const u16 = (o: number): number => (o + 2 <= buf.length ? view.getUint16(o, true) : fail());
  const u32 = (o: number): number => (o + 4 <= buf.length ? view.getUint32(o, true) : fail());
  const u64 = (o: number): number => {
    if (o + 8 > buf.length) fail();
    return Number(view.getBigUint64(o, true));
  };
  function fail(): never {
    throw corrupt('structure is truncated or invalid');
  }

  let e = buf.length - 22;
  const stop = Math.max(0, buf.length - 22 - 65535);
  while (e >= stop && !(e >= 0 && u32(e) === EOCD)) e--;
  if (e < stop || e < 0) throw corrupt('has no central directory');
  let count = u16(e + 10);
  let offset = u32(e + 16);
  if (e >= 20 && u32(e - 20) === EOCD64_LOCATOR) {
    const z = u64(e - 12);
    if (u32(z) === EOCD64) {
      count = u64(z + 32);
      offset = u64(z + 48);
    }
  }
  if (count > maxEntries) throw new LeakwatchError('LW_EXTRACT_LIMIT', 'zip has too many entries');
  const entries = new Map<string, ZipDirEntry>();
  let o = offset;
  for (let i = 0; i < count; i++) {
    if (u32(o) !== CENTRAL) fail();
    const flags = u16(o + 8);
    const method = u16(o + 10);
    let compressedSize = u32(o + 20);
    let size = u32(o + 24);
    const nameLen = u16(o + 28);
    const extraLen = u16(o + 30);
    const commentLen = u16(o + 32);
    let localHeaderOffset = u32(o + 42);
    if (o + 46 + nameLen > buf.length) fail();
    const nameBytes = buf.subarray(o + 46, o + 46 + nameLen);
    const name = new TextDecoder(flags & 0x800 ? 'utf-8' : 'latin1').decode(nameBytes);
    // Zip64 extra field: 64-bit values for whichever fields are saturated, in this order.
    let x = o + 46 + nameLen;
    const xEnd = x + extraLen;
    while (x + 4 <= xEnd) {
      const id = u16(x);
      const len = u16(x + 2);
      if (id === 0x0001) {
        let p = x + 4;
        if (size === 0xffffffff) (size = u64(p)), (p += 8);
        if (compressedSize === 0xffffffff) (compressedSize = u64(p)), (p += 8);
        if (localHeaderOffset === 0xffffffff) localHeaderOffset = u64(p);
      }
      x += 4 + len;
    }
    entries.set(name, { name, method, flags, compressedSize, size, localHeaderOffset });
    o = xEnd + commentLen;
  }
  return entries;
}

/** The stored bytes of an entry (still compressed). */
function storedBytes(buf: Uint8Array, entry: ZipDirEntry): Uint8Array {
  const o = entry.localHeaderOffset;
  if (o + 30 > buf.length) throw corrupt('entry offset is out of range');
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  if (view.getUint32(o, true) !== LOCAL) throw corrupt('local header is missing');
  const start = o + 30 + view.getUint16(o + 26, true) + view.getUint16(o + 28, true);
  const end = start + entry.compressedSize;
  if (end > buf.length) throw corrupt('entry runs past the end');
  return buf.subarray(start, end);
}

export interface InflateCaps {
  maxBytes: number;
  maxRatio: number;
}

/** Output below this many bytes is never considered a bomb, whatever the ratio. */
export const RATIO_GRACE_BYTES = 1024 * 1024;

/** Yields an entry's uncompressed bytes in pieces; throws LW_EXTRACT_LIMIT past the caps. */
export function* inflateEntry(buf: Uint8Array, entry: ZipDirEntry, caps: InflateCaps): Generator<Uint8Array> {
  if (entry.flags & 0x41 || entry.method === 99) {
    throw new LeakwatchError('LW_EXTRACT_UNSUPPORTED', 'zip entry is encrypted');
  }
  const stored = storedBytes(buf, entry);
  if (entry.method === 0) {
    if (stored.length > caps.maxBytes) throw new LeakwatchError('LW_EXTRACT_LIMIT', 'zip entry exceeds the size limit');
    yield stored;
    return;
  }
  if (entry.method !== 8) throw new LeakwatchError('LW_EXTRACT_UNSUPPORTED', 'zip compression method not supported');
  let total = 0;
  const inflate = new Inflater('raw');
  const step = 16 * 1024;
  try {
    for (let o = 0; o < stored.length; o += step) {
      const end = Math.min(stored.length, o + step);
      let out: Uint8Array[];
      try {
        out = inflate.push(stored.subarray(o, end), end === stored.length);
      } catch (err) {
        throw new LeakwatchError('LW_EXTRACT_CORRUPT', 'zip entry data is corrupt', { cause: err });
      }
      for (const data of out) total += data.length;
      if (total > caps.maxBytes || (total > RATIO_GRACE_BYTES && total > caps.maxRatio * end)) {
        throw new LeakwatchError('LW_EXTRACT_LIMIT', 'zip entry exceeds the size or ratio limit');
      }
      yield* out;
    }
  } finally {
    inflate.close();
  }
}

/** An entry's whole uncompressed content. */
export function readEntry(buf: Uint8Array, entry: ZipDirEntry, caps: InflateCaps): Uint8Array {
  return concat([...inflateEntry(buf, entry, caps)]);
}
