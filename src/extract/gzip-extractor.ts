/**
 * Gzip, streamed: the decompressed bytes are one inner document, dispatched
 * like any other (tar is recognised there and hashed only). Counts against
 * maxDepth, maxRatio and maxTotalBytes like a zip entry.
 */
import { ByteChannel, type ChannelEnd } from './byte-channel.js';
import { slices } from './byte-source.js';
import { throwIfAborted } from './context.js';
import { extensionOf } from './detect.js';
import type { Extractor } from './dispatch.js';
import { Inflater } from './inflater.js';
import { RATIO_GRACE_BYTES } from './zip-directory.js';
import { tooDeep } from './zip-extractor.js';

/** Compressed bytes per push; one push inflates to at most ~1032x this. */
const PUSH_BYTES = 4 * 1024;

/** Name of the member: the gzip's own name without .gz (.tgz becomes .tar). */
function gunzippedName(name: string): string {
  const base = name.replace(/[?#].*$/s, '').replace(/\/+$/, '');
  const last = base.slice(base.lastIndexOf('/') + 1) || 'data';
  const ext = extensionOf(last);
  if (ext === 'gz') return last.slice(0, -3) || 'data';
  if (ext === 'tgz') return `${last.slice(0, -4)}.tar`;
  return last;
}

/** Extracts the member of a gzip stream. */
export const extractGzip: Extractor = async (src, ref, _detected, ctx, dispatch) => {
  if (tooDeep(ref, ctx)) return;
  const { limits, totals } = ctx;
  const name = gunzippedName(ref.entry.at(-1) ?? ref.source);
  const channel = new ByteChannel();
  let failure: unknown;
  const task = dispatch(channel, { source: ref.source, entry: [...ref.entry, name], name }).catch((err: unknown) => {
    failure = err;
  });
  let compressedIn = 0;
  let out = 0;
  let pending: Uint8Array[] = [];
  let cut: ChannelEnd | undefined;
  const gunzip = new Inflater('gzip');
  /** Queues inflated bytes within the ratio and total limits; past them, cuts the stream. */
  const take = (produced: Uint8Array[]): void => {
    for (const data of produced) {
      if (cut !== undefined) return;
      const byRatio = Math.max(compressedIn * limits.maxRatio, RATIO_GRACE_BYTES) - out;
      const byTotal = limits.maxTotalBytes - totals.bytes;
      const allowed = Math.max(0, Math.min(byRatio, byTotal));
      const chunk = data.length > allowed ? data.subarray(0, allowed) : data;
      out += chunk.length;
      totals.bytes += chunk.length;
      if (chunk.length > 0) pending.push(chunk);
      if (chunk.length < data.length) {
        if (byTotal <= byRatio) totals.halted = true;
        cut = {
          code: 'LW_EXTRACT_LIMIT',
          message: byTotal <= byRatio ? 'maxTotalBytes reached; cut short' : 'gzip stream exceeds maxRatio; cut short',
        };
      }
    }
  };
  const flush = async (): Promise<void> => {
    for (const p of pending) await channel.write(p);
    pending = [];
    if (failure !== undefined) throw failure;
  };
  try {
    outer: for await (const chunk of src) {
      for (const slice of slices(chunk, PUSH_BYTES)) {
        if (cut !== undefined || totals.halted) break outer;
        compressedIn += slice.length;
        try {
          take(gunzip.push(slice, false));
        } catch {
          cut = { code: 'LW_EXTRACT_CORRUPT', message: 'gzip data is corrupt' };
        }
        await flush();
        throwIfAborted(ctx.signal);
      }
    }
    if (cut === undefined && !totals.halted) {
      try {
        take(gunzip.push(new Uint8Array(0), true));
      } catch {
        cut = { code: 'LW_EXTRACT_CORRUPT', message: 'gzip stream is truncated or corrupt' };
      }
      await flush();
    }
  } finally {
    gunzip.close();
    channel.close(cut ?? (totals.halted ? { code: 'LW_EXTRACT_LIMIT', message: 'extraction stopped at a limit; cut short' } : undefined));
  }
  await task;
  if (failure !== undefined) throw failure;
};
