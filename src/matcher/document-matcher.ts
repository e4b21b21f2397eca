/**
 * The matcher as a DocumentSink: it receives extracted parts, fingerprints them
 * with every loaded organization's keys, and reports findings per document.
 * Content is held only for the part being processed and a small window.
 */
import type { DocumentRef, DocumentSink, ExtractIssue, Part } from '../extract/types.js';
import { NAME_TOKEN_LABEL } from '../enroll/fields.js';
import { stringsAt } from '../bundle/string-list.js';
import { entryField, entryRecord } from '../bundle/format.js';
import { nameTokens } from './identifiers/name.js';
import { globalRegExp, scanMatches } from './pattern-scan.js';
import type { IdentifierType, NormalizeOptions } from './identifiers/types.js';
import { CandidateBatch } from './candidate-batch.js';
import { FP_MISSING, FP_NONE, FpCache } from './fp-cache.js';
import { isNumbered, keyNumbers } from './number-fps.js';
import { doubled } from './growable.js';
import { maxSeverity, type Confidence, type Finding, type FindingSource, type Severity } from './findings.js';
import type { OrgIndex } from './org-index.js';
import { MemoryReclaimer } from './reclaim.js';
import { RecordHits } from './record-hits.js';
import { ROW_SEPARATOR, RowBatch } from './row-batch.js';
import { SimhashBuilder } from './simhash.js';
import { containsWord, containsWordInUnits, searchFor } from './term-search.js';
import { TextHits } from './text-hits.js';
import { decodeUnits, TextNormalizer, type UnitsSink } from './text-normalize.js';
import { Winnower } from './winnow.js';
import {
  ASCII_WORD,
  clearNameWords,
  isAsciiLetter,
  isSpace,
  NAME_RUNS,
  NAME_WORD,
  withNameWords,
  WORD_APOSTROPHE,
  WORD_DIGIT,
  WORD_LETTER,
  WORD_OTHER,
  WORD_SPACE,
} from './name-words-kernel.js';
import { WordFpCache, wordHash } from './word-fp-cache.js';

/** Characters either side of a primary hit in free text where corroborating fields count. */
const PROXIMITY_CHARS = 300;
/** Documents longer than this (normalized characters) get no whole-document simhash. */
export const SIMHASH_MAX_CHARS = 2 * 1024 * 1024;
const SIMHASH_MAX_DISTANCE = 3;
/**
 * Findings whose record references are looked up together (see #orgFindings).
 * A chunk of a bundle left in its file reads the spans of the references it
 * needs, up to all 10.9 MB at a million records, once per chunk: with 16 K a
 * chunk, the 86,012 findings of the benchmark's 50 MB CSV read them six times,
 * 23 ms a scan (CPU profile), with 64 K twice, 10 ms.
 */
const REF_CHUNK = 64 * 1024;
const SPACE = 0x20;

/**
 * Index of the row containing offset `at` (rowStarts ascending, rowStarts[0] = 0),
 * given `near`, the answer for an earlier offset: hits come in text order, and
 * in a leaked table several hit the same row, so that row and the next are
 * tried before a binary search.
 */
