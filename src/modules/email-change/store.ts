import type { Db } from '../../db/open.js';

/** A user's email change in flight (at most one: a new send replaces it). */
export interface EmailChange {
  user_id: string;
  new_email: string;
  code: string;
  expires_at: string;
  used_at: string | null;
  created_at: string;
}

const COLUMNS = 'user_id, new_email, code, expires_at, used_at, created_at';

/** Prepared statements for email changes. */
export function createEmailChangeStore(db: Db) {
  // Not INSERT OR REPLACE: its implicit delete fires no trigger, and snapshots track rows by trigger.
  const remove = db.prepare('DELETE FROM email_changes WHERE environment_id = ? AND user_id = ?');
  const insert = db.prepare(
    `INSERT INTO email_changes (environment_id, ${COLUMNS})
     VALUES (@environment_id, @user_id, @new_email, @code, @expires_at, @used_at, @created_at)`,
  );
  const markUsed = db.prepare('UPDATE email_changes SET used_at = ? WHERE environment_id = ? AND user_id = ?');
  const ofUser = db.prepare<[string, string], EmailChange>(`SELECT ${COLUMNS} FROM email_changes WHERE environment_id = ? AND user_id = ?`);

  return {
    /** Starts a change, replacing any earlier one of the user. */
    put(environmentId: string, change: EmailChange): void {
      remove.run(environmentId, change.user_id);
      insert.run({ environment_id: environmentId, ...change });
    },
    markUsed(environmentId: string, userId: string, at: string): void {
      markUsed.run(at, environmentId, userId);
    },
    ofUser: (environmentId: string, userId: string) => ofUser.get(environmentId, userId),
  };
}

export type EmailChangeStore = ReturnType<typeof createEmailChangeStore>;
