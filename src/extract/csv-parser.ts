/**
 * A streaming CSV state machine (RFC 4180 plus the usual leniency: CR, LF or
 * CRLF line ends, stray quotes inside unquoted fields). Memory is bounded: a
 * cell keeps at most maxCellChars characters, a row at most maxRowChars (each
 * cell also counts one for its delimiter, which bounds the number of cells).
 */
import { countLineFeeds } from './line-count.js';

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;

const enum State {
  FieldStart,
  Unquoted,
  Quoted,
  QuoteInQuoted,
}

export interface CsvParserOptions {
  delimiter: string;
  maxCellChars: number;
  maxRowChars: number;
  /** Called for every non-empty row; `line` is the 1-based physical line the row starts on. */
  onRow: (cells: string[], line: number) => void;
  /**
   * Optional: runs of plain lines come here instead of one `onRow` each.
   * s[from, to) is one or more lines, each ended by LF (not CR), none empty,
   * none holding a quote, none longer than maxCellChars: each line is one row
   * whose cells are `line.split(delimiter)`, exactly what `onRow` would get.
   * Rows still arrive in order: a run is passed before any row after it.
   */
  onLines?: (s: string, from: number, to: number) => void;
}

/** Streaming CSV parser: write() text pieces, end() once; rows arrive through onRow. */
export class CsvParser {
  private state = State.FieldStart;
  private readonly delim: number;
  private cell = '';
  private cellQuoted = false;
  private row: string[] = [];
  private rowChars = 0;
  private skipLf = false;
  private line = 1;
  private rowLine = 1;
  /** Index of the next delimiter in the text being written (see write). */
  private nextDelim = -1;
  /** The run of plain lines not yet passed to onLines: [runFrom, runTo) of the text being written. */
  private runFrom = 0;
  private runTo = 0;
  /** True once any cell or row had to be cut. */
  truncated = false;

  constructor(private readonly opts: CsvParserOptions) {
    if (opts.delimiter.length !== 1 || '"\r\n'.includes(opts.delimiter)) {
      throw new RangeError('delimiter must be one character other than a quote or a line end');
    }
    this.delim = opts.delimiter.charCodeAt(0);
  }