function rowIndex(rowStarts: Int32Array, at: number, near: number): number {
  const n = rowStarts.length;
  if (near < n && rowStarts[near]! <= at) {
    if (near + 1 === n || at < rowStarts[near + 1]!) return near;
    if (near + 2 === n || at < rowStarts[near + 2]!) return near + 1;
  }
  let lo = 0;
  let hi = rowStarts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (rowStarts[mid]! <= at) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Table hits of a candidate batch: candidate, target (organization of the group) and first entry. */
class HitList {
  n = 0;
  cand = new Int32Array(256);
  target = new Int32Array(256);
  entry = new Int32Array(256);
  /** A number per hit, for `#warm`'s passes. */
  scratch = new Int32Array(256);

  push(cand: number, target: number, entry: number): void {
    if (this.n === this.cand.length) {
      this.cand = doubled(this.cand);
      this.target = doubled(this.target);
      this.entry = doubled(this.entry);
      this.scratch = doubled(this.scratch);
    }
    this.cand[this.n] = cand;
    this.target[this.n] = target;
    this.entry[this.n++] = entry;
  }
}

/** What the matcher reports when a document ends. */
export interface DocumentResult {
  ref: DocumentRef;
  sha256: string;
  size: number;
  findings: Finding[];
  /** Per organization, the keyed simhash of this document (for re-post detection), when it had enough text. */
  simhashes: { org: string; hi: number; lo: number }[];
}

export interface MatcherDeps {
  orgs: readonly OrgIndex[];
  clock?: () => Date;
  onDocument?: (result: DocumentResult) => void;
  onIssue?: (issue: ExtractIssue) => void;
  /**
   * Runs full collections between large documents (reclaim.ts); by default
   * one shared by every matcher of the process, null for none.
   */
  reclaimer?: MemoryReclaimer | null;
}

/** The reclaimer of matchers given none. */
const sharedReclaimer = new MemoryReclaimer();

interface PatternGroup {
  impl: IdentifierType;
  pattern: RegExp;
  options: NormalizeOptions;
  targets: { org: number; field: number; label: string; prefix: Uint8Array }[];
}

interface OrgDocState {
  records: RecordHits;
  /** Name-token fingerprints of words already seen near hits in this document (bounded). */
  nameFps: WordFpCache;
  /** Fingerprints of single name tokens, for words that are not kept whole (ids, addresses) but whose tokens repeat: keyed by the token, or by the run of ASCII letters it was cut from (the token is its lower case). */
  tokenFps: WordFpCache;
  /** Per corroborating pattern field (by index), keyed fingerprints of candidates already seen near hits (bounded). */
  fieldFps: Map<number, FpCache>;
  winnower: Winnower;
  onFingerprint: (hi: number, lo: number) => void;
  simhash: SimhashBuilder | null;
  textHits: TextHits;
  terms: Set<string>;
}

interface DocState {
  ref: DocumentRef;
  rows: RowBatch;
  normalizer: TextNormalizer;
  /** Receives the normalizer's code units (bound once per document). */
  feed: UnitsSink;
  carry: string;
  /** The last few normalized characters, for watch terms across pieces. */
  normTail: string;
  /** normTail starts at the document's start (so its start is a word boundary). */
  tailAtStart: boolean;
  normChars: number;
  orgs: OrgDocState[];
}

/** Builds one regex pass per (type, region) shared by all organizations that enrolled it. */
function buildPatternGroups(orgs: readonly OrgIndex[]): PatternGroup[] {
  const groups = new Map<string, PatternGroup>();
  orgs.forEach((o, oi) => {
    o.fields.forEach((f, fi) => {
      if (f.role !== 'primary' || !f.impl.pattern) return;
      const key = `${f.label}|${f.region ?? ''}|${f.pattern ?? ''}`;
      let g = groups.get(key);
      if (!g) {
        g = { impl: f.impl, pattern: globalRegExp(f.impl.pattern), options: { region: f.region }, targets: [] };
        groups.set(key, g);
      }
      g.targets.push({ org: oi, field: fi, label: f.label, prefix: o.hasher.prefix(f.label) });
    });
  });
  return [...groups.values()];
}

/**
 * The candidate batch of every matcher in this thread: a matcher is made per
 * scanned file, and a batch of its own (about 90 KB of typed arrays) per file
 * showed in profiles of folders of small files. It is used only inside
 * `#detect`, which runs to the end without yielding, and is empty between calls.
 */
const sharedBatch = new CandidateBatch();

/** Matches extracted content against all loaded organizations. */
export class DocumentMatcher implements DocumentSink {
  readonly #deps: MatcherDeps;
  readonly #groups: PatternGroup[];
  readonly #source: { url: string | null; path: string | null };
  readonly #stack: DocState[] = [];
  readonly #maxTermLen: number;
  readonly #hits = new HitList();
  readonly #reclaimer: MemoryReclaimer | null;

  constructor(deps: MatcherDeps, source: { url: string | null; path: string | null }) {
    this.#deps = deps;
    this.#groups = buildPatternGroups(deps.orgs);
    this.#source = source;
    this.#reclaimer = deps.reclaimer === undefined ? sharedReclaimer : deps.reclaimer;
    this.#maxTermLen = Math.max(0, ...deps.orgs.flatMap((o) => o.terms.map((t) => t.normalized.length)));
  }

  begin(ref: DocumentRef): void {
    const doc: DocState = {
      ref,
      rows: new RowBatch((text, starts) => {
        this.#detect(doc, text, 0, starts);
        this.#feedText(doc, `${text}\n`);
      }),
      normalizer: new TextNormalizer(),
      feed: (units, length) => this.#feedUnits(doc, units, length),
      carry: '',
      normTail: '',
      tailAtStart: true,
      normChars: 0,
      orgs: this.#deps.orgs.map((o) => {
        const textHits = new TextHits(o.winnow);
        return {
          records: new RecordHits(o.fields.length),
          // Made with the document, not at its first hit: see MemoryReclaimer on hidden classes.
          nameFps: new WordFpCache(NAME_CACHE_WORDS),
          tokenFps: new WordFpCache(NAME_CACHE_WORDS),
          fieldFps: new Map(),
          winnower: new Winnower({ key: o.keys.winnow, k: o.bundle.header.params.winnow_k, w: o.bundle.header.params.winnow_w }),
          onFingerprint: (hi: number, lo: number) => textHits.add(hi, lo),
          simhash: new SimhashBuilder(o.keys.simhash, o.bundle.header.params.shingle_words),
          textHits,
          terms: new Set<string>(),
        };
      }),
    };
    this.#stack.push(doc);
  }

  part(part: Part): void {
    const doc = this.#stack[this.#stack.length - 1];
    if (!doc) return;
    // Once the document and its extractor are under way, so that their hidden classes live on: see MemoryReclaimer.
    this.#reclaimer?.collectIfDue();
    if (part.kind === 'row') {
      doc.rows.addRow(part.cells.join('\t'));
    } else if (part.kind === 'rows') {
      doc.rows.addLines(part.lines, part.delimiter);
    } else {
      doc.rows.flush();
      const text = doc.carry + part.text;
      this.#detect(doc, text, doc.carry.length, null);
      doc.carry = text.length > PROXIMITY_CHARS ? text.slice(text.length - PROXIMITY_CHARS) : text;
      this.#feedText(doc, part.text);
    }
  }

  end(ref: DocumentRef, meta: { sha256: string; size: number }): void {
    if (this.#finish(ref, meta)) this.#reclaimer?.documentDone(meta.size);
  }

  /** The document's findings, handed to onDocument; false when no document was open. */
  #finish(ref: DocumentRef, meta: { sha256: string; size: number }): boolean {
    const doc = this.#stack.pop();
    if (!doc) return false;
    doc.rows.flush();
    doc.normalizer.flushUnits(doc.feed);
    if (this.#maxTermLen > 0) this.#finishTerms(doc);
    for (const st of doc.orgs) {
      st.winnower.end(st.onFingerprint);
      // The words near hits are the document's text: wiped now, not left for the collector.
      st.nameFps.clear();
      st.tokenFps.clear();
    }
    const findings: Finding[] = [];
    const seenAt = (this.#deps.clock?.() ?? new Date()).toISOString();
    // One frozen object for all of this document's findings (the output writes its JSON once).
    const source = Object.freeze({
      url: this.#source.url,
      path: this.#source.path,
      entry: ref.entry.length ? ref.entry.join('!') : null,
      sha256: meta.sha256,
      size: meta.size,
    });
    const simhashes: DocumentResult['simhashes'] = [];
    this.#deps.orgs.forEach((o, oi) => {
      const st = doc.orgs[oi]!;
      const digest = st.simhash && doc.normChars <= SIMHASH_MAX_CHARS ? st.simhash.digest() : null;
      if (digest) simhashes.push({ org: o.org, hi: digest.hi, lo: digest.lo });
      const first = findings.length;
      this.#orgFindings(o, st, digest, source, seenAt, findings);
      const severity = documentSeverity(o, findings, first);
      for (let i = first; i < findings.length; i++) findings[i]!.severity = severity;
    });
    this.#deps.onDocument?.({ ref, sha256: meta.sha256, size: meta.size, findings, simhashes });
    return true;
  }

  issue(issue: ExtractIssue): void {
    this.#deps.onIssue?.(issue);
  }

  /**
   * Finds primary identifiers in `text` (accepting only matches that end after
   * `from`) and checks corroboration: within the match's row when `rowStarts`
   * gives the row offsets of a batch, else within PROXIMITY_CHARS.
   */
  #detect(doc: DocState, text: string, from: number, rowStarts: Int32Array | null): void {
    try {
      this.#detectGroups(doc, text, from, rowStarts);
    } finally {
      // Also after a throw: no candidate (or key bytes) of this text may reach the next one,
      // and the name corroboration's copy of the text goes too.
      sharedBatch.clear();
      clearNameWords();
    }
  }

  #detectGroups(doc: DocState, text: string, from: number, rowStarts: Int32Array | null): void {
    const orgs = this.#deps.orgs;
    const batch = sharedBatch;
    for (const g of this.#groups) {
      // First every candidate's scan key, then per organization all hashes, then all lookups:
      // tight loops instead of a hash and a cache miss between regex steps.
      scanMatches(
        g.pattern,
        g.impl,
        text,
        (start, end, key, keyAt) => {
          if (end <= from) return;
          if (key === undefined) batch.add(g.impl, text, start, end, g.options);
          else batch.addKey(start, end, key, keyAt!, end - start);
        },
        (pairs, count, base, keys, spans) => batch.addKeyed(pairs, count, base, keys, from, spans),
        g.options,
      );
      if (batch.count === 0) continue;
      const hits = this.#hits;
      hits.n = 0;
      for (let ti = 0; ti < g.targets.length; ti++) {
        const t = g.targets[ti]!;
        const org = orgs[t.org]!;
        org.hasher.hashKeys(t.prefix, batch.bytes, batch.keyAt, batch.keyLen, batch.count, batch.hi, batch.lo);
        org.ids.findAll(batch.hi, batch.lo, batch.count, batch.found);
        for (let i = 0; i < batch.count; i++) {
          const e = batch.found[i]!;
          if (e !== -1) hits.push(i, ti, e);
        }
      }
      if (hits.n > 1) this.#warm(g, hits);
      // Hits come organization by organization, each in candidate order; organizations share no
      // state here, so each sees its hits in the order a match-by-match pass would give it.
      let row = 0;
      for (let h = 0; h < hits.n; h++) {
        const i = hits.cand[h]!;
        const t = g.targets[hits.target[h]!]!;
        const start = batch.start[i]!;
        const end = batch.end[i]!;
        const org = orgs[t.org]!;
        for (let e = hits.entry[h]!; e !== -1; e = org.ids.nextOf(e)) {
          if (entryField(org.bundle.ids, e) !== t.field) continue;
          const rec = entryRecord(org.bundle.ids, e);
          const st = doc.orgs[t.org]!;
          const slot = st.records.slotOf(rec);
          st.records.addPrimary(slot, t.field);
          // Every corroborating field of this record is already seen: nothing left to look for.
          if (st.records.isSettled(slot)) continue;
          // The hit itself is cut out: an e-mail like matti.virtanen@… must not corroborate its own name.
          let lo: number;
          let hi: number;
          if (rowStarts) {
            const r = rowIndex(rowStarts, start, row);
            row = r;
            lo = rowStarts[r]!;
            hi = r + 1 < rowStarts.length ? rowStarts[r + 1]! - ROW_SEPARATOR.length : text.length;
          } else {
            lo = Math.max(0, start - PROXIMITY_CHARS);
            hi = Math.min(text.length, end + PROXIMITY_CHARS);
          }
          corroborate(org, rec, st, slot, text, lo, start, end, hi);
        }
      }
      batch.clear();
    }
  }

  /** Sum of what `#warm` read, kept (public, so no compiler can drop it) so that its reads stay. */
  warmed = 0;

  /**
   * Reads, in two tight loops, what the per-hit work below will read from the
   * organization's large arrays: each hit's record and field, its record's
   * first corroborating entry. Each read misses the cache (a million records'
   * arrays), and the per-hit work does so much between them that the processor
   * waits for each in turn; here nothing else depends on them, so it overlaps
   * the misses of many hits, and the per-hit work then finds them in cache.
   */
  #warm(g: PatternGroup, hits: HitList): void {
    const orgs = this.#deps.orgs;
    const n = hits.n;
    // One read a pass, each pass's reads independent of one another: each hit's record (and
    // field), then where its corroborating fields start, then the first of them.
    const at = hits.scratch;
    for (let h = 0; h < n; h++) at[h] = entryRecord(orgs[g.targets[hits.target[h]!]!.org]!.bundle.ids, hits.entry[h]!);
    for (let h = 0; h < n; h++) at[h] = orgs[g.targets[hits.target[h]!]!.org]!.bundle.corro.start[at[h]!]!;
    let sum = 0;
    for (let h = 0; h < n; h++) {
      const { corro } = orgs[g.targets[hits.target[h]!]!.org]!.bundle;
      const from = at[h]!;
      // A record with no corroborating field may start at the arrays' end.
      if (from < corro.lo.length) sum += corro.field[from]! + corro.lo[from]!;
    }
    this.warmed = sum;
  }

  #feedText(doc: DocState, text: string): void {
    doc.normalizer.pushUnits(text, doc.feed);
  }

  /** Normalized text as code units, valid only during the call. */
  #feedUnits(doc: DocState, units: Uint16Array, length: number): void {
    if (length === 0) return;
    doc.normChars += length;
    for (const st of doc.orgs) {
      st.winnower.pushUnits(units, length, st.onFingerprint);
      if (st.simhash) {
        if (doc.normChars <= SIMHASH_MAX_CHARS) st.simhash.pushUnits(units, length);
        else st.simhash = null;
      }
    }
    // Only organizations with watch terms pay for the search.
    if (this.#maxTermLen > 0) this.#findTerms(doc, units, length);
  }

  /**
   * Watch terms in this piece of normalized text (its code units, searched
   * where they are: term-search.ts), and across its seam with the previous one
   * (the kept tail plus this piece's head: small strings). A term must stand as whole words; one that
   * ends where the piece ends waits for the next piece (or the document's end)
   * to show what follows it.
   */
  #findTerms(doc: DocState, units: Uint16Array, length: number): void {
    const keep = this.#maxTermLen + 1;
    const tail = doc.normTail;
    const seam = tail + decodeUnits(units, Math.min(keep, length));
    const tailOpen = tail.length === 0 || tail.charCodeAt(tail.length - 1) === SPACE;
    this.#deps.orgs.forEach((o, oi) => {
      const st = doc.orgs[oi]!;
      for (const t of o.terms) {
        if (st.terms.has(t.term)) continue;
        if (containsWordInUnits(units, length, searchFor(t.normalized), tailOpen, length, false) || containsWord(seam, t.normalized, doc.tailAtStart, tail.length, false)) {
          st.terms.add(t.term);
        }
      }
    });
    doc.normTail = length >= keep ? decodeUnits(units.subarray(length - keep), keep) : seam.slice(Math.max(0, seam.length - keep));
    doc.tailAtStart = doc.tailAtStart && tail.length + length <= keep;
  }

  /** At the document's end, a term ending the text is followed by nothing. */
  #finishTerms(doc: DocState): void {
    const tail = doc.normTail;
    this.#deps.orgs.forEach((o, oi) => {
      const st = doc.orgs[oi]!;
      for (const t of o.terms) if (!st.terms.has(t.term) && containsWord(tail, t.normalized, doc.tailAtStart, tail.length, true)) st.terms.add(t.term);
    });
  }

  /**
   * Appends the organization's findings to `out`, each built in its final shape
   * (copying objects per finding showed in profiles of dumps with many hits);
   * severity is set by the caller once all are known.
   */
  #orgFindings(o: OrgIndex, st: OrgDocState, digest: { hi: number; lo: number } | null, source: FindingSource, seenAt: string, out: Finding[]): void {
    const severity: Severity = 'low';
    // Findings with the same fields share one frozen list of their labels: a leaked table gives a
    // finding per row, nearly all with the same few sets, and a list each was 60-100 bytes apiece.
    const lists = new Map<number, readonly string[]>();
    const labels = (slot: number): readonly string[] => Object.freeze([...new Set(st.records.fields(slot).map((fi) => o.fields[fi]!.label))]);
    // Record references are looked up a chunk of slots at a time: a bundle left in its file reads
    // them in a few large reads, and a whole leaked table's findings need no full-size scratch arrays.
    const recs = new Int32Array(Math.min(st.records.size, REF_CHUNK));
    let refs: string[] = [];
    for (let slot = 0; slot < st.records.size; slot++) {
      const k = slot % REF_CHUNK;
      if (k === 0) {
        const chunk = recs.subarray(0, Math.min(REF_CHUNK, st.records.size - slot));
        for (let j = 0; j < chunk.length; j++) chunk[j] = st.records.recordAt(slot + j);
        refs = stringsAt(o.bundle.recordIds, chunk);
      }
      const rec = recs[k]!;
      const set = st.records.fieldSet(slot);
      let fields = set === -1 ? undefined : lists.get(set);
      if (fields === undefined) {
        fields = labels(slot);
        if (set !== -1) lists.set(set, fields);
      }
      const isCanary = o.bundle.canary[rec] === 1;
      out.push({
        org: o.org,
        kind: isCanary ? 'canary' : 'record',
        record: refs[k]!,
        confidence: isCanary ? 'high' : recordConfidence(st.records.counts(slot)),
        fields,
        severity,
        source,
        seen_at: seenAt,
      });
    }
    const perDoc = st.textHits.perDocument();
    const near = new Map<number, number>();
    if (digest && o.simhash) {
      for (const q of o.simhash.query(digest.hi, digest.lo, SIMHASH_MAX_DISTANCE)) near.set(q.id, q.distance);
    }
    for (const d of new Set([...perDoc.keys(), ...near.keys()])) {
      const matched = perDoc.get(d) ?? 0;
      const total = o.bundle.docFpCount[d] ?? 0;
      const overlap = total > 0 ? Math.round((matched / total) * 1000) / 1000 : 0;
      const confidence: Confidence = near.has(d) || overlap >= 0.5 ? 'high' : matched >= 3 || overlap >= 0.1 ? 'medium' : 'low';
      out.push({ org: o.org, kind: 'document', document: o.bundle.docRefs[d]!, overlap, confidence, severity, source, seen_at: seenAt });
    }
    for (const term of st.terms) out.push({ org: o.org, kind: 'term', term, confidence: 'medium', severity, source, seen_at: seenAt });
  }
}

