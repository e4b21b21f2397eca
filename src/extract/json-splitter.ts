/**
 * Splits a stream of JSON text into its records without parsing the whole:
 * the elements of a top-level array, or the top-level values of a sequence
 * (JSON Lines, or a single object). Each record is handed over as text for
 * JSON.parse. A record longer than maxElementChars is not buffered: its text
 * is passed through as it arrives instead (the caller treats it as free text).
 */

const enum Mode {
  Undecided,
  Array,
  Sequence,
  /** Structure was broken (or the top-level array closed): the rest is passed through. */
  Rest,
}

export interface JsonSplitterHandlers {
  /** A complete record; `line` is the 1-based line it starts on. */
  record(text: string, line: number): void;
  /** Text that is not a bufferable record: the pieces of an oversized record, or input after broken structure. */
  passthrough(text: string): void;
  /**
   * When given, a JSON Lines record that fills its line and that JSON.parse
   * accepts arrives here already parsed, instead of through record().
   */
  value?(value: unknown, line: number): void;
  /**
   * When given with `value`, such a line is offered here first, as s[from, to):
   * true when it was handled (it must then be one valid JSON value), false to
   * have it parsed and handed to `value`.
   */
  line?(s: string, from: number, to: number, line: number): boolean;
}

/** Streaming record splitter for JSON text; write() pieces, end() once. */
export class JsonSplitter {
  private mode = Mode.Undecided;
  private depth = 0;
  private inString = false;
  private escaped = false;
  /** Pieces of the current record (when not oversized). */
  private parts: string[] = [];
  private partChars = 0;
  private inRecord = false;
  private bareLiteral = false;
  private oversized = false;
  private line = 1;
  private recordLine = 1;
  /** True once a record was too long to buffer or the structure broke. */
  private degraded = false;
  /** True when the last character written was a newline (or nothing was written yet). */
  private lineStart = true;
  /** True once a record was too long to buffer. */
  oversizedSeen = false;

  constructor(
    private readonly handlers: JsonSplitterHandlers,
    private readonly maxElementChars: number,
  ) {}

  private get base(): number {
    return this.mode === Mode.Array ? 1 : 0;
  }

