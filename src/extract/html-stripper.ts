/**
 * A streaming tag stripper for markup too large (or too deeply nested) to
 * parse into a tree: keeps visible text, drops tags, comments and the content
 * of script/style/noscript/template, decodes common entities. No tree, no
 * stack of open elements beyond a <pre> counter, so memory is constant.
 */
import { BLOCK_ELEMENTS, CELL_ELEMENTS, HIDDEN_ELEMENTS, VisibleText } from './visible-text.js';

const enum State {
  Text,
  TagOpen,
  TagName,
  InTag,
  Comment,
  Declaration,
  Hidden,
}

const MAX_NAME = 32;
const MAX_ENTITY = 12;

const NAMED: Record<string, string> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0', ndash: '\u2013', mdash: '\u2014',
  hellip: '\u2026', copy: '\u00a9', reg: '\u00ae', euro: '\u20ac', laquo: '\u00ab', raquo: '\u00bb',
  auml: 'ä', ouml: 'ö', uuml: 'ü', Auml: 'Ä', Ouml: 'Ö', Uuml: 'Ü', aring: 'å', Aring: 'Å', szlig: 'ß',
  eacute: 'é', egrave: 'è', Eacute: 'É', oslash: 'ø', Oslash: 'Ø', aelig: 'æ', AElig: 'Æ',
};

/** Decodes one entity body (between & and ;), or returns undefined if unknown. */
function decodeEntity(body: string): string | undefined {
  if (body.startsWith('#')) {
    const hex = body[1] === 'x' || body[1] === 'X';
    const code = Number.parseInt(body.slice(hex ? 2 : 1), hex ? 16 : 10);
    if (!Number.isFinite(code) || code <= 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return '\ufffd';
    return String.fromCodePoint(code);
  }
  return NAMED[body];
}

/** Streams the visible text of markup to a callback; write() pieces, end() once. */
export class HtmlStripper {
  private state = State.Text;
  private name = '';
  private closing = false;
  private quote = 0;
  private dashes = 0;
  private hiddenName = '';
  private hiddenMatch = 0;
  private pre = 0;
  private entity: string | undefined;
  private readonly out: VisibleText;

  constructor(emit: (text: string) => void) {
    this.out = new VisibleText(emit);
  }

  /** Feeds the next piece of markup. */
  write(s: string): void {
    const n = s.length;
    let textStart = this.state === State.Text ? 0 : -1;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      switch (this.state) {
        case State.Text:
          if (this.entity !== undefined) {
            if (c === 0x3b || this.entity.length >= MAX_ENTITY || !isEntityChar(c)) {
              const decoded = c === 0x3b ? decodeEntity(this.entity) : undefined;
              this.text(decoded ?? `&${this.entity}${c === 0x3b ? ';' : ''}`);
              this.entity = undefined;
              textStart = c === 0x3b ? i + 1 : i;
              if (c !== 0x3b) i--;
            } else {
              this.entity += s[i];
            }
            continue;
          }
          if (c === 0x3c || c === 0x26) {
            if (textStart !== -1 && i > textStart) this.text(s.slice(textStart, i));
            textStart = -1;
            if (c === 0x26) this.entity = '';
            else this.state = State.TagOpen;
          } else if (textStart === -1) {
            textStart = i;
          }
          break;
        case State.TagOpen:
          if (c === 0x2f) {
            this.closing = true;
            this.name = '';
            this.state = State.TagName;
          } else if (c === 0x21 || c === 0x3f) {
            this.dashes = 0;
            this.state = State.Declaration;
          } else if (isLetter(c)) {
            this.closing = false;
            this.name = s[i]!.toLowerCase();
            this.state = State.TagName;
          } else {
            // A lone '<' is text.
            this.text('<');
            this.state = State.Text;
            textStart = i;
            i--;
          }
          break;
        case State.TagName:
          if (c === 0x3e) this.endTag();
          else if (isSpace(c) || c === 0x2f) this.state = State.InTag;
          else if (this.name.length < MAX_NAME) this.name += s[i]!.toLowerCase();
          if ((this.state as State) === State.Text) textStart = i + 1;
          break;
        case State.InTag:
          if (this.quote !== 0) {
            if (c === this.quote) this.quote = 0;
          } else if (c === 0x22 || c === 0x27) {
            this.quote = c;
          } else if (c === 0x3e) {
            this.endTag();
            if ((this.state as State) === State.Text) textStart = i + 1;
          }
          break;
        case State.Declaration:
          // "<!--" starts a comment; any other <!...> or <?...> ends at '>'.
          if (c === 0x2d) {
            this.dashes++;
            if (this.dashes === 2) {
              this.dashes = 0;
              this.state = State.Comment;
            }
          } else if (c === 0x3e) {
            this.state = State.Text;
            textStart = i + 1;
          } else {
            this.dashes = -1000;
          }
          break;
        case State.Comment:
          if (c === 0x2d) this.dashes++;
          else if (c === 0x3e && this.dashes >= 2) {
            this.state = State.Text;
            textStart = i + 1;
          } else this.dashes = 0;
          break;
        case State.Hidden: {
          // Looks for "</name" case-insensitively; only '<' can restart a match.
          const target = this.hiddenName;
          const want = this.hiddenMatch === 0 ? 0x3c : this.hiddenMatch === 1 ? 0x2f : target.charCodeAt(this.hiddenMatch - 2);
          const got = c >= 0x41 && c <= 0x5a ? c + 32 : c;
          if (got === want) {
            this.hiddenMatch++;
            if (this.hiddenMatch === target.length + 2) {
              this.hiddenMatch = 0;
              this.closing = true;
              this.name = target;
              this.state = State.InTag;
            }
          } else {
            this.hiddenMatch = c === 0x3c ? 1 : 0;
          }
          break;
        }
      }
    }
    if (this.state === State.Text && textStart !== -1 && this.entity === undefined && n > textStart) {
      this.text(s.slice(textStart));
    }
  }

  /** Ends the input and flushes the text. */
  end(): void {
    if (this.entity !== undefined) this.text(`&${this.entity}`);
    this.entity = undefined;
    this.out.flush();
  }

  private text(t: string): void {
    this.out.text(t, this.pre > 0);
  }

  private endTag(): void {
    const name = this.name;
    this.state = State.Text;
    this.quote = 0;
    if (!this.closing && HIDDEN_ELEMENTS.has(name)) {
      this.hiddenName = name;
      this.hiddenMatch = 0;
      this.state = State.Hidden;
      return;
    }
    if (name === 'pre') this.pre = Math.max(0, this.pre + (this.closing ? -1 : 1));
    if (BLOCK_ELEMENTS.has(name)) this.out.newline();
    else if (this.closing && CELL_ELEMENTS.has(name)) this.out.tab();
  }
}

function isLetter(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a);
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d || c === 0x0c;
}

function isEntityChar(c: number): boolean {
  return isLetter(c) || (c >= 0x30 && c <= 0x39) || c === 0x23;
}