/** low: a primary alone; medium: one corroborating field or two primaries; high: more. */
function recordConfidence(hit: { primary: number; corroborating: number }): Confidence {
  const c = hit.corroborating;
  const p = hit.primary;
  if (c >= 2 || (c >= 1 && p >= 2)) return 'high';
  if (c >= 1 || p >= 2) return 'medium';
  return 'low';
}

/** Document-level severity for one organization (documented in docs/matching.md). */
function documentSeverity(o: OrgIndex, findings: readonly Pick<Finding, 'kind' | 'confidence'>[], from: number): Severity {
  let s: Severity = 'low';
  let strongRecords = 0;
  for (let i = from; i < findings.length; i++) {
    const f = findings[i]!;
    if (f.kind === 'canary') return 'critical';
    if (f.kind === 'document') s = maxSeverity(s, 'high');
    if (f.kind === 'term') s = maxSeverity(s, 'medium');
    if (f.kind === 'record') {
      if (f.confidence !== 'low') strongRecords++;
      s = maxSeverity(s, f.confidence === 'high' ? 'high' : f.confidence === 'medium' ? 'medium' : 'low');
    }
  }
  return strongRecords >= o.criticalRecords ? 'critical' : s;
}

const fieldPatterns = new WeakMap<RegExp, RegExp>();

