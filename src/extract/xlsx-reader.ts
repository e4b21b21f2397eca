/**
 * Rows of .xlsx (SpreadsheetML) workbooks: shared strings, inline strings,
 * numbers, booleans; numbers in a date-formatted cell become ISO dates.
 * Sheets are parsed as a stream of rows; only the shared strings are held.
 */
import { LeakwatchError } from '../errors.js';
import { DEFAULT_LIMITS } from './types.js';
import { inflateEntry, readEntry, readZipDirectory, type ZipDirEntry } from './zip-directory.js';
import { XmlStream } from './xml-stream.js';

export interface XlsxOptions {
  maxBytes: number;
  maxRatio: number;
  maxEntries: number;
  maxCellChars: number;
}

export interface XlsxRow {
  /** 1-based row number as shown in the spreadsheet. */
  row: number;
  cells: string[];
}

export interface XlsxSheet {
  name: string;
  rows(): Generator<XlsxRow>;
}

const MAX_COLUMNS = 16384;

const DEFAULT_OPTIONS: XlsxOptions = {
  maxBytes: DEFAULT_LIMITS.maxBufferBytes,
  maxRatio: DEFAULT_LIMITS.maxRatio,
  maxEntries: DEFAULT_LIMITS.maxEntries,
  maxCellChars: DEFAULT_LIMITS.maxCellChars,
};


/** Parses a whole small XML part with the given handlers. */
function parsePart(buf: Uint8Array, entry: ZipDirEntry, opts: XlsxOptions, handlers: ConstructorParameters<typeof XmlStream>[0]): void {
  const xml = new XmlStream(handlers, 'xlsx part');
  xml.write(readEntry(buf, entry, { maxBytes: opts.maxBytes, maxRatio: opts.maxRatio }));
  xml.close();
}

function resolveTarget(target: string): string {
  const path = target.startsWith('/') ? target.slice(1) : `xl/${target}`;
  const out: string[] = [];
  for (const seg of path.split('/')) {
    if (seg === '..') out.pop();
    else if (seg !== '.' && seg !== '') out.push(seg);
  }
  return out.join('/');
}

/** Opens a workbook: its sheets in workbook order, each readable as rows. */
export function openXlsx(buf: Uint8Array, options: Partial<XlsxOptions> = {}): XlsxSheet[] {
  const opts = { ...DEFAULT_OPTIONS, ...options };
  const dir = readZipDirectory(buf, opts.maxEntries);
  const workbook = dir.get('xl/workbook.xml');
  if (workbook === undefined) throw new LeakwatchError('LW_EXTRACT_CORRUPT', 'xlsx has no xl/workbook.xml');

  const sheetRefs: { name: string; rid: string }[] = [];
  let date1904 = false;
  parsePart(buf, workbook, opts, {
    open(name, attrs) {
      if (name === 'sheet') {
        const rid = Object.entries(attrs).find(([k]) => k === 'id' || k.endsWith(':id'))?.[1];
        sheetRefs.push({ name: attrs.name ?? `Sheet${sheetRefs.length + 1}`, rid: rid ?? '' });
      } else if (name === 'workbookPr') {
        const v = attrs.date1904;
        date1904 = v === '1' || v === 'true';
      }
    },
  });

  const targets = new Map<string, string>();
  const rels = dir.get('xl/_rels/workbook.xml.rels');
  if (rels !== undefined) {
    parsePart(buf, rels, opts, {
      open(name, attrs) {
        const id = attrs.Id;
        const target = attrs.Target;
        if (name === 'Relationship' && id !== undefined && target !== undefined) targets.set(id, resolveTarget(target));
      },
    });
  }

  const shared = readSharedStrings(buf, dir.get('xl/sharedStrings.xml'), opts);
  const dateStyles = readDateStyles(buf, dir.get('xl/styles.xml'), opts);

  return sheetRefs.map((ref, i) => {
    const path = targets.get(ref.rid) ?? `xl/worksheets/sheet${i + 1}.xml`;
    return {
      name: ref.name,
      rows: () => {
        const entry = dir.get(path);
        if (entry === undefined) throw new LeakwatchError('LW_EXTRACT_CORRUPT', 'xlsx sheet part is missing');
        return sheetRows(buf, entry, opts, shared, dateStyles, date1904);
      },
    };
  });
}

function readSharedStrings(buf: Uint8Array, entry: ZipDirEntry | undefined, opts: XlsxOptions): string[] {
  const strings: string[] = [];
  if (entry === undefined) return strings;
  let current: string[] | undefined;
  let inText = 0;
  let inPhonetic = 0;
  parsePart(buf, entry, opts, {
    open(name) {
      if (name === 'si') current = [];
      else if (name === 't') inText++;
      else if (name === 'rPh') inPhonetic++;
    },
    close(name) {
      if (name === 'si') {
        const s = (current ?? []).join('');
        strings.push(s.length > opts.maxCellChars ? s.slice(0, opts.maxCellChars) : s);
        current = undefined;
      } else if (name === 't') inText--;
      else if (name === 'rPh') inPhonetic--;
    },
    text(t) {
      if (current !== undefined && inText > 0 && inPhonetic === 0) current.push(t);
    },
  });
  return strings;
}

const BUILTIN_DATE_FORMATS = new Set([14, 15, 16, 17, 18, 19, 20, 21, 22, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 45, 46, 47, 50, 51, 52, 53, 54, 55, 56, 57, 58]);

/** True for a number format code that shows a date or time. */
export function isDateFormat(code: string): boolean {
  const bare = code.replace(/"[^"]*"/g, '').replace(/\\./g, '').replace(/\[[^\]]*\]/g, '');
  return /[dmyhs]/i.test(bare) && !/^general$/i.test(bare.trim());
}

