/**
 * Zip archives, streamed: ZipStream reads local headers as bytes arrive (no
 * central directory, no random access) and finds where entries written with
 * a data descriptor end. The compressed bytes it hands out are queued and
 * inflated afterwards (zlib, see inflater.ts) in small
 * steps, each step's output handed to the entry's own dispatch (a stream)
 * before the next, so memory stays at about one step's output however many
 * entries or how much compression one push holds. Limits: nesting depth,
 * entry count, total uncompressed bytes (halts the whole input) and the
 * ratio of each entry (cuts that entry).
 */
import { createHash, type Hash } from 'node:crypto';
import { ByteChannel, type ChannelEnd } from './byte-channel.js';
import { slices } from './byte-source.js';
import { report, throwIfAborted, type ExtractContext } from './context.js';
import type { Extractor } from './dispatch.js';
import { Inflater } from './inflater.js';
import type { DocumentRef } from './types.js';
import { RATIO_GRACE_BYTES } from './zip-directory.js';
import { ZipStream } from './zip-stream.js';

const NO_BYTES = new Uint8Array(0);
/** Bytes pushed to the unzipper at a time. */
const PUSH_BYTES = 16 * 1024;
/** Compressed bytes inflated per step; one step yields at most ~1032x this (4 MiB). */
const INFLATE_STEP = 4096;

interface EntryState {
  name: string;
  ref: DocumentRef;
  /** Why the entry is hashed as stored instead of decoded (encrypted, unknown method). */
  raw: string | undefined;
  compression: number;
  inflate: Inflater | undefined;
  compressedIn: number;
  out: number;
  done: boolean;
  channel: ByteChannel | undefined;
  task: Promise<void> | undefined;
  failure: unknown;
  rawHash: Hash | undefined;
  rawSize: number;
}

type ZipEvent =
  | { type: 'start'; st: EntryState }
  | { type: 'input'; st: EntryState; chunk: Uint8Array; final: boolean }
  /** Too many entries: entries announced before this one still get their turn. */
  | { type: 'halt' };

const LIMIT_RATIO: ChannelEnd = { code: 'LW_EXTRACT_LIMIT', message: 'entry exceeds maxRatio; cut short' };
const LIMIT_TOTAL: ChannelEnd = { code: 'LW_EXTRACT_LIMIT', message: 'maxTotalBytes reached; cut short' };
const HALTED: ChannelEnd = { code: 'LW_EXTRACT_LIMIT', message: 'extraction stopped at a limit; cut short' };
const CORRUPT_ENTRY: ChannelEnd = { code: 'LW_EXTRACT_CORRUPT', message: 'entry data is corrupt' };
const TRUNCATED_ENTRY: ChannelEnd = { code: 'LW_EXTRACT_CORRUPT', message: 'archive ends inside this entry' };

/** Strips control and bidi-override characters from an entry name (for display). */
function sanitizeEntryName(name: string): string {
  // eslint-disable-next-line no-control-regex
  const clean = name.replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, '');
  return clean.length > 1024 ? clean.slice(0, 1024) : clean;
}

/** True when an archive at `ref` would nest deeper than maxDepth (and says so). */
export function tooDeep(ref: DocumentRef, ctx: ExtractContext): boolean {
  if (ref.entry.length + 1 <= ctx.limits.maxDepth) return false;
  report(ctx, ref, 'LW_EXTRACT_LIMIT', 'archive nested deeper than maxDepth; hashed only');
  return true;
}