  /** Feeds the next piece of text. */
  write(s: string): void {
    const n = s.length;
    const delim = this.delim;
    let i = 0;
    if (this.skipLf && n > 0) {
      this.skipLf = false;
      if (s.charCodeAt(0) === LF) i = 1;
    }
    // The next LF, CR, quote and delimiter at or after i (n when there is none), found lazily and reused across rows.
    this.nextDelim = -1;
    let lf = -1;
    let cr = -1;
    let quote = -1;
    /** The next empty line's LF (the first of two in a row), found lazily like the others. */
    let blank = -1;
    const onLines = this.opts.onLines;
    // A stretch no longer than this holds no line the limits would cut.
    const stretchMax = Math.min(this.opts.maxCellChars, this.opts.maxRowChars);
    this.runFrom = this.runTo = i;
    while (i < n) {
      if (this.state === State.FieldStart && this.row.length === 0) {
        if (onLines !== undefined && s.charCodeAt(i) !== LF) {
          // Every whole line before the next quote, CR or empty line, in a stretch too short for a
          // line the limits would cut, is a plain line: the run takes them all at once, found by
          // three searches and a count of their LFs (line-count.ts) instead of a search per line.
          if (cr < i) cr = indexOrEnd(s, '\r', i);
          if (quote < i) quote = indexOrEnd(s, '"', i);
          const stop = cr < quote ? cr : quote;
          if (stop - i <= stretchMax) {
            let last = s.lastIndexOf('\n', stop - 1);
            if (last >= i) {
              if (blank < i) blank = indexOrEnd(s, '\n\n', i);
              if (blank < last) last = blank;
              if (this.runTo !== i) {
                this.passRun(s);
                this.runFrom = i;
              }
              this.line += countLineFeeds(s, i, last + 1);
              this.rowLine = this.line;
              this.runTo = last + 1;
              i = last + 1;
              continue;
            }
          }
        }
        if (lf < i) lf = indexOrEnd(s, '\n', i);
        if (cr < i) cr = indexOrEnd(s, '\r', i);
        const end = lf < cr ? lf : cr;
        if (end < n) {
          if (quote < i) quote = indexOrEnd(s, '"', i);
          if (quote > end && end - i < this.opts.maxRowChars) {
            if (onLines !== undefined && end === lf && end > i && end - i <= this.opts.maxCellChars) {
              // A line no cell of which can be cut: it joins the run of such lines.
              if (this.runTo !== i) {
                this.passRun(s);
                this.runFrom = i;
              }
              this.runTo = end + 1;
              this.line++;
              this.rowLine = this.line;
              i = end + 1;
              continue;
            }
            this.passRun(s);
            // A whole line without quotes: cut natively instead of walking it character by character.
            if (end > i) this.plainRow(s, i, end);
            i = this.nextLine(s, end, end === cr ? CR : LF);
            continue;
          }
        }
      }
      this.passRun(s);
      switch (this.state) {
        case State.FieldStart: {
          if (s.charCodeAt(i) === QUOTE) {
            this.state = State.Quoted;
            this.cellQuoted = true;
            i++;
            break;
          }
          this.state = State.Unquoted;
          break;
        }
        case State.Unquoted: {
          if (this.nextDelim < i) this.nextDelim = indexOrEnd(s, this.opts.delimiter, i);
          if (lf < i) lf = indexOrEnd(s, '\n', i);
          if (cr < i) cr = indexOrEnd(s, '\r', i);
          const j = Math.min(this.nextDelim, lf, cr);
          if (j > i) this.append(s, i, j);
          if (j === n) {
            i = n;
            break;
          }
          i = j + 1;
          if (j === this.nextDelim) this.endCell();
          else i = this.endLine(s, j, j === cr ? CR : LF);
          break;
        }
        case State.Quoted: {
          if (quote < i) quote = indexOrEnd(s, '"', i);
          if (lf < i) lf = indexOrEnd(s, '\n', i);
          // Newlines inside the quotes; lf is reused so that a long line of quoted cells is not rescanned per cell.
          while (lf < quote) {
            this.line++;
            lf = indexOrEnd(s, '\n', lf + 1);
          }
          if (quote > i) this.append(s, i, quote);
          if (quote === n) {
            i = n;
            break;
          }
          this.state = State.QuoteInQuoted;
          i = quote + 1;
          break;
        }
        case State.QuoteInQuoted: {
          const c = s.charCodeAt(i);
          if (c === QUOTE) {
            this.append(s, i, i + 1);
            this.state = State.Quoted;
            i++;
          } else if (c === delim) {
            this.endCell();
            i++;
          } else if (c === LF || c === CR) {
            i = this.endLine(s, i, c);
          } else {
            // Text after a closing quote: keep it, as spreadsheets do.
            this.state = State.Unquoted;
          }
          break;
        }
      }
    }
    this.passRun(s);
  }

  /** Passes the pending run of plain lines, if any, to onLines. */
  private passRun(s: string): void {
    const from = this.runFrom;
    if (this.runTo === from) return;
    this.runFrom = this.runTo;
    this.opts.onLines!(s, from, this.runTo);
  }

  /** Flushes the last row. Returns false when the input ended inside a quoted field. */
  end(): boolean {
    const closed = this.state !== State.Quoted;
    if (this.state !== State.FieldStart || this.row.length > 0) {
      this.endCell();
      this.endRow();
    }
    return closed;
  }

  /** The 1-based line the parser is on. */
  get currentLine(): number {
    return this.line;
  }

  private append(s: string, from: number, to: number): void {
    const room = this.opts.maxCellChars - this.cell.length;
    if (room <= 0) {
      this.truncated = true;
      return;
    }
    if (to - from > room) {
      to = from + room;
      this.truncated = true;
    }
    this.cell = this.cell.length === 0 ? s.slice(from, to) : this.cell + s.slice(from, to);
  }

