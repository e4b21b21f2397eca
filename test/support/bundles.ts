/** Builds small synthetic bundles directly (no enrollment) for format and store tests. */
import { createHash } from 'node:crypto';
import { BUNDLE_VERSION, type Bundle } from '../../src/bundle/format.js';

/** A bundle with `n` records and random-looking fingerprints derived from `seed`. */
export function syntheticBundle(org: string, n: number, seed = 1, kcv = '0011223344556677'): Bundle {
  const mix = (i: number) => Math.imul(i + seed * 0x9e3779b1, 2654435761) >>> 0;
  const ids = { hi: new Uint32Array(n), lo: new Uint32Array(n), rec: new Uint32Array(n), field: new Uint8Array(n) };
  for (let i = 0; i < n; i++) {
    ids.hi[i] = mix(i);
    ids.lo[i] = mix(i ^ 0xabcdef);
    ids.rec[i] = i;
  }
  return {
    header: {
      format: 'leakwatch-bundle',
      version: BUNDLE_VERSION,
      org,
      created_at: '2026-11-23T00:00:00.000Z',
      kcv,
      record_id: 'patient_id',
      fields: [{ column: 'hetu', type: 'fi_hetu', role: 'primary', label: 'fi_hetu' }],
      params: { winnow_k: 40, winnow_w: 61, shingle_words: 3, boilerplate_min_docs: 3 },
      counts: {
        records: n,
        canaries: 0,
        identifier_fingerprints: n,
        corroborating_fingerprints: 0,
        documents: 0,
        document_fingerprints: 0,
        boilerplate_fingerprints: 0,
        invalid_values: {},
      },
    },
    recordIds: Array.from({ length: n }, (_, i) => `R-${seed}-${i}`),
    canary: new Uint8Array(n),
    ids,
    corro: { start: new Uint32Array(n + 1), hi: new Uint32Array(0), lo: new Uint32Array(0), field: new Uint8Array(0) },
    docRefs: [],
    docFpCount: new Uint32Array(0),
    winnow: { hi: new Uint32Array(0), lo: new Uint32Array(0), doc: new Uint32Array(0) },
    simhash: { hi: new Uint32Array(0), lo: new Uint32Array(0), has: new Uint8Array(0) },
  };
}

/** The sections of an encoded bundle: name, offset of its bytes, length. */
export function sectionTable(bytes: Buffer): { name: string; at: number; len: number }[] {
  let off = 16 + bytes.readUInt32LE(12);
  const count = bytes.readUInt32LE(off);
  off += 4;
  const out: { name: string; at: number; len: number }[] = [];
  for (let i = 0; i < count; i++) {
    const nlen = bytes.readUInt16LE(off);
    const name = bytes.toString('ascii', off + 2, off + 2 + nlen);
    const len = bytes.readUInt32LE(off + 2 + nlen);
    out.push({ name, at: off + 2 + nlen + 4, len });
    off += 2 + nlen + 4 + len;
  }
  return out;
}

/** The same bundle as an encoder without padding wrote it: pad sections dropped, count and checksum redone. */
export function withoutPadding(bytes: Buffer): Buffer {
  const hend = 16 + bytes.readUInt32LE(12);
  const kept = sectionTable(bytes).filter((s) => s.name !== 'pad');
  const count = Buffer.alloc(4);
  count.writeUInt32LE(kept.length);
  const body = Buffer.concat([bytes.subarray(0, hend), count, ...kept.map((s) => bytes.subarray(s.at - 6 - s.name.length, s.at + s.len))]);
  return Buffer.concat([body, createHash('sha256').update(body).digest()]);
}
