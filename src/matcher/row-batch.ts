/**
 * Rows of a leaked table, gathered into batches for matching: one pattern
 * pass over many rows is far cheaper than one per row. A batch is its rows
 * (cells joined by tabs) joined by ROW_SEPARATOR, with each row's offset.
 */

import { linesKernelRows } from './lines-kernel.js';

/** Joins rows in a batch; NUL stops identifier patterns from matching across rows. */
export const ROW_SEPARATOR = '\n\u0000';
/**
 * A batch is passed on once its rows reach this many characters. On the
 * benchmark's 50 MB CSV, 24 K scanned 2-4 % faster than 48 K (three
 * interleaved sets; 16 K as 24 K; JSON Lines the same at all three); a later
 * set, with 16 KiB decoded pieces, had 32 K ahead by as much, within the
 * machine's noise (docs/performance.md, twenty-third session).
 */
export const ROW_BATCH_CHARS = 24 * 1024;

/** Rows in, batches out: `onBatch` gets each batch's text and row offsets, in order. */
export class RowBatch {
  #pieces: string[] = [];
  #starts: number[] = [];
  #chars = 0;
  readonly #onBatch: (text: string, starts: Int32Array) => void;

  constructor(onBatch: (text: string, starts: Int32Array) => void) {
    this.#onBatch = onBatch;
  }

  /** One row, its cells joined by tabs. */
  addRow(text: string): void {
    this.#starts.push(this.#chars);
    this.#pieces.push(text);
    this.#chars += text.length + ROW_SEPARATOR.length;
    if (this.#chars >= ROW_BATCH_CHARS) this.flush();
  }

  /**
   * The rows of a `rows` part: `lines` is lines each ended by '\n', and each
   * line's cells are `line.split(delimiter)`. The batches are exactly those of
   * `addRow` for each line's cells joined by tabs, made without a string per
   * row: the delimiters and line ends are replaced in whole stretches of lines.
   */
  addLines(lines: string, delimiter: string): void {
    const done = linesKernelRows(lines, delimiter, (starts, rows, text) => this.#addRewritten(starts, rows, text));
    if (done) return;
    // Without the kernel: the same rewriting by replaceAll, and the rows' offsets by indexOf.
    const t = delimiter === '\t' ? lines : lines.replaceAll(delimiter, '\t');
    const starts = [0];
    for (let nl = t.indexOf('\n'); nl !== -1; nl = t.indexOf('\n', nl + 1)) starts.push(nl + 1 + starts.length * (ROW_SEPARATOR.length - 1));
    const rewritten = t.replaceAll('\n', ROW_SEPARATOR);
    this.#addRewritten(starts, starts.length - 1, (from, to) => rewritten.slice(from, to));
  }

  /**
   * Rows already rewritten (each ended by ROW_SEPARATOR): row r is
   * [starts[r], starts[r + 1] - ROW_SEPARATOR.length) of the rewritten text,
   * which `text(from, to)` cuts out. Batches are cut where `addRow` would cut them.
   */
  #addRewritten(starts: ArrayLike<number>, rows: number, text: (from: number, to: number) => string): void {
    // The rows from `piece` on are not in a piece yet.
    let piece = 0;
    for (let r = 0; r < rows; r++) {
      this.#starts.push(this.#chars);
      this.#chars += starts[r + 1]! - starts[r]!;
      if (this.#chars >= ROW_BATCH_CHARS) {
        this.#pieces.push(text(starts[piece]!, starts[r + 1]! - ROW_SEPARATOR.length));
        piece = r + 1;
        this.flush();
      }
    }
    if (piece < rows) this.#pieces.push(text(starts[piece]!, starts[rows]! - ROW_SEPARATOR.length));
  }

  /** Passes on the rows gathered so far, if any, as a batch. */
  flush(): void {
    if (this.#starts.length === 0) return;
    const text = this.#pieces.join(ROW_SEPARATOR);
    const starts = Int32Array.from(this.#starts);
    this.#pieces = [];
    this.#starts = [];
    this.#chars = 0;
    this.#onBatch(text, starts);
  }
}
