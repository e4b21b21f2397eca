/**
 * Keyed identifier fingerprints: SipHash-2-4 (a 128-bit-key PRF) over the type
 * label, a NUL and the canonical value, giving 64 bits. The label keeps equal
 * strings of different types apart (a date is not a postcode). SipHash rather
 * than HMAC-SHA256 because a scan hashes every validated candidate and HMAC
 * costs ~3 µs a call in Node against ~0.1 µs here (bench/simhash.bench.ts).
 */
import { SCRATCH_BYTES, SIP_SCRATCH, SipHash } from './siphash.js';

/** A 64-bit fingerprint as two unsigned 32-bit halves (fast to compare, no BigInt). */
export interface Fp64 {
  hi: number;
  lo: number;
}

const encoder = new TextEncoder();

/** Computes keyed fingerprints of canonical identifier values. */
export class IdentifierHasher {
  readonly #sip: SipHash;
  /** UTF-8 of each label followed by its NUL. */
  readonly #prefixes = new Map<string, Uint8Array>();
  readonly #out = new Uint32Array(2);
  /** Result of the last `hashInto` / `hashWith`. */
  hi = 0;
  lo = 0;

  constructor(identifierKey: Uint8Array) {
    this.#sip = new SipHash(identifierKey);
  }

  /** Keyed 64-bit fingerprint of `canonical` under the type `label`. */
  hash(label: string, canonical: string): Fp64 {
    this.hashInto(label, canonical);
    return { hi: this.hi, lo: this.lo };
  }

  /** Same fingerprint as `hash`, left in `this.hi` / `this.lo`. */
  hashInto(label: string, canonical: string): void {
    this.hashWith(this.prefix(label), canonical);
  }

  /** The bytes every fingerprint of `label` starts with (UTF-8 of the label and a NUL), cached. */
  prefix(label: string): Uint8Array {
    let prefix = this.#prefixes.get(label);
    if (prefix === undefined) {
      prefix = encoder.encode(`${label}\u0000`);
      this.#prefixes.set(label, prefix);
    }
    return prefix;
  }

  /**
   * Fingerprints of `count` keys under one label (see `prefix`): key i is the
   * UTF-8 in bytes[at[i], at[i] + len[i]); its fingerprint goes to hi[i], lo[i].
   * The same values as `hashWith` of each decoded key, for the scan loop's
   * batches: the label is written once and nothing is allocated.
   */
  hashKeys(prefix: Uint8Array, bytes: Uint8Array, at: Int32Array, len: Int32Array, count: number, hi: Uint32Array, lo: Uint32Array): void {
    if (this.#sip.hashKeysInto(prefix, bytes, at, len, count, hi, lo)) return;
    const buf = SIP_SCRATCH;
    const p = prefix.length;
    for (let o = 0; o < p; o++) buf[o] = prefix[o]!;
    let dirty = p;
    for (let i = 0; i < count; i++) {
      const n = len[i]!;
      const a = at[i]!;
      if (p + n <= SCRATCH_BYTES) {
        // Bytes of a longer previous key may follow this one; the kernel masks everything past the length.
        for (let k = 0; k < n; k++) buf[p + k] = bytes[a + k]!;
        if (p + n > dirty) dirty = p + n;
        this.#sip.hashScratchInto(p + n, this.#out);
      } else {
        const message = new Uint8Array(p + n);
        message.set(prefix);
        message.set(bytes.subarray(a, a + n), p);
        this.#sip.hashBytesInto(message, p + n, this.#out);
        message.fill(0);
      }
      hi[i] = this.#out[0]!;
      lo[i] = this.#out[1]!;
    }
    // The shared scratch buffer outlives the call; no key may linger in it.
    buf.fill(0, 0, dirty);
  }

  /**
   * `hashInto` with the label's prefix given (see `prefix`): the scan loop
   * hashes every candidate, so this allocates nothing for ASCII values.
   */
  hashWith(prefix: Uint8Array, canonical: string): void {
    const buf = SIP_SCRATCH;
    const n = prefix.length + canonical.length;
    let o = 0;
    if (n <= SCRATCH_BYTES) {
      // Loops, not set/fill: for a few bytes their call overhead showed in profiles.
      for (; o < prefix.length; o++) buf[o] = prefix[o]!;
      for (let i = 0; i < canonical.length; i++) {
        const c = canonical.charCodeAt(i);
        if (c >= 0x80) break;
        buf[o++] = c;
      }
    }
    if (o === n) {
      this.#sip.hashScratchInto(n, this.#out);
    } else {
      // Non-ASCII or long values: the general UTF-8 encoding.
      const bytes = new Uint8Array(prefix.length + 4 * canonical.length);
      bytes.set(prefix);
      const { written } = encoder.encodeInto(canonical, bytes.subarray(prefix.length));
      this.#sip.hashBytesInto(bytes, prefix.length + written, this.#out);
    }
    // The shared scratch buffer outlives the call; the value must not linger in it.
    for (let i = 0; i < o; i++) buf[i] = 0;
    this.hi = this.#out[0]!;
    this.lo = this.#out[1]!;
  }
}
