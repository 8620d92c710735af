import type { Db } from '../../db/open.js';

export interface RedirectUriRecord {
  id: string;
  uri: string;
  is_default: boolean;
  created_at: string;
  updated_at: string;
}

export interface CorsOriginRecord {
  id: string;
  origin: string;
  created_at: string;
  updated_at: string;
}

/** Redirect URIs and CORS origins of an environment (migrations/0085). */
export function createAppUrlStore(db: Db) {
  const insertUri = db.prepare(
    `INSERT INTO redirect_uris (environment_id, id, uri, is_default, created_at, updated_at)
     VALUES (@environment_id, @id, @uri, @is_default, @created_at, @updated_at)`,
  );
  const uriExists = db.prepare<[string, string], { one: number }>('SELECT 1 AS one FROM redirect_uris WHERE environment_id = ? AND uri = ?');
  const anyUri = db.prepare<[string], { one: number }>('SELECT 1 AS one FROM redirect_uris WHERE environment_id = ? LIMIT 1');
  const insertOrigin = db.prepare(
    `INSERT INTO cors_origins (environment_id, id, origin, created_at, updated_at)
     VALUES (@environment_id, @id, @origin, @created_at, @updated_at)`,
  );
  const originExists = db.prepare<[string, string], { one: number }>('SELECT 1 AS one FROM cors_origins WHERE environment_id = ? AND origin = ?');

  return {
    insertRedirectUri(environmentId: string, record: RedirectUriRecord): void {
      insertUri.run({ environment_id: environmentId, ...record, is_default: record.is_default ? 1 : 0 });
    },
    redirectUriExists: (environmentId: string, uri: string) => uriExists.get(environmentId, uri) !== undefined,
    hasRedirectUris: (environmentId: string) => anyUri.get(environmentId) !== undefined,
    insertCorsOrigin(environmentId: string, record: CorsOriginRecord): void {
      insertOrigin.run({ environment_id: environmentId, ...record });
    },
    corsOriginExists: (environmentId: string, origin: string) => originExists.get(environmentId, origin) !== undefined,
  };
}

export type AppUrlStore = ReturnType<typeof createAppUrlStore>;
