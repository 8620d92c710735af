import type { Db } from '../../db/open.js';
import { cursorParams, prepareKeyset, type PageRequest, type SortKey } from '../../db/keyset.js';

export const AUTH_METHODS = [
  'cross_app_auth', 'external_auth', 'impersonation', 'magic_code', 'migrated_session', 'oauth', 'passkey', 'password', 'sso', 'unknown',
] as const;
export type AuthMethod = (typeof AUTH_METHODS)[number];

/** A session as stored; `expired` is read off expires_at on the clock (see service.ts). */
export interface Session {
  id: string;
  user_id: string;
  organization_id: string | null;
  auth_method: AuthMethod;
  status: 'active' | 'revoked';
  ip_address: string | null;
  user_agent: string | null;
  impersonator_email: string | null;
  impersonator_reason: string | null;
  expires_at: string;
  ended_at: string | null;
  created_at: string;
  updated_at: string;
}

const COLUMNS =
  'id, user_id, organization_id, auth_method, status, ip_address, user_agent, impersonator_email, impersonator_reason, expires_at, ended_at, created_at, updated_at';

/** Prepared statements for sessions. */
export function createSessionStore(db: Db) {
  const insert = db.prepare(
    `INSERT INTO sessions (environment_id, ${COLUMNS})
     VALUES (@environment_id, @id, @user_id, @organization_id, @auth_method, @status, @ip_address, @user_agent,
       @impersonator_email, @impersonator_reason, @expires_at, @ended_at, @created_at, @updated_at)`,
  );
  const update = db.prepare(
    `UPDATE sessions SET organization_id = @organization_id, status = @status, ended_at = @ended_at, updated_at = @updated_at
     WHERE environment_id = @environment_id AND id = @id`,
  );
  const byId = db.prepare<[string, string], Session>(`SELECT ${COLUMNS} FROM sessions WHERE environment_id = ? AND id = ?`);
  const sortKey = db.prepare<[string, string], SortKey>('SELECT created_at, id FROM sessions WHERE environment_id = ? AND id = ?');
  const list = prepareKeyset(
    db,
    (k) => `SELECT ${COLUMNS} FROM sessions WHERE environment_id = @env AND user_id = @user_id AND ${k.where} ORDER BY ${k.orderBy} ${k.limit}`,
  );

  return {
    insert(environmentId: string, session: Session): void {
      insert.run({ environment_id: environmentId, ...session });
    },
    /** Writes organization, status, ended_at and updated_at (what a refresh or a revoke changes). */
    update(environmentId: string, session: Session): void {
      update.run({ environment_id: environmentId, ...session });
    },
    byId: (environmentId: string, id: string) => byId.get(environmentId, id),
    sortKey: (environmentId: string, id: string) => sortKey.get(environmentId, id),
    list(environmentId: string, userId: string, req: PageRequest): Session[] {
      return list(req).all({ env: environmentId, user_id: userId, ...cursorParams(req) }) as Session[];
    },
  };
}

export type SessionStore = ReturnType<typeof createSessionStore>;
