/**
 * JSON and JSON Lines: every record (array element, line, or the single
 * top-level value) is parsed on its own and flattened into `row` parts. The
 * common JSON Lines record is flattened by a WebAssembly loop instead
 * (json-lines-kernel.ts), and runs of such records arrive as `rows` parts,
 * without their keys.
 * Records that do not parse, or are too long to buffer, and anything after
 * broken structure, are handed over as free text instead.
 */
import { report } from './context.js';
import type { Extractor } from './dispatch.js';
import { flattenJson } from './json-flatten.js';
import { flattenJsonLine } from './json-line.js';
import { withJsonLines, type JsonLinesTaken } from './json-lines-kernel.js';
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
  // Records the WebAssembly loop flattened in the current piece, and the run of them not yet passed on.
  let taken: JsonLinesTaken | null = null;
  let runStart = 0;
  let runEnd = 0;
  const passRun = (): void => {
    if (taken !== null && runEnd > runStart) ctx.sink.part({ kind: 'rows', lines: taken.text(runStart, runEnd), delimiter: '\t' });
    runStart = runEnd;
  };
  const emitRows = (value: unknown): void => {
    passRun();
    for (const r of flattenJson(value, maxCellChars)) {
      ctx.sink.part(r.header.length > 0 ? { kind: 'row', cells: r.cells, header: r.header } : { kind: 'row', cells: r.cells });
    }
  };
  const splitter = new JsonSplitter(
    {
      record(text) {
        passRun();
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
        const done = taken?.find(from, to);
        if (done) {
          // Contiguous with the run (records without cells take no room): the run grows.
          if (done[0] !== runEnd) {
            passRun();
            runStart = done[0];
          }
          runEnd = done[1];
          return true;
        }
        passRun();
        const record = flattenJsonLine(s, from, to, maxCellChars);
        if (record === null) return false;
        if (record.cells.length > 0) ctx.sink.part({ kind: 'row', cells: record.cells, header: record.header });
        return true;
      },
      passthrough(text) {
        passRun();
        chunker.write(text);
      },
    },
    maxRecord,
  );
  for await (const text of decodeStream(src, detected.charset ?? 'utf-8')) {
    const done = withJsonLines(text, maxCellChars, (t) => {
      taken = t;
      runStart = runEnd = 0;
      try {
        splitter.write(text);
        passRun();
      } finally {
        taken = null;
      }
    });
    if (!done) splitter.write(text);
  }
  splitter.end();
  chunker.end();
  if (splitter.oversizedSeen) {
    report(ctx, ref, 'LW_EXTRACT_LIMIT', `a JSON record longer than ${maxRecord} characters was treated as text`);
  }
};
