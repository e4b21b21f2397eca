/**
 * Turns a stream of decoded text into `text` parts of at most maxChunkChars,
 * cut after a newline or whitespace when one lies in the second half of the
 * window, so that tokens are rarely split. A run without any (a 100 MB single
 * line) is cut at a maxCellChars boundary; memory stays at one chunk.
 */
export class TextChunker {
  private buf = '';
  private readonly hardCut: number;

  constructor(
    private readonly emit: (text: string) => void,
    private readonly maxChunkChars: number,
    maxCellChars: number,
  ) {
    const cells = Math.floor(maxChunkChars / maxCellChars);
    this.hardCut = cells >= 1 ? cells * maxCellChars : maxChunkChars;
  }

  /** Adds text; emits every full chunk. */
  write(text: string): void {
    if (text.length === 0) return;
    this.buf = this.buf.length === 0 ? text : this.buf + text;
    while (this.buf.length >= this.maxChunkChars) {
      const cut = this.cutPoint();
      this.emit(this.buf.slice(0, cut));
      this.buf = this.buf.slice(cut);
    }
  }

  /** Emits whatever is left. */
  end(): void {
    if (this.buf.length > 0) this.emit(this.buf);
    this.buf = '';
  }

  private cutPoint(): number {
    const max = this.maxChunkChars;
    const half = max >> 1;
    const nl = this.buf.lastIndexOf('\n', max - 1);
    if (nl >= half) return nl + 1;
    for (let i = max - 1; i >= half; i--) {
      const c = this.buf.charCodeAt(i);
      if (c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0c) return i + 1;
    }
    let cut = this.hardCut;
    // Never separate a surrogate pair.
    const c = this.buf.charCodeAt(cut - 1);
    if (c >= 0xd800 && c <= 0xdbff && cut > 1) cut -= 1;
    return cut;
  }
}
