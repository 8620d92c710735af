import type { Db } from '../../db/open.js';
import { cursorParams, prepareFilteredKeyset, type PageRequest, type SortKey } from '../../db/keyset.js';

export type StoredInvitationState = 'pending' | 'accepted' | 'revoked';

/** An invitation as stored; `expired` is derived from expires_at when read (see serialize.ts). */
export interface Invitation {
  id: string;
  email: string;
  state: StoredInvitationState;
  organization_id: string | null;
  inviter_user_id: string | null;
  accepted_user_id: string | null;
  role_slug: string | null;
  token: string;
  expires_at: string;
  accepted_at: string | null;
  revoked_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface InvitationFilter {
  email?: string;
  organization_id?: string;
}

const COLUMNS =
  'id, email, state, organization_id, inviter_user_id, accepted_user_id, role_slug, token, expires_at, accepted_at, revoked_at, created_at, updated_at';

/** Prepared statements for invitations; rows in, rows out. */
export function createInvitationStore(db: Db) {
  const insert = db.prepare(
    `INSERT INTO invitations (environment_id, ${COLUMNS})
     VALUES (@environment_id, @id, @email, @state, @organization_id, @inviter_user_id, @accepted_user_id, @role_slug,
       @token, @expires_at, @accepted_at, @revoked_at, @created_at, @updated_at)`,
  );
  const update = db.prepare(
    `UPDATE invitations SET state = @state, accepted_user_id = @accepted_user_id, accepted_at = @accepted_at,
       revoked_at = @revoked_at, updated_at = @updated_at
     WHERE environment_id = @environment_id AND id = @id`,
  );
  const byId = db.prepare<[string, string], Invitation>(`SELECT ${COLUMNS} FROM invitations WHERE environment_id = ? AND id = ?`);
  const byToken = db.prepare<[string, string], Invitation>(`SELECT ${COLUMNS} FROM invitations WHERE environment_id = ? AND token = ?`);
  // The newest pending invitation of an email to one organization (or to none), for the duplicate checks.
  const pendingFor = db.prepare<[string, string, string | null], Invitation>(
    `SELECT ${COLUMNS} FROM invitations WHERE environment_id = ? AND email = ? AND organization_id IS ? AND state = 'pending'
     ORDER BY created_at DESC, id DESC LIMIT 1`,
  );
  const sortKey = db.prepare<[string, string], SortKey>('SELECT created_at, id FROM invitations WHERE environment_id = ? AND id = ?');
  const list = prepareFilteredKeyset<keyof InvitationFilter>(
    db,
    { email: 'email = @email', organization_id: 'organization_id = @organization_id' },
    (k) => `SELECT ${COLUMNS} FROM invitations WHERE environment_id = @env ${k.filters} AND ${k.where} ORDER BY ${k.orderBy} ${k.limit}`,
  );

  return {
    insert(environmentId: string, invitation: Invitation): void {
      insert.run({ environment_id: environmentId, ...invitation });
    },
    /** Writes state, acceptance, revocation and updated_at (the only fields that change). */
    update(environmentId: string, invitation: Invitation): void {
      update.run({ environment_id: environmentId, ...invitation });
    },
    byId: (environmentId: string, id: string) => byId.get(environmentId, id),
    byToken: (environmentId: string, token: string) => byToken.get(environmentId, token),
    pendingFor: (environmentId: string, email: string, organizationId: string | null) =>
      pendingFor.get(environmentId, email, organizationId),
    sortKey: (environmentId: string, id: string) => sortKey.get(environmentId, id),
    list(environmentId: string, req: PageRequest, filter: InvitationFilter): Invitation[] {
      return list(req, filter).all({ env: environmentId, ...filter, ...cursorParams(req) }) as Invitation[];
    },
  };
}

export type InvitationStore = ReturnType<typeof createInvitationStore>;
