import type { Scope } from '../../db/change-feed.js';
import { createKeptMap } from '../../db/kept-map.js';
import { compareKeys as compare, type PageRequest, type SortKey } from '../../db/keyset.js';
import type { Db } from '../../db/open.js';

/**
 * A flag list page can change only when a flag in the stretch of the list it walked changes: from
 * its cursor to the row past its last one (the row that says whether there is a next page), or to
 * the end of the list when there is none. A flag past that row cannot enter the page, whatever is
 * written to it. So a page is kept with the scopes of exactly those flags (`flag <id>`: their row
 * and rules), plus `flag order` (a flag created or deleted), and a toggle drops only the pages
 * whose stretch holds the toggled flag. A stretch of more than NAMED_FLAGS flags (a sparse list)
 * depends on `flags` instead: any flag's row or rules.
 */

/** Flags named one by one at most; past it a page depends on every flag. */
const NAMED_FLAGS = 64;

/** Environments whose flag order is kept at once (one small array each). */
const ENVIRONMENTS = 10_000;

export function createFlagOrder(db: Db) {
  const allKeys = db.prepare<[string], SortKey>('SELECT created_at, id FROM feature_flags WHERE environment_id = ? ORDER BY created_at, id');
  // The sort keys in list order, with each flag's scope name made once (pages share the strings).
  const kept = createKeptMap<{ keys: readonly SortKey[]; scopes: readonly Scope[] }>(db, { until: 'scopes', entries: ENVIRONMENTS });
  const orderOf = (environmentId: string) =>
    kept.through(
      environmentId,
      environmentId,
      () => {
        const keys = allKeys.all(environmentId);
        return Object.freeze({ keys, scopes: keys.map((k): Scope => `flag ${k.id}`) });
      },
      ['flag order'],
    );

  return {
    /**
     * The scopes of a page read with `req`; `fetched` are the rows it read in scan order (up to
     * limit + 1: the last one, when there are that many, only tells that a next page exists).
     */
    scopesOfPage(environmentId: string, req: PageRequest, fetched: readonly SortKey[]): Scope[] {
      const { keys, scopes: named } = orderOf(environmentId);
      const end = fetched.length > req.limit ? fetched[req.limit] : undefined;
      let lo: number;
      let hi: number;
      if (req.scan === 'asc') {
        lo = req.cursor ? firstAbove(keys, req.cursor) : 0;
        hi = end ? firstAbove(keys, end) - 1 : keys.length - 1;
      } else {
        hi = req.cursor ? firstAtOrAbove(keys, req.cursor) - 1 : keys.length - 1;
        lo = end ? firstAtOrAbove(keys, end) : 0;
      }
      if (hi - lo + 1 > NAMED_FLAGS) return ['flags', 'flag order'];
      const scopes: Scope[] = ['flag order'];
      for (let i = lo; i <= hi; i++) scopes.push(named[i]);
      return scopes;
    },
  };
}

export type FlagOrder = ReturnType<typeof createFlagOrder>;

/** The index of the first key greater than `key` (keys ascending). */
function firstAbove(keys: readonly SortKey[], key: SortKey): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (compare(keys[mid], key) <= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The index of the first key greater than or equal to `key`. */
function firstAtOrAbove(keys: readonly SortKey[], key: SortKey): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (compare(keys[mid], key) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
