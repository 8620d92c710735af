import type { Db } from '../../db/open.js';

/** A Pipes data provider of the environment (seeded). */
export interface DataProvider {
  id: string;
  slug: string;
  name: string;
  description: string | null;
  integration_type: string;
  credentials_type: string;
  scopes: string[] | null;
  ownership: 'userland_user' | 'organization';
  created_at: string;
  updated_at: string;
}

type Row = Omit<DataProvider, 'scopes'> & { scopes: string | null };
const COLUMNS = 'id, slug, name, description, integration_type, credentials_type, scopes, ownership, created_at, updated_at';
const toProvider = (r: Row): DataProvider => ({ ...r, scopes: r.scopes === null ? null : (JSON.parse(r.scopes) as string[]) });

/** Prepared statements for data providers. */
export function createDataProviderStore(db: Db) {
  const insert = db.prepare(
    `INSERT INTO data_providers (environment_id, ${COLUMNS})
     VALUES (@environment_id, @id, @slug, @name, @description, @integration_type, @credentials_type, @scopes, @ownership, @created_at, @updated_at)`,
  );
  // An environment has a handful of providers: the list is all of them, by slug.
  const all = db.prepare<[string], Row>(`SELECT ${COLUMNS} FROM data_providers WHERE environment_id = ? ORDER BY slug`);
  return {
    insert(environmentId: string, p: DataProvider): void {
      insert.run({ environment_id: environmentId, ...p, scopes: p.scopes === null ? null : JSON.stringify(p.scopes) });
    },
    all: (environmentId: string) => all.all(environmentId).map(toProvider),
  };
}

export type DataProviderStore = ReturnType<typeof createDataProviderStore>;
