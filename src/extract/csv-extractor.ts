/**
 * Delimited text: one `row` part per record. The first row is taken as the
 * header and attached to every later row; it is also emitted itself (without
 * a header), because a headerless file's first row is data. No `text` parts
 * are emitted: a matcher that wants free text rebuilds it from the cells.
 */
import { report } from './context.js';
import { CsvParser } from './csv-parser.js';
import type { Extractor } from './dispatch.js';
import { decodeStream } from './text-stream.js';

/** Extracts CSV/TSV rows. */
export const extractCsv: Extractor = async (src, ref, detected, ctx) => {
  let header: string[] | undefined;
  const parser = new CsvParser({
    delimiter: detected.delimiter ?? ',',
    maxCellChars: ctx.limits.maxCellChars,
    maxRowChars: ctx.limits.maxChunkChars,
    onRow: (cells) => {
      if (header === undefined) {
        header = cells;
        ctx.sink.part({ kind: 'row', cells });
      } else {
        ctx.sink.part({ kind: 'row', cells, header });
      }
    },
  });
  for await (const text of decodeStream(src, detected.charset ?? 'utf-8')) parser.write(text);
  parser.end();
  if (parser.truncated) report(ctx, ref, 'LW_EXTRACT_LIMIT', 'cells or rows longer than the limits were cut');
};
