/**
 * fflate's streaming Unzip reports an entry's name but not its general-purpose
 * flags, so encrypted entries would look like corrupt ones. This keeps the
 * last WINDOW bytes pushed to the unzipper and finds the local header of each
 * entry fflate announces (the header is always among the most recent bytes).
 * It also notices the end-of-central-directory record, whose absence means
 * the archive was cut short.
 */
import { concat } from './byte-source.js';

const WINDOW = 96 * 1024;
const EOCD = [0x50, 0x4b, 0x05, 0x06];

/** Finds local-header flags of announced entries in the recently pushed bytes. */
export class ZipHeaderFlags {
  private readonly recent: Uint8Array[] = [];
  private recentBytes = 0;
  private total = 0;
  private joined: Uint8Array | undefined;
  private joinedBase = 0;
  private cursor = 0;
  private tail = new Uint8Array(0);
  /** True once an end-of-central-directory signature went by. */
  sawEnd = false;

  /** Records the next bytes pushed to the unzipper. */
  append(slice: Uint8Array): void {
    this.recent.push(slice);
    this.recentBytes += slice.length;
    this.total += slice.length;
    while (this.recent.length > 1 && this.recentBytes - (this.recent[0] as Uint8Array).length >= WINDOW) {
      this.recentBytes -= (this.recent.shift() as Uint8Array).length;
    }
    this.joined = undefined;
    if (!this.sawEnd) {
      const edge = concat([this.tail, slice.subarray(0, 3)]);
      this.sawEnd = indexOfSig(edge, EOCD, 0) !== -1 || indexOfSig(slice, EOCD, 0) !== -1;
      this.tail = slice.slice(Math.max(0, slice.length - 3));
    }
  }

  /** The flags of the local header for `name` (0 when it cannot be found). */
  flagsFor(name: string): number {
    if (this.joined === undefined) {
      this.joined = concat(this.recent);
      this.joinedBase = this.total - this.recentBytes;
    }
    const b = this.joined;
    for (let p = Math.max(0, this.cursor - this.joinedBase); ; p++) {
      p = indexOfSig(b, [0x50, 0x4b, 0x03, 0x04], p);
      if (p === -1 || p + 30 > b.length) return 0;
      const flags = (b[p + 6] as number) | ((b[p + 7] as number) << 8);
      const nameLen = (b[p + 26] as number) | ((b[p + 27] as number) << 8);
      if (p + 30 + nameLen > b.length) continue;
      const raw = b.subarray(p + 30, p + 30 + nameLen);
      const decoded = flags & 0x800 ? new TextDecoder().decode(raw) : Buffer.from(raw).toString('latin1');
      if (decoded === name) {
        this.cursor = this.joinedBase + p + 30 + nameLen;
        return flags;
      }
    }
  }
}

function indexOfSig(b: Uint8Array, sig: readonly number[], from: number): number {
  for (let p = b.indexOf(sig[0] as number, from); p !== -1; p = b.indexOf(sig[0] as number, p + 1)) {
    if (p + sig.length > b.length) return -1;
    let ok = true;
    for (let k = 1; k < sig.length; k++) if (b[p + k] !== sig[k]) ok = false;
    if (ok) return p;
  }
  return -1;
}
