import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CHUNK, chunked, entries, flat, insertAt, removeAt, sameEntries } from '../../src/modules/events/chunked-list.js';
import { positionOf } from '../helpers/chunks.js';

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
    // Lengths over the whole range (fast-check keeps arrays short by default): lists of several chunks.
    const items = fc.array(fc.constantFrom('a', 'b', 'c'), { maxLength: 3 * CHUNK, size: 'max' });
    // Often CHUNK, so b is cut as chunked() cuts for a while and then otherwise.
    const cutSizes = fc.array(fc.oneof(fc.constant(CHUNK), fc.integer({ min: 1, max: 2 * CHUNK })), { maxLength: 8 });
    // b: a itself, a with one entry changed (anywhere, past equal chunks too), or another list.
    const pair = fc.oneof(
      items.map((a) => [a, [...a]]),
      fc.tuple(items, fc.nat()).map(([a, k]) => [a, a.map((x, i) => (i === k % Math.max(a.length, 1) ? 'd' : x))]),
      fc.tuple(items, items),
    );
    fc.assert(
      fc.property(pair, cutSizes, ([a, b], sizes) => {
        // b cut at its own places (every chunk non-empty).
        const cut: string[][] = [];
        let rest = [...b];
        for (const n of sizes) if (rest.length > 0) cut.push(rest.splice(0, n));
        if (rest.length > 0) cut.push(rest);
        expect(sameEntries(chunked(a), cut)).toBe(a.length === b.length && a.every((x, i) => x === b[i]));
        expect(sameEntries(chunked(b), cut)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
