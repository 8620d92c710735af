import { describe, expect, it } from 'vitest';
import { installChangeFeed } from '../../src/db/change-feed.js';
import type { PageRequest, SortKey } from '../../src/db/keyset.js';
import { openDatabase } from '../../src/db/open.js';
import { createFlagOrder, type Stretch } from '../../src/modules/feature-flags/flag-order.js';

// A kept page depends on the flags of the stretch it walked: from its cursor (exclusive) to the
// row past its last one (inclusive: it says whether a next page exists), or to the list's end.

const setUp = (count: number) => {
  const db = openDatabase(':memory:');
  // The columns the change feed's feature_flags rule names (id, default_value): without one it drops everything.
  db.exec('CREATE TABLE feature_flags (environment_id TEXT NOT NULL, id TEXT NOT NULL, created_at TEXT NOT NULL, default_value INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (environment_id, id))');
  const keys: SortKey[] = Array.from({ length: count }, (_, i) => ({ created_at: `2026-01-01T00:00:${String(i).padStart(2, '0')}.000Z`, id: `flag_${String(i).padStart(2, '0')}` }));
  // Inserted out of order: the order is the sort key's, not the insert's.
  for (const k of [...keys].reverse()) db.prepare('INSERT INTO feature_flags (environment_id, id, created_at) VALUES (?, ?, ?)').run('env', k.id, k.created_at);
  installChangeFeed(db);
  return { db, keys, order: createFlagOrder(db) };
};

const req = (scan: 'asc' | 'desc', limit: number, cursor: SortKey | null = null): PageRequest => ({ scan, limit, cursor, direction: cursor ? 'after' : null });
const named = (stretch: Stretch) => stretch.order.keys.slice(stretch.lo, stretch.hi + 1).map((k) => k.id.replace('flag_', ''));

describe('the flags a page depends on', () => {
  const { keys, order } = setUp(6);
  const k = (...i: number[]) => i.map((n) => keys[n]);
  const between = (cursor: SortKey, offset: number) => ({ created_at: cursor.created_at, id: cursor.id + (offset < 0 ? '' : 'z') });
  it.each([
    ['asc, first page, a next page', req('asc', 2), k(0, 1, 2), ['00', '01', '02']],
    ['asc, first page, the last one', req('asc', 2), k(0, 3), ['00', '01', '02', '03', '04', '05']],
    ['asc, past a cursor', req('asc', 2, keys[1]), k(2, 3, 4), ['02', '03', '04']],
    ['asc, past a cursor between rows (a deleted flag)', req('asc', 1, between(keys[1], 1)), k(2, 4), ['02', '03', '04']],
    ['desc, first page, a next page', req('desc', 2), k(5, 4, 3), ['03', '04', '05']],
    ['desc, first page, the last one', req('desc', 3), k(5, 1), ['00', '01', '02', '03', '04', '05']],
    ['desc, past a cursor', req('desc', 1, keys[4]), k(3, 1), ['01', '02', '03']],
    ['desc, past a cursor, to the end', req('desc', 2, keys[4]), k(2), ['00', '01', '02', '03']],
    ['an empty page past the end', req('asc', 2, keys[5]), [], []],
  ] as [string, PageRequest, SortKey[], string[]][])('%s', (_, request, fetched, expected) => {
    expect(named(order.stretchOf('env', request, fetched))).toEqual(expected);
  });
});

describe('a stretch stays unchanged', () => {
  const touch = (db: ReturnType<typeof setUp>['db'], id: string) => db.prepare("UPDATE feature_flags SET created_at = created_at WHERE id = ?").run(id);

  it('until a flag in it is written; writes to flags past it, or in another environment, leave it', () => {
    const { db, keys, order } = setUp(6);
    db.prepare('INSERT INTO feature_flags (environment_id, id, created_at) VALUES (?, ?, ?)').run('other', 'flag_01', keys[1].created_at);
    const stretch = order.stretchOf('env', req('asc', 2), keys.slice(0, 3));
    touch(db, 'flag_03');
    touch(db, 'flag_05');
    db.prepare("UPDATE feature_flags SET created_at = created_at WHERE environment_id = 'other'").run();
    expect(order.unchanged('env', stretch)).toBe(true);
    touch(db, 'flag_02');
    expect(order.unchanged('env', stretch)).toBe(false);
    // Read again after the write: true again.
    expect(order.unchanged('env', order.stretchOf('env', req('asc', 2), keys.slice(0, 3)))).toBe(true);
  });

  it('until a flag is created or deleted anywhere in the list', () => {
    const { db, keys, order } = setUp(3);
    const first = order.stretchOf('env', req('asc', 1), keys.slice(0, 2));
    db.prepare('INSERT INTO feature_flags (environment_id, id, created_at) VALUES (?, ?, ?)').run('env', 'flag_03', '2026-01-01T00:00:03.000Z');
    expect(order.unchanged('env', first)).toBe(false);
    const second = order.stretchOf('env', req('asc', 10), keys);
    expect(named(second)).toEqual(['00', '01', '02', '03']);
    db.prepare('DELETE FROM feature_flags WHERE id = ?').run('flag_03');
    expect(order.unchanged('env', second)).toBe(false);
    expect(named(order.stretchOf('env', req('asc', 10), keys))).toEqual(['00', '01', '02']);
  });
});
