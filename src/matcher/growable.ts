/** Typed arrays that grow: doubling one, and append-only arrays for building fingerprint sets of unknown size. */

type Doublable = Uint8Array<ArrayBuffer> | Uint16Array<ArrayBuffer> | Int32Array<ArrayBuffer> | Uint32Array<ArrayBuffer>;

/** A copy of `a`, of the same type, twice as long (the rest zero). */
export function doubled<T extends Doublable>(a: T): T {
  const b = new (a.constructor as new (n: number) => T)(2 * a.length);
  b.set(a);
  return b;
}

/**
 * A copy of `a` at least `n` long (doubling), with `a` wiped: for arrays that
 * hold scanned text or what was derived from it.
 */
export function grownWiped<T extends Doublable>(a: T, n: number): T {
  let size = Math.max(1, a.length);
  while (size < n) size *= 2;
  const b = new (a.constructor as new (n: number) => T)(size);
  b.set(a);
  a.fill(0);
  return b;
}

/** A growable Uint32Array. */
export class GrowableU32 {
  #buf = new Uint32Array(1024);
  length = 0;

  push(v: number): void {
    if (this.length === this.#buf.length) this.#buf = doubled(this.#buf);
    this.#buf[this.length++] = v;
  }

  /** A trimmed copy. */
  toArray(): Uint32Array {
    return this.#buf.slice(0, this.length);
  }
}

/** A growable Uint8Array. */
export class GrowableU8 {
  #buf = new Uint8Array(1024);
  length = 0;

  push(v: number): void {
    if (this.length === this.#buf.length) this.#buf = doubled(this.#buf);
    this.#buf[this.length++] = v;
  }

  toArray(): Uint8Array {
    return this.#buf.slice(0, this.length);
  }
}
