/** Schema migrations, applied in order; PRAGMA user_version records the last one applied. */
export const MIGRATIONS: readonly string[] = [
  // 1: fingerprint bundles and findings
  `
  CREATE TABLE org_bundles (
    org TEXT PRIMARY KEY,
    kcv TEXT NOT NULL,
    header_json TEXT NOT NULL,
    bundle BLOB NOT NULL,
    imported_at TEXT NOT NULL
  ) STRICT;
  CREATE TABLE findings (
    id INTEGER PRIMARY KEY,
    org TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('record','document','canary','term')),
    record_ref TEXT,
    document_ref TEXT,
    term TEXT,
    confidence TEXT NOT NULL CHECK (confidence IN ('low','medium','high')),
    severity TEXT NOT NULL CHECK (severity IN ('low','medium','high','critical')),
    fields_json TEXT,
    overlap REAL,
    source_url TEXT,
    source_path TEXT,
    source_entry TEXT,
    sha256 TEXT NOT NULL,
    size INTEGER,
    seen_at TEXT NOT NULL
  ) STRICT;
  CREATE INDEX findings_by_org ON findings (org, seen_at);
  CREATE INDEX findings_by_sha ON findings (sha256);
  CREATE TABLE scanned_documents (
    id INTEGER PRIMARY KEY,
    sha256 TEXT NOT NULL,
    size INTEGER NOT NULL,
    media_type TEXT NOT NULL,
    source_url TEXT,
    source_path TEXT,
    source_entry TEXT,
    seen_at TEXT NOT NULL
  ) STRICT;
  CREATE INDEX scanned_by_sha ON scanned_documents (sha256);
  `,
];
