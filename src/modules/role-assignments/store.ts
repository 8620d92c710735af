import { createKeptMap } from '../../db/kept-map.js';
import type { Db } from '../../db/open.js';
import { cursorParams, prepareFilteredKeyset, type PageRequest, type SortKey } from '../../db/keyset.js';

export interface RoleAssignment {
  id: string;
  organization_membership_id: string;
  role_slug: string;
  resource_id: string;
  created_at: string;
  updated_at: string;
}

const COLUMNS = 'id, organization_membership_id, role_slug, resource_id, created_at, updated_at';

/** Prepared statements for role assignments. */
export function createRoleAssignmentStore(db: Db) {
  const insert = db.prepare(
    `INSERT INTO role_assignments (environment_id, ${COLUMNS})
     VALUES (@environment_id, @id, @organization_membership_id, @role_slug, @resource_id, @created_at, @updated_at)`,
  );
  const byId = db.prepare<[string, string], RoleAssignment>(`SELECT ${COLUMNS} FROM role_assignments WHERE environment_id = ? AND id = ?`);
  const find = db.prepare<[string, string, string, string], RoleAssignment>(
    `SELECT ${COLUMNS} FROM role_assignments WHERE environment_id = ? AND organization_membership_id = ? AND resource_id = ? AND role_slug = ?`,
  );
  const ofMembership = db.prepare<[string, string], Pick<RoleAssignment, 'role_slug' | 'resource_id'>>(
    'SELECT role_slug, resource_id FROM role_assignments WHERE environment_id = ? AND organization_membership_id = ?',
  );
  const sortKey = db.prepare<[string, string], SortKey>('SELECT created_at, id FROM role_assignments WHERE environment_id = ? AND id = ?');
  const remove = db.prepare('DELETE FROM role_assignments WHERE environment_id = ? AND id = ?');
  const removeOn = db.prepare('DELETE FROM role_assignments WHERE environment_id = ? AND resource_id IN (SELECT value FROM json_each(?))');
  const anyOn = db.prepare<[string, string], { one: 1 }>('SELECT 1 AS one FROM role_assignments WHERE environment_id = ? AND resource_id = ? LIMIT 1');
  // A membership's grants, kept until one of its assignments (or its row) is written (scope
  // `membership <id>`, src/db/change-feed.ts). Frozen.
  const keptGrants = createKeptMap<readonly Pick<RoleAssignment, 'role_slug' | 'resource_id'>[]>(db, { until: 'scopes', entries: 200_000 });
  const list = prepareFilteredKeyset<'resource_id'>(
    db,
    { resource_id: 'resource_id = @resource_id' },
    (k) => `SELECT ${COLUMNS} FROM role_assignments WHERE environment_id = @env AND organization_membership_id = @membership ${k.filters}
      AND ${k.where} ORDER BY ${k.orderBy} ${k.limit}`,
  );

  return {
    insert(environmentId: string, assignment: RoleAssignment): void {
      insert.run({ environment_id: environmentId, ...assignment });
    },
    byId: (environmentId: string, id: string) => byId.get(environmentId, id),
    find: (environmentId: string, membershipId: string, resourceId: string, roleSlug: string) =>
      find.get(environmentId, membershipId, resourceId, roleSlug),
    /** Every (role, resource) pair of the membership: what a check reads. */
    ofMembership: (environmentId: string, membershipId: string) =>
      keptGrants.through(environmentId, `${environmentId} ${membershipId}`, () => Object.freeze(ofMembership.all(environmentId, membershipId).map((g) => Object.freeze(g))), [
        `membership ${membershipId}`,
      ]),
    sortKey: (environmentId: string, id: string) => sortKey.get(environmentId, id),
    list: (environmentId: string, membershipId: string, req: PageRequest, resourceId?: string) =>
      list(req, { resource_id: resourceId }).all({
        env: environmentId,
        membership: membershipId,
        ...(resourceId !== undefined && { resource_id: resourceId }),
        ...cursorParams(req),
      }) as RoleAssignment[],
    delete(environmentId: string, id: string): void {
      remove.run(environmentId, id);
    },
    /** Deletes every assignment on the given resources. */
    deleteOn(environmentId: string, resourceIds: readonly string[]): void {
      removeOn.run(environmentId, JSON.stringify(resourceIds));
    },
    anyOn: (environmentId: string, resourceId: string) => anyOn.get(environmentId, resourceId) !== undefined,
  };
}

export type RoleAssignmentStore = ReturnType<typeof createRoleAssignmentStore>;
