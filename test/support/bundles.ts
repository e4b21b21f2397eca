/** Builds small synthetic bundles directly (no enrollment) for format and store tests. */
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
