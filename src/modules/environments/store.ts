import type { Db } from '../../db/open.js';
import { createReadMemo } from '../../db/read-memo.js';

export interface Environment {
  id: string;
  name: string;
  created_at: string;
}

/** Environments and their secret keys: the unit of isolation every other row belongs to. */
export function createEnvironmentStore(db: Db) {
  const insert = db.prepare('INSERT INTO environments (id, name, created_at) VALUES (@id, @name, @created_at)');
  const byName = db.prepare<[string], Environment>('SELECT id, name, created_at FROM environments WHERE name = ?');
  const byId = db.prepare<[string], Environment>('SELECT id, name, created_at FROM environments WHERE id = ?');
  const all = db.prepare<[], Environment>('SELECT id, name, created_at FROM environments ORDER BY created_at, id');
  const insertKey = db.prepare('INSERT INTO environment_api_keys (key, environment_id) VALUES (?, ?)');
  const keyOwner = db.prepare<[string], { environment_id: string }>(
    'SELECT environment_id FROM environment_api_keys WHERE key = ?',
  );
  // Every request looks its key up: kept until the data changes (keys come and go with environments).
  const keyOwnerMemo = createReadMemo<string | undefined>(db, 10_000);
  const keysOf = db.prepare<[string], { key: string }>('SELECT key FROM environment_api_keys WHERE environment_id = ? ORDER BY rowid');
  const count = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM environments');
  const remove = db.prepare('DELETE FROM environments WHERE id = ?');
  const removeKeys = db.prepare('DELETE FROM environment_api_keys WHERE environment_id = ?');

  return {
    insert(environment: Environment): void {
      insert.run(environment);
    },
    byName: (name: string) => byName.get(name),
    byId: (id: string) => byId.get(id),
    all: () => all.all(),
    count: () => count.get()!.n,
    addKey(environmentId: string, key: string): void {
      insertKey.run(key, environmentId);
    },
    keyOwner: (key: string) => keyOwnerMemo(key, () => keyOwner.get(key)?.environment_id),
    keysOf: (environmentId: string) => keysOf.all(environmentId).map((r) => r.key),
    /** Deletes the environment and its keys (explicitly: foreign keys may be off). */
    delete(environmentId: string): void {
      removeKeys.run(environmentId);
      remove.run(environmentId);
    },
  };
}

export type EnvironmentStore = ReturnType<typeof createEnvironmentStore>;
