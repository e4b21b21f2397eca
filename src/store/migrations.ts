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
  // 2: crawl state (what was seen, never content), site health and its history, passes
  `
  CREATE TABLE crawl_items (
    site TEXT NOT NULL,
    url TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('listing','post','attachment','page')),
    etag TEXT,
    last_modified TEXT,
    sha256 TEXT,
    size INTEGER,
    first_seen TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    removed_at TEXT,
    PRIMARY KEY (site, url)
  ) STRICT;
  CREATE TABLE site_health (
    site TEXT NOT NULL,
    location TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('up','down','empty','seized','error')),
    reason TEXT,
    since TEXT NOT NULL,
    checked_at TEXT NOT NULL,
    PRIMARY KEY (site, location)
  ) STRICT;
  CREATE TABLE operator_events (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    site TEXT,
    location TEXT,
    state TEXT,
    previous_state TEXT,
    reason TEXT,
    at TEXT NOT NULL,
    delivered_at TEXT
  ) STRICT;
  CREATE TABLE crawl_passes (
    id INTEGER PRIMARY KEY,
    site TEXT NOT NULL,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    outcome TEXT,
    requests INTEGER NOT NULL DEFAULT 0,
    bytes INTEGER NOT NULL DEFAULT 0,
    pages INTEGER NOT NULL DEFAULT 0,
    documents INTEGER NOT NULL DEFAULT 0,
    findings INTEGER NOT NULL DEFAULT 0
  ) STRICT;
  `,
];
