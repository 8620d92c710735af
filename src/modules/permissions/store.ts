import type { Db } from '../../db/open.js';
import { cursorParams, prepareKeyset, type PageRequest, type SortKey } from '../../db/keyset.js';

export interface Permission {
  id: string;
  slug: string;
  name: string;
  description: string | null;
  system: boolean;
  resource_type_slug: string;
  created_at: string;
  updated_at: string;
}

type PermissionRow = Omit<Permission, 'system'> & { system: number };

const COLUMNS = 'id, slug, name, description, system, resource_type_slug, created_at, updated_at';
const toPermission = (row: PermissionRow): Permission => ({ ...row, system: row.system === 1 });

/** Prepared statements for permissions. */
export function createPermissionStore(db: Db) {
  const insert = db.prepare(
    `INSERT INTO permissions (environment_id, ${COLUMNS})
     VALUES (@environment_id, @id, @slug, @name, @description, @system, @resource_type_slug, @created_at, @updated_at)`,
  );
  const bySlug = db.prepare<[string, string], PermissionRow>(`SELECT ${COLUMNS} FROM permissions WHERE environment_id = ? AND slug = ?`);
  const sortKey = db.prepare<[string, string], SortKey>('SELECT created_at, id FROM permissions WHERE environment_id = ? AND id = ?');
  const missing = db.prepare<[string, string], { value: string }>(
    `SELECT value FROM json_each(?) WHERE value NOT IN (SELECT slug FROM permissions WHERE environment_id = ?)`,
  );
  const update = db.prepare(
    'UPDATE permissions SET name = @name, description = @description, updated_at = @updated_at WHERE environment_id = @environment_id AND id = @id',
  );
  const remove = db.prepare('DELETE FROM permissions WHERE environment_id = ? AND id = ?');
  const list = prepareKeyset(
    db,
    (k) => `SELECT ${COLUMNS} FROM permissions WHERE environment_id = @env AND ${k.where} ORDER BY ${k.orderBy} ${k.limit}`,
  );

  return {
    insert(environmentId: string, permission: Permission): void {
      insert.run({ environment_id: environmentId, ...permission, system: permission.system ? 1 : 0 });
    },
    bySlug(environmentId: string, slug: string): Permission | undefined {
      const row = bySlug.get(environmentId, slug);
      return row && toPermission(row);
    },
    /** The slugs among `slugs` that name no permission of the environment, in the order given. */
    missing: (environmentId: string, slugs: readonly string[]) => missing.all(JSON.stringify(slugs), environmentId).map((r) => r.value),
    sortKey: (environmentId: string, id: string) => sortKey.get(environmentId, id),
    list: (environmentId: string, req: PageRequest) =>
      (list(req).all({ env: environmentId, ...cursorParams(req) }) as PermissionRow[]).map(toPermission),
    update(environmentId: string, permission: Permission): void {
      update.run({ environment_id: environmentId, ...permission });
    },
    delete(environmentId: string, id: string): void {
      remove.run(environmentId, id);
    },
  };
}

export type PermissionStore = ReturnType<typeof createPermissionStore>;
