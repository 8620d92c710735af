import { randomBytes } from 'node:crypto';
import type { Db } from '../../db/open.js';
import { ApiError, invalidParameters, notFound, unprocessable, type ErrorBody } from '../../http/errors.js';
import { newId } from '../../ids.js';
import type { EnvironmentClock } from '../clock/service.js';
import type { MembershipAccess } from '../authorization/service.js';
import type { MembershipStore } from '../memberships/store.js';
import { SESSION_TTL_MS } from '../sessions/service.js';
import type { AuthMethod, Session, SessionStore } from '../sessions/store.js';
import { verifyPassword } from '../users/password-hash.js';
import type { PasswordStore } from '../users/password-store.js';
import type { User, UserStore } from '../users/store.js';
import { clientIdOf } from './client-id.js';
import type { AuthenticateBody, AuthenticationMethod } from './schemas.js';
import type { SigningKeys } from './signing-keys.js';
import type { AuthorizationCode, SignInStore } from './store.js';
import { signAccessToken, type AccessClaims } from './tokens.js';

export interface AuthenticateResult {
  user: User;
  organization_id?: string;
  access_token: string;
  refresh_token: string;
  authentication_method?: AuthenticationMethod;
}

/** What a grant did: the session it started (or refreshed) and the refresh token it issued. */
export interface SignIn {
  session: Session;
  refreshToken: string;
  user: User;
  /** How the user authenticated; undefined for a refresh (which authenticates no one). */
  method: AuthenticationMethod | undefined;
  /** True when the grant started the session (false: a refresh of an existing one). */
  started: boolean;
}

export interface AuthenticateService {
  /** Checks the client and runs the grant: all its writes in one transaction, or none. */
  grant(environmentId: string, environmentPublicId: string, body: AuthenticateBody): SignIn;
  /** The answer to a grant: its access token signed with the environment's key. */
  answer(environmentId: string, signIn: SignIn, issuer: string): Promise<AuthenticateResult>;
  mintCode(environmentId: string, body: { user_id: string; organization_id?: string; authentication_method?: AuthenticationMethod }): AuthorizationCode;
}

/** What sign-in reads beyond its own rows. */
export interface SignInDirectory {
  users: UserStore;
  passwords: PasswordStore;
  memberships: MembershipStore;
  /** The membership's roles on its organization and their permissions (the authorization model's `permissionsOf`). */
  accessOf(environmentId: string, membershipId: string): MembershipAccess | undefined;
  sessions: SessionStore;
  /** The slugs of the flags on for the user: the REST user list (GET /user_management/users/{id}/feature-flags). */
  flagSlugsOf(environmentId: string, userId: string): string[];
  /** True when `secret` is a secret key of the environment. */
  isEnvironmentKey(environmentId: string, secret: string): boolean;
}

/** How long a minted authorization code stays usable (WorkOS: ten minutes). */
export const AUTHORIZATION_CODE_TTL_MS = 10 * 60_000;

const SESSION_METHOD: Partial<Record<AuthenticationMethod, AuthMethod>> = {
  SSO: 'sso',
  Password: 'password',
  Passkey: 'passkey',
  CrossAppAuth: 'cross_app_auth',
  ExternalAuth: 'external_auth',
  MagicAuth: 'magic_code',
  Impersonation: 'impersonation',
  MigratedSession: 'migrated_session',
};
const sessionMethodOf = (m: AuthenticationMethod): AuthMethod => SESSION_METHOD[m] ?? (m.endsWith('OAuth') ? 'oauth' : 'unknown');

// spec: OAuth errors are `{ error, error_description }`, WorkOS ones `{ code, message }`.
const oauthError = (error: string, description: string) =>
  new ApiError(400, { error, error_description: description } as unknown as ErrorBody);
const codeError = (code: string, message: string) => new ApiError(400, { code, message });

const required = (body: AuthenticateBody, fields: (keyof AuthenticateBody)[]) => {
  const missing = fields.filter((f) => body[f] === undefined);
  if (missing.length) throw invalidParameters(missing.map((field) => ({ field, code: `${field}_required`, message: 'is required' })), 422);
};

