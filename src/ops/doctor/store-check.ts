/** Doctor: does the store open, are its migrations current, is it in WAL mode and private? */
import { existsSync, statSync } from 'node:fs';
import { LeakwatchError } from '../../errors.js';
import { BUNDLE_FILES_SCHEMA } from '../../store/migrations.js';
import { STORE_FILE, Store } from '../../store/store.js';
import { join } from 'node:path';
import { check, type CheckResult } from './check.js';
import type { ImportedBundles } from './key-check.js';

/** Opens the store read-only; returns the checks and what bundles it holds (null when it cannot be read). */
export function checkStore(dataDir: string): { results: CheckResult[]; bundles: ImportedBundles } {
  const path = join(dataDir, STORE_FILE);
  if (!existsSync(path)) {
    return {
      results: [check('warn', 'store', `${path} does not exist yet`, "'leakwatch import BUNDLE' or 'leakwatch run' creates it")],
      bundles: null,
    };
  }
  let store: Store;
  try {
    store = Store.open(dataDir, { readonly: true });
  } catch (err) {
    if (!(err instanceof LeakwatchError)) throw err;
    return { results: [check('fail', 'store', `${path}: ${err.message}`, `check that this user can read ${dataDir}`)], bundles: null };
  }
  const results: CheckResult[] = [];
  try {
    const { current, latest } = store.schemaVersion();
    const mode = String(store.db.pragma('journal_mode', { simple: true }));
    if (current > latest) {
      results.push(check('fail', 'store', `${path}: schema ${current} is newer than this leakwatch knows (${latest})`, 'upgrade leakwatch to the version that wrote this store'));
    } else if (current < latest) {
      results.push(check('warn', 'store', `${path}: schema ${current}, ${latest - current} migration(s) pending`, 'restart the service (migrations run when leakwatch run or import opens the store)'));
    } else if (mode !== 'wal') {
      results.push(check('fail', 'store', `${path}: journal mode is ${mode}, expected wal`, "open it once with 'leakwatch run' or 'leakwatch import' (they set WAL)"));
    } else {
      results.push(check('ok', 'store', `${path}: schema ${current} (current), WAL`));
    }
    const dirMode = statSync(dataDir).mode & 0o777;
    if ((dirMode & 0o077) !== 0) {
      results.push(check('warn', 'store permissions', `${dataDir}: mode ${dirMode.toString(8).padStart(4, '0')}; findings name records and URLs`, `chmod 700 ${dataDir}`));
    }
    const headers = current >= 1 ? store.bundleHeaders() : [];
    // Since BUNDLE_FILES_SCHEMA an imported bundle is a file under the data directory: one lost (a partial restore) cannot be matched against.
    if (current >= BUNDLE_FILES_SCHEMA) {
      for (const h of headers) {
        const file = store.bundleFile(h.org);
        if (file && !existsSync(file)) {
          results.push(check('fail', `bundle ${h.org}`, `${file} is missing: the store names it as ${h.org}'s bundle, imported ${h.importedAt}`, `import ${h.org}'s bundle again: leakwatch import BUNDLE`));
        }
      }
    }
    const bundles = new Map(headers.map((b) => [b.org, { kcv: b.kcv, importedAt: b.importedAt }]));
    return { results, bundles };
  } finally {
    store.close();
  }
}
