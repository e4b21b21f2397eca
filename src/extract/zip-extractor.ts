/**
 * Zip archives, streamed: fflate's Unzip reads local headers as bytes arrive
 * (no central directory, no random access), and every entry's uncompressed
 * bytes are fed to the dispatcher as a stream of their own. Memory is bounded
 * by the push size times maxRatio. Limits: nesting depth, entry count, total
 * uncompressed bytes (which halts the whole input), and the ratio of each
 * entry (which cuts that entry).
 */
import { createHash, type Hash } from 'node:crypto';
import { Inflate, Unzip, type FlateError, type UnzipDecoder } from 'fflate';
import { ByteChannel, type ChannelEnd } from './byte-channel.js';
import { slices } from './byte-source.js';
import { report, throwIfAborted, type ExtractContext } from './context.js';
import type { Dispatch, Extractor } from './dispatch.js';
import type { DocumentRef } from './types.js';
import { ZipHeaderFlags } from './zip-header-flags.js';
import { RATIO_GRACE_BYTES } from './zip-directory.js';

/** Bytes pushed to the unzipper at a time; one push inflates to at most ~1032x this. */
const PUSH_BYTES = 16 * 1024;

interface EntryState {
  name: string;
  /** Why the entry is hashed as stored instead of decoded (encrypted, unknown method). */
  raw: string | undefined;
  compressedIn: number;
  out: number;
  done: boolean;
  decoder: EntryDecoder | undefined;
  channel: ByteChannel | undefined;
  task: Promise<void> | undefined;
  failure: unknown;
  rawRef: DocumentRef | undefined;
  rawHash: Hash | undefined;
  rawSize: number;
}

type ZipEvent =
  | { type: 'start'; st: EntryState }
  | { type: 'data'; st: EntryState; chunk: Uint8Array }
  | { type: 'end'; st: EntryState; reason?: ChannelEnd };

interface EntryDecoder extends UnzipDecoder {
  stop(): void;
}

const LIMIT_RATIO: ChannelEnd = { code: 'LW_EXTRACT_LIMIT', message: 'entry exceeds maxRatio; cut short' };
const LIMIT_TOTAL: ChannelEnd = { code: 'LW_EXTRACT_LIMIT', message: 'maxTotalBytes reached; cut short' };
const HALTED: ChannelEnd = { code: 'LW_EXTRACT_LIMIT', message: 'extraction stopped at a limit; cut short' };
const CORRUPT_ENTRY: ChannelEnd = { code: 'LW_EXTRACT_CORRUPT', message: 'entry data is corrupt' };
const TRUNCATED_ENTRY: ChannelEnd = { code: 'LW_EXTRACT_CORRUPT', message: 'archive ends inside this entry' };

