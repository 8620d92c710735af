import type { Db } from '../../db/open.js';
import { cursorParams, mergeKeyset, pastCursor, prepareKeyset, sortKeyset, type PageRequest, type SortKey } from '../../db/keyset.js';
import type { Exceptions } from './evaluate.js';
import { createKeptMap } from '../../db/kept-map.js';
import { createFlagCache } from './flag-cache.js';
import type { FlagOwner } from './schemas.js';

/** A flag as stored: JSON columns parsed, 0/1 as booleans. */
export interface Flag {
  id: string;
  slug: string;
  name: string;
  description: string | null;
  owner: FlagOwner | null;
  tags: string[];
  enabled: boolean;
  default_value: boolean;
  created_at: string;
  updated_at: string;
}

interface FlagRow extends Omit<Flag, 'owner' | 'tags' | 'enabled' | 'default_value'> {
  owner: string | null;
  tags: string;
  enabled: 0 | 1;
  default_value: 0 | 1;
}

export type ResourceType = 'user' | 'organization';

const COLUMNS = 'id, slug, name, description, owner, tags, enabled, default_value, created_at, updated_at';

function toFlag(row: FlagRow): Flag {
  return {
    ...row,
    owner: row.owner === null ? null : (JSON.parse(row.owner) as FlagOwner),
    tags: JSON.parse(row.tags) as string[],
    enabled: row.enabled === 1,
    default_value: row.default_value === 1,
  };
}

