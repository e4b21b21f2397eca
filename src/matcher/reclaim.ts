/**
 * Full garbage collections between large documents, so that a long scan's
 * peak memory is its working set instead of its working set plus everything
 * V8 has let pile up.
 *
 * Why: a document's findings (a leaked table gives one per row; 74 MB of
 * finding objects for the benchmark zip's 1,040,228) and its per-document
 * caches live long enough to be promoted to V8's old generation, where they
 * stay, dead, until a full collection. V8 schedules that one when the old
 * generation has grown to a few times what was live after the last: scanning
 * that zip, the old generation reached 57 MB with 16 MB live, and array
 * buffers held by dead objects added about 20 MB more (docs/performance.md,
 * twenty-sixth session). A full collection took 12-18 ms on the benchmark's
 * corpus, since the organizations' tables are array buffers the collector
 * does not trace.
 *
 * Node gives scripts no collector to call unless started with --expose-gc;
 * the flag is set for the moment it takes to fetch the function from a new
 * context, then cleared, as test runners (Jest's leak detector) do. Where
 * that fails, reclaiming does nothing and the scan goes on as before.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** Bytes of documents between two collections, by default (0: never collect). */
export const RECLAIM_EVERY_BYTES = 64 * 1024 * 1024;

let collector: (() => void) | null | undefined;

/**
 * The engine's full collection, or null where it cannot be had. Also what
 * the benchmarks and proof tests collect with before they measure.
 */
export function fullCollection(): (() => void) | null {
  if (collector !== undefined) return collector;
  const exposed = (globalThis as { gc?: unknown }).gc;
  if (typeof exposed === 'function') return (collector = exposed as () => void);
  try {
    setFlagsFromString('--expose-gc');
    const gc: unknown = runInNewContext('gc');
    collector = typeof gc === 'function' ? (gc as () => void) : null;
  } catch {
    collector = null;
  } finally {
    setFlagsFromString('--no-expose-gc');
  }
  return collector;
}

/**
 * Counts the bytes of finished documents (`documentDone`), and runs a full
 * collection at the next `collectIfDue` once `every` bytes have gone by
 * since the last.
 *
 * Where to call `collectIfDue`: where the finished documents' objects are no
 * longer referenced (a frame that held them would keep them alive, and the
 * collection would promote them instead), and where the next document's have
 * been made. The second matters for speed: a collection while no document
 * is open frees the hidden classes of the per-document objects with their
 * last instances, and then every optimized function that used them is thrown
 * away ("weak objects" under --trace-deopt) and compiled again. Collecting
 * after each document ended cost 0.7-1.5 s of 16-20 s on the benchmark's
 * corpus that way.
 */
export class MemoryReclaimer {
  #since = 0;
  /** Collections run so far (for tests and benchmarks). */
  collections = 0;

  constructor(readonly every: number = RECLAIM_EVERY_BYTES) {
    if (!(every >= 0)) throw new RangeError('reclaim interval must be a number of bytes, 0 or more');
  }

  /** Notes a finished document of `bytes`. */
  documentDone(bytes: number): void {
    this.#since += bytes;
  }

  /** Runs a full collection if `every` bytes of documents have finished since the last (never when `every` is 0). */
  collectIfDue(): void {
    if (this.every === 0 || this.#since < this.every) return;
    this.#since = 0;
    const gc = fullCollection();
    if (gc === null) return;
    gc();
    this.collections++;
  }
}
