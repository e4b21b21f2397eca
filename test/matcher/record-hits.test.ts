import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { RecordHits } from '../../src/matcher/record-hits.js';

describe('RecordHits', () => {
  it('property: behaves like a Map of records to primary and corroborating field sets, in first-hit order', () => {
    const op = fc.tuple(fc.constantFrom('p', 'c'), fc.integer({ min: 0, max: 5000 }), fc.integer({ min: 0, max: 69 }));
    fc.assert(
      fc.property(fc.array(op, { maxLength: 600 }), (ops) => {
        const hits = new RecordHits(70);
        const ref = new Map<number, { p: Set<number>; c: Set<number> }>();
        for (const [kind, rec, field] of ops) {
          const slot = hits.slotOf(rec);
          if (!ref.has(rec)) ref.set(rec, { p: new Set(), c: new Set() });
          const r = ref.get(rec)!;
          if (kind === 'p') {
            hits.addPrimary(slot, field);
            r.p.add(field);
          } else {
            assert.equal(hits.hasCorroborating(slot, field), r.c.has(field));
            hits.addCorroborating(slot, field);
            r.c.add(field);
          }
        }
        assert.equal(hits.size, ref.size);
        [...ref].forEach(([rec, r], slot) => {
          assert.equal(hits.recordAt(slot), rec);
          assert.equal(hits.slotOf(rec), slot);
          assert.deepEqual(hits.counts(slot), { primary: r.p.size, corroborating: r.c.size });
          assert.deepEqual(hits.fields(slot), [...new Set([...r.p, ...r.c])].sort((a, b) => a - b));
        });
      }),
      { seed: 3, numRuns: 300 },
    );
  });

  it('remembers which slots are settled, across growth, and no others', () => {
    const hits = new RecordHits(3);
    const settled = new Set<number>();
    for (let rec = 0; rec < 500; rec++) {
      const slot = hits.slotOf(rec * 7919);
      if (rec % 3 === 0) {
        hits.settle(slot);
        settled.add(slot);
      }
    }
    for (let slot = 0; slot < hits.size; slot++) assert.equal(hits.isSettled(slot), settled.has(slot));
  });
});
