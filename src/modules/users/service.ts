import type { EnvironmentTime } from '../clock/service.js';
import type { Db } from '../../db/open.js';
import { ApiError, badRequest, notFound } from '../../http/errors.js';
import { mergeMetadata } from '../../http/metadata.js';
import { pageRequest, toPage, type Page } from '../../http/pagination.js';
import { ID_PREFIXES, newId } from '../../ids.js';
import { hashPassword } from './password-hash.js';
import { checkPasswordFields } from './password.js';
import { EMAIL_PATTERN, type CreateUserBody, type ListUsersQuery, type UpdateUserBody } from './schemas.js';
import type { User, UserStore } from './store.js';

export interface UserService {
  list(environmentId: string, query: ListUsersQuery): Page<User>;
  create(environmentId: string, body: CreateUserBody): User;
  get(environmentId: string, id: string): User;
  getByExternalId(environmentId: string, externalId: string): User;
  update(environmentId: string, id: string, body: UpdateUserBody): User;
  delete(environmentId: string, id: string): void;
}

/** What deleting a user must clean up beyond its own row and (by cascade) its memberships. */
export interface UserCleanup {
  deleteTargetsOf(environmentId: string, resourceId: string): void;
}

/** Where a user's password goes: only its hash, for sign-in (POST /user_management/authenticate). */
export interface PasswordSink {
  set(environmentId: string, userId: string, hash: string): void;
}

const EMAIL = new RegExp(EMAIL_PATTERN);

/** Emails are compared and stored lowercase, so `Ada@X.io` and `ada@x.io` are one user. */
export const normalizeEmail = (email: string): string => email.trim().toLowerCase();

function isLocale(value: string): boolean {
  try {
    return Intl.getCanonicalLocales(value).length === 1;
  } catch {
    return false;
  }
}

/** A new user of `email` (already normalized): nothing known but what `fields` give. */
export function newUser(email: string, now: string, fields: Partial<Omit<User, 'id' | 'email'>> = {}): User {
  return {
    id: newId('user'),
    email,
    first_name: null,
    last_name: null,
    email_verified: false,
    profile_picture_url: null,
    external_id: null,
    metadata: {},
    last_sign_in_at: null,
    locale: null,
    created_at: now,
    updated_at: now,
    ...fields,
  };
}

const sameUser = (a: User, b: User) => JSON.stringify(a) === JSON.stringify(b);

export function createUserService(
  db: Db,
  users: UserStore,
  cleanup: UserCleanup,
  clock: EnvironmentTime,
  passwords?: PasswordSink,
): UserService {
  // password_hash (an import from another system) is accepted but cannot be checked: only `password` signs in.
  const keepPassword = (environmentId: string, userId: string, password: string | null | undefined) => {
    if (passwords && typeof password === 'string') passwords.set(environmentId, userId, hashPassword(password));
  };

  const requireUser = (environmentId: string, id: string): User => {
    const user = users.byId(environmentId, id);
    if (!user) throw notFound('User', id);
    return user;
  };

  const create = db.transaction((environmentId: string, body: CreateUserBody): User => {
    checkPasswordFields(body);
    const email = normalizeEmail(body.email);
    // spec: the create 400 is `user_creation_error` with the reasons in `errors`.
    const creationError = (code: string, message: string) =>
      new ApiError(400, { code: 'user_creation_error', message: 'Could not create user.', errors: [{ code, message }] });
    if (users.byEmail(environmentId, email)) throw creationError('email_not_available', 'This email is not available.');
    const externalId = body.external_id ?? null;
    if (externalId !== null && users.byExternalId(environmentId, externalId)) {
      throw creationError('external_id_already_used', 'This external ID is already in use.');
    }
    const user = newUser(email, clock.now(environmentId), {
      first_name: body.first_name ?? null,
      last_name: body.last_name ?? null,
      email_verified: body.email_verified ?? false,
      external_id: externalId,
      metadata: body.metadata ?? {},
    });
    users.insert(environmentId, user);
    keepPassword(environmentId, user.id, body.password);
    return user;
  });

  const update = db.transaction((environmentId: string, id: string, body: UpdateUserBody): User => {
    const user = requireUser(environmentId, id);
    checkPasswordFields(body);
    const next: User = { ...user };
    if (body.email !== undefined) {
      const email = normalizeEmail(body.email);
      if (!EMAIL.test(email)) throw badRequest(`Invalid email address: '${body.email}'.`, 'invalid_email');
      const owner = users.byEmail(environmentId, email);
      if (owner && owner.id !== id) throw badRequest('This email is not available.', 'email_not_available');
      next.email = email;
    }
    if (body.external_id !== undefined) {
      const owner = body.external_id === null ? undefined : users.byExternalId(environmentId, body.external_id);
      if (owner && owner.id !== id) throw badRequest('This external ID is already in use.', 'external_id_already_used');
      next.external_id = body.external_id;
    }
    if (body.locale !== undefined) {
      if (body.locale !== null && !isLocale(body.locale)) throw badRequest(`Invalid locale: '${body.locale}'.`, 'invalid_locale');
      next.locale = body.locale;
    }
    if (body.first_name !== undefined) next.first_name = body.first_name;
    if (body.last_name !== undefined) next.last_name = body.last_name;
    if (body.email_verified !== undefined) next.email_verified = body.email_verified;
    // The request passed the 50-key limit, but the merge with stored keys may not (400 invalid_metadata).
    if (body.metadata !== undefined) next.metadata = mergeMetadata(user.metadata, body.metadata);
    keepPassword(environmentId, id, body.password);
    // An update that changes nothing leaves updated_at alone.
    if (sameUser(next, user)) return user;
    next.updated_at = clock.now(environmentId);
    users.update(environmentId, next);
    return next;
  });

  // One unit: the user, its memberships (FK cascade) and every flag target naming it.
  const remove = db.transaction((environmentId: string, id: string): void => {
    requireUser(environmentId, id);
    cleanup.deleteTargetsOf(environmentId, id);
    users.delete(environmentId, id);
  });

  return {
    list(environmentId, query) {
      // spec: this list answers 422 (it has no 400) for bad parameters.
      const req = pageRequest(query, ID_PREFIXES.user, (id) => users.sortKey(environmentId, id), 422);
      const organizationId = query.organization_id ?? query.organization;
      const filter = {
        ...(query.email !== undefined && { email: normalizeEmail(query.email) }),
        ...(organizationId !== undefined && { organization_id: organizationId }),
      };
      return toPage(req, users.list(environmentId, req, filter));
    },
    create,
    get: requireUser,
    getByExternalId(environmentId, externalId) {
      const user = users.byExternalId(environmentId, externalId);
      if (!user) throw notFound('User', externalId);
      return user;
    },
    update,
    delete: remove,
  };
}
