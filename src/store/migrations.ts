/** The schema from which imported bundles are files under the data directory (org_bundles.file). */
export const BUNDLE_FILES_SCHEMA = 4;

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
  // 3: alerts (one per org and source document), their sightings and references, the delivery outbox
  `
  CREATE TABLE alerts (
    id TEXT PRIMARY KEY,
    org TEXT NOT NULL,
    severity TEXT NOT NULL CHECK (severity IN ('low','medium','high','critical')),
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open','acked')),
    source_url TEXT,
    source_path TEXT,
    source_entry TEXT,
    location TEXT NOT NULL,
    site TEXT,
    sha256 TEXT NOT NULL,
    size INTEGER NOT NULL,
    first_seen TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    revision INTEGER NOT NULL DEFAULT 1,
    planned_revision INTEGER NOT NULL DEFAULT 0,
    acked_at TEXT
  ) STRICT;
  CREATE INDEX alerts_by_org ON alerts (org, last_seen);
  CREATE INDEX alerts_by_location ON alerts (org, location);
  CREATE TABLE alert_sightings (
    id INTEGER PRIMARY KEY,
    alert_id TEXT NOT NULL REFERENCES alerts (id),
    match TEXT NOT NULL CHECK (match IN ('new','sha256','simhash','location')),
    distance INTEGER,
    source_url TEXT,
    source_path TEXT,
    source_entry TEXT,
    site TEXT,
    sha256 TEXT NOT NULL,
    size INTEGER NOT NULL,
    seen_at TEXT NOT NULL
  ) STRICT;
  CREATE INDEX sightings_by_alert ON alert_sightings (alert_id);
  CREATE INDEX sightings_by_sha ON alert_sightings (sha256);
  CREATE TABLE alert_simhashes (
    alert_id TEXT NOT NULL REFERENCES alerts (id),
    org TEXT NOT NULL,
    hi INTEGER NOT NULL,
    lo INTEGER NOT NULL,
    b0 INTEGER NOT NULL,
    b1 INTEGER NOT NULL,
    b2 INTEGER NOT NULL,
    b3 INTEGER NOT NULL,
    PRIMARY KEY (alert_id, hi, lo)
  ) STRICT;
  CREATE INDEX simhash_b0 ON alert_simhashes (org, b0);
  CREATE INDEX simhash_b1 ON alert_simhashes (org, b1);
  CREATE INDEX simhash_b2 ON alert_simhashes (org, b2);
  CREATE INDEX simhash_b3 ON alert_simhashes (org, b3);
  CREATE TABLE alert_items (
    alert_id TEXT NOT NULL REFERENCES alerts (id),
    kind TEXT NOT NULL CHECK (kind IN ('record','document','canary','term')),
    ref TEXT NOT NULL,
    confidence TEXT NOT NULL CHECK (confidence IN ('low','medium','high')),
    fields_json TEXT,
    overlap REAL,
    first_seen TEXT NOT NULL,
    revision INTEGER NOT NULL,
    PRIMARY KEY (alert_id, kind, ref)
  ) STRICT;
  CREATE TABLE outbox (
    id INTEGER PRIMARY KEY,
    channel TEXT NOT NULL CHECK (channel IN ('alert','operator')),
    alert_id TEXT,
    revision INTEGER,
    event_id INTEGER,
    org TEXT,
    sink TEXT NOT NULL,
    idempotency_key TEXT NOT NULL UNIQUE,
    payload_json TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending','sending','delivered','failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    lease_until INTEGER,
    last_error TEXT,
    created_at TEXT NOT NULL,
    delivered_at TEXT,
    failed_at TEXT
  ) STRICT;
  CREATE INDEX outbox_due ON outbox (state, next_attempt_at);
  CREATE INDEX outbox_by_alert ON outbox (alert_id);
  ALTER TABLE operator_events ADD COLUMN planned INTEGER NOT NULL DEFAULT 0;
  `,
  // 4: bundles live in files under the data directory (bundles/), named by their SHA-256; the row names its file
  // (bundle is then empty). Rows from before keep their bytes until Store.open moves them out.
  `
  ALTER TABLE org_bundles ADD COLUMN file TEXT;
  `,
];
