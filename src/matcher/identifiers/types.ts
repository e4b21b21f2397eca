/** Identifier types and their validators/normalizers. */

export const IDENTIFIER_TYPES = [
  'fi_hetu',
  'se_personnummer',
  'no_fodselsnummer',
  'dk_cpr',
  'us_ssn',
  'uk_nhs',
  'iban',
  'card',
  'email',
  'phone',
  'name',
  'date',
  'postcode',
  'custom',
] as const;

export type IdentifierTypeName = (typeof IDENTIFIER_TYPES)[number];

/** Per-field options from the mapping file. */
export interface NormalizeOptions {
  /** ISO 3166-1 alpha-2 default region for phone numbers (and postcodes), e.g. 'FI'. */
  region?: string;
}

/**
 * One identifier type. `normalize` is THE canonical form: enrollment and scan
 * both call it, so a reformatted leak still matches. It validates (checksums,
 * dates) and returns null for anything that is not a valid value of the type.
 */
export interface IdentifierType {
  readonly name: IdentifierTypeName;
  /**
   * Finds candidates in free text. Global flag set; callers reset lastIndex.
   * Candidates are then passed to `normalize`, which rejects invalid ones.
   * Null for types that are not searched for by pattern (name, postcode).
   */
  readonly pattern: RegExp | null;
  normalize(raw: string, options?: NormalizeOptions): string | null;
  /**
   * Optional cheaper canonicalization for scanning. For every value that
   * `normalize` accepts it must return exactly the same string; for invalid
   * values it may return anything (their fingerprints were never enrolled, so
   * they cannot match). Null means "use normalize".
   */
  scanKey?(raw: string, options?: NormalizeOptions): string | null;
  /**
   * Optional: `scanKey(text.slice(start, end))` written as UTF-8 into `out`
   * from `at`, without making strings; returns the byte count, or -1 when it
   * cannot tell (then the caller takes the `scanKey`/`normalize` path). It must
   * never write a different key than that path would give. `out` has room for
   * at least 4 * (end - start) + 4 bytes from `at`.
   */
  scanKeyBytes?(text: string, start: number, end: number, out: Uint8Array, at: number, options?: NormalizeOptions): number;
  /**
   * Optional: the canonical form of text.slice(start, end) as a positive
   * integer, for the commonest spellings, without making strings: two
   * spellings get the same integer exactly when `normalize` gives them the
   * same canonical form, and `canonicalOfNumber` gives that form. 0 when
   * `normalize` would reject the value, -1 when this cannot tell (then the
   * caller takes the string path).
   */
  scanNumber?(text: string, start: number, end: number, options?: NormalizeOptions): number;
  /** The canonical form a positive `scanNumber` stands for. */
  canonicalOfNumber?(n: number): string;
  /**
   * Optional, with `scanNumber`: every positive number `scanNumber` can give
   * has an index in 0..numberSlots-1 (`numberIndex`), and `numberAt` gives the
   * number of an index (0 for an index no number has). A scan can then key
   * all of them ahead in one array, whose content depends on the key alone,
   * not on what was scanned.
   */
  numberSlots?: number;
  numberIndex?(n: number): number;
  numberAt?(index: number): number;
  /**
   * Optional necessary condition: false only when no match of `pattern` in
   * text.slice(from, to) (edges of the range count as edges of the text) is
   * a value `normalize` accepts, so a search there can find nothing to key.
   * Cheaper than the search; true is no promise of a match.
   */
  mayHold?(text: string, from: number, to: number): boolean;
  /**
   * A literal every match contains, with how far a match can reach before and
   * after it. Scanners then run `pattern` only around occurrences of the
   * literal instead of over the whole text (e-mail: '@').
   */
  readonly anchor?: { literal: string; before: number; after: number };
  /**
   * Optional faster search for `pattern`: reports exactly the matches `pattern`
   * finds in text.slice(lo, hi) (edges of the region count as edges of the
   * text), as offsets into `text`; with `onKeyed`, it may pass runs of them
   * there with their scan keys (see KeyedMatches in pattern-scan.ts), made
   * under `options` as `scanKeyBytes` makes them.
   */
  find?(
    text: string,
    lo: number,
    hi: number,
    onMatch: (start: number, end: number, key?: Uint8Array, keyAt?: number) => void,
    onKeyed?: (pairs: Int32Array, count: number, base: number, keys: Uint8Array, spans?: Int32Array) => void,
    options?: NormalizeOptions,
  ): void;
}