/** Prepared statements for flags and their targets; rows in, rows out. */
export function createFlagStore(db: Db) {
  const bySlug = db.prepare<[string, string], FlagRow>(
    `SELECT ${COLUMNS} FROM feature_flags WHERE environment_id = ? AND slug = ?`,
  );
  const byId = db.prepare<[string, string], FlagRow>(`SELECT ${COLUMNS} FROM feature_flags WHERE environment_id = ? AND id = ?`);
  const sortKey = db.prepare<[string, string], SortKey>(
    'SELECT created_at, id FROM feature_flags WHERE environment_id = ? AND id = ?',
  );
  const insert = db.prepare(
    `INSERT INTO feature_flags (environment_id, ${COLUMNS})
     VALUES (@environment_id, @id, @slug, @name, @description, @owner, @tags, @enabled, @default_value, @created_at, @updated_at)`,
  );
  const update = db.prepare(
    `UPDATE feature_flags SET slug = @slug, name = @name, description = @description, owner = @owner, tags = @tags,
       enabled = @enabled, default_value = @default_value, updated_at = @updated_at
     WHERE environment_id = @environment_id AND id = @id`,
  );
  const touch = db.prepare('UPDATE feature_flags SET updated_at = ? WHERE environment_id = ? AND id = ?');
  // A toggle writes its two columns only: the other indexes of the row stay as they are.
  const setEnabled = db.prepare<[number, string, string, string]>('UPDATE feature_flags SET enabled = ?, updated_at = ? WHERE environment_id = ? AND id = ?');
  const remove = db.prepare('DELETE FROM feature_flags WHERE environment_id = ? AND id = ?');
  const allFlags = db.prepare<[string], FlagRow>(
    `SELECT ${COLUMNS} FROM feature_flags WHERE environment_id = ? ORDER BY created_at, id`,
  );
  const byIds = db.prepare<[string, string], FlagRow>(
    `SELECT ${COLUMNS} FROM feature_flags WHERE environment_id = ? AND id IN (SELECT value FROM json_each(?))`,
  );
  const cache = createFlagCache(db, (environmentId, ids) => byIds.all(environmentId, JSON.stringify(ids)).map(toFlag));
  const cached = cache.byIds;
  // A slug's flag id, kept without scopes: the flag read through it (from the flag cache, never
  // stale) must still exist and have that slug (no route renames a slug today), else the lookup
  // goes back to the table. So a toggle, which writes the flag's row, leaves the slug's id kept.
  const slugs = createKeptMap<string>(db, { until: 'scopes', entries: 1_000_000 });
  const flagOfSlug = (environmentId: string, slug: string): Flag | undefined => {
    const key = `${environmentId} ${slug}`;
    const id = slugs.get(key);
    if (id !== undefined) {
      const flag = cached(environmentId, [id]).get(id);
      if (flag?.slug === slug) return flag;
    }
    const row = bySlug.get(environmentId, slug);
    if (!row) return undefined;
    slugs.set(environmentId, key, row.id, { scopes: [] });
    return cache.put(environmentId, toFlag(row));
  };
  /** After writing `flag`'s row: keep it as a read would give it (the write dropped the old one). */
  const wrote = (environmentId: string, flag: Flag) => {
    const { environment_id: _, ...row } = rowOf(environmentId, flag);
    cache.put(environmentId, toFlag(row as FlagRow));
  };

  // The list walks read ids only, index-only, and take the flags from the cache. Requests walk the
  // kept flag order instead (flag-order.ts); list and listEvaluated are the SQL reference for it.
  const listAllIds = prepareKeyset(
    db,
    (k) => `SELECT id FROM feature_flags WHERE environment_id = @env AND ${k.where} ORDER BY ${k.orderBy} ${k.limit}`,
  );
  // A subject's flags are the flags on by default (less `off`) merged with the few flags targets
  // turn on (`on`). The first are an index-ordered walk of feature_flags_default_on that stops at
  // the limit; the second come from the cache. (One UNION ALL of both made SQLite sort both halves
  // again and walk every flag in created order to find the `on` ones.) service.ts walkEvaluated is
  // property-tested against this (test/unit/flag-walk.test.ts).
  const listDefaultOnIds = prepareKeyset(
    db,
    (k) => `SELECT id FROM feature_flags
      WHERE environment_id = @env AND enabled = 1 AND default_value = 1 AND ${k.where}
      ORDER BY ${k.orderBy} ${k.limit}`,
  );
  const listDefaultOnIdsExcept = prepareKeyset(
    db,
    (k) => `SELECT id FROM feature_flags
      WHERE environment_id = @env AND enabled = 1 AND default_value = 1 AND ${k.where}
        AND id NOT IN (SELECT value FROM json_each(@off))
      ORDER BY ${k.orderBy} ${k.limit}`,
  );
  const flagsOf = (environmentId: string, ids: string[]): Flag[] => {
    const flags = cached(environmentId, ids);
    return ids.map((id) => flags.get(id)).filter((flag) => flag !== undefined);
  };

  const rowOf = (environmentId: string, flag: Flag) => ({
    environment_id: environmentId,
    ...flag,
    owner: flag.owner === null ? null : JSON.stringify(flag.owner),
    tags: JSON.stringify(flag.tags),
    enabled: flag.enabled ? 1 : 0,
    default_value: flag.default_value ? 1 : 0,
  });

  return {
    /** The flag, frozen (kept): copy it to change it. */
    bySlug: flagOfSlug,
    byId(environmentId: string, id: string): Flag | undefined {
      const row = byId.get(environmentId, id);
      return row && toFlag(row);
    },
    sortKey(environmentId: string, id: string): SortKey | undefined {
      return sortKey.get(environmentId, id);
    },
    insert(environmentId: string, flag: Flag): void {
      insert.run(rowOf(environmentId, flag));
    },
    update(environmentId: string, flag: Flag): void {
      update.run(rowOf(environmentId, flag));
      wrote(environmentId, flag);
    },
    /**
     * Writes `flag`'s enabled and updated_at, and keeps it: `flag` is one this store gave (so its
     * owner and tags are as a read parses them) with those two changed.
     */
    setEnabled(environmentId: string, flag: Flag): void {
      setEnabled.run(flag.enabled ? 1 : 0, flag.updated_at, environmentId, flag.id);
      cache.put(environmentId, flag);
    },
    touch(environmentId: string, id: string, now: string): void {
      const flag = cached(environmentId, [id]).get(id);
      touch.run(now, environmentId, id);
      // The kept flag with its new updated_at is the row a read would give (no round trip through the row).
      if (flag) cache.put(environmentId, { ...flag, updated_at: now });
    },
    delete(environmentId: string, id: string): void {
      remove.run(environmentId, id);
    },
    /** Flags of `ids` that exist, by id, from the cache (frozen). */
    cachedByIds(environmentId: string, ids: readonly string[]): Map<string, Flag> {
      return cached(environmentId, ids);
    },
    list(environmentId: string, req: PageRequest): Flag[] {
      return flagsOf(environmentId, listAllIds(req).pluck().all({ env: environmentId, ...cursorParams(req) }) as string[]);
    },
    listEvaluated(environmentId: string, req: PageRequest, exceptions: Exceptions): Flag[] {
      const params = { env: environmentId, ...cursorParams(req) };
      const defaultOnIds = (
        exceptions.off.length === 0
          ? listDefaultOnIds(req).pluck().all(params)
          : listDefaultOnIdsExcept(req).pluck().all({ ...params, off: JSON.stringify(exceptions.off) })
      ) as string[];
      const defaultOn = flagsOf(environmentId, defaultOnIds);
      if (exceptions.on.length === 0) return defaultOn;
      const turnedOn = flagsOf(environmentId, exceptions.on).filter((flag) => flag.enabled && pastCursor(req, flag));
      return mergeKeyset(defaultOn, sortKeyset(turnedOn, req.scan).slice(0, params.limit), req.scan, params.limit);
    },
    all(environmentId: string): Flag[] {
      return allFlags.all(environmentId).map(toFlag);
    },
  };
}

export type FlagStore = ReturnType<typeof createFlagStore>;