/** A global copy of a type's pattern, made once (compiling one per corroboration showed in profiles). */
function fieldPattern(pattern: RegExp): RegExp {
  let re = fieldPatterns.get(pattern);
  if (re === undefined) {
    re = globalRegExp(pattern);
    fieldPatterns.set(pattern, re);
  }
  return re;
}

/**
 * The low halves of the keyed fingerprints found in one corroboration window
 * for one field (all inWindow compares): a reused array, because corroboration runs for every record hit and a leak of an
 * organization's own table hits on every row.
 */
const windowFps = { lo: new Uint32Array(64), n: 0 };

function addWindowFp(org: OrgIndex, label: string, canon: string | null): void {
  if (canon === null) return;
  org.hasher.hashInto(label, canon);
  pushWindowFp(org.hasher.lo);
}

/** Adds a fingerprint's low half, the part inWindow compares. */
function pushWindowFp(lo: number): void {
  if (windowFps.n === windowFps.lo.length) windowFps.lo = doubled(windowFps.lo);
  windowFps.lo[windowFps.n++] = lo;
}

/** Distinct words whose fingerprints a document keeps (for names, and for tokens); the cache starts over beyond this. */
const NAME_CACHE_WORDS = 20_000;
/**
 * Distinct candidates of one corroborating pattern field whose fingerprints a
 * document keeps. A table of birth dates spans about a century, 36,525 days:
 * with room for 20,000 the cache started over every 20,000 dates and missed
 * on most rows of a leaked patient table. An entry costs its key, a Map slot
 * and two words (estimated, not measured: about 70 bytes for a date, 5 MB full).
 */
