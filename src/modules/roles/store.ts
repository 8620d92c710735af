import type { Db } from '../../db/open.js';

/** An environment role as stored (WorkOS "EnvironmentRole"; organization-scoped custom roles are not modelled). */
export interface Role {
  id: string;
  slug: string;
  name: string;
  description: string | null;
  permissions: string[];
  priority: number;
  created_at: string;
  updated_at: string;
}

interface RoleRow extends Omit<Role, 'permissions'> {
  permissions: string;
}

const COLUMNS = 'id, slug, name, description, permissions, priority, created_at, updated_at';

const toRole = (row: RoleRow): Role => ({ ...row, permissions: JSON.parse(row.permissions) as string[] });

/** Prepared statements for roles. */
export function createRoleStore(db: Db) {
  const insert = db.prepare(
    `INSERT INTO roles (environment_id, ${COLUMNS})
     VALUES (@environment_id, @id, @slug, @name, @description, @permissions, @priority, @created_at, @updated_at)`,
  );
  const all = db.prepare<[string], RoleRow>(`SELECT ${COLUMNS} FROM roles WHERE environment_id = ? ORDER BY priority, slug`);
  const exists = db.prepare<[string, string], { one: 1 }>('SELECT 1 AS one FROM roles WHERE environment_id = ? AND slug = ?');

  return {
    insert(environmentId: string, role: Role): void {
      insert.run({ environment_id: environmentId, ...role, permissions: JSON.stringify(role.permissions) });
    },
    /** The environment's roles in priority order. */
    all: (environmentId: string) => all.all(environmentId).map(toRole),
    exists: (environmentId: string, slug: string) => exists.get(environmentId, slug) !== undefined,
  };
}

export type RoleStore = ReturnType<typeof createRoleStore>;
