import type { Db } from '../../db/open.js';
import { cursorParams, prepareKeyset, type PageRequest, type SortKey } from '../../db/keyset.js';

export interface AuthFactor {
  id: string;
  user_id: string;
  type: 'totp';
  totp_issuer: string;
  totp_user: string;
  totp_secret: string;
  created_at: string;
  updated_at: string;
}

export interface AuthChallenge {
  id: string;
  factor_id: string;
  created_at: string;
  updated_at: string;
}

const COLUMNS = 'id, user_id, type, totp_issuer, totp_user, totp_secret, created_at, updated_at';

/** Prepared statements for authentication factors and their challenges. */
export function createAuthFactorStore(db: Db) {
  const insert = db.prepare(
    `INSERT INTO auth_factors (environment_id, ${COLUMNS})
     VALUES (@environment_id, @id, @user_id, @type, @totp_issuer, @totp_user, @totp_secret, @created_at, @updated_at)`,
  );
  const insertChallenge = db.prepare(
    `INSERT INTO auth_challenges (environment_id, id, factor_id, created_at, updated_at)
     VALUES (@environment_id, @id, @factor_id, @created_at, @updated_at)`,
  );
  const byId = db.prepare<[string, string], AuthFactor>(`SELECT ${COLUMNS} FROM auth_factors WHERE environment_id = ? AND id = ?`);
  const remove = db.prepare('DELETE FROM auth_factors WHERE environment_id = ? AND id = ?');
  const sortKey = db.prepare<[string, string], SortKey>('SELECT created_at, id FROM auth_factors WHERE environment_id = ? AND id = ?');
  const list = prepareKeyset(
    db,
    (k) => `SELECT ${COLUMNS} FROM auth_factors WHERE environment_id = @env AND user_id = @user_id AND ${k.where} ORDER BY ${k.orderBy} ${k.limit}`,
  );

  return {
    insert(environmentId: string, factor: AuthFactor): void {
      insert.run({ environment_id: environmentId, ...factor });
    },
    insertChallenge(environmentId: string, challenge: AuthChallenge): void {
      insertChallenge.run({ environment_id: environmentId, ...challenge });
    },
    byId: (environmentId: string, id: string) => byId.get(environmentId, id),
    /** Deletes the factor; its challenges go with it (ON DELETE CASCADE). */
    delete(environmentId: string, id: string): void {
      remove.run(environmentId, id);
    },
    sortKey: (environmentId: string, id: string) => sortKey.get(environmentId, id),
    list(environmentId: string, userId: string, req: PageRequest): AuthFactor[] {
      return list(req).all({ env: environmentId, user_id: userId, ...cursorParams(req) }) as AuthFactor[];
    },
  };
}

export type AuthFactorStore = ReturnType<typeof createAuthFactorStore>;
