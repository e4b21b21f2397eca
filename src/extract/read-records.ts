/**
 * Reading an organization's own files for enrollment: record files (CSV,
 * JSON, JSON Lines, XLSX) as field maps, and documents as plain text. Errors
 * name the file and the place (line or row), never a cell value.
 */
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { LeakwatchError } from '../errors.js';
import { ByteSource } from './byte-source.js';
import { detectCharset } from './charset.js';
import { CsvParser, sniffDelimiter } from './csv-parser.js';
import { detectType, extensionOf, PREFIX_BYTES } from './detect.js';
import { extract } from './extract.js';
import { flattenObject } from './json-flatten.js';
import { JsonSplitter } from './json-splitter.js';
import { openInput } from './open-input.js';
import { partText } from './parts.js';
import { decodeStream } from './text-stream.js';
import { DEFAULT_LIMITS, type ExtractIssue } from './types.js';
import { openXlsx, selectSheet } from './xlsx-reader.js';

export interface RecordRow {
  /**
   * Where the record is: for CSV and XLSX the spreadsheet row number (the
   * header is row 1); for JSON the 1-based position of the record.
   */
  row: number;
  fields: Record<string, string>;
}

export interface ReadRecordsOptions {
  /** XLSX sheet name (default: the first sheet). */
  sheet?: string;
}

const MAX_CELL_CHARS = DEFAULT_LIMITS.maxCellChars;
const MAX_JSON_RECORD_CHARS = 16 * 1024 * 1024;
const MAX_XLSX_FILE_BYTES = 256 * 1024 * 1024;
/** An organization's own workbook is trusted more than a leak; its parts may be large. */
const XLSX_PART_BYTES = 2 * 1024 * 1024 * 1024;

type RecordFormat = 'csv' | 'json' | 'xlsx';

function invalid(path: string, what: string): LeakwatchError {
  return new LeakwatchError('LW_RECORDS_INVALID', `${path}: ${what}`);
}

function unreadable(path: string, cause: unknown): LeakwatchError {
  const code = (cause as { code?: unknown } | undefined)?.code;
  const why = typeof code === 'string' ? ` (${code})` : '';
  return new LeakwatchError('LW_FILE_UNREADABLE', `${path}: cannot read file${why}`, { cause });
}

/** Reads record rows from a CSV, JSON, JSON Lines or XLSX file; the header row (or keys) name the fields. */
export async function* readRecords(path: string, options: ReadRecordsOptions = {}): AsyncGenerator<RecordRow> {
  const format = await recordFormat(path);
  if (format === 'xlsx') yield* xlsxRecords(path, options.sheet);
  else if (format === 'json') yield* jsonRecords(path);
  else yield* csvRecords(path);
}

async function recordFormat(path: string): Promise<RecordFormat> {
  const ext = extensionOf(path);
  if (ext === 'csv' || ext === 'tsv') return 'csv';
  if (ext === 'json' || ext === 'jsonl' || ext === 'ndjson') return 'json';
  if (ext === 'xlsx') return 'xlsx';
  const src = openSource(path);
  try {
    const prefix = await readPrefix(src, path);
    const kind = detectType(prefix, path, undefined, prefix.length < PREFIX_BYTES).kind;
    if (kind === 'csv' || kind === 'text') return 'csv';
    if (kind === 'json' || kind === 'jsonl') return 'json';
    if (kind === 'xlsx') return 'xlsx';
    throw invalid(path, 'not a CSV, JSON or XLSX records file');
  } finally {
    src.cancel();
  }
}

function openSource(path: string): ByteSource {
  return new ByteSource(createReadStream(path, { highWaterMark: 64 * 1024 }), undefined);
}

async function readPrefix(src: ByteSource, path: string): Promise<Uint8Array> {
  try {
    return await src.peek(PREFIX_BYTES);
  } catch (err) {
    throw unreadable(path, (err as Error).cause ?? err);
  }
}

/** Field names from a header row: trimmed; empty names skip their column; duplicates are an error. */
function headerNames(path: string, cells: string[], where: string): (string | undefined)[] {
  const seen = new Set<string>();
  return cells.map((c, i) => {
    const name = c.replace(/^\uFEFF/, '').trim();
    if (name === '') return undefined;
    if (seen.has(name)) throw invalid(path, `${where}: column ${i + 1} repeats a header name`);
    seen.add(name);
    return name;
  });
}

function toFields(
  path: string,
  header: (string | undefined)[],
  cells: string[],
  where: string,
): Record<string, string> {
  const fields: Record<string, string> = {};
  for (let i = 0; i < cells.length; i++) {
    const name = header[i];
    if (name !== undefined) fields[name] = cells[i] as string;
    else if (i >= header.length && (cells[i] as string).trim() !== '') {
      throw invalid(path, `${where}: has ${cells.length} fields but the header has ${header.length}`);
    }
  }
  for (const name of header) if (name !== undefined && !(name in fields)) fields[name] = '';
  return fields;
}

