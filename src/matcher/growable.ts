/** Append-only typed arrays for building fingerprint sets of unknown size. */

/** A growable Uint32Array. */
export class GrowableU32 {
  #buf = new Uint32Array(1024);
  length = 0;

  push(v: number): void {
    if (this.length === this.#buf.length) {
      const next = new Uint32Array(this.#buf.length * 2);
      next.set(this.#buf);
      this.#buf = next;
    }
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
    if (this.length === this.#buf.length) {
      const next = new Uint8Array(this.#buf.length * 2);
      next.set(this.#buf);
      this.#buf = next;
    }
    this.#buf[this.length++] = v;
  }

  toArray(): Uint8Array {
    return this.#buf.slice(0, this.length);
  }
}
