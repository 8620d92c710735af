import type { Db } from '../../db/open.js';
import { cursorParams, mergeKeyset, pastCursor, prepareKeyset, sortKeyset, type PageRequest, type SortKey } from '../../db/keyset.js';
import type { Exceptions, TargetFact } from './evaluate.js';
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

export interface Target {
  flag_id: string;
  resource_id: string;
  resource_type: ResourceType;
  enabled: boolean;
}

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
  const remove = db.prepare('DELETE FROM feature_flags WHERE environment_id = ? AND id = ?');
  const upsertTarget = db.prepare(
    `INSERT INTO flag_targets (environment_id, flag_id, resource_id, resource_type, enabled, created_at)
     VALUES (@environment_id, @flag_id, @resource_id, @resource_type, @enabled, @created_at)
     ON CONFLICT (environment_id, flag_id, resource_id) DO UPDATE SET enabled = excluded.enabled
     WHERE flag_targets.enabled <> excluded.enabled`,
  );
  // One statement per flag, its targets as one JSON array read by json_each: binding a million
  // values one by one costs more than SQLite parsing them. Rows go in in array order.
  const insertTargetList = db.prepare(
    `INSERT INTO flag_targets (environment_id, flag_id, created_at, resource_id, resource_type, enabled)
     SELECT ?, ?, ?, t.id, CASE WHEN substr(t.id, 1, 5) = 'user_' THEN 'user' ELSE 'organization' END, t.enabled
     FROM (SELECT CASE j.type WHEN 'text' THEN j.value ELSE json_extract(j.value, '$.id') END AS id,
               CASE WHEN j.type = 'object' AND json_extract(j.value, '$.enabled') = 0 THEN 0 ELSE 1 END AS enabled
        FROM json_each(?) AS j) AS t`,
  );
  const deleteTarget = db.prepare('DELETE FROM flag_targets WHERE environment_id = ? AND flag_id = ? AND resource_id = ?');
  // Keys found through flag_targets_subject, then deleted by key: asked directly, SQLite (without
  // statistics) would walk the environment's whole primary key instead.
  const deleteTargetsOf = db.prepare(
    `DELETE FROM flag_targets WHERE (environment_id, flag_id, resource_id) IN
       (SELECT environment_id, flag_id, resource_id FROM flag_targets WHERE environment_id = ? AND resource_id = ?)`,
  );
  // Index-only on flag_targets_subject, one seek per subject (driven from the list: an IN
  // (SELECT …) would build a temp index of the list on every run); each flag's state comes from
  // the cache.
  const targetsOf = db.prepare<[string, string], { flag_id: string; resource_id: string; enabled: 0 | 1 }>(
    `SELECT t.flag_id, t.resource_id, t.enabled FROM json_each(?) AS j
     CROSS JOIN flag_targets AS t ON t.environment_id = ? AND t.resource_id = j.value`,
  );
  // Index-only on flag_targets_subject, then each flag by primary key.
  const ownTargets = db.prepare<[string, string], { slug: string; enabled: 0 | 1 }>(
    `SELECT f.slug, t.enabled FROM flag_targets AS t
     JOIN feature_flags AS f ON f.environment_id = t.environment_id AND f.id = t.flag_id
     WHERE t.resource_id = ? AND t.environment_id = ?`,
  );
  const allFlags = db.prepare<[string], FlagRow>(
    `SELECT ${COLUMNS} FROM feature_flags WHERE environment_id = ? ORDER BY created_at, id`,
  );
  const allTargets = db.prepare<[string], { flag_id: string; resource_id: string; resource_type: ResourceType; enabled: 0 | 1 }>(
    `SELECT flag_id, resource_id, resource_type, enabled FROM flag_targets WHERE environment_id = ? ORDER BY flag_id, created_at, resource_id`,
  );

  const byIds = db.prepare<[string, string], FlagRow>(
    `SELECT ${COLUMNS} FROM feature_flags WHERE environment_id = ? AND id IN (SELECT value FROM json_each(?))`,
  );
  const cached = createFlagCache(db, (environmentId, ids) => byIds.all(environmentId, JSON.stringify(ids)).map(toFlag));

  // The list walks read ids only, index-only, and take the flags from the cache.
  const listAllIds = prepareKeyset(
    db,
    (k) => `SELECT id FROM feature_flags WHERE environment_id = @env AND ${k.where} ORDER BY ${k.orderBy} ${k.limit}`,
  );
  // A subject's flags are the flags on by default (less `off`) merged with the few flags targets
  // turn on (`on`). The first are an index-ordered walk of feature_flags_default_on that stops at
  // the limit; the second come from the cache. (One UNION ALL of both made SQLite sort both halves
  // again and walk every flag in created order to find the `on` ones.)
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
    bySlug(environmentId: string, slug: string): Flag | undefined {
      const row = bySlug.get(environmentId, slug);
      return row && toFlag(row);
    },
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
    },
    touch(environmentId: string, id: string, now: string): void {
      touch.run(now, environmentId, id);
    },
    delete(environmentId: string, id: string): void {
      remove.run(environmentId, id);
    },
    /** Creates or updates a target; false when it already stood as asked. */
    setTarget(environmentId: string, target: Target, now: string): boolean {
      const { changes } = upsertTarget.run({ environment_id: environmentId, ...target, enabled: target.enabled ? 1 : 0, created_at: now });
      return changes > 0;
    },
    /**
     * Adds many targets of one flag, none of which exists yet (a seed), in one go. `targetsJson` is
     * a JSON array of resource ids and `{ "id", "enabled" }` objects (a seed's form), in key order.
     */
    insertTargets(environmentId: string, flagId: string, createdAt: string, targetsJson: string): void {
      insertTargetList.run(environmentId, flagId, createdAt, targetsJson);
    },
    /** False when there was no such target. */
    deleteTarget(environmentId: string, flagId: string, resourceId: string): boolean {
      return deleteTarget.run(environmentId, flagId, resourceId).changes > 0;
    },
    /** Removes every target naming a resource (the resource was deleted). */
    deleteTargetsOf(environmentId: string, resourceId: string): void {
      deleteTargetsOf.run(environmentId, resourceId);
    },
    /** Targets of enabled flags naming any of `resourceIds`, with each flag's default. */
    targetsOf(environmentId: string, resourceIds: readonly string[]): TargetFact[] {
      const targets = targetsOf.all(JSON.stringify([...new Set(resourceIds)]), environmentId);
      const flags = cached(environmentId, [...new Set(targets.map((t) => t.flag_id))]);
      const facts: TargetFact[] = [];
      for (const t of targets) {
        const flag = flags.get(t.flag_id);
        if (!flag?.enabled) continue;
        facts.push({ flag_id: t.flag_id, resource_id: t.resource_id, enabled: t.enabled === 1, default_value: flag.default_value });
      }
      return facts;
    },
    /** The resource's own targets on every flag (disabled flags too), by slug. */
    ownTargets(environmentId: string, resourceId: string): { slug: string; enabled: boolean }[] {
      return ownTargets.all(resourceId, environmentId).map((t) => ({ slug: t.slug, enabled: t.enabled === 1 }));
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
    allTargets(environmentId: string): Target[] {
      return allTargets.all(environmentId).map((t) => ({ ...t, enabled: t.enabled === 1 }));
    },
  };
}

export type FlagStore = ReturnType<typeof createFlagStore>;
