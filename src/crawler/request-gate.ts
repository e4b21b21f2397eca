/** Bounds a site's request rate: at most `concurrency` in flight, at least `minDelayMs` between starts. */
import { setTimeout as delay } from 'node:timers/promises';

export class RequestGate {
  readonly #concurrency: number;
  readonly #minDelayMs: number;
  #active = 0;
  #nextStart = 0;
  readonly #waiting: (() => void)[] = [];

  constructor(concurrency: number, minDelayMs: number) {
    this.#concurrency = Math.max(1, concurrency);
    this.#minDelayMs = Math.max(0, minDelayMs);
  }

  /** Runs `fn` when a slot is free and the spacing allows. */
  async run<T>(fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    while (this.#active >= this.#concurrency) await new Promise<void>((r) => this.#waiting.push(r));
    this.#active++;
    try {
      const now = Date.now();
      const start = Math.max(now, this.#nextStart);
      this.#nextStart = start + this.#minDelayMs;
      if (start > now) await delay(start - now, undefined, { signal });
      return await fn();
    } finally {
      this.#active--;
      this.#waiting.shift()?.();
    }
  }
}
