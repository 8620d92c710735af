import type { EnvironmentTime } from '../clock/service.js';
import type { Db } from '../../db/open.js';
import { ApiError, badRequest, notFound } from '../../http/errors.js';
import { pageRequest, toPage, type Page } from '../../http/pagination.js';
import { ID_PREFIXES, newId } from '../../ids.js';
import { randomString } from '../../random-string.js';
import type { MembershipStore } from '../memberships/store.js';
import { DEFAULT_ROLE_SLUG } from '../roles/defaults.js';
import { newUser, normalizeEmail } from '../users/service.js';
import type { User, UserStore } from '../users/store.js';
import { INVITATION_STATES, type CreateInvitationBody, type ListInvitationsQuery } from './schemas.js';
import type { Invitation, InvitationStore } from './store.js';

/** An invitation as the API shows it: a pending one past expires_at is expired. */
export type InvitationView = Omit<Invitation, 'state'> & { state: InvitationState };
export type InvitationState = (typeof INVITATION_STATES)[number];

export interface InvitationService {
  list(environmentId: string, query: ListInvitationsQuery): Page<InvitationView>;
  send(environmentId: string, body: CreateInvitationBody): InvitationView;
  get(environmentId: string, id: string): InvitationView;
  getByToken(environmentId: string, token: string): InvitationView;
  accept(environmentId: string, id: string): InvitationView;
  resend(environmentId: string, id: string): InvitationView;
  revoke(environmentId: string, id: string): InvitationView;
}

/** What invitations need beyond their own rows. */
export interface InvitationDirectory {
  users: UserStore;
  memberships: MembershipStore;
  organizationExists(environmentId: string, id: string): boolean;
  roleExists(environmentId: string, slug: string): boolean;
}

// spec: "Must be between 1 and 30 days. Defaults to 7 days if not specified."
export const INVITATION_DAYS = { min: 1, max: 30, default: 7 } as const;
const DAY_MS = 86_400_000;

/** Invitation tokens: 25 alphanumerics, as WorkOS issues them; unique per environment by index. */
export const newInvitationToken = () => randomString(25);