const FIELD_CACHE_ENTRIES = 65_536;

/**
 * Adds the name-token fingerprints of every word (run of non-space) in
 * text[from, to) to windowFps. Names repeat across rows, and tokenizing plus
 * hashing a word cost more than looking it up, so words are kept with their
 * fingerprints; words with digits or '@' (ids, addresses) rarely repeat, so
 * only their tokens' fingerprints are kept. An ASCII word without letters
 * (a date, a phone number's parts) has no name tokens and is skipped unread.
 */
function collectNameFps(org: OrgIndex, text: string, from: number, to: number, st: OrgDocState): void {
  if (to - from >= NAME_WORDS_KERNEL_MIN && withNameWords(text, from, to, (words, at, count) => collectWordsFps(org, text, words, at, count, st))) return;
  let i = from;
  while (i < to) {
    while (i < to && isSpace(text.charCodeAt(i))) i++;
    if (i === to) break;
    const a = i;
    // What the word holds (WORD_* bits): one table read a character instead of a test per class.
    let seen = 0;
    for (; i < to; i++) {
      const c = text.charCodeAt(i);
      if (c < 0x80) {
        const k = ASCII_WORD[c]!;
        if (k === WORD_SPACE) break;
        seen |= k;
      } else if (isSpace(c)) break;
      else seen |= WORD_OTHER;
    }
    // keep: no digits or '@'; ascii: no apostrophes (which nameTokens drops inside tokens), nothing outside ASCII.
    const keep = (seen & WORD_DIGIT) === 0;
    const letters = (seen & (WORD_LETTER | WORD_OTHER)) !== 0;
    const ascii = (seen & (WORD_APOSTROPHE | WORD_OTHER)) === 0;
    if (!letters) continue;
    if (!keep && ascii) {
      collectTokenFps(org, text, a, i, st);
      continue;
    }
    if (keep) pushWordFps(org, text, a, i, st);
    else pushOtherWordFps(org, text, a, i, st);
  }
}

