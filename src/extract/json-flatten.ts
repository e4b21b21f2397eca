/**
 * Flattens parsed JSON into flat records: nested keys join with '.', arrays
 * of scalars get index keys (`tags.0`), and arrays of objects become records
 * of their own (a dump like `{"users": [...]}` yields one record per user).
 * Iterative, so deeply nested input cannot overflow the stack.
 */

export interface FlatRecord {
  header: string[];
  cells: string[];
}

/** Flattens one parsed JSON value into records, in document order (parents first). */
export function flattenJson(value: unknown, maxCellChars: number): FlatRecord[] {
  const out: FlatRecord[] = [];
  // Values still to flatten; children are pushed in reverse to keep document order.
  const pending: unknown[] = [value];
  // The walk through one record: keys[i] names vals[i]. Parallel arrays, not [key, value] pairs: one record per
  // line of a large JSON Lines file would otherwise allocate a pair for every field.
  const keys: string[] = [];
  const vals: unknown[] = [];
  const children: unknown[] = [];
  while (pending.length > 0) {
    const next = pending.pop();
    if (Array.isArray(next)) {
      const cells: string[] = [];
      for (const v of next) if (!isContainer(v)) cells.push(cell(v, maxCellChars));
      if (cells.length > 0) out.push({ header: [], cells });
      for (let i = next.length - 1; i >= 0; i--) if (isContainer(next[i])) pending.push(next[i]);
      continue;
    }
    if (!isContainer(next)) {
      out.push({ header: [], cells: [cell(next, maxCellChars)] });
      continue;
    }
    const record: FlatRecord = { header: [], cells: [] };
    keys.push('');
    vals.push(next);
    while (keys.length > 0) {
      const key = keys.pop() as string;
      const v = vals.pop();
      if (Array.isArray(v)) {
        if (v.length > 0 && v.every(isContainer)) for (const c of v) children.push(c);
        else
          for (let i = v.length - 1; i >= 0; i--) {
            keys.push(join(key, String(i), maxCellChars));
            vals.push(v[i]);
          }
      } else if (isContainer(v)) {
        const names = Object.keys(v);
        for (let i = names.length - 1; i >= 0; i--) {
          const k = names[i] as string;
          keys.push(join(key, k, maxCellChars));
          vals.push((v as Record<string, unknown>)[k]);
        }
      } else {
        record.header.push(key);
        record.cells.push(cell(v, maxCellChars));
      }
    }
    if (record.cells.length > 0) out.push(record);
    while (children.length > 0) pending.push(children.pop());
  }
  return out;
}

function isContainer(v: unknown): v is object {
  return typeof v === 'object' && v !== null;
}

function join(prefix: string, key: string, max: number): string {
  const k = prefix === '' ? key : `${prefix}.${key}`;
  return k.length > max ? k.slice(0, max) : k;
}

function cell(v: unknown, max: number): string {
  const s = v === null || v === undefined ? '' : String(v);
  return s.length > max ? s.slice(0, max) : s;
}

/** Flattens one object into a single record (arrays keep index keys; nothing is split off). */
export function flattenObject(value: object, maxCellChars: number): FlatRecord {
  const record: FlatRecord = { header: [], cells: [] };
  const stack: [string, unknown][] = [['', value]];
  while (stack.length > 0) {
    const [key, v] = stack.pop() as [string, unknown];
    if (isContainer(v)) {
      const entries = Object.entries(v);
      for (let i = entries.length - 1; i >= 0; i--) {
        const [k, child] = entries[i] as [string, unknown];
        stack.push([join(key, k, maxCellChars), child]);
      }
    } else {
      record.header.push(key);
      record.cells.push(cell(v, maxCellChars));
    }
  }
  return record;
}
