import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CHUNK, chunked, entries, flat, insertAt, removeAt, sameEntries, type Chunks, type Position } from '../../src/modules/events/chunked-list.js';

// Where item k is in a chunked list, or (k = its length) where one more would go.
const positionOf = (list: Chunks, k: number): Position => {
  for (let c = 0; c < list.length; c++) {
    if (k < list[c].length) return { chunk: c, index: k };
    k -= list[c].length;
  }
  return list.length === 0 ? { chunk: 0, index: 0 } : { chunk: list.length - 1, index: list[list.length - 1].length };
};

describe('chunked lists', () => {
  it('hold what an array would after any inserts and removes, sharing every chunk but the one changed', () => {
    const op = fc.record({ insert: fc.boolean(), at: fc.nat(), item: fc.constantFrom('a', 'b', 'c', 'd') });
    fc.assert(
      fc.property(fc.array(fc.constantFrom('a', 'b', 'c'), { maxLength: 3 * CHUNK + 5 }), fc.array(op, { maxLength: 400 }), (start, ops) => {
        let list = chunked(start);
        const model: string[] = [...start];
        for (const o of ops) {
          const before = list;
          if (o.insert || model.length === 0) {
            const at = o.at % (model.length + 1);
            list = insertAt(list, positionOf(list, at), o.item);
            model.splice(at, 0, o.item);
          } else {
            const at = o.at % model.length;
            list = removeAt(list, positionOf(list, at));
            model.splice(at, 1);
          }
          expect(flat(list)).toEqual(model);
          expect(entries(list)).toBe(model.length);
          // No empty chunk, none past twice CHUNK, and at most two chunks (a split) not shared with the list before.
          for (const chunk of list) expect(chunk.length).toBeGreaterThan(0);
          for (const chunk of list) expect(chunk.length).toBeLessThanOrEqual(2 * CHUNK);
          expect(list.filter((chunk) => !before.includes(chunk)).length).toBeLessThanOrEqual(2);
          expect(before.filter((chunk) => !list.includes(chunk)).length).toBeLessThanOrEqual(1);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('compare by their entries, however they are cut', () => {
    const items = fc.array(fc.constantFrom('a', 'b', 'c'), { maxLength: 3 * CHUNK });
    fc.assert(
      fc.property(items, items, fc.array(fc.nat({ max: 2 * CHUNK - 1 }), { maxLength: 8 }), (a, b, cuts) => {
        // b cut at its own places (every chunk non-empty).
        const cut: string[][] = [];
        let rest = [...b];
        for (const n of cuts) if (rest.length > 0) cut.push(rest.splice(0, n + 1));
        if (rest.length > 0) cut.push(rest);
        expect(sameEntries(chunked(a), cut)).toBe(a.join() === b.join() && a.length === b.length);
        expect(sameEntries(chunked(b), cut)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
