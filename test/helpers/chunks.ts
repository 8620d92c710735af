import type { Chunks, Position } from '../../src/modules/events/chunked-list.js';

/** Where item k of a chunked list is, or (k = its length) where one more would go. */
export function positionOf(list: Chunks, k: number): Position {
  for (let c = 0; c < list.length; c++) {
    if (k < list[c].length) return { chunk: c, index: k };
    k -= list[c].length;
  }
  return list.length === 0 ? { chunk: 0, index: 0 } : { chunk: list.length - 1, index: list[list.length - 1].length };
}
