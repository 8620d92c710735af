import type { Db } from '../../db/open.js';

export type ConnectedAccountState = 'connected' | 'needs_reauthorization' | 'disconnected';

/** A user's account at a data provider, for one organization or none. */
export interface ConnectedAccount {
  id: string;
  user_id: string;
  provider_slug: string;
  organization_id: string | null;
  scopes: string[];
  state: ConnectedAccountState;
  created_at: string;
  updated_at: string;
}

type Row = Omit<ConnectedAccount, 'scopes'> & { scopes: string };
const COLUMNS = 'id, user_id, provider_slug, organization_id, scopes, state, created_at, updated_at';
const toAccount = (r: Row): ConnectedAccount => ({ ...r, scopes: JSON.parse(r.scopes) as string[] });

/** Prepared statements for connected accounts; `organization_key` is the organization id or '' for none. */
export function createConnectedAccountStore(db: Db) {
  const insert = db.prepare(
    `INSERT INTO connected_accounts (environment_id, organization_key, ${COLUMNS})
     VALUES (@environment_id, @organization_key, @id, @user_id, @provider_slug, @organization_id, @scopes, @state, @created_at, @updated_at)`,
  );
  const find = db.prepare<[string, string, string, string], Row>(
    `SELECT ${COLUMNS} FROM connected_accounts WHERE environment_id = ? AND user_id = ? AND provider_slug = ? AND organization_key = ?`,
  );
  const remove = db.prepare('DELETE FROM connected_accounts WHERE environment_id = ? AND id = ?');
  return {
    insert(environmentId: string, a: ConnectedAccount): void {
      insert.run({ environment_id: environmentId, organization_key: a.organization_id ?? '', ...a, scopes: JSON.stringify(a.scopes) });
    },
    find(environmentId: string, userId: string, slug: string, organizationId: string | undefined): ConnectedAccount | undefined {
      const row = find.get(environmentId, userId, slug, organizationId ?? '');
      return row && toAccount(row);
    },
    delete(environmentId: string, id: string): void {
      remove.run(environmentId, id);
    },
  };
}

export type ConnectedAccountStore = ReturnType<typeof createConnectedAccountStore>;
