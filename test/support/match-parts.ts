/** Feeding parts straight to a DocumentMatcher, as one document, for matcher tests. */
import type { Part } from '../../src/extract/types.js';
import { DocumentMatcher } from '../../src/matcher/document-matcher.js';
import type { Finding } from '../../src/matcher/findings.js';
import type { OrgIndex } from '../../src/matcher/org-index.js';

/** The findings of one document made of `parts`, matched against `orgs`. */
export function matchParts(orgs: readonly OrgIndex[], parts: readonly Part[], size = 1): Finding[] {
  const found: Finding[] = [];
  const m = new DocumentMatcher({ orgs, onDocument: (r) => found.push(...r.findings) }, { url: null, path: 'x' });
  const ref = { source: 'x', entry: [], mediaType: 'text/plain' };
  m.begin(ref);
  for (const p of parts) m.part(p);
  m.end(ref, { sha256: '0'.repeat(64), size });
  return found;
}
