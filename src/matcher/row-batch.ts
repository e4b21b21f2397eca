/**
 * Rows of a leaked table, gathered into batches for matching: one pattern
 * pass over many rows is far cheaper than one per row. A batch is its rows
 * (cells joined by tabs) joined by ROW_SEPARATOR, with each row's offset.
 */

import { linesKernelRows } from './lines-kernel.js';

/** Joins rows in a batch; NUL stops identifier patterns from matching across rows. */
export const ROW_SEPARATOR = '\n\u0000';
/** A batch is passed on once its rows reach this many characters. */
export const ROW_BATCH_CHARS = 48 * 1024;

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
    const done = linesKernelRows(lines, delimiter, (starts, rows, text) => {
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
    });
    if (!done) this.#addLinesJs(lines, delimiter);
  }

  /** `addLines` without the kernel. */
  #addLinesJs(lines: string, delimiter: string): void {
    const t = delimiter === '\t' ? lines : lines.replaceAll(delimiter, '\t');
    // The lines of t from `piece` on are not in a piece yet.
    let piece = 0;
    for (let a = 0; a < t.length; ) {
      const nl = t.indexOf('\n', a);
      this.#starts.push(this.#chars);
      this.#chars += nl - a + ROW_SEPARATOR.length;
      a = nl + 1;
      if (this.#chars >= ROW_BATCH_CHARS) {
        this.#pieces.push(separated(t, piece, nl));
        piece = a;
        this.flush();
      }
    }
    if (piece < t.length) this.#pieces.push(separated(t, piece, t.length - 1));
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

/** t[from, to), lines ended by '\n' but the last, with ROW_SEPARATOR between the lines. */
function separated(t: string, from: number, to: number): string {
  return t.slice(from, to).replaceAll('\n', ROW_SEPARATOR);
}
