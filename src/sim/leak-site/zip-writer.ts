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
  /**
   * Sizes and CRC after the data instead of in the local header (flag bit 3),
   * as streaming writers do: with or without the descriptor's signature,
   * with 32- or 64-bit sizes. Absent: none.
   */
  descriptor?: 'signed' | 'unsigned' | 'signed64' | 'unsigned64';
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
    if (e.descriptor) {
      // The local header leaves CRC and sizes to the descriptor.
      lv.setUint16(6, 0x0808, true);
      lv.setUint32(14, 0, true);
      lv.setUint32(18, 0, true);
      lv.setUint32(22, 0, true);
    }
    local.set(name, 30);
    const cd = new Uint8Array(46 + name.length);
    const cv = new DataView(cd.buffer);
    cv.setUint32(0, 0x02014b50, true);
    cv.setUint16(4, 20, true); // made by: version 2.0
    writeCommon(cv, 6, e, name.length);
    if (e.descriptor) cv.setUint16(8, 0x0808, true);
    cv.setUint32(42, offset, true);
    cd.set(name, 46);
    const descriptor = e.descriptor ? dataDescriptor(e) : new Uint8Array(0);
    parts.push(local, e.compressed, descriptor);
    central.push(cd);
    offset += local.length + e.compressed.length + descriptor.length;
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

/** The data descriptor of an entry that has one. */
function dataDescriptor(e: RawZipEntry): Uint8Array {
  const signed = e.descriptor === 'signed' || e.descriptor === 'signed64';
  const wide = e.descriptor === 'signed64' || e.descriptor === 'unsigned64';
  const out = new Uint8Array((signed ? 4 : 0) + 4 + (wide ? 16 : 8));
  const v = new DataView(out.buffer);
  let at = 0;
  if (signed) {
    v.setUint32(0, 0x08074b50, true);
    at = 4;
  }
  v.setUint32(at, e.crc, true);
  if (wide) {
    v.setBigUint64(at + 4, BigInt(e.compressed.length), true);
    v.setBigUint64(at + 12, BigInt(e.size), true);
  } else {
    v.setUint32(at + 4, e.compressed.length, true);
    v.setUint32(at + 8, e.size, true);
  }
  return out;
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
