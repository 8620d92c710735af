import type { Db } from '../../db/open.js';

export interface EmailVerification {
  id: string;
  user_id: string;
  email: string;
  code: string;
  expires_at: string;
  used_at: string | null;
  created_at: string;
  updated_at: string;
}

const COLUMNS = 'id, user_id, email, code, expires_at, used_at, created_at, updated_at';

/** Prepared statements for email verification codes. */
export function createEmailVerificationStore(db: Db) {
  const insert = db.prepare(
    `INSERT INTO email_verifications (environment_id, ${COLUMNS})
     VALUES (@environment_id, @id, @user_id, @email, @code, @expires_at, @used_at, @created_at, @updated_at)`,
  );
  const markUsed = db.prepare('UPDATE email_verifications SET used_at = ?, updated_at = ? WHERE environment_id = ? AND id = ?');
  const byId = db.prepare<[string, string], EmailVerification>(
    `SELECT ${COLUMNS} FROM email_verifications WHERE environment_id = ? AND id = ?`,
  );
  const latest = db.prepare<[string, string], EmailVerification>(
    `SELECT ${COLUMNS} FROM email_verifications WHERE environment_id = ? AND user_id = ? ORDER BY created_at DESC, id DESC LIMIT 1`,
  );
  const byCode = db.prepare<[string, string, string], EmailVerification>(
    `SELECT ${COLUMNS} FROM email_verifications WHERE environment_id = ? AND user_id = ? AND code = ?
     ORDER BY created_at DESC, id DESC LIMIT 1`,
  );

  return {
    insert(environmentId: string, verification: EmailVerification): void {
      insert.run({ environment_id: environmentId, ...verification });
    },
    markUsed(environmentId: string, id: string, at: string): void {
      markUsed.run(at, at, environmentId, id);
    },
    byId: (environmentId: string, id: string) => byId.get(environmentId, id),
    /** The user's newest code: the one a confirm checks. */
    latest: (environmentId: string, userId: string) => latest.get(environmentId, userId),
    /** The user's newest code equal to `code`, to tell a reused code from a wrong one. */
    byCode: (environmentId: string, userId: string, code: string) => byCode.get(environmentId, userId, code),
  };
}

export type EmailVerificationStore = ReturnType<typeof createEmailVerificationStore>;
