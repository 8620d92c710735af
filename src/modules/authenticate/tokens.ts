import { randomBytes } from 'node:crypto';
import { SignJWT } from 'jose';
import type { SigningKey } from './signing-keys.js';

/** How long an access token lives: WorkOS's default (five minutes). */
export const ACCESS_TOKEN_TTL_S = 300;

/** The claims of a WorkOS access token; org-scoped ones only when the session has an organization. */
export interface AccessClaims {
  iss: string;
  sub: string;
  sid: string;
  org_id?: string;
  role?: string;
  roles?: string[];
  permissions?: string[];
  entitlements?: string[];
  feature_flags: string[];
}

/** Signs the claims RS256 with the environment's key (its kid in the header), iat/exp/jti added. */
export function signAccessToken(key: SigningKey, claims: AccessClaims, nowMs: number): Promise<string> {
  const iat = Math.floor(nowMs / 1000);
  return new SignJWT({ ...claims })
    .setProtectedHeader({ alg: 'RS256', kid: key.kid, typ: 'JWT' })
    .setIssuedAt(iat)
    .setExpirationTime(iat + ACCESS_TOKEN_TTL_S)
    .setJti(randomBytes(16).toString('hex').toUpperCase())
    .sign(key.privateKey);
}
