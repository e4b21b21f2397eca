/** Expands scan arguments (files and folders) into files, in a stable order. */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { LeakwatchError } from '../errors.js';

/** Every regular file under the given paths; symlinked folders are not followed. */
export function expandPaths(paths: readonly string[]): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) out.push(p);
    }
  };
  for (const p of paths) {
    let st;
    try {
      st = statSync(p);
    } catch (err) {
      throw new LeakwatchError('LW_FILE_UNREADABLE', `${p}: cannot read (${(err as NodeJS.ErrnoException).code ?? 'error'})`, { cause: err });
    }
    if (st.isDirectory()) walk(p);
    else out.push(p);
  }
  return out;
}
