import { describe, expect, it } from 'vitest';
import { mergeKeyset } from '../../src/db/keyset.js';

const key = (created_at: string, id: string) => ({ created_at, id });
const a1 = key('2026-01-01T00:00:00.000Z', 'flag_A');
const b1 = key('2026-01-01T00:00:00.000Z', 'flag_B');
const c2 = key('2026-01-02T00:00:00.000Z', 'flag_0');
const d3 = key('2026-01-03T00:00:00.000Z', 'flag_D');

describe('mergeKeyset', () => {
  it('interleaves two ascending lists by created_at, then id', () => {
    expect(mergeKeyset([a1, d3], [b1, c2], 'asc', 10)).toEqual([a1, b1, c2, d3]);
  });

  it('interleaves two descending lists the other way round', () => {
    expect(mergeKeyset([d3, b1], [c2, a1], 'desc', 10)).toEqual([d3, c2, b1, a1]);
  });

  it('stops at the limit', () => {
    expect(mergeKeyset([a1, c2], [b1, d3], 'asc', 3)).toEqual([a1, b1, c2]);
  });

  it('takes either list whole when the other is empty', () => {
    expect(mergeKeyset([], [a1, b1], 'asc', 5)).toEqual([a1, b1]);
    expect(mergeKeyset([d3, c2], [], 'desc', 1)).toEqual([d3]);
  });
});
