/**
 * Character set detection and streaming decoding. Order: byte-order mark, then
 * valid UTF-8, then a declared charset (HTTP header or HTML meta), then
 * chardet's guess, then Windows-1252 (a superset of printable Latin-1).
 * Decoding never throws: invalid bytes become U+FFFD.
 */
import { isAscii } from 'node:buffer';
import chardet from 'chardet';
import iconv from 'iconv-lite';
import { decodeLatin1Range } from './latin1-kernel.js';

/** A stateful decoder: feed bytes in order, then call end() once. */
export interface TextDecoderStream {
  write(bytes: Uint8Array): string;
  end(): string;
}

/** What the prefix tells about the encoding. */
export interface CharsetOptions {
  /** True when the prefix is the whole document (no trailing partial sequence to forgive). */
  complete: boolean;
  /** charset parameter from a Content-Type header, if any. */
  declared?: string | undefined;
  /** Also look for <meta charset> in the prefix. */
  html?: boolean;
}

const FALLBACK = 'windows-1252';

/** Detects the charset of a document from its first bytes; returns a name createDecoder accepts. */
export function detectCharset(prefix: Uint8Array, options: CharsetOptions): string {
  const bom = bomCharset(prefix);
  if (bom !== undefined) return bom;
  if (isValidUtf8(prefix, options.complete)) return 'utf-8';
  const declared = usable(options.declared) ?? (options.html ? usable(metaCharset(prefix)) : undefined);
  if (declared !== undefined && declared !== 'utf-8') return declared;
  return guess(prefix);
}

/** The encoding named by a byte-order mark, if the bytes start with one. */
export function bomCharset(b: Uint8Array): string | undefined {
  if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) return 'utf-8';
  if (b[0] === 0xff && b[1] === 0xfe) return 'utf-16le';
  if (b[0] === 0xfe && b[1] === 0xff) return 'utf-16be';
  return undefined;
}

/** True when `b` is valid UTF-8; an incomplete sequence at the end is forgiven unless `complete`. */
function isValidUtf8(b: Uint8Array, complete: boolean): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(b, { stream: !complete });
    return true;
  } catch {
    return false;
  }
}

/** chardet's guesses below this confidence (0-100) are noise on short samples. */
const MIN_CONFIDENCE = 50;

function guess(prefix: Uint8Array): string {
  // Without a BOM, UTF-16/32 guesses on Latin text are noise, and UTF-8 was ruled out.
  const matches = chardet.analyse(prefix).filter((m) => !/^utf/i.test(m.name) && usable(m.name) !== undefined);
  const top = matches[0];
  if (top === undefined || top.confidence < MIN_CONFIDENCE) return FALLBACK;
  // Western text often scores nearly as well as Baltic or Central European code pages; prefer Western on a near tie.
  const western = matches.some((m) => m.confidence >= top.confidence - 10 && usable(m.name) === FALLBACK);
  return western ? FALLBACK : (usable(top.name) as string);
}

/** Normalizes a charset label to one iconv-lite knows, or undefined. */
function usable(label: string | undefined): string | undefined {
  if (label === undefined) return undefined;
  let name = label.trim().toLowerCase();
  if (name === '' || name === 'ascii' || name === 'us-ascii') return name === '' ? undefined : FALLBACK;
  // Real-world "Latin-1" text is nearly always Windows-1252 (curly quotes, euro sign in 0x80-0x9f).
  if (name === 'iso-8859-1' || name === 'latin1' || name === 'latin-1') name = FALLBACK;
  if (name === 'utf8') name = 'utf-8';
  return iconv.encodingExists(name) ? name : undefined;
}

function metaCharset(prefix: Uint8Array): string | undefined {
  const head = Buffer.from(prefix.buffer, prefix.byteOffset, Math.min(prefix.length, 4096)).toString('latin1');
  const m = /<meta[^>]+charset\s*=\s*["']?([\w.:-]{1,40})/i.exec(head);
  return m?.[1];
}

/** A streaming decoder for `charset`; a leading BOM is dropped. */
export function createDecoder(charset: string): TextDecoderStream {
  if (charset === 'utf-8') return utf8Decoder();
  const d = iconv.getDecoder(charset);
  return {
    write: (b) => d.write(Buffer.from(b.buffer, b.byteOffset, b.length)),
    end: () => d.end() ?? '',
  };
}

/**
 * After a chunk that neither path below took, RECHECK - 1 chunks go to the
 * decoder unchecked: in text whose every chunk holds a few characters beyond
 * them, checking each one cost 3-4 ms per 50 MB (measured for the ASCII check
 * alone, on a table of Finnish names, before the Latin-1 loop took those).
 */
const RECHECK = 8;

/**
 * UTF-8 in chunks. A chunk of ASCII bytes is its own text, one character a
 * byte, so it is copied into a string (`latin1`) instead of decoded: checked
 * by `isAscii` and copied, the benchmark's 50 MB of English text took 10 ms
 * against TextDecoder's 48 (scratch timing, 32 KiB chunks). That is exact only
 * while the decoder holds no part of a sequence, i.e. after a chunk that ended
 * in an ASCII byte (an unfinished sequence before it was then already
 * replaced); and a decoder made after ASCII chunks keeps a BOM, which is no
 * longer at the text's start. A chunk whose characters are all below U+0100
 * (names in Finnish, Swedish, German) goes the same way through the loop of
 * latin1-kernel.ts, unless it ends inside a sequence: 49 against 24 ms over
 * the benchmark's 50 MB CSV dump in 16 KiB chunks (scratch timing).
 */
function utf8Decoder(): TextDecoderStream {
  let d: InstanceType<typeof TextDecoder> | null = null;
  // Whether a chunk was copied: a decoder made after that keeps a BOM.
  let copied = false;
  let held = false;
  let skip = 0;
  return {
    write: (b) => {
      if (b.length === 0) return '';
      if (!held && skip === 0) {
        if (isAscii(b)) {
          copied = true;
          return Buffer.from(b.buffer, b.byteOffset, b.length).toString('latin1');
        }
        // A chunk cut inside a sequence goes to the decoder, which holds the sequence's start.
        if (b[b.length - 1]! < 0xc0) {
          const text = decodeLatin1Range(b);
          if (text !== null) {
            copied = true;
            return text;
          }
          skip = RECHECK - 1;
        }
      } else if (skip > 0) skip--;
      d ??= new TextDecoder('utf-8', { ignoreBOM: copied });
      held = b[b.length - 1]! >= 0x80;
      return d.decode(b, { stream: true });
    },
    end: () => (d === null ? '' : d.decode()),
  };
}

/** Decodes a whole byte array at once. */
export function decodeAll(bytes: Uint8Array, charset: string): string {
  const d = createDecoder(charset);
  return d.write(bytes) + d.end();
}
