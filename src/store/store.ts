/**
 * The SQLite store: keyed fingerprint bundles, findings and document metadata.
 * It never holds plaintext identifiers or leaked content.
 */
import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { LeakwatchError } from '../errors.js';
import type { BundleHeader } from '../bundle/format.js';
import type { Finding } from '../matcher/findings.js';
import { MIGRATIONS } from './migrations.js';

export const STORE_FILE = 'leakwatch.sqlite';
/** Folder of the data directory holding imported bundles, one file each, named by the bundle's SHA-256. */
export const BUNDLES_DIR = 'bundles';
/**
 * A file in BUNDLES_DIR that no row names is removed once it is this old: an
 * import in another process writes its file before the row that names it, so
 * a younger one may be an import in progress.
 */
const ORPHAN_AGE_MS = 60 * 60 * 1000;

/** Metadata of one scanned document (no content). */
export interface ScannedDocument {
  sha256: string;
  size: number;
  mediaType: string;
  url: string | null;
  path: string | null;
  entry: string | null;
  seenAt: string;
}

/** Maps SQLite failures to stable codes. */
export function storeError(err: unknown, what: string): LeakwatchError {
  const code = (err as { code?: string }).code ?? '';
  // A full disk shows as SHMSIZE when even the shared-memory file (-shm) cannot be extended on open.
  if (code === 'SQLITE_FULL' || code === 'SQLITE_IOERR_SHMSIZE') return new LeakwatchError('LW_STORE_FULL', `store: disk full while ${what}`, { cause: err, retryable: true });
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return new LeakwatchError('LW_STORE_LOCKED', `store: database is locked while ${what}`, { cause: err, retryable: true });
  }
  if (code.startsWith('SQLITE_READONLY') || code === 'SQLITE_CANTOPEN') {
    return new LeakwatchError('LW_STORE_READONLY', `store: cannot write while ${what} (${code})`, { cause: err });
  }
  return new LeakwatchError('LW_STORE', `store: ${what} failed (${code || 'error'})`, { cause: err });
}

/** One open store; whoever opens it closes it. */
export class Store {
  readonly db: Database.Database;
  readonly path: string;
  /** Where imported bundles are kept (BUNDLES_DIR in the data directory). */
  readonly bundlesDir: string;

  private constructor(db: Database.Database, path: string, dataDir: string) {
    this.db = db;
    this.path = path;
    this.bundlesDir = join(dataDir, BUNDLES_DIR);
  }

  /** Opens (creating if needed) the store under `dataDir` and applies migrations. */
  static open(dataDir: string, options: { readonly?: boolean } = {}): Store {
    const path = join(dataDir, STORE_FILE);
    let db: Database.Database;
    try {
      if (!options.readonly) mkdirSync(dataDir, { recursive: true, mode: 0o700 });
      db = new Database(path, { readonly: options.readonly ?? false, fileMustExist: options.readonly ?? false });
      db.pragma('busy_timeout = 5000');
      if (!options.readonly) {
        db.pragma('journal_mode = WAL');
        db.pragma('synchronous = FULL');
      }
    } catch (err) {
      throw storeError(err, `opening ${path}`);
    }
    const store = new Store(db, path, dataDir);
    if (!options.readonly) {
      store.migrate();
      store.moveBundlesToFiles();
      store.removeOrphanBundles();
    }
    return store;
  }

  /** Current and latest schema versions. */
  schemaVersion(): { current: number; latest: number } {
    return { current: this.db.pragma('user_version', { simple: true }) as number, latest: MIGRATIONS.length };
  }

  private migrate(): void {
    const { current } = this.schemaVersion();
    for (let v = current; v < MIGRATIONS.length; v++) {
      try {
        this.db.transaction(() => {
          this.db.exec(MIGRATIONS[v]!);
          this.db.pragma(`user_version = ${v + 1}`);
        }).immediate();
      } catch (err) {
        throw storeError(err, `migrating to schema ${v + 1}`);
      }
    }
  }

