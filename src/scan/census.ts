/**
 * Identifier census for `inspect`: which identifier types occur where, by byte
 * offset, without keys and without ever reporting a value.
 */
import { partText, rowsCells } from '../extract/parts.js';
import type { DocumentRef, DocumentSink, ExtractIssue, Part } from '../extract/types.js';
import { ALL_TYPES } from '../matcher/identifiers/registry.js';
import type { IdentifierType } from '../matcher/identifiers/types.js';
import { globalRegExp, scanMatches } from '../matcher/pattern-scan.js';

/** One sighting of an identifier type. Offsets are UTF-8 byte offsets into the entry's extracted text. */
export interface CensusHit {
  type: string;
  path: string;
  entry: string | null;
  offset: number;
  length: number;
}

interface Frame {
  ref: DocumentRef;
  bytes: number;
  carry: string;
  carryBytes: number;
}

const CARRY = 64;

/** A DocumentSink that records validated identifier sightings per type. */
export class CensusSink implements DocumentSink {
  readonly #types: { impl: IdentifierType; re: RegExp }[];
  readonly #stack: Frame[] = [];
  readonly #onHit: (hit: CensusHit) => void;
  readonly #onIssue: (issue: ExtractIssue) => void;
  readonly #path: string;
  readonly #region: string | undefined;

  constructor(path: string, opts: { onHit: (h: CensusHit) => void; onIssue?: (i: ExtractIssue) => void; region?: string }) {
    this.#path = path;
    this.#onHit = opts.onHit;
    this.#onIssue = opts.onIssue ?? (() => {});
    this.#region = opts.region;
    this.#types = ALL_TYPES.filter((t) => t.pattern && t.name !== 'custom').map((impl) => ({
      impl,
      re: globalRegExp(impl.pattern!),
    }));
  }

  begin(ref: DocumentRef): void {
    this.#stack.push({ ref, bytes: 0, carry: '', carryBytes: 0 });
  }

  part(part: Part): void {
    const f = this.#stack[this.#stack.length - 1];
    if (!f) return;
    if (part.kind === 'rows') {
      // Row by row, as if each had come as its own part.
      for (const cells of rowsCells(part)) this.#chunk(f, `${cells.join('\t')}\n`);
    } else {
      this.#chunk(f, partText(part));
    }
  }

  /** Sightings in the next piece of the document's text. */
  #chunk(f: Frame, chunk: string): void {
    const text = f.carry + chunk;
    const base = f.bytes - f.carryBytes;
    const prefixLen = f.carry.length;
    for (const { impl, re } of this.#types) {
      let cursor = 0;
      let cursorBytes = 0;
      scanMatches(re, impl, text, (start, end) => {
        if (end <= prefixLen) return;
        const raw = text.slice(start, end);
        if (impl.normalize(raw, { region: this.#region }) === null) return;
        cursorBytes += Buffer.byteLength(text.slice(cursor, start));
        cursor = start;
        this.#onHit({
          type: impl.name,
          path: this.#path,
          entry: f.ref.entry.length ? f.ref.entry.join('!') : null,
          offset: base + cursorBytes,
          length: Buffer.byteLength(raw),
        });
      });
    }
    f.bytes += Buffer.byteLength(chunk);
    f.carry = text.length > CARRY ? text.slice(text.length - CARRY) : text;
    f.carryBytes = Buffer.byteLength(f.carry);
  }

  end(): void {
    this.#stack.pop();
  }

  issue(issue: ExtractIssue): void {
    this.#onIssue(issue);
  }
}
