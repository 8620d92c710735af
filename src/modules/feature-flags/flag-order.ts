import { changeFeedOf } from '../../db/change-feed.js';
import { createKeptMap } from '../../db/kept-map.js';
import { compareKeys as compare, type PageRequest, type SortKey } from '../../db/keyset.js';
import type { Db } from '../../db/open.js';

/**
 * A flag list page can change only when a flag in the stretch of the list it walked changes: from
 * its cursor to the row past its last one (the row that says whether there is a next page), or to
 * the end of the list when there is none. A flag past that row cannot enter the page, whatever is
 * written to it. So a page remembers its stretch, and it stays true while no flag in it was
 * written since the page was read and no flag was created or deleted: a toggle leaves every page
 * whose stretch does not hold the toggled flag.
 *
 * The check is made when the page is read again, not when a flag is written: each flag of the
 * environment's order has a stamp, the count of flag writes when it was last written (its row or
 * its rules: change-feed.ts scope `flag <id>`), and a page is true while every stamp of its stretch
 * is older than the page. A write costs one stamp; a page costs nothing to keep and a comparison
 * per flag of its stretch to check.
 */

/** Environments whose flag order is kept at once (one small array each). */
const ENVIRONMENTS = 10_000;

/** Flags read at once into empty slots of a walk. */
const WALK_BATCH = 64;

/** One environment's flags in list order, while none is created or deleted. */
interface Order {
  keys: readonly SortKey[];
  indexOf: ReadonlyMap<string, number>;
  /** Per flag: the write count when it was last written (0: not since the order was read). */
  stamps: Float64Array;
  /**
   * Per flag: its row as the flag cache gave it, until it is written (the feed's listener empties
   * the slot). Filled outside transactions only: a row read inside one may yet roll back.
   */
  rows: unknown[];
}

/** The stretch a page walked, as `stretchOf` gives it and `unchanged` checks it. */
export interface Stretch {
  order: Order;
  lo: number;
  hi: number;
  /** The write count when the page was read. */
  readAt: number;
}

export function createFlagOrder(db: Db) {
  const allKeys = db.prepare<[string], SortKey>('SELECT created_at, id FROM feature_flags WHERE environment_id = ? ORDER BY created_at, id');
  // Until a flag of the environment is created or deleted (a bulk write or a table without a rule drops it too).
  const kept = createKeptMap<Order>(db, { until: 'scopes', entries: ENVIRONMENTS });
  // The order last read per environment, for the feed's listener: it runs inside SQLite's write,
  // where the kept map may not be read (a file database's read checks data_version).
  const lastRead = new Map<string, Order>();
  let writes = 0;
  let listening = false;

  const listen = () => {
    const feed = changeFeedOf(db);
    if (!feed || listening) return;
    listening = true;
    feed.listen({
      everything: () => {},
      written: () => {},
      scope(environmentId, scope) {
        if (!scope.startsWith('flag ') || scope === 'flag order') return;
        const order = lastRead.get(environmentId);
        const index = order?.indexOf.get(scope.slice('flag '.length));
        if (index !== undefined) {
          order!.stamps[index] = ++writes;
          order!.rows[index] = undefined;
        }
      },
    });
  };

  const orderOf = (environmentId: string): Order => {
    listen();
    return kept.through(
      environmentId,
      environmentId,
      () => {
        const keys = allKeys.all(environmentId);
        const order = { keys, indexOf: new Map(keys.map((k, i) => [k.id, i])), stamps: new Float64Array(keys.length), rows: new Array(keys.length) };
        if (lastRead.size >= ENVIRONMENTS) lastRead.clear();
        lastRead.set(environmentId, order);
        return order;
      },
      ['flag order'],
    );
  };

  return {
    /**
     * The stretch of a page read with `req`; `fetched` are the rows it read in scan order (up to
     * limit + 1: the last one, when there are that many, only tells that a next page exists).
     * Call it before reading the page, or with what was read in the same synchronous step.
     */
    stretchOf(environmentId: string, req: PageRequest, fetched: readonly SortKey[]): Stretch {
      const order = orderOf(environmentId);
      const { keys } = order;
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
      return { order, lo, hi, readAt: writes };
    },

    /**
     * What a keyset read of the environment's flags with `req` gives (up to limit + 1 rows in scan
     * order past the cursor), of the rows `include` takes, walked in memory over the kept order:
     * no statement, and a row per flag walked from its slot. `rowsOf` gives the rows of flag ids
     * (the flag cache); a flag it does not give is skipped.
     */
    walk<T>(environmentId: string, req: PageRequest, rowsOf: (ids: readonly string[]) => ReadonlyMap<string, T>, include: (row: T) => boolean): T[] {
      const order = orderOf(environmentId);
      const { keys, rows } = order;
      const want = req.limit + 1;
      const step = req.scan === 'asc' ? 1 : -1;
      let i = req.scan === 'asc' ? (req.cursor ? firstAbove(keys, req.cursor) : 0) : (req.cursor ? firstAtOrAbove(keys, req.cursor) : keys.length) - 1;
      const fill = !db.inTransaction;
      const out: T[] = [];
      for (; i >= 0 && i < keys.length && out.length < want; i += step) {
        let row = rows[i] as T | undefined;
        if (row === undefined) {
          // The empty slots ahead in one read (a cold order fills in a few).
          const ids: string[] = [];
          for (let j = i; j >= 0 && j < keys.length && ids.length < WALK_BATCH; j += step) if (rows[j] === undefined) ids.push(keys[j].id);
          const found = rowsOf(ids);
          row = found.get(keys[i].id);
          if (fill) for (const id of ids) rows[order.indexOf.get(id)!] = found.get(id);
        }
        if (row !== undefined && include(row)) out.push(row);
      }
      return out;
    },

    /** True while no flag of the stretch was written, and none created or deleted, since it was read. */
    unchanged(environmentId: string, stretch: Stretch): boolean {
      if (kept.get(environmentId) !== stretch.order) return false;
      const { stamps } = stretch.order;
      for (let i = stretch.lo; i <= stretch.hi; i++) if (stamps[i] > stretch.readAt) return false;
      return true;
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
