import { createKeptMap } from '../../db/kept-map.js';
import type { Db } from '../../db/open.js';

/** A role as stored: an environment role (organization_id '') or an organization's custom role. */
export interface Role {
  id: string;
  /** '' for an environment role. */
  organization_id: string;
  slug: string;
  name: string;
  description: string | null;
  resource_type_slug: string;
  permissions: string[];
  priority: number;
  created_at: string;
  updated_at: string;
}

interface RoleRow extends Omit<Role, 'permissions'> {
  permissions: string;
}

/** The environment scope in the organization_id column. */
export const ENVIRONMENT_SCOPE = '';

const COLUMNS = 'id, organization_id, slug, name, description, resource_type_slug, permissions, priority, created_at, updated_at';

const toRole = (row: RoleRow): Role => ({ ...row, permissions: JSON.parse(row.permissions) as string[] });

/** Prepared statements for roles. */
export function createRoleStore(db: Db) {
  const insert = db.prepare(
    `INSERT INTO roles (environment_id, ${COLUMNS})
     VALUES (@environment_id, @id, @organization_id, @slug, @name, @description, @resource_type_slug, @permissions, @priority, @created_at, @updated_at)`,
  );
  const inScope = db.prepare<[string, string], RoleRow>(
    `SELECT ${COLUMNS} FROM roles WHERE environment_id = ? AND organization_id = ? ORDER BY priority, slug`,
  );
  const bySlug = db.prepare<[string, string, string], RoleRow>(
    `SELECT ${COLUMNS} FROM roles WHERE environment_id = ? AND organization_id = ? AND slug = ?`,
  );
  const nextPriority = db.prepare<[string, string], { next: number }>(
    'SELECT coalesce(max(priority) + 1, 0) AS next FROM roles WHERE environment_id = ? AND organization_id = ?',
  );
  const update = db.prepare(
    `UPDATE roles SET name = @name, description = @description, permissions = @permissions, updated_at = @updated_at
     WHERE environment_id = @environment_id AND id = @id`,
  );
  const remove = db.prepare('DELETE FROM roles WHERE environment_id = ? AND id = ?');
  // A role is in use while a membership of the organization holds it or an assignment names it.
  const uses = db.prepare<{ env: string; org: string; slug: string }, { n: number }>(
    `SELECT (SELECT count(*) FROM organization_memberships WHERE organization_id = @org AND environment_id = @env AND role_slug = @slug)
          + (SELECT count(*) FROM role_assignments a JOIN organization_memberships m
               ON m.environment_id = a.environment_id AND m.id = a.organization_membership_id
             WHERE a.environment_id = @env AND a.role_slug = @slug AND m.organization_id = @org) AS n`,
  );
  const withPermission = db.prepare<[string, string], RoleRow>(
    // The JSON text holds each slug quoted as json_quote writes it, so this matches whole entries only.
    `SELECT ${COLUMNS} FROM roles WHERE environment_id = ? AND instr(permissions, json_quote(?)) > 0`,
  );

  const find = (environmentId: string, scope: string, slug: string) => {
    const row = bySlug.get(environmentId, scope, slug);
    return row && toRole(row);
  };

  // The role a check asks for by slug (its permissions), kept until its row is written (scope
  // `role <scope> <slug>`, src/db/change-feed.ts; inserting a role of that slug too, so a miss is
  // kept as well). Frozen, permissions included.
  const keptRoles = createKeptMap<{ role: Role | undefined }>(db, { until: 'scopes', entries: 100_000 });
  const keptFind = (environmentId: string, scope: string, slug: string): Role | undefined =>
    keptRoles.through(
      environmentId,
      `${environmentId} ${scope} ${slug}`,
      () => {
        const role = find(environmentId, scope, slug);
        if (role) Object.freeze(role.permissions);
        return Object.freeze({ role: role && Object.freeze(role) });
      },
      [`role ${scope} ${slug}`],
    ).role;

  return {
    insert(environmentId: string, role: Role): void {
      insert.run({ environment_id: environmentId, ...role, permissions: JSON.stringify(role.permissions) });
    },
    /** The environment's roles in priority order. */
    all: (environmentId: string) => inScope.all(environmentId, ENVIRONMENT_SCOPE).map(toRole),
    /** An organization's custom roles in priority order. */
    ofOrganization: (environmentId: string, organizationId: string) => inScope.all(environmentId, organizationId).map(toRole),
    environmentRole: (environmentId: string, slug: string) => find(environmentId, ENVIRONMENT_SCOPE, slug),
    organizationRole: (environmentId: string, organizationId: string, slug: string) => find(environmentId, organizationId, slug),
    /** The role a slug names for members of an organization: its custom role, else the environment's. */
    // Only custom roles begin with `org-` (environment role slugs may not), so the slug says where to look.
    // Frozen: copy it to change it.
    forOrganization: (environmentId: string, organizationId: string, slug: string) =>
      keptFind(environmentId, slug.startsWith('org-') ? organizationId : ENVIRONMENT_SCOPE, slug),
    exists: (environmentId: string, slug: string, organizationId?: string) =>
      bySlug.get(environmentId, ENVIRONMENT_SCOPE, slug) !== undefined ||
      (organizationId !== undefined && bySlug.get(environmentId, organizationId, slug) !== undefined),
    nextPriority: (environmentId: string, scope: string) => nextPriority.get(environmentId, scope)!.next,
    /** Writes name, description, permissions and updated_at (slug, scope and type never change). */
    update(environmentId: string, role: Role): void {
      update.run({ environment_id: environmentId, ...role, permissions: JSON.stringify(role.permissions) });
    },
    delete(environmentId: string, id: string): void {
      remove.run(environmentId, id);
    },
    /** How many memberships and role assignments of the organization hold the role. */
    uses: (environmentId: string, organizationId: string, slug: string) => uses.get({ env: environmentId, org: organizationId, slug })!.n,
    /** Every role of the environment (custom ones included) that grants the permission. */
    withPermission: (environmentId: string, permissionSlug: string) => withPermission.all(environmentId, permissionSlug).map(toRole),
  };
}

export type RoleStore = ReturnType<typeof createRoleStore>;
