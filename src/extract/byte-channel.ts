/**
 * Bridges a push-style producer (fflate's synchronous callbacks) to a pull-style
 * AsyncIterable with backpressure: write() resolves only once the consumer has
 * taken everything queued, so at most one producer step is ever buffered.
 */

/** Why a channel ended early, reported by the consumer as an issue on its document. */
export interface ChannelEnd {
  code: string;
  message: string;
}

/** A single-consumer byte stream fed by a producer that waits for it to be drained. */
export class ByteChannel implements AsyncIterable<Uint8Array> {
  private readonly queue: Uint8Array[] = [];
  private closed = false;
  private abandoned = false;
  private wakeConsumer: (() => void) | undefined;
  private readonly drained: (() => void)[] = [];
  /** Set when the producer cut the stream short (limit, corruption). */
  endReason: ChannelEnd | undefined;

  /** Queues a chunk; resolves once the consumer has taken all queued chunks. */
  write(chunk: Uint8Array): Promise<void> {
    if (this.abandoned || this.closed) return Promise.resolve();
    if (chunk.length > 0) this.queue.push(chunk);
    this.wake();
    if (this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.drained.push(resolve));
  }

  /** Ends the stream, optionally saying why it was cut short. */
  close(reason?: ChannelEnd): void {
    if (this.closed) return;
    this.closed = true;
    if (reason !== undefined) this.endReason = reason;
    this.wake();
  }

  private wake(): void {
    const w = this.wakeConsumer;
    this.wakeConsumer = undefined;
    w?.();
  }

  private settleDrained(): void {
    for (const r of this.drained.splice(0)) r();
  }

  [Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    return {
      next: async (): Promise<IteratorResult<Uint8Array>> => {
        for (;;) {
          const chunk = this.queue.shift();
          if (chunk !== undefined) {
            if (this.queue.length === 0) this.settleDrained();
            return { value: chunk, done: false };
          }
          this.settleDrained();
          if (this.closed || this.abandoned) return { value: undefined, done: true };
          await new Promise<void>((resolve) => {
            this.wakeConsumer = resolve;
          });
        }
      },
      return: async (): Promise<IteratorResult<Uint8Array>> => {
        this.abandoned = true;
        this.queue.length = 0;
        this.settleDrained();
        return { value: undefined, done: true };
      },
    };
  }
}
