import type { Db } from '../../db/open.js';
import { cursorParams, prepareKeyset, type PageRequest, type SortKey } from '../../db/keyset.js';

/** An organization API key as stored: its secret only as a SHA-256. */
export interface ApiKey {
  id: string;
  organization_id: string;
  name: string;
  value_sha256: string;
  obfuscated_value: string;
  permissions: string[];
  last_used_at: string | null;
  /** Null: the key never expires. */
  expires_at: string | null;
  created_at: string;
  updated_at: string;
}

interface ApiKeyRow extends Omit<ApiKey, 'permissions'> {
  permissions: string;
}

const COLUMNS = 'id, organization_id, name, value_sha256, obfuscated_value, permissions, last_used_at, expires_at, created_at, updated_at';

const toApiKey = (row: ApiKeyRow): ApiKey => ({ ...row, permissions: JSON.parse(row.permissions) as string[] });

/** Prepared statements for organization API keys (never the environment's own secret keys). */
export function createApiKeyStore(db: Db) {
  const insert = db.prepare(
    `INSERT INTO organization_api_keys (environment_id, ${COLUMNS})
     VALUES (@environment_id, @id, @organization_id, @name, @value_sha256, @obfuscated_value, @permissions,
       @last_used_at, @expires_at, @created_at, @updated_at)`,
  );
  const byId = db.prepare<[string, string], ApiKeyRow>(`SELECT ${COLUMNS} FROM organization_api_keys WHERE environment_id = ? AND id = ?`);
  const byHash = db.prepare<[string, string], ApiKeyRow>(
    `SELECT ${COLUMNS} FROM organization_api_keys WHERE environment_id = ? AND value_sha256 = ?`,
  );
  const sortKey = db.prepare<[string, string], SortKey>(
    'SELECT created_at, id FROM organization_api_keys WHERE environment_id = ? AND id = ?',
  );
  const markUsed = db.prepare('UPDATE organization_api_keys SET last_used_at = ? WHERE environment_id = ? AND id = ?');
  const remove = db.prepare('DELETE FROM organization_api_keys WHERE environment_id = ? AND id = ?');
  const listOf = prepareKeyset(
    db,
    (k) => `SELECT ${COLUMNS} FROM organization_api_keys
      WHERE environment_id = @env AND organization_id = @organization_id AND ${k.where}
      ORDER BY ${k.orderBy} ${k.limit}`,
  );

  return {
    insert(environmentId: string, key: ApiKey): void {
      insert.run({ environment_id: environmentId, ...key, permissions: JSON.stringify(key.permissions) });
    },
    byId(environmentId: string, id: string): ApiKey | undefined {
      const row = byId.get(environmentId, id);
      return row && toApiKey(row);
    },
    byValueHash(environmentId: string, sha256: string): ApiKey | undefined {
      const row = byHash.get(environmentId, sha256);
      return row && toApiKey(row);
    },
    sortKey: (environmentId: string, id: string) => sortKey.get(environmentId, id),
    listOf(environmentId: string, organizationId: string, req: PageRequest): ApiKey[] {
      const rows = listOf(req).all({ env: environmentId, organization_id: organizationId, ...cursorParams(req) }) as ApiKeyRow[];
      return rows.map(toApiKey);
    },
    markUsed(environmentId: string, id: string, now: string): void {
      markUsed.run(now, environmentId, id);
    },
    delete(environmentId: string, id: string): void {
      remove.run(environmentId, id);
    },
  };
}

export type ApiKeyStore = ReturnType<typeof createApiKeyStore>;
