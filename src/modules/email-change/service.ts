import type { EnvironmentTime } from '../clock/service.js';
import type { Db } from '../../db/open.js';
import { ApiError, badRequest, conflict, notFound } from '../../http/errors.js';
import { oneTimeCode } from '../../one-time-code.js';
import { EMAIL_PATTERN } from '../users/schemas.js';
import { normalizeEmail } from '../users/service.js';
import type { User, UserStore } from '../users/store.js';
import type { EmailChange, EmailChangeStore } from './store.js';

export interface EmailChangeService {
  send(environmentId: string, userId: string, newEmail: string): { user: User; change: EmailChange };
  confirm(environmentId: string, userId: string, code: string): User;
  pending(environmentId: string, userId: string): EmailChange;
}

/** How long an email change code stays valid (not in the spec; as short as WorkOS's other emailed codes). */
export const EMAIL_CHANGE_TTL_MS = 10 * 60_000;

const EMAIL = new RegExp(EMAIL_PATTERN);

export function createEmailChangeService(db: Db, changes: EmailChangeStore, users: UserStore, clock: EnvironmentTime): EmailChangeService {
  const requireUser = (environmentId: string, id: string): User => {
    const user = users.byId(environmentId, id);
    if (!user) throw notFound('User', id);
    return user;
  };
  const requireAvailable = (environmentId: string, userId: string, email: string) => {
    const owner = users.byEmail(environmentId, email);
    if (owner && owner.id !== userId) throw conflict('This email is not available.', 'email_not_available');
  };

  const send = db.transaction((environmentId: string, userId: string, newEmail: string) => {
    const user = requireUser(environmentId, userId);
    const email = normalizeEmail(newEmail);
    if (!EMAIL.test(email)) throw new ApiError(422, { code: 'invalid_email', message: `Invalid email address: '${newEmail}'.` });
    if (email === user.email) throw conflict(`'${email}' is already the email of user '${userId}'.`, 'email_change_not_needed');
    requireAvailable(environmentId, userId, email);
    const now = clock.now(environmentId);
    const change: EmailChange = {
      user_id: userId,
      new_email: email,
      code: oneTimeCode(),
      expires_at: new Date(Date.parse(now) + EMAIL_CHANGE_TTL_MS).toISOString(),
      used_at: null,
      created_at: now,
    };
    changes.put(environmentId, change);
    return { user, change };
  });

  const confirm = db.transaction((environmentId: string, userId: string, code: string): User => {
    const user = requireUser(environmentId, userId);
    const change = changes.ofUser(environmentId, userId);
    if (change?.used_at && change.code === code) {
      throw conflict('This email change code has already been used.', 'email_change_code_previously_used');
    }
    if (!change || change.used_at) throw conflict(`User '${userId}' has no pending email change.`, 'no_pending_email_change');
    if (change.code !== code) throw badRequest('The email change code is incorrect.', 'email_change_code_incorrect');
    const now = clock.now(environmentId);
    if (change.expires_at <= now) throw badRequest('The email change code has expired.', 'email_change_code_expired');
    // Another user may have taken the address since the code was sent.
    requireAvailable(environmentId, userId, change.new_email);
    changes.markUsed(environmentId, userId, now);
    // The code reached the new address, so it counts as verified.
    const changed: User = { ...user, email: change.new_email, email_verified: true, updated_at: now };
    users.update(environmentId, changed);
    return changed;
  });

  return {
    send,
    confirm,
    pending(environmentId, userId) {
      requireUser(environmentId, userId);
      const change = changes.ofUser(environmentId, userId);
      if (!change || change.used_at) throw notFound('Pending email change of user', userId);
      return change;
    },
  };
}
