/**
 * Keyed fingerprints of every number a type's `scanNumber` can give (see
 * IdentifierType.numberSlots), made ahead in one array: a corroboration window
 * then finds a date's fingerprint by its index, where a per-document cache
 * keyed by the dates it met missed on every new date of every document and
 * held what the documents contained.
 */
import type { IdentifierType } from './identifiers/types.js';
import type { IdentifierHasher } from './keyed-identifier.js';

const encoder = new TextEncoder();

/** A type that numbers its canonical forms (`scanNumber` and its slots). */
export type NumberedType = Required<Pick<IdentifierType, 'canonicalOfNumber' | 'numberSlots' | 'numberAt'>>;

export function isNumbered(impl: IdentifierType): impl is IdentifierType & NumberedType {
  return impl.scanNumber !== undefined && impl.canonicalOfNumber !== undefined && impl.numberSlots !== undefined && impl.numberIndex !== undefined && impl.numberAt !== undefined;
}

/**
 * Low halves of the fingerprints, under `label`, of the canonical form of
 * every slot's number, by slot (0 for a slot without a number). All slots are
 * hashed in one `hashKeys` loop.
 */
export function keyNumbers(hasher: IdentifierHasher, label: string, impl: NumberedType): Uint32Array {
  const slots = impl.numberSlots;
  const at = new Int32Array(slots);
  const len = new Int32Array(slots);
  let bytes = new Uint8Array(16 * slots);
  let used = 0;
  for (let i = 0; i < slots; i++) {
    const n = impl.numberAt(i);
    if (n <= 0) continue;
    const canon = impl.canonicalOfNumber(n);
    if (used + 3 * canon.length > bytes.length) {
      const next = new Uint8Array(2 * bytes.length + 3 * canon.length);
      next.set(bytes.subarray(0, used));
      bytes = next;
    }
    at[i] = used;
    len[i] = encoder.encodeInto(canon, bytes.subarray(used)).written;
    used += len[i]!;
  }
  const hi = new Uint32Array(slots);
  const lo = new Uint32Array(slots);
  hasher.hashKeys(hasher.prefix(label), bytes, at, len, slots, hi, lo);
  for (let i = 0; i < slots; i++) if (len[i] === 0) lo[i] = 0;
  return lo;
}
