import type { Db } from '../../db/open.js';

export interface User {
  id: string;
  email: string;
  first_name: string | null;
  last_name: string | null;
  email_verified: boolean;
  profile_picture_url: string | null;
  external_id: string | null;
  metadata: Record<string, string>;
  last_sign_in_at: string | null;
  locale: string | null;
  created_at: string;
  updated_at: string;
}

/** Prepared statements for users. */
export function createUserStore(db: Db) {
  const insert = db.prepare(
    `INSERT INTO users (environment_id, id, email, first_name, last_name, email_verified, profile_picture_url,
       external_id, metadata, last_sign_in_at, locale, created_at, updated_at)
     VALUES (@environment_id, @id, @email, @first_name, @last_name, @email_verified, @profile_picture_url,
       @external_id, @metadata, @last_sign_in_at, @locale, @created_at, @updated_at)`,
  );
  const exists = db.prepare<[string, string], { one: 1 }>('SELECT 1 AS one FROM users WHERE environment_id = ? AND id = ?');

  return {
    insert(environmentId: string, user: User): void {
      insert.run({
        environment_id: environmentId,
        ...user,
        email_verified: user.email_verified ? 1 : 0,
        metadata: JSON.stringify(user.metadata),
      });
    },
    exists: (environmentId: string, id: string) => exists.get(environmentId, id) !== undefined,
  };
}

export type UserStore = ReturnType<typeof createUserStore>;