/**
 * Windows shorter than this (code units) are scanned in JavaScript, where a
 * call into the loop would cost more than the few words it finds. Chosen when
 * each window was copied into the loop's memory; not measured again since the
 * loop keeps its text.
 */
const NAME_WORDS_KERNEL_MIN = 16;

/** collectNameFps' work for the words the loop of name-words-kernel.ts found (quadruples from `at` on: start, end, kind, hash). */
function collectWordsFps(org: OrgIndex, text: string, words: Int32Array, at: number, count: number, st: OrgDocState): void {
  for (let j = at; j < at + 4 * count; j += 4) {
    const a = words[j]!;
    const b = words[j + 1]!;
    const kind = words[j + 2]!;
    if (kind === NAME_RUNS) pushWindowFp(tokenFp(org, st, text, a, b, true, words[j + 3]!));
    else if (kind === NAME_WORD) pushWordFps(org, text, a, b, st, words[j + 3]!);
    else pushOtherWordFps(org, text, a, b, st);
  }
}

/** The name-token fingerprints of the word text[a, b) (no digits or '@'), kept with the word; `h` its cache hash when made. */
function pushWordFps(org: OrgIndex, text: string, a: number, b: number, st: OrgDocState, h = wordHash(text, a, b)): void {
  const words = st.nameFps;
  let e = words.findHashed(text, a, b, h);
  if (e === -1) {
    const tokens = nameTokens(text.slice(a, b));
    if (tokenScratch.length < tokens.length) tokenScratch = new Uint32Array(2 * tokens.length);
    for (let k = 0; k < tokens.length; k++) {
      org.hasher.hashInto(NAME_TOKEN_LABEL, tokens[k]!);
      tokenScratch[k] = org.hasher.lo;
    }
    e = words.addHashed(text, a, b, tokenScratch, tokens.length, h);
    if (e === -1) for (let k = 0; k < tokens.length; k++) pushWindowFp(tokenScratch[k]!);
    tokenScratch.fill(0, 0, tokens.length);
  }
  if (e !== -1) for (let k = words.fpFrom(e); k < words.fpTo(e); k++) pushWindowFp(words.fp(k));
}

