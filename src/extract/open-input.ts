/**
 * A file's bytes for the extractors: every command that reads files one by
 * one (scan, inspect, enrollment's documents) opens them here.
 */
import { closeSync, constants, createReadStream, fstatSync, openSync, readSync } from 'node:fs';

/**
 * Regular files up to this size are read in one synchronous call. Through a
 * read stream, each file cost several round trips through libuv's thread pool
 * and a 1 MiB buffer: a folder of 5,000 small notes (9.6 MB) took 4.2–4.9 s to
 * scan that way against 1.2–1.5 s read at once (same findings).
 */
export const SMALL_FILE_BYTES = 1 << 20;

/**
 * Bytes per read of a larger file. Each read is a new buffer, and the ones
 * already consumed wait for a collection: with 1 MiB reads, extracting the
 * benchmark's 1 GB zip with no organization held 35-40 MB of array buffers
 * and peaked at 141-146 MiB RSS; with 64 KiB reads, 11-15 MB and 111-117 MiB,
 * in the same time (9.0-12.3 against 9.7-10.1 s; docs/performance.md, tenth
 * session). 256 KiB gave 131-132 MiB.
 */
const READ_BYTES = 64 * 1024;

/**
 * A larger regular file is read with a synchronous read per chunk, and the
 * event loop gets a turn after each YIELD_BYTES (some tens of milliseconds of
 * matching), so that an abort or a timer is not held up for a whole file.
 */
const YIELD_BYTES = 1 << 20;

/**
 * The file's bytes: at once when it is a small regular file, in synchronous
 * reads when it is a larger one, else (pipes, devices, and whatever cannot be
 * opened or examined here) as a stream, which reports open and read errors.
 */
export function openInput(file: string): AsyncIterable<Uint8Array> {
  const stream = () => createReadStream(file, { highWaterMark: READ_BYTES });
  let fd: number;
  try {
    // Non-blocking, so that a named pipe without a writer cannot stall the thread here; it gets the stream.
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch {
    return stream();
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) return stream();
    if (st.size > SMALL_FILE_BYTES) return readInChunks(file);
    // One byte more than its size shows a file that grew since: that one is read in chunks.
    // Its own memory, not the shared pool of small Buffers.
    const buf = Buffer.allocUnsafeSlow(st.size + 1);
    let n = 0;
    while (n < buf.length) {
      const r = readSync(fd, buf, n, buf.length - n, null);
      if (r === 0) break;
      n += r;
    }
    if (n > st.size) return readInChunks(file);
    const bytes = buf.subarray(0, n);
    return (async function* () {
      // An empty file yields nothing, as its stream did.
      if (bytes.length > 0) yield bytes;
    })();
  } catch {
    return stream();
  } finally {
    closeSync(fd);
  }
}

/**
 * A regular file in chunks of READ_BYTES, each a fresh buffer (consumers may
 * keep them), read synchronously. Through a read stream, each 64 KiB chunk was
 * a round trip through libuv's thread pool: 66-72 ms of CPU per 50 MB file
 * against 12-23 ms for these reads (docs/performance.md, thirteenth session).
 * The file is opened when the first chunk is asked for and closed when the
 * last is read, on an error, or when the consumer stops early.
 */
function readInChunks(file: string): AsyncIterable<Uint8Array> {
  return (async function* () {
    const fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
    try {
      let sinceTurn = 0;
      for (;;) {
        const buf = Buffer.allocUnsafeSlow(READ_BYTES);
        const n = readSync(fd, buf, 0, READ_BYTES, null);
        if (n === 0) return;
        yield n === READ_BYTES ? buf : buf.subarray(0, n);
        sinceTurn += n;
        if (sinceTurn >= YIELD_BYTES) {
          sinceTurn = 0;
          await new Promise<void>((resolve) => setImmediate(resolve));
        }
      }
    } finally {
      closeSync(fd);
    }
  })();
}
