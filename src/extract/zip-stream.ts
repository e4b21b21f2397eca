/**
 * A streaming reader of zip local headers: it hands out each entry's header
 * and raw (still compressed) data as bytes arrive, with no central directory
 * and no random access.
 *
 * An entry written with a data descriptor (flag bit 3: sizes unknown when its
 * header was written) has no length up front, so its end must be found in the
 * stream. Searching for the next signature alone (what fflate's Unzip does)
 * cuts an entry short whenever its compressed bytes happen to contain one,
 * which in a large archive is likely (a given 4-byte signature turns up about
 * once per 4 GB of random bytes, and there are several). Here a place counts
 * as the entry's end only when a descriptor there states exactly the number
 * of compressed bytes seen so far: with its signature (PK 7 8), or without
 * one and followed by the next header's signature; 32- or 64-bit sizes.
 * Two cases still go wrong, both reported rather than silent: content crafted
 * to hold a descriptor stating its own offset ends the entry there (its
 * inflation then fails: LW_EXTRACT_CORRUPT); and a writer that sets bit 3 but
 * writes no descriptor makes the rest of the archive that entry's data (the
 * archive is then reported truncated).
 *
 * Bytes before the first local header (a self-extractor's stub) and between
 * entries are skipped, as other readers do. Reading stops at the central
 * directory; `sawEnd` tells whether the end-of-central-directory record came.
 */
import { Buffer } from 'node:buffer';
import { concat } from './byte-source.js';
import { CENTRAL, EOCD, EOCD64, LOCAL } from './zip-directory.js';

const DESCRIPTOR = 0x08074b50;
/** Bytes of a local header before its name and extra field. */
const LOCAL_FIXED = 30;
/** Longest descriptor (signature, CRC, two 64-bit sizes) plus the next signature. */
const DESCRIPTOR_LOOKAHEAD = 24 + 4;

/** One entry's local header. */
export interface ZipLocalHeader {
  name: string;
  /** General-purpose flags (bit 0: encrypted, bit 3: data descriptor, bit 11: UTF-8 name). */
  flags: number;
  method: number;
  /** Compressed size from the header, or null when a data descriptor follows the data. */
  compressedSize: number | null;
}

export interface ZipStreamHandlers {
  /** A local header: data for this entry follows until `entryEnd`. */
  entry(header: ZipLocalHeader): void;
  /** The next raw bytes of the current entry (valid until the next call; copy to keep). */
  data(chunk: Uint8Array): void;
  /** The current entry's data is complete. */
  entryEnd(): void;
}

const enum State {
  /** Between entries: looking for a local header or the central directory. */
  Header,
  /** In an entry whose compressed size is known. */
  Sized,
  /** In an entry whose end a data descriptor will mark. */
  Described,
  /** Past the last entry. */
  Done,
}

function u16(b: Uint8Array, at: number): number {
  return b[at]! | (b[at + 1]! << 8);
}

