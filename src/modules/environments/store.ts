import type { Db } from '../../db/open.js';
import { createKeptMap } from '../../db/kept-map.js';
import { environmentKeyAfter } from '../../ids.js';

export interface Environment {
  /**
   * Internal and short: every environment-scoped row carries it, so its length is paid a million
   * times over by a big seed. Never shown; the API speaks `public_id`.
   */
  id: string;
  /** The `environment_…` id the admin API shows and accepts. */
  public_id: string;
  name: string;
  /** Another name the LaunchDarkly dialect's paths may use for it (not unique across the server). */
  launchdarkly_key: string | null;
  created_at: string;
}

/** Environments and their secret keys: the unit of isolation every other row belongs to. */
export function createEnvironmentStore(db: Db) {
  const insert = db.prepare(
    'INSERT INTO environments (id, public_id, name, launchdarkly_key, created_at) VALUES (@id, @public_id, @name, @launchdarkly_key, @created_at)',
  );
  const COLUMNS = 'id, public_id, name, launchdarkly_key, created_at';
  const setLaunchDarklyKey = db.prepare('UPDATE environments SET launchdarkly_key = ? WHERE id = ?');
  const byName = db.prepare<[string], Environment>(`SELECT ${COLUMNS} FROM environments WHERE name = ?`);
  const byId = db.prepare<[string], Environment>(`SELECT ${COLUMNS} FROM environments WHERE id = ?`);
  const byPublicId = db.prepare<[string], Environment>(`SELECT ${COLUMNS} FROM environments WHERE public_id = ?`);
  const all = db.prepare<[], Environment>(`SELECT ${COLUMNS} FROM environments ORDER BY created_at, public_id`);
  const insertKey = db.prepare('INSERT INTO environment_api_keys (key, environment_id) VALUES (?, ?)');
  const keyOwner = db.prepare<[string], { environment_id: string }>(
    'SELECT environment_id FROM environment_api_keys WHERE key = ?',
  );
  // Every request looks its key up: kept until a key or an environment is written (scope `keys`).
  const keyOwners = createKeptMap<string>(db, { until: 'scopes', entries: 10_000 });
  const keysOf = db.prepare<[string], { key: string }>('SELECT key FROM environment_api_keys WHERE environment_id = ? ORDER BY rowid');
  const count = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM environments');
  const greatestId = db.prepare<[], string | null>('SELECT max(id) FROM environments').pluck();
  const remove = db.prepare('DELETE FROM environments WHERE id = ?');
  const removeKeys = db.prepare('DELETE FROM environment_api_keys WHERE environment_id = ?');

  return {
    /** The id for a new environment: after every id taken (call it in the transaction that inserts it). */
    nextId: () => environmentKeyAfter(greatestId.get() ?? undefined),
    insert(environment: Omit<Environment, 'launchdarkly_key'> & { launchdarkly_key?: string | null }): void {
      insert.run({ ...environment, launchdarkly_key: environment.launchdarkly_key ?? null });
    },
    setLaunchDarklyKey(id: string, key: string | null): void {
      setLaunchDarklyKey.run(key, id);
    },
    byName: (name: string) => byName.get(name),
    byId: (id: string) => byId.get(id),
    byPublicId: (publicId: string) => byPublicId.get(publicId),
    all: () => all.all(),
    count: () => count.get()!.n,
    addKey(environmentId: string, key: string): void {
      insertKey.run(key, environmentId);
    },
    keyOwner: (key: string): string | undefined =>
      keyOwners.get(key) ??
      (() => {
        const owner = keyOwner.get(key)?.environment_id;
        if (owner !== undefined) keyOwners.set('', key, owner, { scopes: ['keys'] });
        return owner;
      })(),
    keysOf: (environmentId: string) => keysOf.all(environmentId).map((r) => r.key),
    /** Deletes the environment and its keys (explicitly: foreign keys may be off). */
    delete(environmentId: string): void {
      removeKeys.run(environmentId);
      remove.run(environmentId);
    },
  };
}

export type EnvironmentStore = ReturnType<typeof createEnvironmentStore>;
