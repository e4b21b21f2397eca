/** A DocumentSink that records every call, for asserting exact sequences. */
import { rowsCells } from '../../src/extract/parts.js';
import type { DocumentRef, DocumentSink, ExtractIssue, Part } from '../../src/extract/types.js';

export type SinkEvent =
  | { kind: 'begin'; ref: DocumentRef }
  | { kind: 'part'; part: Exclude<Part, { kind: 'rows' }> }
  | { kind: 'end'; ref: DocumentRef; sha256: string; size: number }
  | { kind: 'issue'; issue: ExtractIssue };

export class RecordingSink implements DocumentSink {
  readonly events: SinkEvent[] = [];
  /** When false, text parts are only counted (for huge inputs). */
  constructor(private readonly keepText = true) {}
  textChars = 0;
  textParts = 0;
  maxPart = 0;

  begin(ref: DocumentRef): void {
    this.events.push({ kind: 'begin', ref });
  }
  /** `rows` parts counted (each is recorded as the row parts it stands for). */
  rowsParts = 0;

  part(part: Part): void {
    if (part.kind === 'rows') {
      this.rowsParts++;
      for (const cells of rowsCells(part)) this.events.push({ kind: 'part', part: { kind: 'row', cells, ...(part.header ? { header: part.header } : {}) } });
      return;
    }
    if (part.kind === 'text') {
      this.textChars += part.text.length;
      this.textParts++;
      this.maxPart = Math.max(this.maxPart, part.text.length);
      if (!this.keepText) return;
    }
    this.events.push({ kind: 'part', part });
  }
  end(ref: DocumentRef, meta: { sha256: string; size: number }): void {
    this.events.push({ kind: 'end', ref, ...meta });
  }
  issue(issue: ExtractIssue): void {
    this.events.push({ kind: 'issue', issue });
  }

  /**
   * A compact trace: "begin a.zip>b.csv text/csv", "row x|y [header]", "text ...", "issue CODE", "end a.zip";
   * without the rows' headers when `headers` is false (JSON Lines records flattened by the WebAssembly loop come without them).
   */
  trace(headers = true): string[] {
    const path = (r: DocumentRef): string => [r.source, ...r.entry].join('>');
    return this.events.map((e) => {
      switch (e.kind) {
        case 'begin':
          return `begin ${path(e.ref)} ${e.ref.mediaType}`;
        case 'end':
          return `end ${path(e.ref)}`;
        case 'issue':
          return `issue ${path(e.issue.ref)} ${e.issue.code}`;
        case 'part':
          return e.part.kind === 'row' ? `row ${e.part.cells.join('|')}${headers && e.part.header ? ` [${e.part.header.join('|')}]` : ''}` : `text ${e.part.text}`;
      }
    });
  }

  /** All text parts joined. */
  text(): string {
    return this.events.map((e) => (e.kind === 'part' && e.part.kind === 'text' ? e.part.text : '')).join('');
  }

  /** End events (with hashes). */
  ends(): Extract<SinkEvent, { kind: 'end' }>[] {
    return this.events.filter((e): e is Extract<SinkEvent, { kind: 'end' }> => e.kind === 'end');
  }
}
