/** Rendering of findings for people and for scripts (design section 5). */
import type { Finding } from '../matcher/findings.js';

/** One JSON line per finding, in the documented field order. */
export function findingJson(f: Finding): string {
  const o: Record<string, unknown> = { org: f.org, kind: f.kind };
  if (f.record !== undefined) o.record = f.record;
  if (f.document !== undefined) o.document = f.document;
  if (f.overlap !== undefined) o.overlap = f.overlap;
  if (f.term !== undefined) o.term = f.term;
  o.confidence = f.confidence;
  if (f.fields !== undefined) o.fields = f.fields;
  o.severity = f.severity;
  o.source = f.source;
  o.seen_at = f.seen_at;
  return JSON.stringify(o);
}

/** A readable block for the findings of one document. */
export function findingsText(findings: readonly Finding[]): string {
  if (findings.length === 0) return '';
  const first = findings[0]!;
  const where = [first.source.url ?? first.source.path, first.source.entry].filter(Boolean).join(' > ');
  const lines = [`${where}  (sha256 ${first.source.sha256.slice(0, 16)}…, ${first.source.size} bytes)`];
  const byOrg = new Map<string, Finding[]>();
  for (const f of findings) byOrg.set(f.org, [...(byOrg.get(f.org) ?? []), f]);
  for (const [org, list] of byOrg) {
    lines.push(`  ${org}: severity ${list[0]!.severity.toUpperCase()}`);
    for (const f of list) {
      if (f.kind === 'record' || f.kind === 'canary') {
        lines.push(`    ${f.kind === 'canary' ? 'CANARY' : 'record'} ${f.record}  ${f.confidence}  [${(f.fields ?? []).join(', ')}]`);
      } else if (f.kind === 'document') {
        lines.push(`    document ${f.document}  ${f.confidence}  overlap ${(100 * (f.overlap ?? 0)).toFixed(1)}%`);
      } else {
        lines.push(`    term "${f.term}"  ${f.confidence}`);
      }
    }
  }
  return lines.join('\n');
}
