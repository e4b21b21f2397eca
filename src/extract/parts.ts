/** Reading parts (types.ts) as their consumers need them. */
import type { Part } from './types.js';

/** A `rows` part. */
export type RowsPart = Extract<Part, { kind: 'rows' }>;

/** The cells of each row a `rows` part stands for, in order. */
export function rowsCells(part: RowsPart): string[][] {
  const lines = part.lines.split('\n');
  // The last line's '\n' leaves an empty string after it.
  lines.pop();
  return lines.map((line) => line.split(part.delimiter));
}

/**
 * A part as free text: a row's cells joined by tabs and ended by '\n', a
 * `rows` part as the rows it stands for, so, and a text part's own text.
 */
export function partText(part: Part): string {
  if (part.kind === 'text') return part.text;
  if (part.kind === 'row') return `${part.cells.join('\t')}\n`;
  return part.delimiter === '\t' ? part.lines : part.lines.replaceAll(part.delimiter, '\t');
}
