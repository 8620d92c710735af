import { createHash } from 'node:crypto';
import type { Db } from '../../db/open.js';
import type { AuthenticationMethod } from './schemas.js';

export interface AuthorizationCode {
  code: string;
  user_id: string;
  organization_id: string | null;
  authentication_method: AuthenticationMethod;
  expires_at: string;
  used_at: string | null;
  created_at: string;
}

export interface RefreshToken {
  session_id: string;
  used_at: string | null;
  created_at: string;
}

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

/** Prepared statements for refresh tokens (kept as SHA-256) and authorization codes. */
export function createSignInStore(db: Db) {
  const insertToken = db.prepare('INSERT INTO refresh_tokens (environment_id, token_sha256, session_id, used_at, created_at) VALUES (?, ?, ?, NULL, ?)');
  const token = db.prepare<[string, string], RefreshToken>(
    'SELECT session_id, used_at, created_at FROM refresh_tokens WHERE environment_id = ? AND token_sha256 = ?',
  );
  const useToken = db.prepare('UPDATE refresh_tokens SET used_at = ? WHERE environment_id = ? AND token_sha256 = ?');
  const insertCode = db.prepare(
    `INSERT INTO authorization_codes (environment_id, code, user_id, organization_id, authentication_method, expires_at, used_at, created_at)
     VALUES (@environment_id, @code, @user_id, @organization_id, @authentication_method, @expires_at, @used_at, @created_at)`,
  );
  const code = db.prepare<[string, string], AuthorizationCode>(
    'SELECT code, user_id, organization_id, authentication_method, expires_at, used_at, created_at FROM authorization_codes WHERE environment_id = ? AND code = ?',
  );
  const useCode = db.prepare('UPDATE authorization_codes SET used_at = ? WHERE environment_id = ? AND code = ?');

  return {
    addRefreshToken(environmentId: string, value: string, sessionId: string, now: string): void {
      insertToken.run(environmentId, sha256(value), sessionId, now);
    },
    refreshToken: (environmentId: string, value: string) => token.get(environmentId, sha256(value)),
    useRefreshToken(environmentId: string, value: string, now: string): void {
      useToken.run(now, environmentId, sha256(value));
    },
    addCode(environmentId: string, c: AuthorizationCode): void {
      insertCode.run({ environment_id: environmentId, ...c });
    },
    code: (environmentId: string, value: string) => code.get(environmentId, value),
    useCode(environmentId: string, value: string, now: string): void {
      useCode.run(now, environmentId, value);
    },
  };
}

export type SignInStore = ReturnType<typeof createSignInStore>;