function u32(b: Uint8Array, at: number): number {
  return (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0;
}

/** Little-endian 64-bit value as a number (exact up to 2^53, far beyond any entry here). */
function u64(b: Uint8Array, at: number): number {
  return u32(b, at) + u32(b, at + 4) * 0x1_0000_0000;
}

function isHeaderSignature(sig: number): boolean {
  return sig === LOCAL || sig === CENTRAL || sig === EOCD || sig === EOCD64;
}

const utf8 = new TextDecoder('utf-8');

/** Names without the UTF-8 flag, byte for byte (ISO 8859-1; WHATWG's 'latin1' decoder is windows-1252). */
function latin1(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}

/** Reads zip entries from a byte stream; see the module comment. */
export class ZipStream {
  #state = State.Header;
  /** Bytes received but not yet handed out or consumed. */
  #buf: Uint8Array = new Uint8Array(0);
  /** Sized: compressed bytes of the entry still to come. Described: compressed bytes handed out so far. */
  #count = 0;
  /** Past the entries: the last bytes seen, in case the end record straddles two pushes. */
  #tail: Uint8Array = new Uint8Array(0);
  /** True once the end-of-central-directory record went by. */
  sawEnd = false;
  /** True while an entry is open (its data not yet complete). */
  get inEntry(): boolean {
    return this.#state === State.Sized || this.#state === State.Described;
  }

  constructor(private readonly handlers: ZipStreamHandlers) {}

  /** Feeds the next bytes of the archive. */
  push(chunk: Uint8Array): void {
    if (this.#state === State.Done) {
      this.#lookForEnd(chunk);
      return;
    }
    this.#buf = this.#buf.length === 0 ? chunk : concat([this.#buf, chunk]);
    while (this.#step()) {
      if (this.#done()) {
        this.#lookForEnd(this.#buf);
        this.#buf = new Uint8Array(0);
        break;
      }
    }
  }

  /** One step of the state machine; false when it needs more bytes. */
  #step(): boolean {
    switch (this.#state) {
      case State.Header:
        return this.#header();
      case State.Sized:
        return this.#sized();
      case State.Described:
        return this.#described();
      default:
        return false;
    }
  }

  #done(): boolean {
    return this.#state === State.Done;
  }

  /** Between entries: parses a local header when all of it has arrived; skips bytes that start none. */
  #header(): boolean {
    const b = this.#buf;
    let p = 0;
    // Skip to the next 'PK' that starts a known record.
    while (p + 4 <= b.length && !isHeaderSignature(u32(b, p))) {
      const next = b.indexOf(0x50, p + 1);
      p = next === -1 ? Math.max(p + 1, b.length - 3) : next;
    }
    if (p > 0) this.#buf = b.subarray(p);
    const h = this.#buf;
    if (h.length < 4) return false;
    const sig = u32(h, 0);
    if (sig !== LOCAL) {
      this.#state = State.Done;
      return true;
    }
    if (h.length < LOCAL_FIXED) return false;
    const nameLength = u16(h, 26);
    const extraLength = u16(h, 28);
    const total = LOCAL_FIXED + nameLength + extraLength;
    if (h.length < total) return false;
    const flags = u16(h, 6);
    const method = u16(h, 8);
    const nameBytes = h.subarray(LOCAL_FIXED, LOCAL_FIXED + nameLength);
    const name = flags & 0x800 ? utf8.decode(nameBytes) : latin1(nameBytes);
    let compressedSize: number | null = u32(h, 18);
    if (compressedSize === 0xffffffff) compressedSize = zip64CompressedSize(h.subarray(LOCAL_FIXED + nameLength, total), u32(h, 22) === 0xffffffff);
    if (flags & 0x8) compressedSize = null;
    this.#buf = h.subarray(total);
    this.handlers.entry({ name, flags, method, compressedSize });
    if (compressedSize === null) {
      this.#state = State.Described;
      this.#count = 0;
    } else {
      this.#state = State.Sized;
      this.#count = compressedSize;
    }
    return true;
  }

  #sized(): boolean {
    const b = this.#buf;
    if (this.#count > 0) {
      if (b.length === 0) return false;
      const n = Math.min(this.#count, b.length);
      this.handlers.data(b.subarray(0, n));
      this.#count -= n;
      this.#buf = b.subarray(n);
      if (this.#count > 0) return false;
    }
    this.#state = State.Header;
    this.handlers.entryEnd();
    return true;
  }

  /**
   * In an entry with a data descriptor: hands out data up to the first place
   * a valid descriptor starts, or all but the last few bytes (which may begin
   * one) when there is none yet.
   */
  #described(): boolean {
    const b = this.#buf;
    for (let p = b.indexOf(0x50); p !== -1; p = b.indexOf(0x50, p + 1)) {
      const descriptorEnd = this.#descriptorAt(b, p);
      if (descriptorEnd === -2) break; // Not enough bytes yet to decide here.
      if (descriptorEnd === -1) continue;
      if (this.#dataEnd > 0) this.handlers.data(b.subarray(0, this.#dataEnd));
      this.#buf = b.subarray(descriptorEnd);
      this.#state = State.Header;
      this.handlers.entryEnd();
      return true;
    }
    // A descriptor without signature starts 12 or 20 bytes before the next signature: keep enough back.
    const keep = Math.min(b.length, DESCRIPTOR_LOOKAHEAD);
    const give = b.length - keep;
    if (give > 0) {
      this.handlers.data(b.subarray(0, give));
      this.#count += give;
      this.#buf = b.subarray(give);
    }
    return false;
  }

  /** Where the entry's data ends (the descriptor's start), set by #descriptorAt when it finds one. */
  #dataEnd = 0;

  /**
   * For a 'P' at b[p]: the end of a descriptor that starts at p (with
   * signature) or ends at p (without: p is then the next record's signature)
   * and states the compressed size seen up to where it starts (left in
   * #dataEnd); -1 when there is none; -2 when too few bytes have arrived to tell.
   */
  #descriptorAt(b: Uint8Array, p: number): number {
    if (p + 4 > b.length) return -2;
    const sig = u32(b, p);
    if (sig === DESCRIPTOR) {
      const seen = this.#count + p;
      this.#dataEnd = p;
      // Signature, CRC, sizes (32-bit: 16 bytes; 64-bit: 24), then the next record's signature.
      if (p + 16 + 4 > b.length) return -2;
      if (seen < 0x1_0000_0000 && u32(b, p + 8) === seen && isHeaderSignature(u32(b, p + 16))) return p + 16;
      if (p + 24 + 4 > b.length) return -2;
      if (u64(b, p + 8) === seen && isHeaderSignature(u32(b, p + 24))) return p + 24;
      return -1;
    }
    if (!isHeaderSignature(sig)) return -1;
    // Without a signature: CRC and sizes (32- or 64-bit) right before the next record.
    for (const bytes of [12, 20]) {
      const start = p - bytes;
      if (start < 0) continue;
      const seen = this.#count + start;
      const stated = bytes === 12 ? u32(b, start + 4) : u64(b, start + 4);
      if (stated === seen) {
        this.#dataEnd = start;
        return p;
      }
    }
    return -1;
  }

  /** Past the entries: only notes whether the end-of-central-directory record arrives. */
  #lookForEnd(chunk: Uint8Array): void {
    if (this.sawEnd) return;
    const b = this.#tail.length === 0 ? chunk : concat([this.#tail, chunk]);
    for (let p = b.indexOf(0x50); p !== -1 && p + 4 <= b.length; p = b.indexOf(0x50, p + 1)) {
      if (u32(b, p) === EOCD) {
        this.sawEnd = true;
        return;
      }
    }
    this.#tail = b.slice(Math.max(0, b.length - 3));
  }
}

/** The compressed size from a zip64 extended-information extra field (id 1), or null if absent. */
function zip64CompressedSize(extra: Uint8Array, sizeToo: boolean): number | null {
  for (let o = 0; o + 4 <= extra.length; ) {
    const id = u16(extra, o);
    const len = u16(extra, o + 2);
    if (id === 0x0001) {
      // The original size comes first when the header's original size is 0xffffffff too.
      const at = o + 4 + (sizeToo ? 8 : 0);
      return at + 8 <= o + 4 + len && at + 8 <= extra.length ? u64(extra, at) : null;
    }
    o += 4 + len;
  }
  return null;
}
