import { describe, expect, it } from 'vitest';
import { freezePage, toList, toListJson, type Page } from '../../src/http/pagination.js';
import { flagJson, serializeFlag } from '../../src/modules/feature-flags/serialize.js';
import type { Flag } from '../../src/modules/feature-flags/store.js';

const flag = (n: number, extra: Partial<Flag> = {}): Flag => ({
  id: `flag_01K0000000000000000000000${n}`,
  slug: `flag-"${n}"\u2028`,
  name: `Flag ${n} \\ é`,
  description: n % 2 ? null : 'line\nbreak',
  owner: n % 2 ? { email: 'o@example.com', first_name: null, last_name: 'Ö' } : null,
  tags: n % 2 ? [] : ['a', 'b"c'],
  enabled: n % 2 === 0,
  default_value: n % 3 === 0,
  created_at: '2026-01-01T00:00:00.000Z',
  updated_at: '2026-01-02T00:00:00.000Z',
  ...extra,
});

describe('toListJson', () => {
  const pages: Page<Flag>[] = [
    { rows: [], before: null, after: null },
    { rows: [flag(1)], before: 'flag_b', after: null },
    { rows: [flag(1), flag(2), Object.freeze(flag(3))], before: null, after: 'flag_a' },
    freezePage({ rows: [Object.freeze(flag(5)), Object.freeze(flag(6))], before: 'flag_c', after: 'flag_d' }),
  ];
  it.each(pages.map((page, i) => [i, page] as const))('page %i is the JSON of toList, field for field', (_, page) => {
    const text = toListJson(page, flagJson);
    expect(JSON.parse(text)).toEqual(toList(page, serializeFlag));
    expect(text).toBe(JSON.stringify(toList(page, serializeFlag)));
    // Asked again (a kept page is asked for again and again): the same text.
    expect(toListJson(page, flagJson)).toBe(text);
  });

  it('keeps the JSON of a frozen (cached) flag, not of one that may still change', () => {
    const open = flag(4);
    const before = flagJson(open);
    open.name = 'renamed';
    expect(flagJson(open)).not.toBe(before);
    expect(JSON.parse(flagJson(open)).name).toBe('renamed');
  });
});
