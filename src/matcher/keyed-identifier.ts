/**
 * Keyed identifier fingerprints: HMAC-SHA256 over a type label and the
 * canonical value, truncated to 64 bits. The label keeps equal strings of
 * different types apart (a date is not a postcode).
 */
import { createHmac } from 'node:crypto';

/** A 64-bit fingerprint as two unsigned 32-bit halves (fast to compare, no BigInt). */
export interface Fp64 {
  hi: number;
  lo: number;
}

/** Computes keyed fingerprints of canonical identifier values. */
export class IdentifierHasher {
  readonly #key: Buffer;

  constructor(identifierKey: Buffer) {
    this.#key = identifierKey;
  }

  /** Keyed 64-bit fingerprint of `canonical` under the type `label`. */
  hash(label: string, canonical: string): Fp64 {
    const digest = createHmac('sha256', this.#key).update(label).update('\u0000').update(canonical).digest();
    return { hi: digest.readUInt32BE(0), lo: digest.readUInt32BE(4) };
  }
}
