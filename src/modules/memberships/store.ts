import { prepareInsertMany } from '../../db/insert-many.js';
import type { Db } from '../../db/open.js';
import { cursorParams, prepareFilteredKeyset, type PageRequest, type SortKey } from '../../db/keyset.js';
import { userColumnsAs, userFromPrefixed, type User } from '../users/store.js';

export type MembershipStatus = 'active' | 'inactive' | 'pending';
export const MEMBERSHIP_STATUSES: readonly MembershipStatus[] = ['active', 'inactive', 'pending'];

export interface Membership {
  id: string;
  user_id: string;
  organization_id: string;
  status: MembershipStatus;
  role_slug: string;
  created_at: string;
  updated_at: string;
}

/** A membership as the API shows it: with its organization's name and its user. */
export interface MembershipView extends Membership {
  organization_name: string;
  user: User;
}

export interface MembershipFilter {
  user_id?: string;
  organization_id?: string;
  statuses: readonly MembershipStatus[];
}

const COLUMNS = 'id, user_id, organization_id, status, role_slug, created_at, updated_at';
const M_COLUMNS = COLUMNS.split(', ')
  .map((c) => `m.${c}`)
  .join(', ');

// Every read that serves the API joins the organization (for its name) and the user.
const VIEW = `SELECT ${M_COLUMNS}, o.name AS organization_name, ${userColumnsAs('u', 'u_')}
  FROM organization_memberships m
  JOIN organizations o ON o.environment_id = m.environment_id AND o.id = m.organization_id
  JOIN users u ON u.environment_id = m.environment_id AND u.id = m.user_id`;

type ViewRow = Membership & { organization_name: string } & Record<string, unknown>;

function toView(row: ViewRow): MembershipView {
  return {
    id: row.id,
    user_id: row.user_id,
    organization_id: row.organization_id,
    status: row.status,
    role_slug: row.role_slug,
    created_at: row.created_at,
    updated_at: row.updated_at,
    organization_name: row.organization_name,
    user: userFromPrefixed(row, 'u_'),
  };
}

/** Prepared statements for organization memberships. */
export function createMembershipStore(db: Db) {
  const insert = db.prepare(
    `INSERT INTO organization_memberships (environment_id, ${COLUMNS})
     VALUES (@environment_id, @id, @user_id, @organization_id, @status, @role_slug, @created_at, @updated_at)`,
  );
  const insertRows = prepareInsertMany(db, 'organization_memberships', ['environment_id'], COLUMNS.split(', '));
  const update = db.prepare(
    `UPDATE organization_memberships SET status = @status, role_slug = @role_slug, updated_at = @updated_at
     WHERE environment_id = @environment_id AND id = @id`,
  );
  const remove = db.prepare('DELETE FROM organization_memberships WHERE environment_id = ? AND id = ?');
  const byId = db.prepare<[string, string], ViewRow>(`${VIEW} WHERE m.environment_id = ? AND m.id = ?`);
  const byPair = db.prepare<[string, string, string], Membership>(
    `SELECT ${COLUMNS} FROM organization_memberships WHERE environment_id = ? AND user_id = ? AND organization_id = ?`,
  );
  const sortKey = db.prepare<[string, string], SortKey>(
    'SELECT created_at, id FROM organization_memberships WHERE environment_id = ? AND id = ?',
  );
  const activeOrganizations = db.prepare<[string, string], { organization_id: string }>(
    `SELECT organization_id FROM organization_memberships
     WHERE environment_id = ? AND user_id = ? AND status = 'active'`,
  );

  // By user or by organization, each shape on its own index.
  const list = prepareFilteredKeyset<'user_id' | 'organization_id'>(
    db,
    { user_id: 'm.user_id = @user_id', organization_id: 'm.organization_id = @organization_id' },
    (k) => `${VIEW} WHERE m.environment_id = @env ${k.filters}
      AND m.status IN (SELECT value FROM json_each(@statuses)) AND ${k.where}
      ORDER BY ${k.orderBy} ${k.limit}`,
    'm',
  );

  return {
    insert(environmentId: string, membership: Membership): void {
      insert.run({ environment_id: environmentId, ...membership });
    },
    /** Adds many memberships at once (a seed), through multi-row statements. */
    insertMany(environmentId: string, memberships: readonly Membership[]): void {
      const values: unknown[] = [];
      for (const m of memberships) values.push(m.id, m.user_id, m.organization_id, m.status, m.role_slug, m.created_at, m.updated_at);
      insertRows([environmentId], values);
    },
    /** Writes status, role and updated_at (the only fields that change). */
    update(environmentId: string, membership: Membership): void {
      update.run({ environment_id: environmentId, ...membership });
    },
    delete(environmentId: string, id: string): void {
      remove.run(environmentId, id);
    },
    byId(environmentId: string, id: string): MembershipView | undefined {
      const row = byId.get(environmentId, id);
      return row && toView(row);
    },
    byPair: (environmentId: string, userId: string, organizationId: string) => byPair.get(environmentId, userId, organizationId),
    sortKey: (environmentId: string, id: string) => sortKey.get(environmentId, id),
    list(environmentId: string, req: PageRequest, filter: MembershipFilter): MembershipView[] {
      const params = {
        env: environmentId,
        ...(filter.user_id !== undefined && { user_id: filter.user_id }),
        ...(filter.organization_id !== undefined && { organization_id: filter.organization_id }),
        statuses: JSON.stringify(filter.statuses),
        ...cursorParams(req),
      };
      return (list(req, filter).all(params) as ViewRow[]).map(toView);
    },
    activeOrganizationIds: (environmentId: string, userId: string) =>
      activeOrganizations.all(environmentId, userId).map((r) => r.organization_id),
  };
}

export type MembershipStore = ReturnType<typeof createMembershipStore>;