export function createAuthenticateService(
  db: Db,
  store: SignInStore,
  keys: SigningKeys,
  directory: SignInDirectory,
  clock: EnvironmentClock,
): AuthenticateService {
  const { users, memberships, sessions } = directory;

  /** The organization a sign-in lands in: the one asked for, else the user's oldest active membership. */
  const organizationFor = (environmentId: string, userId: string, asked: string | null | undefined): string | null => {
    if (asked) {
      const m = memberships.byPair(environmentId, userId, asked);
      if (m?.status !== 'active') throw codeError('invalid_organization_id', `User '${userId}' is not an active member of organization '${asked}'.`);
      return asked;
    }
    return memberships.activeOrganizationIds(environmentId, userId)[0] ?? null;
  };

  /** A new session and its first refresh token, the user's last_sign_in_at moved: one unit. */
  const startSession = db.transaction(
    (environmentId: string, user: User, organizationId: string | null, method: AuthenticationMethod, body: AuthenticateBody) => {
      const now = clock.now(environmentId);
      const session: Session = {
        id: newId('session'),
        user_id: user.id,
        organization_id: organizationId,
        auth_method: sessionMethodOf(method),
        status: 'active',
        ip_address: body.ip_address ?? null,
        user_agent: body.user_agent ?? null,
        impersonator_email: null,
        impersonator_reason: null,
        expires_at: new Date(Date.parse(now) + SESSION_TTL_MS).toISOString(),
        ended_at: null,
        created_at: now,
        updated_at: now,
      };
      sessions.insert(environmentId, session);
      const refreshToken = randomBytes(24).toString('base64url');
      store.addRefreshToken(environmentId, refreshToken, session.id, now);
      const signedIn = { ...user, last_sign_in_at: now, updated_at: user.updated_at };
      users.update(environmentId, signedIn);
      return { session, refreshToken, user: signedIn, started: true };
    },
  );

  const passwordGrant = (environmentId: string, body: AuthenticateBody) => {
    required(body, ['email', 'password']);
    const user = users.byEmail(environmentId, body.email!.trim().toLowerCase());
    const hash = user && directory.passwords.hashOf(environmentId, user.id);
    if (!user || !hash || !verifyPassword(body.password!, hash)) throw codeError('invalid_credentials', 'Invalid credentials.');
    return { ...startSession(environmentId, user, organizationFor(environmentId, user.id, undefined), 'Password', body), method: 'Password' as const };
  };

  const codeGrant = db.transaction((environmentId: string, body: AuthenticateBody) => {
    required(body, ['code']);
    const code = store.code(environmentId, body.code!);
    const now = clock.now(environmentId);
    if (!code || code.used_at || code.expires_at <= now) throw oauthError('invalid_grant', 'The code is invalid, expired or already used.');
    store.useCode(environmentId, code.code, now);
    const user = users.byId(environmentId, code.user_id)!;
    const organizationId = code.organization_id ?? organizationFor(environmentId, user.id, undefined);
    return { ...startSession(environmentId, user, organizationId, code.authentication_method, body), method: code.authentication_method };
  });

  // A refresh rotates the token (the old one stops working) and may move the session to another organization.
  const refreshGrant = db.transaction((environmentId: string, body: AuthenticateBody) => {
    required(body, ['refresh_token']);
    const token = store.refreshToken(environmentId, body.refresh_token!);
    const now = clock.now(environmentId);
    const session = token && sessions.byId(environmentId, token.session_id);
    if (!token || token.used_at || !session || session.status !== 'active' || session.expires_at <= now) {
      throw oauthError('invalid_grant', 'The refresh token is invalid or has already been used.');
    }
    const organizationId = body.organization_id ? organizationFor(environmentId, session.user_id, body.organization_id) : session.organization_id;
    store.useRefreshToken(environmentId, body.refresh_token!, now);
    const next: Session = { ...session, organization_id: organizationId, updated_at: now };
    sessions.update(environmentId, next);
    const refreshToken = randomBytes(24).toString('base64url');
    store.addRefreshToken(environmentId, refreshToken, session.id, now);
    return { session: next, refreshToken, user: users.byId(environmentId, session.user_id)!, method: undefined, started: false };
  });

  /**
   * The token's claims: the session, its organization's access, the user's flags. `role` is the
   * membership's own role, `roles` every role it holds on the organization (its own first, then
   * its assignments on the organization resource), `permissions` the union of theirs: the
   * authorization model's one answer, so a check and the token cannot disagree.
   */
  const claimsOf = (environmentId: string, session: Session, issuer: string): AccessClaims => {
    const claims: AccessClaims = { iss: issuer, sub: session.user_id, sid: session.id, feature_flags: [] };
    if (session.organization_id) {
      const membership = memberships.byPair(environmentId, session.user_id, session.organization_id);
      const access = membership && directory.accessOf(environmentId, membership.id);
      claims.org_id = session.organization_id;
      if (access) {
        claims.role = access.role;
        claims.roles = access.roles;
        claims.permissions = access.permissions;
      }
      // No entitlements model here: the claim is present and empty.
      claims.entitlements = [];
    }
    claims.feature_flags = directory.flagSlugsOf(environmentId, session.user_id);
    return claims;
  };

  return {
    grant: db.transaction((environmentId: string, environmentPublicId: string, body: AuthenticateBody): SignIn => {
      if (body.client_id !== clientIdOf(environmentPublicId)) throw oauthError('invalid_client', 'Invalid client ID.');
      if (body.client_secret !== undefined && !directory.isEnvironmentKey(environmentId, body.client_secret)) {
        throw oauthError('invalid_client', 'Invalid client secret.');
      }
      switch (body.grant_type) {
        case 'password':
          return passwordGrant(environmentId, body);
        case 'authorization_code':
          return codeGrant(environmentId, body);
        case 'refresh_token':
          return refreshGrant(environmentId, body);
        // No magic codes, pending authentication tokens or device codes are ever issued here.
        case 'urn:workos:oauth:grant-type:magic-auth:code':
          required(body, ['code', 'email']);
          throw codeError('invalid_one_time_code', 'The one-time code is invalid.');
        case 'urn:ietf:params:oauth:grant-type:device_code':
          required(body, ['device_code']);
          throw oauthError('invalid_grant', 'The device code is invalid.');
        default:
          required(body, ['pending_authentication_token']);
          throw codeError('invalid_pending_authentication_token', 'The pending authentication token is invalid.');
      }
    }),

    async answer(environmentId, result, issuer) {
      const now = clock.now(environmentId);
      const key = keys.of(environmentId, now);
      const access = await signAccessToken(key, claimsOf(environmentId, result.session, issuer), Date.parse(now));
      return {
        user: result.user,
        ...(result.session.organization_id && { organization_id: result.session.organization_id }),
        access_token: access,
        refresh_token: result.refreshToken,
        ...(result.method && { authentication_method: result.method }),
      };
    },

    mintCode: db.transaction((environmentId: string, body: { user_id: string; organization_id?: string; authentication_method?: AuthenticationMethod }) => {
      if (!users.exists(environmentId, body.user_id)) throw notFound('User', body.user_id);
      if (body.organization_id !== undefined && memberships.byPair(environmentId, body.user_id, body.organization_id)?.status !== 'active') {
        throw unprocessable(`User '${body.user_id}' is not an active member of organization '${body.organization_id}'.`, 'invalid_organization_id');
      }
      const now = clock.now(environmentId);
      const code: AuthorizationCode = {
        code: randomBytes(24).toString('base64url'),
        user_id: body.user_id,
        organization_id: body.organization_id ?? null,
        authentication_method: body.authentication_method ?? 'Password',
        expires_at: new Date(Date.parse(now) + AUTHORIZATION_CODE_TTL_MS).toISOString(),
        used_at: null,
        created_at: now,
      };
      store.addCode(environmentId, code);
      return code;
    }),
  };
}
