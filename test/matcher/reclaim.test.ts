import assert from 'node:assert/strict';
import { constants, PerformanceObserver } from 'node:perf_hooks';
import { setImmediate as tick } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { runInNewContext } from 'node:vm';
import { encodeBundle } from '../../src/bundle/format.js';
import { deriveKeys, generateKey } from '../../src/keys/org-key.js';
import { DocumentMatcher } from '../../src/matcher/document-matcher.js';
import { loadOrgIndex } from '../../src/matcher/org-index.js';
import { MemoryReclaimer } from '../../src/matcher/reclaim.js';
import { syntheticBundle } from '../support/bundles.js';

/** The forced full collections (those a script asks for, not the engine's own) that run during `fn`. */
async function forcedCollections(fn: () => void): Promise<number> {
  let forced = 0;
  const obs = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const d = (e as unknown as { detail: { kind: number; flags: number } }).detail;
      if (d.kind === constants.NODE_PERFORMANCE_GC_MAJOR && (d.flags & constants.NODE_PERFORMANCE_GC_FLAGS_FORCED) !== 0) forced++;
    }
  });
  obs.observe({ entryTypes: ['gc'] });
  try {
    fn();
    // GC entries are delivered asynchronously.
    await tick();
    await tick();
  } finally {
    obs.disconnect();
  }
  return forced;
}

describe('MemoryReclaimer', () => {
  it('collects when asked once the interval of document bytes is reached, and counts from zero again', async () => {
    const r = new MemoryReclaimer(1000);
    r.documentDone(999);
    assert.equal(await forcedCollections(() => r.collectIfDue()), 0);
    assert.equal(r.collections, 0);
    // Noting a document never collects by itself.
    assert.equal(await forcedCollections(() => r.documentDone(1)), 0);
    assert.equal(await forcedCollections(() => r.collectIfDue()), 1);
    assert.equal(r.collections, 1);
    assert.equal(await forcedCollections(() => r.collectIfDue()), 0);
    r.documentDone(500);
    assert.equal(await forcedCollections(() => r.collectIfDue()), 0);
    r.documentDone(5000);
    assert.equal(await forcedCollections(() => r.collectIfDue()), 1);
    assert.equal(r.collections, 2);
  });

  it('frees what is no longer referenced', async () => {
    let garbage: object | null = { held: new Uint8Array(1024) };
    const ref = new WeakRef(garbage);
    garbage = null;
    // A WeakRef keeps its target until the job that made it has ended.
    await tick();
    const r = new MemoryReclaimer(1);
    r.documentDone(1);
    r.collectIfDue();
    assert.equal(ref.deref(), undefined);
  });

  it('never collects with an interval of 0, and refuses a negative or NaN one', async () => {
    const r = new MemoryReclaimer(0);
    r.documentDone(1e12);
    assert.equal(await forcedCollections(() => r.collectIfDue()), 0);
    assert.equal(r.collections, 0);
    assert.throws(() => new MemoryReclaimer(-1), RangeError);
    assert.throws(() => new MemoryReclaimer(Number.NaN), RangeError);
  });

  it('leaves the collector hidden from scripts and from contexts made later', () => {
    const r = new MemoryReclaimer(1);
    r.documentDone(1);
    r.collectIfDue();
    assert.equal(r.collections, 1);
    assert.equal(typeof (globalThis as { gc?: unknown }).gc, 'undefined');
    assert.equal(runInNewContext('typeof gc'), 'undefined');
  });
});

describe('DocumentMatcher and its reclaimer', () => {
  const key = generateKey();
  const org = loadOrgIndex(encodeBundle(syntheticBundle('clinic-a', 4, 1, deriveKeys(key).kcv)), key, { where: 'test' });
  const scanDocs = (reclaimer: MemoryReclaimer | null, sizes: number[]): void => {
    const m = new DocumentMatcher({ orgs: [org], reclaimer }, { url: null, path: 'x' });
    for (const size of sizes) {
      const ref = { source: 'x', entry: [], mediaType: 'text/plain' };
      m.begin(ref);
      m.part({ kind: 'text', text: 'nothing to see here' });
      m.end(ref, { sha256: '0'.repeat(64), size });
    }
  };

  it('collects at the first part of a document once the finished ones reach the interval, never at their end', async () => {
    const r = new MemoryReclaimer(100);
    // 40 + 40 + 40 reach it: the fourth document's part collects; 10 + 500 then reach it again,
    // but no document follows, so the last collection waits.
    assert.equal(await forcedCollections(() => scanDocs(r, [40, 40, 40, 10, 500])), 1);
    assert.equal(r.collections, 1);
    assert.equal(await forcedCollections(() => scanDocs(r, [1])), 1);
    assert.equal(r.collections, 2);
  });

  it('collects nothing with a null reclaimer', async () => {
    assert.equal(await forcedCollections(() => scanDocs(null, [1e9, 1e9])), 0);
  });
});
