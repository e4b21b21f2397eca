/**
 * Feeds XML bytes to saxes piece by piece. saxes does not expand DTD-declared
 * entities or fetch external ones, so entity bombs and XXE cannot happen;
 * such documents fail to parse and are reported as corrupt.
 */
import { SaxesParser, type SaxesTagPlain } from 'saxes';
import { LeakwatchError } from '../errors.js';
import { bomCharset, createDecoder } from './charset.js';

/** Element names arrive without their namespace prefix (`w:t` -> `t`): prefixes vary between writers. */
export interface XmlHandlers {
  open?(name: string, attributes: Record<string, string>): void;
  close?(name: string): void;
  text?(text: string): void;
}

function localName(name: string): string {
  const colon = name.indexOf(':');
  return colon === -1 ? name : name.slice(colon + 1);
}

/** A parser that decodes bytes (UTF-8, or UTF-16 with BOM) and reports parse errors as LW_EXTRACT_CORRUPT. */
export class XmlStream {
  private readonly parser = new SaxesParser({ position: false });
  private decoder: ReturnType<typeof createDecoder> | undefined;

  constructor(handlers: XmlHandlers, private readonly what: string) {
    const p = this.parser;
    if (handlers.open) {
      const open = handlers.open;
      p.on('opentag', (tag) => open(localName(tag.name), (tag as SaxesTagPlain).attributes as Record<string, string>));
    }
    if (handlers.close) {
      const close = handlers.close;
      p.on('closetag', (tag) => close(localName(tag.name)));
    }
    if (handlers.text) {
      p.on('text', handlers.text);
      p.on('cdata', handlers.text);
    }
  }

  /** Parses the next bytes. */
  write(bytes: Uint8Array): void {
    this.decoder ??= createDecoder(bomCharset(bytes) ?? 'utf-8');
    this.run(() => this.parser.write(this.decoder!.write(bytes)));
  }

  /** Ends the document. */
  close(): void {
    this.run(() => {
      if (this.decoder) this.parser.write(this.decoder.end());
      this.parser.close();
    });
  }

  private run(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      throw new LeakwatchError('LW_EXTRACT_CORRUPT', `${this.what} is not well-formed XML`, { cause: err });
    }
  }
}
