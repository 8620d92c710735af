import type { Db } from '../../db/open.js';

export type MembershipStatus = 'active' | 'inactive' | 'pending';

export interface Membership {
  id: string;
  user_id: string;
  organization_id: string;
  status: MembershipStatus;
  role_slug: string;
  created_at: string;
  updated_at: string;
}

/** Prepared statements for organization memberships. */
export function createMembershipStore(db: Db) {
  const insert = db.prepare(
    `INSERT INTO organization_memberships (environment_id, id, user_id, organization_id, status, role_slug, created_at, updated_at)
     VALUES (@environment_id, @id, @user_id, @organization_id, @status, @role_slug, @created_at, @updated_at)`,
  );
  const activeOrganizations = db.prepare<[string, string], { organization_id: string }>(
    `SELECT organization_id FROM organization_memberships
     WHERE environment_id = ? AND user_id = ? AND status = 'active'`,
  );

  return {
    insert(environmentId: string, membership: Membership): void {
      insert.run({ environment_id: environmentId, ...membership });
    },
    activeOrganizationIds: (environmentId: string, userId: string) =>
      activeOrganizations.all(environmentId, userId).map((r) => r.organization_id),
  };
}

export type MembershipStore = ReturnType<typeof createMembershipStore>;
