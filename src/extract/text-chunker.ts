/**
 * Turns a stream of decoded text into `text` parts of at most maxChunkChars,
 * cut after a newline or whitespace when one lies in the second half of the
 * window, so that tokens are rarely split. A run without any (a 100 MB single
 * line) is cut at a maxCellChars boundary; memory stays at one chunk.
 *
 * Pending text is kept as the pieces it arrived in and searched piece by
 * piece: joining it into one string would make V8 copy the whole window into
 * a freshly allocated large string on every search. A chunk leaves as a
 * concatenation of its pieces, copied at most once, by whoever reads it.
 */
export class TextChunker {
  private pieces: string[] = [];
  /** Characters in `pieces`. */
  private pending = 0;
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
    this.pieces.push(text);
    this.pending += text.length;
    while (this.pending >= this.maxChunkChars) this.emit(this.take(this.cutPoint()));
  }

  /** Emits whatever is left. */
  end(): void {
    if (this.pending > 0) this.emit(this.take(this.pending));
  }

  /** Removes the first `n` pending characters and returns them as one string. */
  private take(n: number): string {
    const pieces = this.pieces;
    let out = '';
    let need = n;
    let used = 0;
    while (need > 0) {
      const p = pieces[used] as string;
      if (p.length <= need) {
        out = out.length === 0 ? p : out + p;
        need -= p.length;
        used++;
      } else {
        out = out.length === 0 ? p.slice(0, need) : out + p.slice(0, need);
        pieces[used] = p.slice(need);
        need = 0;
      }
    }
    pieces.splice(0, used);
    this.pending -= n;
    return out;
  }

  private cutPoint(): number {
    const max = this.maxChunkChars;
    const half = max >> 1;
    const nl = this.lastNewline(half, max);
    if (nl >= 0) return nl + 1;
    const ws = this.lastSpace(half, max);
    if (ws >= 0) return ws + 1;
    let cut = this.hardCut;
    // Never separate a surrogate pair.
    const c = this.charCodeAt(cut - 1);
    if (c >= 0xd800 && c <= 0xdbff && cut > 1) cut -= 1;
    return cut;
  }

  /** Offset of the last '\n' in [from, to) of the pending text, or -1. */
  private lastNewline(from: number, to: number): number {
    const pieces = this.pieces;
    let k = 0;
    let start = 0;
    while (k < pieces.length - 1 && start + (pieces[k] as string).length < to) start += (pieces[k++] as string).length;
    for (; k >= 0; k--) {
      const p = pieces[k] as string;
      if (start + p.length <= from) break;
      const at = p.lastIndexOf('\n', Math.min(p.length, to - start) - 1);
      if (at >= 0) return start + at >= from ? start + at : -1;
      if (k > 0) start -= (pieces[k - 1] as string).length;
    }
    return -1;
  }

  /** Offset of the last space, tab, CR or form feed in [from, to) of the pending text, or -1. */
  private lastSpace(from: number, to: number): number {
    const pieces = this.pieces;
    let k = 0;
    let start = 0;
    while (k < pieces.length - 1 && start + (pieces[k] as string).length < to) start += (pieces[k++] as string).length;
    for (; k >= 0; k--) {
      const p = pieces[k] as string;
      const lo = Math.max(from - start, 0);
      for (let i = Math.min(p.length, to - start) - 1; i >= lo; i--) {
        const c = p.charCodeAt(i);
        if (c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0c) return start + i;
      }
      if (lo > 0 || k === 0) break;
      start -= (pieces[k - 1] as string).length;
    }
    return -1;
  }

  private charCodeAt(at: number): number {
    let start = 0;
    for (const p of this.pieces) {
      if (at < start + p.length) return p.charCodeAt(at - start);
      start += p.length;
    }
    return NaN;
  }
}
