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

  it('property: fieldSet is one number per set of fields seen, equal exactly when the sets are', () => {
    const op = fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 31 }));
    fc.assert(
      fc.property(fc.array(op, { maxLength: 300 }), (ops) => {
        const hits = new RecordHits(32);
        for (const [primary, rec, field] of ops) {
          const slot = hits.slotOf(rec);
          if (primary) hits.addPrimary(slot, field);
          else hits.addCorroborating(slot, field);
        }
        for (let a = 0; a < hits.size; a++) {
          for (let b = 0; b < hits.size; b++) {
            assert.equal(hits.fieldSet(a) === hits.fieldSet(b), hits.fields(a).join() === hits.fields(b).join());
          }
        }
      }),
      { seed: 9, numRuns: 200 },
    );
    // More than 32 fields: no single number.
    assert.equal(new RecordHits(33).fieldSet(new RecordHits(33).slotOf(1)), -1);
  });
});
