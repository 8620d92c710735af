import type { Db } from '../../db/open.js';
import { cursorParams, prepareKeyset, type PageRequest, type SortKey } from '../../db/keyset.js';

/** A Connect application a user authorized; `application` is the ConnectApplication wire object. */
export interface AuthorizedApplication {
  id: string;
  user_id: string;
  application_id: string;
  client_id: string;
  application: Record<string, unknown>;
  granted_scopes: string[];
  oauth_resource: string | null;
  created_at: string;
}

type Row = Omit<AuthorizedApplication, 'application' | 'granted_scopes'> & { application: string; granted_scopes: string };

const COLUMNS = 'id, user_id, application_id, client_id, application, granted_scopes, oauth_resource, created_at';
const toRecord = (r: Row): AuthorizedApplication => ({
  ...r,
  application: JSON.parse(r.application) as Record<string, unknown>,
  granted_scopes: JSON.parse(r.granted_scopes) as string[],
});

/** Prepared statements for authorized applications. */
export function createAuthorizedApplicationStore(db: Db) {
  const insert = db.prepare(
    `INSERT INTO authorized_applications (environment_id, ${COLUMNS})
     VALUES (@environment_id, @id, @user_id, @application_id, @client_id, @application, @granted_scopes, @oauth_resource, @created_at)`,
  );
  // The SDK documents the path's application_id as "the ID or client ID of the application".
  const remove = db.prepare(
    'DELETE FROM authorized_applications WHERE environment_id = ? AND user_id = ? AND (application_id = @app OR client_id = @app)',
  );
  const sortKey = db.prepare<[string, string], SortKey>('SELECT created_at, id FROM authorized_applications WHERE environment_id = ? AND id = ?');
  const list = prepareKeyset(
    db,
    (k) =>
      `SELECT ${COLUMNS} FROM authorized_applications WHERE environment_id = @env AND user_id = @user_id AND ${k.where} ORDER BY ${k.orderBy} ${k.limit}`,
  );

  return {
    insert(environmentId: string, a: AuthorizedApplication): void {
      insert.run({ environment_id: environmentId, ...a, application: JSON.stringify(a.application), granted_scopes: JSON.stringify(a.granted_scopes) });
    },
    /** True when an authorization was removed. */
    delete: (environmentId: string, userId: string, applicationId: string) => remove.run(environmentId, userId, { app: applicationId }).changes > 0,
    sortKey: (environmentId: string, id: string) => sortKey.get(environmentId, id),
    list(environmentId: string, userId: string, req: PageRequest): AuthorizedApplication[] {
      return (list(req).all({ env: environmentId, user_id: userId, ...cursorParams(req) }) as Row[]).map(toRecord);
    },
  };
}

export type AuthorizedApplicationStore = ReturnType<typeof createAuthorizedApplicationStore>;
