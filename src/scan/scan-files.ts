/**
 * Offline scan: files, folders and archives through the extractors and the
 * matcher. Findings and document metadata go to the caller (and the store);
 * nothing of the content is kept.
 */
import { extract } from '../extract/extract.js';
import { openInput } from '../extract/open-input.js';
import type { ExtractIssue, ExtractLimits } from '../extract/types.js';
import { DocumentMatcher, type DocumentResult } from '../matcher/document-matcher.js';
import type { OrgIndex } from '../matcher/org-index.js';
import type { ScannedDocument } from '../store/store.js';
import { expandPaths } from './walk.js';

export interface ScanDeps {
  orgs: readonly OrgIndex[];
  limits?: Partial<ExtractLimits>;
  clock?: () => Date;
  signal?: AbortSignal;
  onDocument?: (result: DocumentResult, doc: ScannedDocument) => void;
  onIssue?: (issue: ExtractIssue) => void;
}

export interface ScanSummary {
  files: number;
  documents: number;
  bytes: number;
  issues: number;
  findings: number;
}

/** Scans every file under `paths`; per-file failures become issues, never abort the scan (the callbacks' own failures do). */
export async function scanPaths(paths: readonly string[], deps: ScanDeps): Promise<ScanSummary> {
  const files = expandPaths(paths);
  const summary: ScanSummary = { files: files.length, documents: 0, bytes: 0, issues: 0, findings: 0 };
  // A failure of the caller's own callbacks (the output closed, the store failing) is not the
  // file's: it ends the scan as it is instead of being reported as an unreadable file.
  const callerFailed: unknown[] = [];
  const caller = <A extends unknown[]>(f: ((...a: A) => void) | undefined) =>
    f &&
    ((...a: A): void => {
      try {
        f(...a);
      } catch (err) {
        callerFailed.push(err);
        throw err;
      }
    });
  const onDocument = caller(deps.onDocument);
  const onIssue = caller(deps.onIssue);
  for (const file of files) {
    if (deps.signal?.aborted) break;
    const matcher = new DocumentMatcher(
      {
        orgs: deps.orgs,
        clock: deps.clock,
        onDocument: (r) => {
          summary.documents++;
          if (r.ref.entry.length === 0) summary.bytes += r.size;
          summary.findings += r.findings.length;
          onDocument?.(r, {
            sha256: r.sha256,
            size: r.size,
            mediaType: r.ref.mediaType,
            url: null,
            path: file,
            entry: r.ref.entry.length ? r.ref.entry.join('!') : null,
            seenAt: (deps.clock?.() ?? new Date()).toISOString(),
          });
        },
        onIssue: (i) => {
          summary.issues++;
          onIssue?.(i);
        },
      },
      { url: null, path: file },
    );
    try {
      await extract(openInput(file), file, matcher, { limits: deps.limits, signal: deps.signal });
    } catch (err) {
      if (callerFailed.length > 0) throw callerFailed[0];
      summary.issues++;
      const e = err as { code?: string; message?: string };
      onIssue?.({
        ref: { source: file, entry: [], mediaType: 'application/octet-stream' },
        code: e.code ?? 'LW_FILE_UNREADABLE',
        message: e.code?.startsWith('LW_') ? (e.message ?? 'failed') : `${file}: cannot read (${e.code ?? 'error'})`,
      });
    }
  }
  return summary;
}