/** The name-token fingerprints of a word with digits or '@' and units outside ASCII or apostrophes: its tokens one by one. */
function pushOtherWordFps(org: OrgIndex, text: string, a: number, b: number, st: OrgDocState): void {
  for (const token of nameTokens(text.slice(a, b))) pushWindowFp(tokenFp(org, st, token, 0, token.length, false));
}

/** Low halves of one word's token fingerprints, while they are cached. */
let tokenScratch = new Uint32Array(16);

/**
 * The name-token fingerprints of text[from, to), an ASCII word without
 * apostrophes: its tokens are its runs of letters, lower-cased (nameTokens'
 * rule), found in the text one by one instead of built a character at a time.
 */
function collectTokenFps(org: OrgIndex, text: string, from: number, to: number, st: OrgDocState): void {
  for (let t = from; t < to; ) {
    while (t < to && !isAsciiLetter(text.charCodeAt(t))) t++;
    if (t === to) break;
    const r = t;
    while (t < to && isAsciiLetter(text.charCodeAt(t))) t++;
    pushWindowFp(tokenFp(org, st, text, r, t, true));
  }
}

/**
 * The low half of the name-token fingerprint of text[from, to), cached by the
 * units as written: a token, or (`lower`) a run of ASCII letters whose token
 * is its lower case. `h` is the units' cache hash when the caller made it.
 */
function tokenFp(org: OrgIndex, st: OrgDocState, text: string, from: number, to: number, lower: boolean, h = wordHash(text, from, to)): number {
  const tokens = st.tokenFps;
  const e = tokens.findHashed(text, from, to, h);
  if (e !== -1) return tokens.fp(tokens.fpFrom(e));
  const run = text.slice(from, to);
  org.hasher.hashInto(NAME_TOKEN_LABEL, lower ? run.toLowerCase() : run);
  const lo = org.hasher.lo;
  tokenScratch[0] = lo;
  tokens.addHashed(text, from, to, tokenScratch, 1, h);
  tokenScratch[0] = 0;
  return lo;
}

/** Per organization and field, the fingerprints of a numbered type's numbers (see number-fps.ts), made at the field's first corroboration in this thread. */
const numberedTables = new WeakMap<OrgIndex, Map<number, Uint32Array>>();

function numberedFps(org: OrgIndex, fi: number): Uint32Array | null {
  const f = org.fields[fi]!;
  if (!isNumbered(f.impl)) return null;
  let tables = numberedTables.get(org);
  if (tables === undefined) {
    tables = new Map();
    numberedTables.set(org, tables);
  }
  let table = tables.get(fi);
  if (table === undefined) {
    table = keyNumbers(org.hasher, f.label, f.impl);
    tables.set(fi, table);
  }
  return table;
}

/**
 * Fills windowFps with field `fi`'s keyed fingerprints in `window`. A
 * numbered type's candidate (a date in its commonest spellings) finds its
 * fingerprint in the field's table of all numbers. Other candidates of a
 * pattern field repeat across rows too; their fingerprints, or that they have
 * none, are kept per document, by the type's `scanNumber` when it has one for
 * the candidate, else by the candidate as written.
 */