async function* csvRecords(path: string): AsyncGenerator<RecordRow> {
  const src = openSource(path);
  try {
    const prefix = await readPrefix(src, path);
    const complete = prefix.length < PREFIX_BYTES;
    const charset = detectCharset(prefix, { complete });
    const sample = new TextDecoder(charset === 'utf-8' ? 'utf-8' : 'latin1').decode(prefix);
    const delimiter = sniffDelimiter(sample, complete, 1) ?? (extensionOf(path) === 'tsv' ? '\t' : ',');
    let header: (string | undefined)[] | undefined;
    let ordinal = 1;
    let ready: RecordRow[] = [];
    const parser = new CsvParser({
      delimiter,
      maxCellChars: MAX_CELL_CHARS,
      maxRowChars: DEFAULT_LIMITS.maxChunkChars,
      onRow: (cells, line) => {
        if (parser.truncated) throw invalid(path, `line ${line}: field or row too long`);
        if (header === undefined) {
          header = headerNames(path, cells, `line ${line}`);
          return;
        }
        ordinal++;
        ready.push({ row: ordinal, fields: toFields(path, header, cells, `line ${line}`) });
      },
    });
    try {
      for await (const text of decodeStream(src, charset)) {
        parser.write(text);
        yield* ready;
        ready = [];
      }
    } catch (err) {
      if (err instanceof LeakwatchError) throw err;
      throw unreadable(path, (err as Error).cause ?? err);
    }
    if (!parser.end()) throw invalid(path, `line ${parser.currentLine}: quoted field is never closed`);
    yield* ready;
    if (header === undefined) throw invalid(path, 'no header row');
  } finally {
    src.cancel();
  }
}

async function* jsonRecords(path: string): AsyncGenerator<RecordRow> {
  const src = openSource(path);
  let ordinal = 0;
  let ready: RecordRow[] = [];
  const splitter = new JsonSplitter(
    {
      record(text, line) {
        let value: unknown;
        try {
          value = JSON.parse(text);
        } catch {
          throw invalid(path, `line ${line}: record is not valid JSON`);
        }
        if (typeof value !== 'object' || value === null || Array.isArray(value)) {
          throw invalid(path, `line ${line}: record is not a JSON object`);
        }
        ordinal++;
        const flat = flattenObject(value, MAX_CELL_CHARS);
        const fields: Record<string, string> = {};
        flat.header.forEach((k, i) => (fields[k] = flat.cells[i] as string));
        ready.push({ row: ordinal, fields });
      },
      passthrough(text) {
        if (text.trim() === '') return;
        throw invalid(
          path,
          splitter.oversizedSeen
            ? `line ${splitter.currentLine}: record larger than ${MAX_JSON_RECORD_CHARS} characters`
            : `line ${splitter.currentLine}: invalid JSON structure`,
        );
      },
    },
    MAX_JSON_RECORD_CHARS,
  );
  try {
    const prefix = await readPrefix(src, path);
    const charset = detectCharset(prefix, { complete: prefix.length < PREFIX_BYTES });
    try {
      for await (const text of decodeStream(src, charset)) {
        splitter.write(text);
        yield* ready;
        ready = [];
      }
    } catch (err) {
      if (err instanceof LeakwatchError) throw err;
      throw unreadable(path, (err as Error).cause ?? err);
    }
    splitter.end();
    yield* ready;
  } finally {
    src.cancel();
  }
}

async function* xlsxRecords(path: string, sheetName: string | undefined): AsyncGenerator<RecordRow> {
  let buf: Uint8Array;
  try {
    const info = await stat(path);
    if (info.size > MAX_XLSX_FILE_BYTES) {
      throw invalid(path, `workbook larger than ${MAX_XLSX_FILE_BYTES >> 20} MiB; export the sheet as CSV`);
    }
    buf = await readFile(path);
  } catch (err) {
    if (err instanceof LeakwatchError) throw err;
    throw unreadable(path, err);
  }
  const asRecordsError = (err: unknown): unknown =>
    err instanceof LeakwatchError && err.code.startsWith('LW_EXTRACT_')
      ? invalid(path, `not a readable xlsx workbook (${err.message})`)
      : err;
  let header: (string | undefined)[] | undefined;
  try {
    const sheets = openXlsx(buf, { maxBytes: XLSX_PART_BYTES, maxRatio: 1000, maxCellChars: MAX_CELL_CHARS });
    let sheet;
    try {
      sheet = selectSheet(sheets, sheetName);
    } catch (err) {
      throw invalid(path, (err as Error).message);
    }
    for (const { row, cells } of sheet.rows()) {
      if (header === undefined) {
        header = headerNames(path, cells, `row ${row}`);
        continue;
      }
      yield { row, fields: toFields(path, header, cells, `row ${row}`) };
    }
  } catch (err) {
    throw asRecordsError(err);
  }
  if (header === undefined) throw invalid(path, 'no header row');
}

/** Plain text of one of the organization's documents (txt, md, html, docx, pdf, ...). */
export async function readDocumentText(path: string): Promise<string> {
  const parts: string[] = [];
  const issues: ExtractIssue[] = [];
  let mediaType = '';
  try {
    await extract(openInput(path), path, {
      begin: (ref) => {
        if (ref.entry.length === 0) mediaType = ref.mediaType;
      },
      part: (p) => parts.push(partText(p)),
      end: () => undefined,
      issue: (i) => issues.push(i),
    });
  } catch (err) {
    if (err instanceof LeakwatchError) throw err;
    throw unreadable(path, err);
  }
  if (/^(?:image|audio|video)\//.test(mediaType)) {
    throw new LeakwatchError('LW_FILE_UNREADABLE', `${path}: not a text document (${mediaType})`);
  }
  const problem = issues[0];
  if (problem !== undefined) {
    throw new LeakwatchError('LW_FILE_UNREADABLE', `${path}: ${problem.message} (${problem.code})`);
  }
  return parts.join('');
}
