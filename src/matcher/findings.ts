/** The finding model: what the matcher reports (design section 5). References only, never content. */

export type Confidence = 'low' | 'medium' | 'high';
export type Severity = 'low' | 'medium' | 'high' | 'critical';
export type FindingKind = 'record' | 'document' | 'canary' | 'term';

/** Where the matched document came from. */
export interface FindingSource {
  url: string | null;
  path: string | null;
  /** Entry inside archives; nested levels joined with '!'. */
  entry: string | null;
  sha256: string;
  size: number;
}

/** One finding, one JSON line in `scan --json` / `crawl` output. */
export interface Finding {
  org: string;
  kind: FindingKind;
  record?: string;
  document?: string;
  overlap?: number;
  term?: string;
  confidence: Confidence;
  /** Field types that matched (record/canary findings). */
  fields?: readonly string[];
  /** Severity of the whole source document for this organization. */
  severity: Severity;
  source: FindingSource;
  seen_at: string;
}

const ORDER: Record<Severity, number> = { low: 0, medium: 1, high: 2, critical: 3 };

/** The higher of two severities. */
export function maxSeverity(a: Severity, b: Severity): Severity {
  return ORDER[a] >= ORDER[b] ? a : b;
}

/** True when `s` is at least `min`. */
export function severityAtLeast(s: Severity, min: Severity): boolean {
  return ORDER[s] >= ORDER[min];
}