  /**
   * Replaces an org's fingerprints: the bundle is written to a file of its own
   * (synced, then renamed into place), then one transaction makes the org's row
   * name it, so readers see the old set or the new one, and a crash at any
   * point leaves one of them whole. The file the row named before is removed
   * after the commit (or, if that fails, by a later removeOrphanBundles).
   */
  importBundle(header: BundleHeader, bundle: Uint8Array, now: Date = new Date()): void {
    const file = this.#writeBundleFile(bundle, header.org);
    let before: string | null = null;
    try {
      this.db.transaction(() => {
        before = (this.db.prepare('SELECT file FROM org_bundles WHERE org = ?').get(header.org) as { file: string | null } | undefined)?.file ?? null;
        this.db
          .prepare(
            `INSERT INTO org_bundles (org, kcv, header_json, bundle, file, imported_at) VALUES (?, ?, ?, X'', ?, ?)
             ON CONFLICT (org) DO UPDATE SET kcv = excluded.kcv, header_json = excluded.header_json,
               bundle = excluded.bundle, file = excluded.file, imported_at = excluded.imported_at`,
          )
          .run(header.org, header.kcv, JSON.stringify(header), file, now.toISOString());
      }).immediate();
    } catch (err) {
      this.#removeUnnamed(file);
      throw storeError(err, `importing the bundle of ${header.org}`);
    }
    if (before !== null && before !== file) this.#removeUnnamed(before);
  }

  /** Writes a bundle into bundlesDir under its SHA-256 (durably: file and folder synced); returns the file's name. */
  #writeBundleFile(bundle: Uint8Array, org: string): string {
    const name = `${createHash('sha256').update(bundle).digest('hex')}.lwb`;
    const path = join(this.bundlesDir, name);
    const tmp = `${path}.tmp-${process.pid}`;
    try {
      mkdirSync(this.bundlesDir, { recursive: true, mode: 0o700 });
      const fd = openSync(tmp, 'w', 0o600);
      try {
        for (let n = 0; n < bundle.byteLength; ) n += writeSync(fd, bundle, n, bundle.byteLength - n);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(tmp, path);
      const dirFd = openSync(this.bundlesDir, 'r');
      try {
        fsyncSync(dirFd);
      } finally {
        closeSync(dirFd);
      }
      return name;
    } catch (err) {
      try {
        unlinkSync(tmp);
      } catch {
        /* not created, or already renamed */
      }
      const code = (err as NodeJS.ErrnoException).code ?? 'error';
      if (code === 'ENOSPC') throw new LeakwatchError('LW_STORE_FULL', `store: disk full while writing the bundle of ${org}`, { cause: err, retryable: true });
      throw new LeakwatchError('LW_STORE', `store: cannot write the bundle of ${org} under ${this.bundlesDir} (${code})`, { cause: err });
    }
  }

