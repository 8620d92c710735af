import { createStampedMap } from '../../db/stamped-map.js';
import type { Db } from '../../db/open.js';
import type { Flag } from './store.js';

/**
 * Parsed flags by id, per environment, for the read paths every SDK call takes (the lists and
 * the targets behind evaluation): reading and parsing ten columns a flag cost more than the
 * rest of such a request. Filled lazily, a flag at a time, and dropped whole whenever the
 * database may have changed (the change stamp), so a read never sees a stale flag. Inside a
 * transaction it reads through without keeping anything. Cached flags are frozen: callers
 * copy them to change them (as the service does).
 */
export function createFlagCache(db: Db, fetch: (environmentId: string, ids: readonly string[]) => Flag[]) {
  // One map of flags per environment; as many environments as there are.
  const byEnvironment = createStampedMap<Map<string, Flag>>(db, { entries: Infinity });

  /** The flags of `ids` that exist, by id. */
  return (environmentId: string, ids: readonly string[]): Map<string, Flag> => {
    const environments = byEnvironment.live();
    if (!environments) return new Map(fetch(environmentId, ids).map((flag) => [flag.id, flag]));
    let cached = environments.get(environmentId);
    if (!cached) environments.set(environmentId, (cached = new Map()));
    const missing = ids.filter((id) => !cached.has(id));
    if (missing.length > 0) for (const flag of fetch(environmentId, missing)) cached.set(flag.id, freeze(flag));
    return cached;
  };
}

function freeze(flag: Flag): Flag {
  Object.freeze(flag.tags);
  if (flag.owner) Object.freeze(flag.owner);
  return Object.freeze(flag);
}