  /** Feeds the next piece of text. */
  write(s: string): void {
    let start = this.inRecord ? 0 : -1;
    const n = s.length;
    for (let i = 0; i < n; i++) {
      if (this.mode === Mode.Rest) {
        this.flushPiece(s, start, i);
        const rest = s.slice(i);
        if (this.degraded || rest.trim().length > 0) this.markRest(rest);
        return;
      }
      const c = s.charCodeAt(i);
      if (
        (c === 0x7b || c === 0x5b) &&
        !this.inRecord &&
        this.mode === Mode.Sequence &&
        (i === 0 ? this.lineStart : s.charCodeAt(i - 1) === 0x0a)
      ) {
        const next = this.wholeLine(s, i);
        if (next > i) {
          i = next - 1;
          continue;
        }
      }
      if (c === 0x0a) this.line++;
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === 0x5c) this.escaped = true;
        else if (c === 0x22) {
          this.inString = false;
          if (this.depth === this.base && this.inRecord) {
            this.finishRecord(s, start, i + 1);
            start = -1;
          }
        }
        continue;
      }
      const ws = c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
      if (this.mode === Mode.Undecided) {
        if (ws || c === 0xfeff) continue;
        this.mode = c === 0x5b ? Mode.Array : Mode.Sequence;
        if (this.mode === Mode.Array) {
          this.depth = 1;
          continue;
        }
      }
      if (this.inRecord && this.bareLiteral) {
        if (ws || c === 0x2c || c === 0x5d || c === 0x7d) {
          this.finishRecord(s, start, i);
          start = -1;
        } else {
          continue;
        }
      }
      if (!this.inRecord) {
        if (ws) continue;
        if (this.mode === Mode.Array && c === 0x2c) continue;
        if (this.mode === Mode.Array && c === 0x5d) {
          // The top-level array closed; anything after it is not part of the records.
          this.mode = Mode.Rest;
          this.depth = 0;
          const rest = s.slice(i + 1);
          if (rest.trim().length > 0) this.markRest(rest);
          return;
        }
        if (c === 0x5d || c === 0x7d || c === 0x2c || c === 0x3a) {
          this.markRest(s.slice(i));
          return;
        }
        this.inRecord = true;
        this.recordLine = this.line;
        start = i;
        this.bareLiteral = c !== 0x7b && c !== 0x5b && c !== 0x22;
        if (c === 0x22) this.inString = true;
        else if (!this.bareLiteral) this.depth++;
        continue;
      }
      if (c === 0x22) this.inString = true;
      else if (c === 0x7b || c === 0x5b) this.depth++;
      else if (c === 0x7d || c === 0x5d) {
        this.depth--;
        if (this.depth === this.base) {
          this.finishRecord(s, start, i + 1);
          start = -1;
        }
      }
    }
    if (this.inRecord && start !== -1) this.addPiece(s, start, n);
    if (n > 0) this.lineStart = s.charCodeAt(n - 1) === 0x0a;
  }

  /**
   * The fast path for JSON Lines: a line that starts a record at s[i] and
   * that JSON.parse accepts as a whole is one complete record, exactly as the
   * character scan would find it (a valid value balances its brackets outside
   * strings, and only whitespace may follow it). Its value is handed over and
   * the index after the line returned; otherwise i, and the scan goes on.
   * Only lines that end with the bracket closing their first character are
   * tried: on other lines (pretty-printed JSON, a cut record) JSON.parse would
   * fail, and a failure costs a thrown exception.
   */
  private wholeLine(s: string, i: number): number {
    const handlers = this.handlers;
    if (handlers.value === undefined) return i;
    const nl = s.indexOf('\n', i);
    if (nl === -1) return i;
    let last = nl - 1;
    while (last > i && isSpace(s.charCodeAt(last))) last--;
    const close = s.charCodeAt(i) === 0x7b ? 0x7d : 0x5d;
    if (s.charCodeAt(last) !== close || last - i >= this.maxElementChars) return i;
    if (handlers.line?.(s, i, last + 1, this.line)) {
      this.line++;
      return nl + 1;
    }
    let value: unknown;
    try {
      value = JSON.parse(s.slice(i, last + 1));
    } catch {
      return i;
    }
    handlers.value(value, this.line);
    this.line++;
    return nl + 1;
  }

  /** The 1-based line the splitter has reached. */
  get currentLine(): number {
    return this.line;
  }

  /** Ends the input; a bare literal at the very end is a record too. */
  end(): void {
    if (this.inRecord) {
      if (this.bareLiteral || this.oversized) this.finishRecord('', 0, 0);
      else {
        // An unfinished record: hand its text over as free text.
        this.degraded = true;
        this.handlers.passthrough(this.parts.join(''));
        this.reset();
      }
    }
  }

  private markRest(rest: string): void {
    this.mode = Mode.Rest;
    this.degraded = true;
    this.handlers.passthrough(rest);
  }

  private addPiece(s: string, from: number, to: number): void {
    if (to <= from) return;
    const piece = s.slice(from, to);
    if (this.oversized) {
      this.handlers.passthrough(piece);
      return;
    }
    this.parts.push(piece);
    this.partChars += piece.length;
    if (this.partChars > this.maxElementChars) {
      this.oversized = true;
      this.oversizedSeen = true;
      this.degraded = true;
      this.handlers.passthrough(this.parts.join(''));
      this.parts = [];
      this.partChars = 0;
    }
  }

  private flushPiece(s: string, start: number, to: number): void {
    if (this.inRecord && start !== -1) this.addPiece(s, start, to);
  }

  private finishRecord(s: string, start: number, to: number): void {
    if (start !== -1) this.addPiece(s, start, to);
    if (!this.oversized) this.handlers.record(this.parts.join(''), this.recordLine);
    this.reset();
  }

  private reset(): void {
    this.parts = [];
    this.partChars = 0;
    this.inRecord = false;
    this.bareLiteral = false;
    this.oversized = false;
  }
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0d || c === 0x09;
}
