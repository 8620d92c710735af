import type { EnvironmentTime } from '../clock/service.js';
import type { Db } from '../../db/open.js';
import { ApiError, notFound } from '../../http/errors.js';
import { pageRequest, toPage, type Page, type ListQuery } from '../../http/pagination.js';
import { ID_PREFIXES, newId } from '../../ids.js';
import type { UserStore } from '../users/store.js';
import type { AuthChallenge, AuthFactor, AuthFactorStore } from './store.js';
import { newTotpSecret, normalizeTotpSecret } from './totp.js';
import type { EnrollFactorBody } from './schemas.js';

export interface AuthFactorService {
  enroll(environmentId: string, userId: string, body: EnrollFactorBody): { factor: AuthFactor; challenge: AuthChallenge };
  list(environmentId: string, userId: string, query: ListQuery): Page<AuthFactor>;
  get(environmentId: string, id: string): AuthFactor;
  delete(environmentId: string, id: string): void;
}

/** The issuer shown in authenticator apps when none is given (WorkOS uses the team name). */
export const DEFAULT_TOTP_ISSUER = 'flagstand';

// spec: the user-management factor routes answer only 422 besides success, an unknown user included.
const unknownUser = (id: string) => new ApiError(422, { message: `User not found: '${id}'.`, code: 'entity_not_found', entity_id: id });

export function createAuthFactorService(db: Db, factors: AuthFactorStore, users: UserStore, clock: EnvironmentTime): AuthFactorService {
  const enroll = db.transaction((environmentId: string, userId: string, body: EnrollFactorBody) => {
    const user = users.byId(environmentId, userId);
    if (!user) throw unknownUser(userId);
    let secret = newTotpSecret();
    if (body.totp_secret !== undefined) {
      const given = normalizeTotpSecret(body.totp_secret);
      if (!given) {
        throw new ApiError(422, {
          message: 'totp_secret must be a base32 secret of at least 16 characters.',
          code: 'invalid_request_parameters',
          errors: [{ field: 'totp_secret', code: 'totp_secret_invalid' }],
        });
      }
      secret = given;
    }
    const now = clock.now(environmentId);
    const factor: AuthFactor = {
      id: newId('authFactor'),
      user_id: user.id,
      type: 'totp',
      totp_issuer: body.totp_issuer ?? DEFAULT_TOTP_ISSUER,
      totp_user: body.totp_user ?? user.email,
      totp_secret: secret,
      created_at: now,
      updated_at: now,
    };
    factors.insert(environmentId, factor);
    // The enrollment's first challenge, which a TOTP sign-in verifies against (no code: the app makes it).
    const challenge: AuthChallenge = { id: newId('authChallenge'), factor_id: factor.id, created_at: now, updated_at: now };
    factors.insertChallenge(environmentId, challenge);
    return { factor, challenge };
  });

  const requireFactor = (environmentId: string, id: string): AuthFactor => {
    const factor = factors.byId(environmentId, id);
    if (!factor) throw notFound('Authentication factor', id);
    return factor;
  };

  return {
    enroll,
    list(environmentId, userId, query) {
      const req = pageRequest(query, ID_PREFIXES.authFactor, (id) => factors.sortKey(environmentId, id), 422);
      if (!users.exists(environmentId, userId)) throw unknownUser(userId);
      return toPage(req, factors.list(environmentId, userId, req));
    },
    get: requireFactor,
    delete: db.transaction((environmentId: string, id: string) => {
      requireFactor(environmentId, id);
      factors.delete(environmentId, id);
    }),
  };
}