  private endCell(): void {
    const cost = this.cell.length + 1;
    if (this.rowChars + cost > this.opts.maxRowChars) {
      this.truncated = true;
    } else {
      this.row.push(this.cell);
      this.rowChars += cost;
    }
    this.cell = '';
    this.cellQuoted = false;
    this.state = State.FieldStart;
  }

  /** Ends the row at a CR or LF at index j; returns the index to continue from. */
  private endLine(s: string, j: number, c: number): number {
    const emptyLine = this.row.length === 0 && this.cell.length === 0 && !this.cellQuoted;
    if (emptyLine) {
      this.state = State.FieldStart;
    } else {
      this.endCell();
      this.endRow();
    }
    return this.nextLine(s, j, c);
  }

  /**
   * Emits the non-empty line s[from, to), which holds no quote and is shorter
   * than maxRowChars: every cell fits in the row, though a cell may still be
   * cut. Cells are cut out between delimiters found with indexOf, which is
   * faster than split and far faster than a loop over the characters.
   */
  private plainRow(s: string, from: number, to: number): void {
    const cells: string[] = [];
    let at = from;
    for (;;) {
      if (this.nextDelim < at) this.nextDelim = indexOrEnd(s, this.opts.delimiter, at);
      const d = this.nextDelim;
      if (d >= to) {
        cells.push(s.slice(at, to));
        break;
      }
      cells.push(s.slice(at, d));
      at = d + 1;
    }
    const max = this.opts.maxCellChars;
    if (to - from > max) {
      for (let k = 0; k < cells.length; k++) {
        const cell = cells[k] as string;
        if (cell.length > max) {
          cells[k] = cell.slice(0, max);
          this.truncated = true;
        }
      }
    }
    this.opts.onRow(cells, this.rowLine);
  }

  /** Steps over the line end (CR, LF or CRLF) at index j; returns the index to continue from. */
  private nextLine(s: string, j: number, c: number): number {
    this.line++;
    let next = j + 1;
    if (c === CR) {
      if (next < s.length) {
        if (s.charCodeAt(next) === LF) next++;
      } else {
        this.skipLf = true;
      }
    }
    this.rowLine = this.line;
    return next;
  }

  private endRow(): void {
    const row = this.row;
    this.row = [];
    this.rowChars = 0;
    this.state = State.FieldStart;
    if (row.length > 0) this.opts.onRow(row, this.rowLine);
  }


}

function indexOrEnd(s: string, c: string, from: number): number {
  const at = s.indexOf(c, from);
  return at === -1 ? s.length : at;
}

const CANDIDATES = [',', ';', '\t', '|'] as const;

/**
 * Guesses the delimiter from a sample of text: the candidate that gives the
 * most rows with the same field count (at least 2 fields). Returns undefined
 * when the sample does not look delimited; `minRows` complete rows are needed.
 */
export function sniffDelimiter(sample: string, complete: boolean, minRows = 3): string | undefined {
  let best: { delimiter: string; score: number } | undefined;
  for (const delimiter of CANDIDATES) {
    const counts: number[] = [];
    const p = new CsvParser({
      delimiter,
      maxCellChars: 4096,
      maxRowChars: 1 << 16,
      onRow: (cells) => {
        if (counts.length < 50) counts.push(cells.length);
      },
    });
    p.write(sample);
    if (complete) p.end();
    // Without the end of input, the last row may be partial; it is left unflushed above.
    const rows = counts.length;
    if (rows < minRows) continue;
    const freq = new Map<number, number>();
    for (const c of counts) freq.set(c, (freq.get(c) ?? 0) + 1);
    let mode = 0;
    let modeRows = 0;
    for (const [c, k] of freq) if (k > modeRows || (k === modeRows && c > mode)) [mode, modeRows] = [c, k];
    if (mode < 2 || modeRows / rows < 0.8) continue;
    const score = modeRows * 1000 + mode;
    if (best === undefined || score > best.score) best = { delimiter, score };
  }
  return best?.delimiter;
}