export function createInvitationService(db: Db, invitations: InvitationStore, directory: InvitationDirectory, clock: EnvironmentTime): InvitationService {
  const { users, memberships } = directory;

  const stateOf = (environmentId: string, invitation: Invitation): InvitationState =>
    invitation.state === 'pending' && invitation.expires_at <= clock.now(environmentId) ? 'expired' : invitation.state;
  const view = (environmentId: string, invitation: Invitation): InvitationView => ({ ...invitation, state: stateOf(environmentId, invitation) });

  const requireInvitation = (environmentId: string, id: string): Invitation => {
    const invitation = invitations.byId(environmentId, id);
    if (!invitation) throw notFound('Invitation', id);
    return invitation;
  };

  const save = (environmentId: string, invitation: Invitation, changes: Partial<Invitation>): Invitation => {
    const next = { ...invitation, ...changes, updated_at: clock.now(environmentId) };
    invitations.update(environmentId, next);
    return next;
  };

  const send = db.transaction((environmentId: string, body: CreateInvitationBody): Invitation => {
    const email = normalizeEmail(body.email);
    const days = body.expires_in_days ?? INVITATION_DAYS.default;
    if (days < INVITATION_DAYS.min) throw badRequest('Invitations must be valid for at least 1 day.', 'expires_in_days_too_short');
    if (days > INVITATION_DAYS.max) throw badRequest('Invitations can be valid for at most 30 days.', 'expires_in_days_too_long');
    const organizationId = body.organization_id ?? null;
    if (organizationId !== null && !directory.organizationExists(environmentId, organizationId)) {
      throw notFound('Organization', organizationId);
    }
    if (body.inviter_user_id !== undefined && !users.exists(environmentId, body.inviter_user_id)) {
      throw notFound('User', body.inviter_user_id);
    }
    // role_slug "is null when the invitation has no associated organization".
    const roleSlug = organizationId === null ? null : (body.role_slug ?? DEFAULT_ROLE_SLUG);
    if (body.role_slug !== undefined && (organizationId === null || !directory.roleExists(environmentId, body.role_slug))) {
      throw badRequest(`Role '${body.role_slug}' is not a valid role.`, 'invalid_role');
    }
    const user = users.byEmail(environmentId, email);
    const now = clock.now(environmentId);
    const live = (i: Invitation | undefined) => i && i.expires_at > now;
    if (organizationId === null) {
      if (user) throw badRequest(`A user with email '${email}' already exists.`, 'user_already_exists');
      if (live(invitations.pendingFor(environmentId, email, null))) {
        throw badRequest(`An invitation has already been sent to '${email}'.`, 'email_already_invited');
      }
    } else {
      const membership = user && memberships.byPair(environmentId, user.id, organizationId);
      if (membership?.status === 'active') {
        throw badRequest(`User '${user!.id}' is already a member of organization '${organizationId}'.`, 'user_already_organization_member');
      }
      if (live(invitations.pendingFor(environmentId, email, organizationId))) {
        throw badRequest(`'${email}' has already been invited to organization '${organizationId}'.`, 'email_already_invited_to_organization');
      }
      // An existing user gets a pending membership at once, which accepting activates (the
      // membership API's 400s about pending memberships "belonging to an invitation").
      if (user && !membership) {
        memberships.insert(environmentId, {
          id: newId('membership'),
          user_id: user.id,
          organization_id: organizationId,
          status: 'pending',
          role_slug: roleSlug!,
          created_at: now,
          updated_at: now,
        });
      }
    }
    const invitation: Invitation = {
      id: newId('invitation'),
      email,
      state: 'pending',
      organization_id: organizationId,
      inviter_user_id: body.inviter_user_id ?? null,
      accepted_user_id: null,
      role_slug: roleSlug,
      token: newInvitationToken(),
      expires_at: new Date(Date.parse(now) + days * DAY_MS).toISOString(),
      accepted_at: null,
      revoked_at: null,
      created_at: now,
      updated_at: now,
    };
    invitations.insert(environmentId, invitation);
    return invitation;
  });

  /** The invitee: the user of that email, created (verified: the invitation proved the address) when none exists. */
  const inviteeOf = (environmentId: string, email: string, now: string): User => {
    const existing = users.byEmail(environmentId, email);
    if (existing) return existing;
    const user = newUser(email, now, { email_verified: true });
    users.insert(environmentId, user);
    return user;
  };

  // One unit: the invitation, its user if new, and the membership that makes the organization's flags theirs.
  const accept = db.transaction((environmentId: string, id: string): Invitation => {
    const invitation = requireInvitation(environmentId, id);
    const state = stateOf(environmentId, invitation);
    if (state !== 'pending') throw badRequest(`Invitation '${id}' is ${state} and can no longer be accepted.`, 'invite_not_pending');
    const now = clock.now(environmentId);
    const user = inviteeOf(environmentId, invitation.email, now);
    if (invitation.organization_id !== null) {
      const role = invitation.role_slug ?? DEFAULT_ROLE_SLUG;
      const membership = memberships.byPair(environmentId, user.id, invitation.organization_id);
      if (!membership) {
        memberships.insert(environmentId, {
          id: newId('membership'),
          user_id: user.id,
          organization_id: invitation.organization_id,
          status: 'active',
          role_slug: role,
          created_at: now,
          updated_at: now,
        });
      } else if (membership.status !== 'active') {
        // A pending or deactivated membership of the pair becomes active with the invitation's role.
        memberships.update(environmentId, { ...membership, status: 'active', role_slug: role, updated_at: now });
      }
    }
    return save(environmentId, invitation, { state: 'accepted', accepted_user_id: user.id, accepted_at: now });
  });

  const resend = db.transaction((environmentId: string, id: string): Invitation => {
    const invitation = requireInvitation(environmentId, id);
    const state = stateOf(environmentId, invitation);
    if (state === 'expired') throw badRequest(`Invitation '${id}' has expired.`, 'invite_expired');
    if (state === 'revoked') throw badRequest(`Invitation '${id}' has been revoked.`, 'invite_revoked');
    if (state === 'accepted') throw badRequest(`Invitation '${id}' has already been accepted.`, 'invite_accepted');
    // No email is sent; the invitation (token, expiry) stays as it was, only updated_at moves.
    return save(environmentId, invitation, {});
  });

  const revoke = db.transaction((environmentId: string, id: string): Invitation => {
    // spec: revoke answers only 200 or 400 invite_not_pending, so an unknown id is that 400 too.
    const invitation = invitations.byId(environmentId, id);
    if (!invitation) throw new ApiError(400, { code: 'invite_not_pending', message: `Invitation not found: '${id}'.` });
    const state = stateOf(environmentId, invitation);
    if (state !== 'pending') throw badRequest(`Invitation '${id}' is ${state} and can no longer be revoked.`, 'invite_not_pending');
    // The pending membership the invitation gave an existing user goes with it.
    const user = invitation.organization_id === null ? undefined : users.byEmail(environmentId, invitation.email);
    const membership = user && memberships.byPair(environmentId, user.id, invitation.organization_id!);
    if (membership?.status === 'pending') memberships.delete(environmentId, membership.id);
    return save(environmentId, invitation, { state: 'revoked', revoked_at: clock.now(environmentId) });
  });

  return {
    list(environmentId, query) {
      // spec: the list's only error is 422.
      const req = pageRequest(query, ID_PREFIXES.invitation, (id) => invitations.sortKey(environmentId, id), 422);
      const filter = {
        ...(query.email !== undefined && { email: normalizeEmail(query.email) }),
        ...(query.organization_id !== undefined && { organization_id: query.organization_id }),
      };
      return toPage(req, invitations.list(environmentId, req, filter).map((invitation) => view(environmentId, invitation)));
    },
    send: (environmentId, body) => view(environmentId, send(environmentId, body)),
    get: (environmentId, id) => view(environmentId, requireInvitation(environmentId, id)),
    getByToken(environmentId, token) {
      const invitation = invitations.byToken(environmentId, token);
      if (!invitation) throw notFound('Invitation', token);
      return view(environmentId, invitation);
    },
    accept: (environmentId, id) => view(environmentId, accept(environmentId, id)),
    resend: (environmentId, id) => view(environmentId, resend(environmentId, id)),
    revoke: (environmentId, id) => view(environmentId, revoke(environmentId, id)),
  };
}
