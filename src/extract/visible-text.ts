/**
 * Assembles the visible text of markup the way a browser lays it out, closely
 * enough for matching: whitespace runs collapse to one space (except inside
 * <pre>), block boundaries become one line break, table cells a tab, and
 * lines carry no leading or trailing blanks. Output is streamed to `emit` in
 * pieces of about 16 KiB; call flush() at the end.
 */

/** Elements whose content is never shown. */
export const HIDDEN_ELEMENTS: ReadonlySet<string> = new Set(['script', 'style', 'noscript', 'template']);

/** Elements that start and end a line. */
export const BLOCK_ELEMENTS: ReadonlySet<string> = new Set([
  'address', 'article', 'aside', 'blockquote', 'body', 'br', 'caption', 'dd', 'details', 'dialog', 'div', 'dl',
  'dt', 'fieldset', 'figcaption', 'figure', 'footer', 'form', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'head', 'header',
  'hr', 'html', 'li', 'main', 'nav', 'ol', 'option', 'p', 'pre', 'section', 'summary', 'table', 'tbody', 'tfoot',
  'thead', 'title', 'tr', 'ul',
]);

/** Elements that end with a tab (cells on one line). */
export const CELL_ELEMENTS: ReadonlySet<string> = new Set(['td', 'th']);

/** Collects laid-out visible text from text runs and block/cell boundaries. */
export class VisibleText {
  /** 'line' at the start of a line, 'space'/'tab' with a separator pending, 'text' otherwise. */
  private at: 'line' | 'space' | 'tab' | 'text' = 'line';
  private started = false;
  private buf = '';

  constructor(private readonly emit: (text: string) => void) {}

  /** Adds text content; `pre` keeps its whitespace. */
  text(s: string, pre = false): void {
    if (s.length === 0) return;
    if (pre) {
      this.flushSpace();
      this.put(s);
      const last = s.charCodeAt(s.length - 1);
      this.at = last === 0x0a ? 'line' : 'text';
      return;
    }
    const words = s.split(/[ \t\n\r\f\u00a0]+/);
    for (let i = 0; i < words.length; i++) {
      if (i > 0 && this.at === 'text') this.at = 'space';
      const w = words[i] as string;
      if (w.length === 0) continue;
      this.flushSpace();
      this.put(w);
      this.at = 'text';
    }
  }

  /** Ends the current line (no empty lines are produced). */
  newline(): void {
    if (this.at !== 'line' && this.started) this.put('\n');
    this.at = 'line';
  }

  /** Separates table cells. */
  tab(): void {
    if (this.at !== 'line') this.at = 'tab';
  }

  private flushSpace(): void {
    if (this.at === 'space') this.put(' ');
    else if (this.at === 'tab') this.put('\t');
  }

  /** Hands over everything buffered; call at the end. */
  flush(): void {
    if (this.buf.length > 0) this.emit(this.buf);
    this.buf = '';
  }

  private put(s: string): void {
    this.started = true;
    this.buf += s;
    if (this.buf.length >= 16384) this.flush();
  }
}
