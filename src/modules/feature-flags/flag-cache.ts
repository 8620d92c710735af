import { createKeptMap } from '../../db/kept-map.js';
import type { Db } from '../../db/open.js';
import type { Flag } from './store.js';

/**
 * Parsed flags by id, per environment, for the read paths every SDK call takes (the lists and
 * the targets behind evaluation): reading and parsing ten columns a flag cost more than the
 * rest of such a request. Filled lazily, a flag at a time, and by the writes that know the row they
 * wrote; a flag is dropped when its row is written (scope `flag <id>`, see src/db/change-feed.ts), so
 * a read never sees a stale flag and a write to one flag keeps the others.
 * Cached flags are frozen: callers copy them to change them (as the service does).
 */
export function createFlagCache(db: Db, fetch: (environmentId: string, ids: readonly string[]) => Flag[]) {
  // Flags of every environment at once (as many as there are): each flag is small.
  const kept = createKeptMap<Flag>(db, { until: 'scopes', entries: 1_000_000 });

  /** The flags of `ids` that exist, by id. */
  const byIds = (environmentId: string, ids: readonly string[]): Map<string, Flag> => {
    const found = new Map<string, Flag>();
    const missing: string[] = [];
    for (const id of ids) {
      const flag = kept.getIn(environmentId, id);
      if (flag) found.set(id, flag);
      else missing.push(id);
    }
    if (missing.length > 0) {
      for (const flag of fetch(environmentId, missing)) found.set(flag.id, put(environmentId, flag));
    }
    return found;
  };

  /**
   * Keeps a flag as its row now stands: after reading it, or after writing it (the write dropped
   * the old one; inside the write's transaction the new one waits for the commit, see kept-map.ts).
   */
  const put = (environmentId: string, flag: Flag): Flag => {
    const frozen = freeze(flag);
    kept.setIn(environmentId, flag.id, frozen, { scopes: [`flag ${flag.id}`] });
    return frozen;
  };

  return { byIds, put };
}

function freeze(flag: Flag): Flag {
  Object.freeze(flag.tags);
  if (flag.owner) Object.freeze(flag.owner);
  return Object.freeze(flag);
}
