import type { Db } from '../../db/open.js';

/** Users' password hashes (never the passwords). */
export function createPasswordStore(db: Db) {
  const remove = db.prepare('DELETE FROM user_passwords WHERE environment_id = ? AND user_id = ?');
  const insert = db.prepare('INSERT INTO user_passwords (environment_id, user_id, hash) VALUES (?, ?, ?)');
  const hashOf = db.prepare<[string, string], { hash: string }>('SELECT hash FROM user_passwords WHERE environment_id = ? AND user_id = ?');
  return {
    /** Sets (or replaces) a user's hash. Not INSERT OR REPLACE: snapshots see rows through triggers. */
    set(environmentId: string, userId: string, hash: string): void {
      remove.run(environmentId, userId);
      insert.run(environmentId, userId, hash);
    },
    hashOf: (environmentId: string, userId: string) => hashOf.get(environmentId, userId)?.hash,
  };
}

export type PasswordStore = ReturnType<typeof createPasswordStore>;
