import type { EnvironmentTime } from '../clock/service.js';
import type { Db } from '../../db/open.js';
import { badRequest, notFound } from '../../http/errors.js';
import { newId } from '../../ids.js';
import { oneTimeCode } from '../../one-time-code.js';
import type { User, UserStore } from '../users/store.js';
import type { EmailVerification, EmailVerificationStore } from './store.js';

export interface EmailVerificationService {
  get(environmentId: string, id: string): EmailVerification;
  latest(environmentId: string, userId: string): EmailVerification;
  send(environmentId: string, userId: string): User;
  confirm(environmentId: string, userId: string, code: string): User;
}

/** How long a verification code stays valid (not in the spec; WorkOS's examples show a day or more). */
export const EMAIL_VERIFICATION_TTL_MS = 24 * 3_600_000;

export function createEmailVerificationService(
  db: Db,
  verifications: EmailVerificationStore,
  users: UserStore,
  clock: EnvironmentTime,
): EmailVerificationService {
  const requireUser = (environmentId: string, id: string): User => {
    const user = users.byId(environmentId, id);
    if (!user) throw notFound('User', id);
    return user;
  };

  const send = db.transaction((environmentId: string, userId: string): User => {
    const user = requireUser(environmentId, userId);
    if (user.email_verified) throw badRequest(`The email of user '${userId}' is already verified.`, 'email_already_verified');
    const now = clock.now(environmentId);
    verifications.insert(environmentId, {
      id: newId('emailVerification'),
      user_id: user.id,
      email: user.email,
      code: oneTimeCode(),
      expires_at: new Date(Date.parse(now) + EMAIL_VERIFICATION_TTL_MS).toISOString(),
      used_at: null,
      created_at: now,
      updated_at: now,
    });
    return user;
  });

  // Checked in the order a user would meet them: already verified, code reused, wrong, expired.
  const confirm = db.transaction((environmentId: string, userId: string, code: string): User => {
    const user = requireUser(environmentId, userId);
    if (user.email_verified) throw badRequest(`The email of user '${userId}' has already been verified.`, 'email_previously_verified');
    const matching = verifications.byCode(environmentId, userId, code);
    if (matching?.used_at) throw badRequest('This email verification code has already been used.', 'email_verification_code_previously_used');
    const latest = verifications.latest(environmentId, userId);
    if (!latest || !matching || matching.id !== latest.id) {
      throw badRequest('The email verification code is incorrect.', 'email_verification_code_incorrect');
    }
    const now = clock.now(environmentId);
    if (latest.expires_at <= now) throw badRequest('The email verification code has expired.', 'email_verification_code_expired');
    verifications.markUsed(environmentId, latest.id, now);
    const verified: User = { ...user, email_verified: true, updated_at: now };
    users.update(environmentId, verified);
    return verified;
  });

  return {
    get(environmentId, id) {
      const verification = verifications.byId(environmentId, id);
      if (!verification) throw notFound('Email verification', id);
      return verification;
    },
    latest(environmentId, userId) {
      requireUser(environmentId, userId);
      const verification = verifications.latest(environmentId, userId);
      if (!verification) throw notFound('Email verification of user', userId);
      return verification;
    },
    send,
    confirm,
  };
}