function collectWindowFps(org: OrgIndex, fi: number, window: string, cache: FpCache): void {
  const f = org.fields[fi]!;
  const opts = { region: f.region };
  if (f.impl.pattern) {
    const { scanNumber, canonicalOfNumber } = f.impl;
    const numbered = numberedFps(org, fi);
    scanMatches(fieldPattern(f.impl.pattern), f.impl, window, (start, end) => {
      // A number stands for one canonical form (0: none), so it keys the cache as well as the text would.
      const num = scanNumber && canonicalOfNumber ? scanNumber(window, start, end, opts) : -1;
      if (num === 0) return;
      if (num > 0 && numbered !== null) {
        pushWindowFp(numbered[f.impl.numberIndex!(num)]!);
        return;
      }
      const key = num >= 0 ? num : window.slice(start, end);
      let slot = cache.get(key);
      if (slot === FP_MISSING) {
        const canon =
          typeof key === 'number' ? (key > 0 ? canonicalOfNumber!(key) : null) : (f.impl.scanKey?.(key, opts) ?? f.impl.normalize(key, opts));
        if (canon === null) {
          cache.setNone(key);
          slot = FP_NONE;
        } else {
          org.hasher.hashInto(f.label, canon);
          slot = cache.set(key, org.hasher.hi, org.hasher.lo);
        }
      }
      if (slot !== FP_NONE) pushWindowFp(cache.lo(slot));
    });
  } else {
    for (const tok of window.split(/[\t\n\r,;|]+/)) if (tok.trim()) addWindowFp(org, f.label, f.impl.normalize(tok, opts));
    for (const tok of window.split(/\s+/)) if (tok) addWindowFp(org, f.label, f.impl.normalize(tok, opts));
  }
}

/** collectWindowFps over text[from, to), unless it is empty or the type's mayHold rules out any value there (then not even sliced). */
function collectPartFps(org: OrgIndex, fi: number, text: string, from: number, to: number, cache: FpCache): void {
  if (to <= from) return;
  const { mayHold } = org.fields[fi]!.impl;
  if (mayHold === undefined || mayHold(text, from, to)) collectWindowFps(org, fi, text.slice(from, to), cache);
}

/**
 * Whether a corroborating fingerprint of the hit record occurs in the window,
 * by its low half: the check is already confined to one record's few
 * fingerprints and one window's candidates (a few dozen), so a chance equality
 * of 32 keyed bits has odds of about 1 in 10^8 per record hit, and loading
 * without the high halves saves 4 bytes per corroborating fingerprint (12 MB
 * at a million records; see loadOrgIndexFromFile).
 */
function inWindow(lo: number): boolean {
  for (let j = 0; j < windowFps.n; j++) if (windowFps.lo[j] === lo) return true;
  return false;
}

/**
 * Marks the record's corroborating fields whose keyed fingerprints occur in
 * the hit's window: text[lo, start) and text[end, hi), the hit itself cut out
 * (made into a string only for fields other than names).
 */
function corroborate(org: OrgIndex, rec: number, st: OrgDocState, slot: number, text: string, lo: number, start: number, end: number, hi: number): void {
  const hits = st.records;
  const corro = org.bundle.corro;
  const from = corro.start[rec]!;
  const to = corro.start[rec + 1]!;
  const field = corro.field;
  let window: string | null = null;
  // Field by field; a field another hit of this record already corroborated needs no second look (rows hold several primaries).
  for (let i = from; i < to; i++) {
    const fi = field[i]!;
    if (hits.hasCorroborating(slot, fi)) continue;
    let first = true;
    for (let j = from; j < i && first; j++) first = field[j] !== fi;
    if (!first) continue;
    const f = org.fields[fi]!;
    windowFps.n = 0;
    if (f.type === 'name') {
      // The seam between the two parts separates words, as a tab would.
      collectNameFps(org, text, lo, start, st);
      collectNameFps(org, text, end, hi, st);
    } else {
      let cache = st.fieldFps.get(fi);
      if (cache === undefined) {
        cache = new FpCache(FIELD_CACHE_ENTRIES);
        st.fieldFps.set(fi, cache);
      }
      if (f.type === 'custom') {
        window ??= `${text.slice(lo, start)}\t${text.slice(end, hi)}`;
        collectWindowFps(org, fi, window, cache);
      } else {
        // A built-in type's guards take a text's edge as they take the tab (tested), so its
        // two parts are searched where they lie: a joined window was a new string to flatten.
        collectPartFps(org, fi, text, lo, start, cache);
        collectPartFps(org, fi, text, end, hi, cache);
      }
    }
    let total = 0;
    let matched = 0;
    for (let j = i; j < to; j++) {
      if (field[j] !== fi) continue;
      total++;
      if (inWindow(corro.lo[j]!)) matched++;
    }
    const need = f.type === 'name' ? Math.min(2, total) : 1;
    if (matched >= need) hits.addCorroborating(slot, fi);
  }
  let settled = true;
  for (let i = from; i < to && settled; i++) settled = hits.hasCorroborating(slot, field[i]!);
  if (settled) hits.settle(slot);
  // Nothing of the window outlives the call.
  windowFps.lo.fill(0, 0, windowFps.n);
  windowFps.n = 0;
}
