/**
 * Index of 64-bit simhashes answering "all entries within Hamming distance
 * <= 3" (Manku, Jain & Das Sarma, WWW 2007, permuted tables).
 *
 * The 64 bits are cut into four 16-bit blocks. Two values that differ in at
 * most 3 bits leave at least one block untouched (pigeonhole), so one table per
 * block, ordered by that block, finds every candidate with four exact lookups;
 * candidates are then checked bit by bit. Tables are bucketed by counting sort
 * (a direct 2^16-slot offset array instead of binary search); with n entries a
 * bucket holds about n / 65536 of them, ~15 for a million.
 */
import { LeakwatchError } from '../errors.js';
import { hamming64 } from './simhash.js';

/** Largest distance the four-block pigeonhole argument covers. */
export const HAMMING_INDEX_MAX_DISTANCE = 3;

const BLOCKS = 4;
const BUCKETS = 1 << 16;

/** One indexed simhash and the caller's id for it. */
export interface HammingEntry {
  hi: number;
  lo: number;
  id: number;
}

/** Column form for large indexes: hi[i], lo[i] belong to id[i]. */
export interface HammingColumns {
  hi: Uint32Array;
  lo: Uint32Array;
  id: ArrayLike<number>;
}

export interface HammingMatch {
  id: number;
  distance: number;
}

/** Block b (0 = top 16 bits of hi, 3 = low 16 bits of lo). */
function block(hi: number, lo: number, b: number): number {
  switch (b) {
    case 0:
      return hi >>> 16;
    case 1:
      return hi & 0xffff;
    case 2:
      return lo >>> 16;
    default:
      return lo & 0xffff;
  }
}

/** Immutable Hamming-distance index over 64-bit values. */
export class HammingIndex {
  private readonly hi: Uint32Array;
  private readonly lo: Uint32Array;
  private readonly ids: Float64Array;
  /** Per block: bucket start offsets (BUCKETS + 1) and entry numbers ordered by that block. */
  private readonly starts: Uint32Array[] = [];
  private readonly order: Uint32Array[] = [];

  constructor(entries: readonly HammingEntry[] | HammingColumns) {
    if (Array.isArray(entries)) {
      const list = entries as readonly HammingEntry[];
      const n = list.length;
      this.hi = new Uint32Array(n);
      this.lo = new Uint32Array(n);
      this.ids = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const e = list[i]!;
        this.hi[i] = e.hi;
        this.lo[i] = e.lo;
        this.ids[i] = e.id;
      }
    } else {
      const cols = entries as HammingColumns;
      const n = cols.hi.length;
      if (cols.lo.length !== n || cols.id.length !== n) {
        throw new LeakwatchError('LW_USAGE', 'Hamming index columns differ in length');
      }
      this.hi = Uint32Array.from(cols.hi);
      this.lo = Uint32Array.from(cols.lo);
      this.ids = Float64Array.from(cols.id);
    }
    const n = this.hi.length;
    for (let b = 0; b < BLOCKS; b++) {
      const starts = new Uint32Array(BUCKETS + 1);
      for (let i = 0; i < n; i++) {
        const v = block(this.hi[i]!, this.lo[i]!, b) + 1;
        starts[v] = starts[v]! + 1;
      }
      for (let v = 0; v < BUCKETS; v++) starts[v + 1] = starts[v + 1]! + starts[v]!;
      const fill = starts.slice(0, BUCKETS);
      const order = new Uint32Array(n);
      for (let i = 0; i < n; i++) {
        const v = block(this.hi[i]!, this.lo[i]!, b);
        order[fill[v]!] = i;
        fill[v] = fill[v]! + 1;
      }
      this.starts.push(starts);
      this.order.push(order);
    }
  }

  /** Number of indexed entries. */
  get size(): number {
    return this.hi.length;
  }

  /** All entries within `maxDistance` (0..3) of the query, nearest first, then by id. */
  query(hi: number, lo: number, maxDistance = HAMMING_INDEX_MAX_DISTANCE): HammingMatch[] {
    if (!Number.isInteger(maxDistance) || maxDistance < 0 || maxDistance > HAMMING_INDEX_MAX_DISTANCE) {
      throw new LeakwatchError('LW_USAGE', `Hamming index answers distances 0..${HAMMING_INDEX_MAX_DISTANCE}`);
    }
    hi >>>= 0;
    lo >>>= 0;
    const matches: HammingMatch[] = [];
    const qBlocks = [block(hi, lo, 0), block(hi, lo, 1), block(hi, lo, 2), block(hi, lo, 3)];
    for (let b = 0; b < BLOCKS; b++) {
      const key = qBlocks[b]!;
      const starts = this.starts[b]!;
      const order = this.order[b]!;
      const end = starts[key + 1]!;
      for (let j = starts[key]!; j < end; j++) {
        const i = order[j]!;
        const eHi = this.hi[i]!;
        const eLo = this.lo[i]!;
        // Report each entry once: from the first block it shares with the query.
        let seen = false;
        for (let earlier = 0; earlier < b && !seen; earlier++) {
          seen = block(eHi, eLo, earlier) === qBlocks[earlier];
        }
        if (seen) continue;
        const distance = hamming64(hi, lo, eHi, eLo);
        if (distance <= maxDistance) matches.push({ id: this.ids[i]!, distance });
      }
    }
    return matches.sort((x, y) => x.distance - y.distance || x.id - y.id);
  }
}
