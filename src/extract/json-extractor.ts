/**
 * JSON and JSON Lines: every record (array element, line, or the single
 * top-level value) is parsed on its own and flattened into `row` parts.
 * Records that do not parse, or are too long to buffer, and anything after
 * broken structure, are handed over as free text instead.
 */
import { report } from './context.js';
import type { Extractor } from './dispatch.js';
import { flattenJson } from './json-flatten.js';
import { flattenJsonLine } from './json-line.js';
import { JsonSplitter } from './json-splitter.js';
import { textChunker } from './text-extractor.js';
import { decodeStream } from './text-stream.js';

/** Records longer than this many characters are not parsed (memory: JSON.parse needs several times the text). */
const MAX_RECORD_CHARS = 16 * 1024 * 1024;

/** Extracts JSON / JSON Lines records. */
export const extractJson: Extractor = async (src, ref, detected, ctx) => {
  const { maxCellChars, maxBufferBytes } = ctx.limits;
  const chunker = textChunker(ctx);
  const maxRecord = Math.min(maxBufferBytes, MAX_RECORD_CHARS);
  const emitRows = (value: unknown): void => {
    for (const r of flattenJson(value, maxCellChars)) {
      ctx.sink.part(r.header.length > 0 ? { kind: 'row', cells: r.cells, header: r.header } : { kind: 'row', cells: r.cells });
    }
  };
  const splitter = new JsonSplitter(
    {
      record(text) {
        let value: unknown;
        try {
          value = JSON.parse(text);
        } catch {
          chunker.write(text);
          chunker.write('\n');
          return;
        }
        emitRows(value);
      },
      value: emitRows,
      line(s, from, to) {
        const record = flattenJsonLine(s, from, to, maxCellChars);
        if (record === null) return false;
        if (record.cells.length > 0) ctx.sink.part({ kind: 'row', cells: record.cells, header: record.header });
        return true;
      },
      passthrough(text) {
        chunker.write(text);
      },
    },
    maxRecord,
  );
  for await (const text of decodeStream(src, detected.charset ?? 'utf-8')) splitter.write(text);
  splitter.end();
  chunker.end();
  if (splitter.oversizedSeen) {
    report(ctx, ref, 'LW_EXTRACT_LIMIT', `a JSON record longer than ${maxRecord} characters was treated as text`);
  }
};
