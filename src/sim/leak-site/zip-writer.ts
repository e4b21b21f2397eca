/**
 * A minimal ZIP writer (PKWARE APPNOTE 4.3: local headers, central directory,
 * end record). Written here rather than using fflate's zipSync because bombs
 * need entries whose compressed bytes and sizes we supply ourselves, and because
 * zipSync stamps local-time timestamps, which would make attachment hashes
 * depend on the machine's time zone.
 */
import { deflateSync } from 'fflate';
import { crc32 } from 'node:zlib';

/** An entry with its bytes already compressed (method 8) or stored (method 0). */
export interface RawZipEntry {
  name: string;
  method: 0 | 8;
  crc: number;
  compressed: Uint8Array;
  size: number;
}

// 2026-10-01 00:00:00 in MS-DOS date/time fields; fixed so archives are reproducible.
const DOS_TIME = 0;
const DOS_DATE = ((2026 - 1980) << 9) | (10 << 5) | 1;

/** A deflated entry built from plain bytes. */
export function deflatedEntry(name: string, data: Uint8Array): RawZipEntry {
  return { name, method: 8, crc: crc32(data) >>> 0, compressed: deflateSync(data, { level: 9 }), size: data.length };
}

/** Serializes entries into a ZIP archive. */
export function buildZip(entries: readonly RawZipEntry[]): Uint8Array {
  const parts: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = new TextEncoder().encode(e.name);
    const local = new Uint8Array(30 + name.length);
    const lv = new DataView(local.buffer);
    lv.setUint32(0, 0x04034b50, true);
    writeCommon(lv, 4, e, name.length);
    local.set(name, 30);
    const cd = new Uint8Array(46 + name.length);
    const cv = new DataView(cd.buffer);
    cv.setUint32(0, 0x02014b50, true);
    cv.setUint16(4, 20, true); // made by: version 2.0
    writeCommon(cv, 6, e, name.length);
    cv.setUint32(42, offset, true);
    cd.set(name, 46);
    parts.push(local, e.compressed);
    central.push(cd);
    offset += local.length + e.compressed.length;
  }
  const cdSize = central.reduce((n, c) => n + c.length, 0);
  const end = new Uint8Array(22);
  const ev = new DataView(end.buffer);
  ev.setUint32(0, 0x06054b50, true);
  ev.setUint16(8, entries.length, true);
  ev.setUint16(10, entries.length, true);
  ev.setUint32(12, cdSize, true);
  ev.setUint32(16, offset, true);
  return concat([...parts, ...central, end]);
}

// Fields shared by the local header (from offset 4) and the central header (from offset 6).
function writeCommon(v: DataView, at: number, e: RawZipEntry, nameLength: number): void {
  v.setUint16(at, 20, true); // version needed: 2.0 (deflate)
  v.setUint16(at + 2, 0x0800, true); // UTF-8 names
  v.setUint16(at + 4, e.method, true);
  v.setUint16(at + 6, DOS_TIME, true);
  v.setUint16(at + 8, DOS_DATE, true);
  v.setUint32(at + 10, e.crc, true);
  v.setUint32(at + 14, e.compressed.length, true);
  v.setUint32(at + 18, e.size, true);
  v.setUint16(at + 22, nameLength, true);
}

/** Concatenates byte arrays. */
export function concat(chunks: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}
