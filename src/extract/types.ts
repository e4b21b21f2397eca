/**
 * Contract between extractors and the matcher. Extraction is push-based and
 * synchronous on the consumer side: an extractor reads bytes (a stream), and
 * calls the sink as it goes. Nothing here is ever written to disk.
 */

/** One piece of a document's content, handed to the matcher and then dropped. */
export type Part =
  /** A structured record: one CSV/XLSX row, one HTML table row, one flattened JSON object. */
  | { kind: 'row'; cells: string[]; header?: string[] }
  /**
   * Consecutive rows in one string: `lines` is one or more lines, each ended
   * by '\n' (no '\r', none empty), and each line is one row whose cells are
   * `line.split(delimiter)`. It stands for exactly those `row` parts, in
   * order, with `header` (CSV: the first row; JSON Lines records flattened by
   * the WebAssembly loop come without their keys). A leaked table arrives
   * this way without a string per cell.
   */
  | { kind: 'rows'; lines: string; delimiter: string; header?: string[] }
  /**
   * A chunk of free text. Consecutive chunks of one document are contiguous;
   * extractors cut chunks at a newline or whitespace when one is available so
   * that tokens are rarely split. At most ~1 MiB of text per chunk.
   */
  | { kind: 'text'; text: string };

/** Where a document sits: the top-level name and the chain of archive entries below it. */
export interface DocumentRef {
  /** Top-level file path or URL, as the caller named it. */
  source: string;
  /** Entry names inside archives, outermost first; [] for the top-level file itself. */
  entry: string[];
  /** Detected media type, e.g. 'text/csv', 'application/zip', 'application/pdf'. */
  mediaType: string;
}

/** Something that went wrong with one document; the rest continues. */
export interface ExtractIssue {
  ref: DocumentRef;
  /** A stable code from src/errors.ts (LW_EXTRACT_CORRUPT, LW_EXTRACT_LIMIT, LW_EXTRACT_UNSUPPORTED, ...). */
  code: string;
  /** Human-readable reason; never contains document content. */
  message: string;
}

/**
 * The consumer side. begin/end pairs nest: an archive's begin comes first, its
 * entries' begin/end pairs follow, and the archive's end comes last.
 */
export interface DocumentSink {
  begin(ref: DocumentRef): void;
  part(part: Part): void;
  /** Called once per begin, with the SHA-256 (hex) and byte size of the document's raw bytes. */
  end(ref: DocumentRef, meta: { sha256: string; size: number }): void;
  issue(issue: ExtractIssue): void;
}

/** Bounds applied to every extraction; hostile input must never exceed them. */
export interface ExtractLimits {
  /** Max archive nesting depth (a zip inside a zip is depth 2). */
  maxDepth: number;
  /** Max entries across all archives of one top-level input. */
  maxEntries: number;
  /** Max total uncompressed bytes across one top-level input. */
  maxTotalBytes: number;
  /** Max uncompressed/compressed ratio for any entry or gzip stream. */
  maxRatio: number;
  /** Max bytes a format that needs the whole file in memory (pdf, docx, xlsx, nested zip) may buffer. */
  maxBufferBytes: number;
  /** Max characters of text per chunk passed to the sink. */
  maxChunkChars: number;
  /** Max length of one line/row/cell before it is cut (defends against 100 MB single lines). */
  maxCellChars: number;
}

export const DEFAULT_LIMITS: Readonly<ExtractLimits> = Object.freeze({
  maxDepth: 4,
  maxEntries: 100_000,
  maxTotalBytes: 8 * 1024 ** 3,
  maxRatio: 200,
  maxBufferBytes: 64 * 1024 ** 2,
  maxChunkChars: 1024 * 1024,
  maxCellChars: 64 * 1024,
});
