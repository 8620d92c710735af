import { createKeptMap } from '../../db/kept-map.js';
import type { Db } from '../../db/open.js';
import { cursorParams, prepareKeyset, type PageRequest } from '../../db/keyset.js';
import type { MembershipStatus } from '../memberships/store.js';
import { userColumnsAs, userFromPrefixed, type User } from '../users/store.js';

/** A membership as the discovery lists show it (spec: UserlandUserOrganizationMembershipBaseWithUser). */
export interface MembershipWithUser {
  id: string;
  user_id: string;
  organization_id: string;
  status: MembershipStatus;
  organization_name: string;
  created_at: string;
  updated_at: string;
  user: User;
}

export interface HoldersQuery {
  organization_id: string;
  /** Roles granting the permission. */
  roles: readonly string[];
  /** Resources whose assignments count. */
  resources: readonly string[];
  /** Whether a membership's own role counts (it is held on the organization resource). */
  primary: boolean;
}

/** What a check reads of a membership: no user, no organization name (the light read of the hot path). */
export interface MembershipAccessRow {
  id: string;
  organization_id: string;
  status: MembershipStatus;
  role_slug: string;
  created_at: string;
  updated_at: string;
}

/** Memberships as checks read them, and who holds a permission on a resource (active memberships of its organization, in creation order). */
export function createAccessStore(db: Db) {
  const membership = db.prepare<[string, string], MembershipAccessRow>(
    'SELECT id, organization_id, status, role_slug, created_at, updated_at FROM organization_memberships WHERE environment_id = ? AND id = ?',
  );
  // Kept until the membership's row is written (scope `membership <id>`, src/db/change-feed.ts). Frozen.
  const keptMemberships = createKeptMap<MembershipAccessRow>(db, { until: 'scopes', entries: 200_000 });
  const holders = prepareKeyset(
    db,
    (k) => `SELECT m.id, m.user_id, m.organization_id, m.status, m.created_at, m.updated_at, o.name AS organization_name, ${userColumnsAs('u', 'u_')}
      FROM organization_memberships m
      JOIN organizations o ON o.environment_id = m.environment_id AND o.id = m.organization_id
      JOIN users u ON u.environment_id = m.environment_id AND u.id = m.user_id
      WHERE m.organization_id = @org AND m.environment_id = @env AND m.status = 'active'
        AND ((@primary AND m.role_slug IN (SELECT value FROM json_each(@roles)))
          OR EXISTS (SELECT 1 FROM role_assignments a
                     WHERE a.environment_id = @env AND a.organization_membership_id = m.id
                       AND a.resource_id IN (SELECT value FROM json_each(@resources))
                       AND a.role_slug IN (SELECT value FROM json_each(@roles))))
        AND ${k.where} ORDER BY ${k.orderBy} ${k.limit}`,
    'm',
  );
  return {
    membership(environmentId: string, id: string): MembershipAccessRow | undefined {
      const key = `${environmentId} ${id}`;
      const kept = keptMemberships.get(key);
      if (kept) return kept;
      const row = membership.get(environmentId, id);
      if (row) keptMemberships.set(environmentId, key, Object.freeze(row), { scopes: [`membership ${id}`] });
      return row;
    },
    holders(environmentId: string, req: PageRequest, q: HoldersQuery): MembershipWithUser[] {
      const rows = holders(req).all({
        env: environmentId,
        org: q.organization_id,
        primary: q.primary ? 1 : 0,
        roles: JSON.stringify(q.roles),
        resources: JSON.stringify(q.resources),
        ...cursorParams(req),
      }) as (Omit<MembershipWithUser, 'user'> & Record<string, unknown>)[];
      return rows.map((r) => ({
        id: r.id,
        user_id: r.user_id,
        organization_id: r.organization_id,
        status: r.status,
        organization_name: r.organization_name,
        created_at: r.created_at,
        updated_at: r.updated_at,
        user: userFromPrefixed(r, 'u_'),
      }));
    },
  };
}

export type AccessStore = ReturnType<typeof createAccessStore>;