/** Strips control and bidi-override characters from an entry name (for display). */
export function sanitizeEntryName(name: string): string {
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
  const flags = new ZipHeaderFlags();
  let starting: EntryState | undefined;
  let current: EntryState | undefined;
  let tooMany = false;
  let truncated = false;

  const unzip = new Unzip();
  const decoderFor = (compression: number) =>
    class implements EntryDecoder {
      static compression = compression;
      ondata: (err: FlateError | null, data: Uint8Array, final: boolean) => void = () => undefined;
      private readonly st: EntryState;
      private inflate: Inflate | undefined;
      private stopped = false;

      constructor() {
        // fflate constructs the decoder inside file.start(), which onfile calls right after setting `starting`.
        this.st = starting as EntryState;
        this.st.decoder = this;
        if (this.st.raw === undefined && compression === 8) {
          this.inflate = new Inflate((data, final) => this.ondata(null, data, final));
        }
      }

      stop(): void {
        this.stopped = true;
        this.inflate = undefined;
      }

      push(chunk: Uint8Array, final: boolean): void {
        if (this.stopped) return;
        this.st.compressedIn += chunk.length;
        if (this.inflate === undefined) {
          this.ondata(null, chunk, final);
          return;
        }
        try {
          this.inflate.push(chunk, final);
        } catch (err) {
          this.stop();
          this.ondata(err as FlateError, new Uint8Array(0), false);
        }
      }
    };
  unzip.register(decoderFor(0));
  unzip.register(decoderFor(8));

  const finish = (st: EntryState, reason?: ChannelEnd): void => {
    st.done = true;
    st.decoder?.stop();
    events.push(reason === undefined ? { type: 'end', st } : { type: 'end', st, reason });
  };

  const onData = (st: EntryState, err: FlateError | null, data: Uint8Array, final: boolean): void => {
    if (st.done) return;
    if (err !== null) return finish(st, CORRUPT_ENTRY);
    let chunk = data;
    if (st.raw === undefined && chunk.length > 0) {
      const byRatio = Math.max(st.compressedIn * limits.maxRatio, RATIO_GRACE_BYTES) - st.out;
      const byTotal = limits.maxTotalBytes - totals.bytes;
      const allowed = Math.max(0, Math.min(byRatio, byTotal));
      if (chunk.length > allowed) {
        chunk = chunk.subarray(0, allowed);
        st.out += allowed;
        totals.bytes += allowed;
        if (allowed > 0) events.push({ type: 'data', st, chunk });
        if (byTotal <= byRatio) totals.halted = true;
        return finish(st, byTotal <= byRatio ? LIMIT_TOTAL : LIMIT_RATIO);
      }
      st.out += chunk.length;
      totals.bytes += chunk.length;
    }
    if (chunk.length > 0) events.push({ type: 'data', st, chunk });
    if (final) finish(st);
  };

  unzip.onfile = (file) => {
    if (totals.halted) return;
    totals.entries++;
    if (totals.entries > limits.maxEntries) {
      tooMany = true;
      totals.halted = true;
      return;
    }
    const f = flags.flagsFor(file.name);
    const encrypted = (f & 0x41) !== 0 || file.compression === 99;
    const known = file.compression === 0 || file.compression === 8;
    const st: EntryState = {
      name: sanitizeEntryName(file.name),
      raw: encrypted ? 'entry is encrypted; hashed as stored' : known ? undefined : 'compression method not supported; hashed as stored',
      compressedIn: 0,
      out: 0,
      done: false,
      decoder: undefined,
      channel: undefined,
      task: undefined,
      failure: undefined,
      rawRef: undefined,
      rawHash: undefined,
      rawSize: 0,
    };
    // Directories carry no document; their (normally empty) data is still consumed.
    const isDirectory = file.name.endsWith('/');
    if (!isDirectory) events.push({ type: 'start', st });
    else st.done = true;
    if (!known) unzip.register(decoderFor(file.compression));
    file.ondata = (err, data, final) => onData(st, err, data, final);
    starting = st;
    current = isDirectory ? current : st;
    file.start();
    starting = undefined;
  };

  const deliver = async (): Promise<void> => {
    for (let i = 0; i < events.length; i++) await handle(events[i] as ZipEvent, ref, ctx, dispatch);
    events.length = 0;
  };

  try {
    outer: for await (const chunk of src) {
      for (const slice of slices(chunk, PUSH_BYTES)) {
        if (totals.halted) break outer;
        flags.append(slice);
        unzip.push(slice);
        await deliver();
        throwIfAborted(ctx.signal);
      }
    }
    if (!totals.halted) {
      try {
        unzip.push(new Uint8Array(0), true);
      } catch {
        truncated = true;
      }
      await deliver();
    }
    const open = current as EntryState | undefined;
    if (open !== undefined && !open.done) {
      finish(open, totals.halted ? HALTED : TRUNCATED_ENTRY);
      await deliver();
    }
  } finally {
    // On abort, release a child still waiting for bytes.
    const open = current as EntryState | undefined;
    open?.channel?.close();
  }
  if (tooMany) report(ctx, ref, 'LW_EXTRACT_LIMIT', 'archive has more entries than maxEntries; rest skipped');
  if (!totals.halted && (truncated || !flags.sawEnd)) report(ctx, ref, 'LW_EXTRACT_CORRUPT', 'archive is truncated or corrupt');
};

/** Passes one unzip event on: to a child dispatch, or (raw entries) into a hash. */
async function handle(ev: ZipEvent, ref: DocumentRef, ctx: ExtractContext, dispatch: Dispatch): Promise<void> {
  const st = ev.st;
  const entry = [...ref.entry, st.name];
  switch (ev.type) {
    case 'start':
      if (st.raw !== undefined) {
        st.rawRef = { source: ref.source, entry, mediaType: 'application/octet-stream' };
        ctx.sink.begin(st.rawRef);
        report(ctx, st.rawRef, 'LW_EXTRACT_UNSUPPORTED', st.raw);
        st.rawHash = createHash('sha256');
        return;
      }
      st.channel = new ByteChannel();
      st.task = dispatch(st.channel, { source: ref.source, entry, name: st.name }).catch((err: unknown) => {
        st.failure = err;
      });
      return;
    case 'data':
      if (st.rawHash !== undefined) {
        st.rawHash.update(ev.chunk);
        st.rawSize += ev.chunk.length;
        return;
      }
      await st.channel?.write(ev.chunk);
      if (st.failure !== undefined) throw st.failure;
      return;
    case 'end':
      if (st.rawHash !== undefined && st.rawRef !== undefined) {
        if (ev.reason !== undefined) report(ctx, st.rawRef, ev.reason.code, ev.reason.message);
        ctx.sink.end(st.rawRef, { sha256: st.rawHash.digest('hex'), size: st.rawSize });
        return;
      }
      st.channel?.close(ev.reason);
      await st.task;
      if (st.failure !== undefined) throw st.failure;
      return;
  }
}
