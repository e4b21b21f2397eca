/**
 * Visible text and tables of an HTML document via cheerio. Parsing cost grows
 * with nesting depth (parse5 walks the open-element stack per tag), and a tree
 * walk could overflow the stack, so documents nested deeper than
 * MAX_DOM_DEPTH are not parsed: their text comes from the streaming stripper
 * and they yield no tables. Scripts are never run; cheerio only parses.
 */
import { load } from 'cheerio';
import { HtmlStripper } from './html-stripper.js';
import { BLOCK_ELEMENTS, CELL_ELEMENTS, HIDDEN_ELEMENTS, VisibleText } from './visible-text.js';

/** The parts of a domhandler node this module reads. */
interface DomNode {
  type: string;
  name?: string;
  data?: string;
  children?: DomNode[];
}

export interface HtmlTable {
  /** The first row, when it consists of <th> cells or sits in <thead>. */
  header?: string[];
  rows: string[][];
}

/** Documents whose estimated nesting exceeds this are stripped, not parsed. */
export const MAX_DOM_DEPTH = 512;

const VOID_ELEMENTS = new Set([
  'area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'param', 'source', 'track', 'wbr',
]);

/**
 * Estimates the element nesting depth from tag counts, linearly and without
 * parsing; returns as soon as it exceeds `cap`. Unclosed tags count as open.
 */
export function estimateDepth(html: string, cap: number): number {
  const open = new Map<string, number>();
  let depth = 0;
  let max = 0;
  let lower: string | undefined;
  const tag = /<(\/?)([a-zA-Z][a-zA-Z0-9-]{0,31})/g;
  for (let m = tag.exec(html); m !== null; m = tag.exec(html)) {
    const name = (m[2] as string).toLowerCase();
    if (m[1] === '/') {
      const k = open.get(name) ?? 0;
      if (k > 0) {
        open.set(name, k - 1);
        depth--;
      }
      continue;
    }
    if (VOID_ELEMENTS.has(name)) continue;
    if (name === 'script' || name === 'style') {
      lower ??= html.toLowerCase();
      const end = lower.indexOf(`</${name}`, tag.lastIndex);
      if (end === -1) break;
      tag.lastIndex = end + name.length + 2;
      continue;
    }
    const gt = html.indexOf('>', tag.lastIndex);
    if (gt > 0 && html.charCodeAt(gt - 1) === 0x2f) continue;
    open.set(name, (open.get(name) ?? 0) + 1);
    depth++;
    if (depth > max) {
      max = depth;
      if (max > cap) return max;
    }
  }
  return max;
}

function parse(html: string): DomNode | undefined {
  if (estimateDepth(html, MAX_DOM_DEPTH) > MAX_DOM_DEPTH) return undefined;
  return load(html).root()[0] as unknown as DomNode;
}

/** Streams the visible text of a parsed tree to `emit` (iterative walk). */
function walkText(root: DomNode, emit: (text: string) => void): void {
  const out = new VisibleText(emit);
  let pre = 0;
  // Entries are nodes to enter, or element names to leave.
  const stack: (DomNode | { leave: string })[] = [root];
  while (stack.length > 0) {
    const item = stack.pop() as DomNode | { leave: string };
    if ('leave' in item) {
      if (item.leave === 'pre') pre--;
      if (BLOCK_ELEMENTS.has(item.leave)) out.newline();
      else if (CELL_ELEMENTS.has(item.leave)) out.tab();
      continue;
    }
    if (item.type === 'text') {
      out.text(item.data ?? '', pre > 0);
      continue;
    }
    const name = item.name?.toLowerCase();
    if (name !== undefined) {
      if (HIDDEN_ELEMENTS.has(name)) continue;
      if (name === 'pre') pre++;
      if (BLOCK_ELEMENTS.has(name)) out.newline();
      stack.push({ leave: name });
    } else if (item.type !== 'root') {
      continue; // comments, directives
    }
    const children = item.children ?? [];
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i] as DomNode);
  }
  out.flush();
}

/** Visible text of one subtree on a single line (for table cells). */
function cellText(node: DomNode, maxCellChars: number): string {
  let s = '';
  walkText(node, (t) => {
    if (s.length < maxCellChars) s += t;
  });
  s = s.replace(/[\t\n]+/g, ' ').trim();
  return s.length > maxCellChars ? s.slice(0, maxCellChars) : s;
}

/** Child elements of `node` named in `names`, not descending into nested tables. */
function elementsBelow(node: DomNode, names: ReadonlySet<string>, stopAt: ReadonlySet<string>): DomNode[] {
  const found: DomNode[] = [];
  const stack = [...(node.children ?? [])].reverse();
  while (stack.length > 0) {
    const n = stack.pop() as DomNode;
    const name = n.name?.toLowerCase();
    if (name === undefined) continue;
    if (names.has(name)) {
      found.push(n);
      continue;
    }
    if (stopAt.has(name) || HIDDEN_ELEMENTS.has(name)) continue;
    const children = n.children ?? [];
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i] as DomNode);
  }
  return found;
}

const TABLE = new Set(['table']);
const ROW = new Set(['tr']);
const CELL = new Set(['td', 'th']);
const NONE = new Set<string>();

function walkTables(root: DomNode, maxCellChars: number): HtmlTable[] {
  const tables: HtmlTable[] = [];
  const pending = elementsBelow(root, TABLE, NONE);
  while (pending.length > 0) {
    const table = pending.shift() as DomNode;
    const result: HtmlTable = { rows: [] };
    for (const tr of elementsBelow(table, ROW, TABLE)) {
      const cells = elementsBelow(tr, CELL, TABLE);
      if (cells.length === 0) continue;
      const values = cells.map((c) => cellText(c, maxCellChars));
      const isHeader = cells.every((c) => c.name?.toLowerCase() === 'th');
      if (isHeader && result.header === undefined && result.rows.length === 0) result.header = values;
      else result.rows.push(values);
      for (const c of cells) pending.push(...elementsBelow(c, TABLE, NONE));
    }
    if (result.header !== undefined || result.rows.length > 0) tables.push(result);
  }
  return tables;
}

const DEFAULT_CELL_CHARS = 64 * 1024;

/**
 * Streams the visible text of `html` to `emit` and returns its tables, or
 * undefined when the document was too deeply nested to parse (text was then
 * produced by the streaming stripper).
 */
export function htmlDocument(html: string, emit: (text: string) => void, maxCellChars: number): HtmlTable[] | undefined {
  const root = parse(html);
  if (root === undefined) {
    const stripper = new HtmlStripper(emit);
    stripper.write(html);
    stripper.end();
    return undefined;
  }
  walkText(root, emit);
  return walkTables(root, maxCellChars);
}

/** Visible text of an HTML document: no scripts, styles or markup; blocks on their own lines. */
export function htmlToText(html: string): string {
  const parts: string[] = [];
  htmlDocument(html, (t) => parts.push(t), DEFAULT_CELL_CHARS);
  return parts.join('');
}

/** The tables of an HTML document, rows as cell texts ([] when too deeply nested to parse). */
export function htmlTables(html: string): HtmlTable[] {
  const root = parse(html);
  return root === undefined ? [] : walkTables(root, DEFAULT_CELL_CHARS);
}