/** Indexes into cellXfs whose number format is a date. */
function readDateStyles(buf: Uint8Array, entry: ZipDirEntry | undefined, opts: XlsxOptions): Set<number> {
  const dates = new Set<number>();
  if (entry === undefined) return dates;
  const custom = new Map<number, string>();
  let inCellXfs = false;
  let xf = 0;
  parsePart(buf, entry, opts, {
    open(name, attrs) {
      if (name === 'numFmt') custom.set(Number(attrs.numFmtId), attrs.formatCode ?? '');
      else if (name === 'cellXfs') inCellXfs = true;
      else if (name === 'xf' && inCellXfs) {
        const id = Number(attrs.numFmtId ?? 0);
        const code = custom.get(id);
        if (code !== undefined ? isDateFormat(code) : BUILTIN_DATE_FORMATS.has(id)) dates.add(xf);
        xf++;
      }
    },
    close(name) {
      if (name === 'cellXfs') inCellXfs = false;
    },
  });
  return dates;
}

/** Converts a spreadsheet serial date to ISO 8601 (date only when there is no time part). */
export function serialToIso(serial: number, date1904: boolean): string {
  const epoch = date1904 ? Date.UTC(1904, 0, 1) : Date.UTC(1899, 11, 30);
  const ms = Math.round(serial * 86400) * 1000;
  const iso = new Date(epoch + ms).toISOString();
  return Number.isInteger(serial) ? iso.slice(0, 10) : iso.slice(0, 19);
}

/** Column index (0-based) of a cell reference like "BC12". */
function columnOf(ref: string): number | undefined {
  let col = 0;
  let i = 0;
  for (; i < ref.length; i++) {
    const c = ref.charCodeAt(i);
    if (c >= 0x41 && c <= 0x5a) col = col * 26 + (c - 0x40);
    else if (c >= 0x61 && c <= 0x7a) col = col * 26 + (c - 0x60);
    else break;
  }
  return i === 0 ? undefined : col - 1;
}

function* sheetRows(
  buf: Uint8Array,
  entry: ZipDirEntry,
  opts: XlsxOptions,
  shared: readonly string[],
  dateStyles: ReadonlySet<number>,
  date1904: boolean,
): Generator<XlsxRow> {
  let ready: XlsxRow[] = [];
  let rowNumber = 0;
  let cells: string[] = [];
  let col = 0;
  let type = '';
  let style = -1;
  let value: string[] | undefined;
  let inCell = false;
  let inValue = false;
  let inInline = 0;
  let inText = 0;
  const finishCell = (): void => {
    const raw = (value ?? []).join('');
    let v: string;
    if (type === 's') v = shared[Number(raw)] ?? '';
    else if (type === 'b') v = raw === '1' ? 'TRUE' : raw === '0' ? 'FALSE' : raw;
    else if ((type === '' || type === 'n') && dateStyles.has(style) && raw !== '' && Number.isFinite(Number(raw))) {
      v = serialToIso(Number(raw), date1904);
    } else v = raw;
    if (v.length > opts.maxCellChars) v = v.slice(0, opts.maxCellChars);
    if (col < MAX_COLUMNS && v !== '') {
      while (cells.length < col) cells.push('');
      cells[col] = v;
    }
    col++;
  };
  const xml = new XmlStream(
    {
      open(name, attrs) {
        switch (name) {
          case 'row': {
            const r = Number(attrs.r);
            rowNumber = Number.isInteger(r) && r > 0 ? r : rowNumber + 1;
            cells = [];
            col = 0;
            break;
          }
          case 'c': {
            const ref = attrs.r;
            const c = ref === undefined ? undefined : columnOf(ref);
            if (c !== undefined) col = c;
            type = attrs.t ?? '';
            style = Number(attrs.s ?? -1);
            value = [];
            inCell = true;
            break;
          }
          case 'v':
            inValue = true;
            break;
          case 'is':
            inInline++;
            break;
          case 't':
            inText++;
            break;
        }
      },
      close(name) {
        switch (name) {
          case 'c':
            if (inCell) finishCell();
            inCell = false;
            break;
          case 'v':
            inValue = false;
            break;
          case 'is':
            inInline--;
            break;
          case 't':
            inText--;
            break;
          case 'row':
            if (cells.length > 0) ready.push({ row: rowNumber, cells });
            cells = [];
            break;
        }
      },
      text(t) {
        if (inCell && value !== undefined && (inValue || (inInline > 0 && inText > 0))) value.push(t);
      },
    },
    'xlsx sheet',
  );
  for (const bytes of inflateEntry(buf, entry, { maxBytes: opts.maxBytes, maxRatio: opts.maxRatio })) {
    xml.write(bytes);
    yield* ready;
    ready = [];
  }
  xml.close();
  yield* ready;
}

/**
 * Rows of one sheet (the first unless `sheet` names one), each as cell
 * strings with empty cells filled in. Throws LW_RECORDS_INVALID for an
 * unknown sheet name, LW_EXTRACT_CORRUPT/LW_EXTRACT_LIMIT for bad files.
 */
export function* readXlsxRows(buf: Uint8Array, options: { sheet?: string } & Partial<XlsxOptions> = {}): Generator<string[]> {
  for (const r of selectSheet(openXlsx(buf, options), options.sheet).rows()) yield r.cells;
}

/** The named sheet, or the first; LW_RECORDS_INVALID when absent. */
export function selectSheet(sheets: XlsxSheet[], name: string | undefined): XlsxSheet {
  const sheet = name === undefined ? sheets[0] : sheets.find((s) => s.name === name);
  if (sheet === undefined) {
    throw new LeakwatchError('LW_RECORDS_INVALID', name === undefined ? 'workbook has no sheets' : 'sheet not found in workbook');
  }
  return sheet;
}