/** Extracts every entry of a zip archive. */
export const extractZip: Extractor = async (src, ref, _detected, ctx, dispatch) => {
  if (tooDeep(ref, ctx)) return;
  const { limits, totals } = ctx;
  const events: ZipEvent[] = [];
  /** The entry whose data is arriving (undefined while skipping one). */
  let current: EntryState | undefined;
  let tooMany = false;

  const zip = new ZipStream({
    entry(header) {
      current = undefined;
      if (totals.halted || tooMany) return;
      totals.entries++;
      if (totals.entries > limits.maxEntries) {
        tooMany = true;
        events.push({ type: 'halt' });
        return;
      }
      const encrypted = (header.flags & 0x41) !== 0 || header.method === 99;
      const known = header.method === 0 || header.method === 8;
      const name = sanitizeEntryName(header.name);
      const st: EntryState = {
        name,
        ref: { source: ref.source, entry: [...ref.entry, name], mediaType: 'application/octet-stream' },
        raw: encrypted ? 'entry is encrypted; hashed as stored' : known ? undefined : 'compression method not supported; hashed as stored',
        compression: header.method,
        inflate: undefined,
        compressedIn: 0,
        out: 0,
        // Directories carry no document; their (normally empty) data is dropped.
        done: header.name.endsWith('/'),
        channel: undefined,
        task: undefined,
        failure: undefined,
        rawHash: undefined,
        rawSize: 0,
      };
      if (st.done) return;
      events.push({ type: 'start', st });
      current = st;
    },
    data(chunk) {
      if (current !== undefined) events.push({ type: 'input', st: current, chunk, final: false });
    },
    entryEnd() {
      if (current !== undefined) events.push({ type: 'input', st: current, chunk: NO_BYTES, final: true });
    },
  });

  const deliver = async (): Promise<void> => {
    for (let i = 0; i < events.length; i++) await handle(events[i] as ZipEvent);
    events.length = 0;
  };

  const handle = async (ev: ZipEvent): Promise<void> => {
    if (ev.type === 'halt') {
      totals.halted = true;
      return;
    }
    const st = ev.st;
    if (st.done) return;
    if (ev.type === 'start') {
      if (totals.halted) {
        st.done = true;
        return;
      }
      start(st);
      return;
    }
    if (st.rawHash !== undefined) {
      st.rawHash.update(ev.chunk);
      st.rawSize += ev.chunk.length;
      if (ev.final) await finish(st);
      return;
    }
    if (st.compression === 0) {
      st.compressedIn += ev.chunk.length;
      if (!(await emit(st, ev.chunk))) return;
      if (ev.final) await finish(st);
      return;
    }
    st.inflate ??= new Inflater('raw');
    const steps = [...slices(ev.chunk, INFLATE_STEP)];
    if (steps.length === 0) steps.push(ev.chunk);
    for (let k = 0; k < steps.length; k++) {
      const step = steps[k] as Uint8Array;
      st.compressedIn += step.length;
      let produced: Uint8Array[];
      try {
        produced = st.inflate.push(step, ev.final && k === steps.length - 1);
      } catch {
        await finish(st, CORRUPT_ENTRY);
        return;
      }
      for (const data of produced) if (!(await emit(st, data))) return;
      throwIfAborted(ctx.signal);
    }
    if (ev.final) await finish(st);
  };

  const start = (st: EntryState): void => {
    if (st.raw !== undefined) {
      ctx.sink.begin(st.ref);
      report(ctx, st.ref, 'LW_EXTRACT_UNSUPPORTED', st.raw);
      st.rawHash = createHash('sha256');
      return;
    }
    st.channel = new ByteChannel();
    st.task = dispatch(st.channel, { source: ref.source, entry: st.ref.entry, name: st.name }).catch((err: unknown) => {
      st.failure = err;
    });
  };

  /** Hands decoded bytes to the entry, within the ratio and total limits; false once the entry is cut. */
  const emit = async (st: EntryState, data: Uint8Array): Promise<boolean> => {
    if (data.length === 0) return true;
    const byRatio = Math.max(st.compressedIn * limits.maxRatio, RATIO_GRACE_BYTES) - st.out;
    const byTotal = limits.maxTotalBytes - totals.bytes;
    const allowed = Math.max(0, Math.min(byRatio, byTotal, data.length));
    st.out += allowed;
    totals.bytes += allowed;
    if (allowed > 0) await st.channel?.write(allowed < data.length ? data.subarray(0, allowed) : data);
    if (st.failure !== undefined) throw st.failure;
    if (allowed === data.length) return true;
    if (byTotal <= byRatio) totals.halted = true;
    await finish(st, byTotal <= byRatio ? LIMIT_TOTAL : LIMIT_RATIO);
    return false;
  };

  const finish = async (st: EntryState, reason?: ChannelEnd): Promise<void> => {
    st.done = true;
    st.inflate?.close();
    st.inflate = undefined;
    if (st.rawHash !== undefined) {
      if (reason !== undefined) report(ctx, st.ref, reason.code, reason.message);
      ctx.sink.end(st.ref, { sha256: st.rawHash.digest('hex'), size: st.rawSize });
      return;
    }
    st.channel?.close(reason);
    await st.task;
    if (st.failure !== undefined) throw st.failure;
  };

  try {
    outer: for await (const chunk of src) {
      for (const slice of slices(chunk, PUSH_BYTES)) {
        if (totals.halted) break outer;
        zip.push(slice);
        await deliver();
        throwIfAborted(ctx.signal);
      }
    }
    const open = current as EntryState | undefined;
    if (open !== undefined && !open.done && (open.channel !== undefined || open.rawHash !== undefined)) {
      await finish(open, totals.halted ? HALTED : TRUNCATED_ENTRY);
    }
  } finally {
    // On abort, release a child still waiting for bytes, and the entry's native stream.
    (current as EntryState | undefined)?.channel?.close();
    (current as EntryState | undefined)?.inflate?.close();
  }
  if (tooMany) report(ctx, ref, 'LW_EXTRACT_LIMIT', 'archive has more entries than maxEntries; rest skipped');
  if (!totals.halted && (zip.inEntry || !zip.sawEnd)) report(ctx, ref, 'LW_EXTRACT_CORRUPT', 'archive is truncated or corrupt');
};