  /** Removes a bundle file unless a row names it (two orgs may hold the same bytes). */
  #removeUnnamed(name: string): void {
    if (this.db.prepare('SELECT 1 FROM org_bundles WHERE file = ?').get(name)) return;
    try {
      unlinkSync(join(this.bundlesDir, name));
    } catch {
      /* gone already; an orphan left behind is removed by removeOrphanBundles */
    }
  }

  /** Rows imported before bundles lived in files: each bundle is written out and its row made to name it. */
  moveBundlesToFiles(): void {
    const rows = this.db.prepare("SELECT org FROM org_bundles WHERE file IS NULL").all() as { org: string }[];
    for (const { org } of rows) {
      const row = this.db.prepare('SELECT bundle FROM org_bundles WHERE org = ? AND file IS NULL').get(org) as { bundle: Buffer } | undefined;
      if (!row) continue;
      const file = this.#writeBundleFile(row.bundle, org);
      try {
        this.db.prepare("UPDATE org_bundles SET file = ?, bundle = X'' WHERE org = ? AND file IS NULL").run(file, org);
      } catch (err) {
        throw storeError(err, `moving the bundle of ${org} to ${this.bundlesDir}`);
      }
    }
  }

  /** Removes files in bundlesDir that no row names and that are older than ORPHAN_AGE_MS (left by a crash). */
  removeOrphanBundles(now: number = Date.now()): void {
    let names: string[];
    try {
      names = readdirSync(this.bundlesDir);
    } catch {
      return;
    }
    const named = new Set((this.db.prepare('SELECT file FROM org_bundles WHERE file IS NOT NULL').all() as { file: string }[]).map((r) => r.file));
    for (const name of names) {
      if (named.has(name)) continue;
      try {
        const path = join(this.bundlesDir, name);
        if (now - statSync(path).mtimeMs >= ORPHAN_AGE_MS) unlinkSync(path);
      } catch {
        /* removed meanwhile */
      }
    }
  }

  /** Headers of all imported bundles. */
  bundleHeaders(): { org: string; kcv: string; header: BundleHeader; importedAt: string }[] {
    return (this.db.prepare('SELECT org, kcv, header_json, imported_at FROM org_bundles ORDER BY org').all() as {
      org: string;
      kcv: string;
      header_json: string;
      imported_at: string;
    }[]).map((r) => ({ org: r.org, kcv: r.kcv, header: JSON.parse(r.header_json) as BundleHeader, importedAt: r.imported_at }));
  }

  /** The file holding an org's bundle, or null (no bundle, or a row from before files that a read-only store has not moved). */
  bundleFile(org: string): string | null {
    const row = this.db.prepare('SELECT file FROM org_bundles WHERE org = ?').get(org) as { file: string | null } | undefined;
    return row?.file ? join(this.bundlesDir, row.file) : null;
  }

  /** The raw bundle bytes of one org, or null. */
  bundleBytes(org: string): Buffer | null {
    const row = this.db.prepare('SELECT bundle, file FROM org_bundles WHERE org = ?').get(org) as { bundle: Buffer; file: string | null } | undefined;
    if (!row) return null;
    if (!row.file) return row.bundle;
    try {
      return readFileSync(join(this.bundlesDir, row.file));
    } catch (err) {
      throw new LeakwatchError('LW_STORE', `store: the bundle file of ${org} cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'}): import the bundle again`, { cause: err });
    }
  }

  /** Records findings and the documents they came from in one transaction. */
  recordScan(findings: readonly Finding[], documents: readonly ScannedDocument[]): void {
    const insF = this.db.prepare(
      `INSERT INTO findings (org, kind, record_ref, document_ref, term, confidence, severity, fields_json, overlap,
         source_url, source_path, source_entry, sha256, size, seen_at)
       VALUES (@org, @kind, @record, @document, @term, @confidence, @severity, @fields, @overlap, @url, @path, @entry, @sha256, @size, @seen_at)`,
    );
    const insD = this.db.prepare(
      `INSERT INTO scanned_documents (sha256, size, media_type, source_url, source_path, source_entry, seen_at)
       VALUES (@sha256, @size, @mediaType, @url, @path, @entry, @seenAt)`,
    );
    try {
      this.db.transaction(() => {
        for (const f of findings) {
          insF.run({
            org: f.org,
            kind: f.kind,
            record: f.record ?? null,
            document: f.document ?? null,
            term: f.term ?? null,
            confidence: f.confidence,
            severity: f.severity,
            fields: f.fields ? JSON.stringify(f.fields) : null,
            overlap: f.overlap ?? null,
            url: f.source.url,
            path: f.source.path,
            entry: f.source.entry,
            sha256: f.source.sha256,
            size: f.source.size,
            seen_at: f.seen_at,
          });
        }
        for (const d of documents) insD.run(d);
      }).immediate();
    } catch (err) {
      throw storeError(err, 'recording findings');
    }
  }

  /** Findings, newest first. */
  findings(filter: { org?: string; limit?: number } = {}): Finding[] {
    const rows = this.db
      .prepare(
        `SELECT * FROM findings ${filter.org ? 'WHERE org = @org' : ''} ORDER BY id DESC LIMIT @limit`,
      )
      .all({ org: filter.org, limit: filter.limit ?? 1000 }) as Record<string, unknown>[];
    return rows.map((r) => {
      const f: Finding = {
        org: r.org as string,
        kind: r.kind as Finding['kind'],
        confidence: r.confidence as Finding['confidence'],
        severity: r.severity as Finding['severity'],
        source: {
          url: (r.source_url as string | null) ?? null,
          path: (r.source_path as string | null) ?? null,
          entry: (r.source_entry as string | null) ?? null,
          sha256: r.sha256 as string,
          size: Number(r.size ?? 0),
        },
        seen_at: r.seen_at as string,
      };
      if (r.record_ref != null) f.record = r.record_ref as string;
      if (r.document_ref != null) f.document = r.document_ref as string;
      if (r.term != null) f.term = r.term as string;
      if (r.overlap != null) f.overlap = r.overlap as number;
      if (r.fields_json != null) f.fields = JSON.parse(r.fields_json as string) as string[];
      return f;
    });
  }

  /** Closes the database (checkpointing the WAL). */
  close(): void {
    if (this.db.open) this.db.close();
  }
}
