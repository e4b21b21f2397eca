/**
 * Delimited text: one `row` part per record, or one `rows` part for a run of
 * plain lines (no quotes, no CR, no cell the limits would cut), which stands
 * for their `row` parts. The first row is taken as the header and attached to
 * every later row; it is also emitted itself (without a header), because a
 * headerless file's first row is data. No `text` parts are emitted: a matcher
 * that wants free text rebuilds it from the cells.
 */
import { report } from './context.js';
import { CsvParser } from './csv-parser.js';
import type { Extractor } from './dispatch.js';
import { decodeStream } from './text-stream.js';

/** Extracts CSV/TSV rows. */
export const extractCsv: Extractor = async (src, ref, detected, ctx) => {
  let header: string[] | undefined;
  const delimiter = detected.delimiter ?? ',';
  const onRow = (cells: string[]): void => {
    if (header === undefined) {
      header = cells;
      ctx.sink.part({ kind: 'row', cells });
    } else {
      ctx.sink.part({ kind: 'row', cells, header });
    }
  };
  const parser = new CsvParser({
    delimiter,
    maxCellChars: ctx.limits.maxCellChars,
    maxRowChars: ctx.limits.maxChunkChars,
    onRow,
    onLines: (s, from, to) => {
      if (header === undefined) {
        // The header row on its own, as a row part.
        const nl = s.indexOf('\n', from);
        onRow(s.slice(from, nl).split(delimiter));
        from = nl + 1;
        if (from === to) return;
      }
      ctx.sink.part({ kind: 'rows', lines: s.slice(from, to), delimiter, header });
    },
  });
  for await (const text of decodeStream(src, detected.charset ?? 'utf-8')) parser.write(text);
  parser.end();
  if (parser.truncated) report(ctx, ref, 'LW_EXTRACT_LIMIT', 'cells or rows longer than the limits were cut');
};
