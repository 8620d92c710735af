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

const HOMEPAGE_URL = 'homepage_url';

/** Redirect URIs and CORS origins (migrations/0085) and the homepage URL (0086) of an environment. */
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
  const setSetting = db.prepare(
    `INSERT INTO app_settings (environment_id, name, value, updated_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (environment_id, name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
  );
  const setting = db.prepare<[string, string], { value: string }>('SELECT value FROM app_settings WHERE environment_id = ? AND name = ?');

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
    setHomepageUrl(environmentId: string, url: string, now: string): void {
      setSetting.run(environmentId, HOMEPAGE_URL, url, now);
    },
    homepageUrl: (environmentId: string): string | null => setting.get(environmentId, HOMEPAGE_URL)?.value ?? null,
  };
}

export type AppUrlStore = ReturnType<typeof createAppUrlStore>;
