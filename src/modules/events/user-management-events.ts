import type { Db } from '../../db/open.js';
import { ApiError } from '../../http/errors.js';
import type { AuthenticateService, SignIn } from '../authenticate/service.js';
import type { AuthenticateBody, AuthenticationMethod } from '../authenticate/schemas.js';
import type { EmailChangeService } from '../email-change/service.js';
import type { EmailVerificationService } from '../email-verification/service.js';
import { serializeEmailVerification } from '../email-verification/serialize.js';
import type { EmailVerificationStore } from '../email-verification/store.js';
import type { InvitationService, InvitationView } from '../invitations/service.js';
import type { InvitationStore } from '../invitations/store.js';
import { serializeMembership } from '../memberships/serialize.js';
import type { MembershipStore, MembershipView } from '../memberships/store.js';
import type { SessionService } from '../sessions/service.js';
import { serializeSession } from '../sessions/serialize.js';
import type { SessionStore } from '../sessions/store.js';
import { normalizeEmail } from '../users/service.js';
import { serializeUser } from '../users/serialize.js';
import type { UserStore } from '../users/store.js';
import { membershipEventData } from './data.js';
import type { Outbox } from './outbox.js';

// The events of invitations, sign-in, sessions, email verification and email change. Wrapped like
// the directory services: a write and its events share one transaction. Where one write makes
// several objects, their events come in the order the writes happen (the user, then the
// membership, then the invitation).

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** spec: invitation.* data is the invitation without its token and accept URL. */
export function invitationEventData(i: InvitationView) {
  return {
    object: 'invitation' as const,
    id: i.id,
    email: i.email,
    state: i.state,
    accepted_at: i.accepted_at,
    revoked_at: i.revoked_at,
    expires_at: i.expires_at,
    organization_id: i.organization_id,
    inviter_user_id: i.inviter_user_id,
    accepted_user_id: i.accepted_user_id,
    role_slug: i.role_slug,
    created_at: i.created_at,
    updated_at: i.updated_at,
  };
}

export interface InvitationEventStores {
  invitations: InvitationStore;
  users: UserStore;
  memberships: MembershipStore;
}

export function withInvitationEvents(db: Db, service: InvitationService, outbox: Outbox, stores: InvitationEventStores): InvitationService {
  const { invitations, users, memberships } = stores;
  const recordMembership = (environmentId: string, event: string, m: MembershipView) =>
    outbox.record(environmentId, event, membershipEventData(serializeMembership(m)));
  /** The membership of the invitee in the invitation's organization, as the API shows it. */
  const membershipOf = (environmentId: string, email: string, organizationId: string | null): MembershipView | undefined => {
    const user = organizationId === null ? undefined : users.byEmail(environmentId, email);
    const m = user && memberships.byPair(environmentId, user.id, organizationId!);
    return m && memberships.byId(environmentId, m.id);
  };
  return {
    ...service,
    // An existing user gets a pending membership with the invitation.
    send: db.transaction((environmentId, body) => {
      const before = membershipOf(environmentId, normalizeEmail(body.email), body.organization_id ?? null);
      const invitation = service.send(environmentId, body);
      const membership = membershipOf(environmentId, invitation.email, invitation.organization_id);
      if (membership && !before) recordMembership(environmentId, 'organization_membership.created', membership);
      outbox.record(environmentId, 'invitation.created', invitationEventData(invitation));
      return invitation;
    }),
    resend: db.transaction((environmentId, id) => {
      const invitation = service.resend(environmentId, id);
      outbox.record(environmentId, 'invitation.resent', invitationEventData(invitation));
      return invitation;
    }),
    // The pending membership the invitation gave an existing user goes with it.
    revoke: db.transaction((environmentId, id) => {
      // An unknown id is the service's 400: read the row, not the service's get (a 404).
      const before = invitations.byId(environmentId, id);
      const pending = before && membershipOf(environmentId, before.email, before.organization_id);
      const invitation = service.revoke(environmentId, id);
      if (pending && !memberships.byId(environmentId, pending.id)) recordMembership(environmentId, 'organization_membership.deleted', pending);
      outbox.record(environmentId, 'invitation.revoked', invitationEventData(invitation));
      return invitation;
    }),
    // The invitee (made when new), the membership made or activated, then the acceptance.
    accept: db.transaction((environmentId, id) => {
      const before = invitations.byId(environmentId, id);
      const existingUser = before && users.byEmail(environmentId, before.email);
      const membershipBefore = before && membershipOf(environmentId, before.email, before.organization_id);
      const invitation = service.accept(environmentId, id);
      if (!existingUser) outbox.record(environmentId, 'user.created', serializeUser(users.byId(environmentId, invitation.accepted_user_id!)!));
      const membership = membershipOf(environmentId, invitation.email, invitation.organization_id);
      if (membership && !membershipBefore) recordMembership(environmentId, 'organization_membership.created', membership);
      else if (membership && !same(membershipBefore, membership)) recordMembership(environmentId, 'organization_membership.updated', membership);
      outbox.record(environmentId, 'invitation.accepted', invitationEventData(invitation));
      return invitation;
    }),
  };
}

/** The authentication.* type of a sign-in method; undefined: WorkOS names no event for it. */
function authenticationTypeOf(method: AuthenticationMethod): string | undefined {
  if (method === 'Password') return 'password';
  if (method === 'SSO') return 'sso';
  if (method === 'Passkey') return 'passkey';
  if (method === 'MagicAuth') return 'magic_auth';
  if (method.endsWith('OAuth')) return 'oauth';
  return undefined;
}

/** The grants whose refusal is a failed authentication: the grant type, the error code, the event's type. */
const FAILED_GRANTS: Record<string, { code: string; type: string }> = {
  password: { code: 'invalid_credentials', type: 'password' },
  'urn:workos:oauth:grant-type:magic-auth:code': { code: 'invalid_one_time_code', type: 'magic_auth' },
};

/**
 * Sign-in: a grant that starts a session records the authentication.<type>_succeeded of how the
 * user signed in (for a code, the method it was minted for), then session.created; a refresh
 * records nothing. A password or magic-auth grant refused for its credentials records
 * authentication.<type>_failed, alone in its own transaction (the grant wrote nothing).
 */
export function withSignInEvents(db: Db, service: AuthenticateService, outbox: Outbox, deps: { users: UserStore; sessions: SessionService }): AuthenticateService {
  const client = (body: AuthenticateBody) => ({ ip_address: body.ip_address ?? null, user_agent: body.user_agent ?? null });
  const grant = db.transaction((environmentId: string, environmentPublicId: string, body: AuthenticateBody): SignIn => {
    const signIn = service.grant(environmentId, environmentPublicId, body);
    if (!signIn.started) return signIn;
    const type = signIn.method && authenticationTypeOf(signIn.method);
    if (type) {
      outbox.record(environmentId, `authentication.${type}_succeeded`, {
        type,
        status: 'succeeded',
        ...client(body),
        user_id: signIn.user.id,
        email: signIn.user.email,
        // No connections here: only the organization the code was minted for is known.
        ...(type === 'sso' && { sso: { organization_id: signIn.session.organization_id, connection_id: null, session_id: null } }),
      });
    }
    outbox.record(environmentId, 'session.created', serializeSession(deps.sessions.view(environmentId, signIn.session)));
    return signIn;
  });
  const recordFailure = db.transaction((environmentId: string, body: AuthenticateBody, type: string, error: { code: string; message: string }) => {
    const email = body.email === undefined ? null : normalizeEmail(body.email);
    const user = email === null ? undefined : deps.users.byEmail(environmentId, email);
    outbox.record(environmentId, `authentication.${type}_failed`, { type, status: 'failed', ...client(body), user_id: user?.id ?? null, email, error });
  });
  return {
    ...service,
    grant(environmentId, environmentPublicId, body) {
      try {
        return grant(environmentId, environmentPublicId, body);
      } catch (err) {
        const failed = FAILED_GRANTS[body.grant_type];
        if (failed && err instanceof ApiError && err.body.code === failed.code) {
          recordFailure(environmentId, body, failed.type, { code: failed.code, message: err.body.message });
        }
        throw err;
      }
    },
  };
}

export function withSessionEvents(db: Db, service: SessionService, outbox: Outbox, sessions: SessionStore): SessionService {
  return {
    ...service,
    // Revoking an ended session changes nothing: no event.
    revoke: db.transaction((environmentId, sessionId) => {
      const before = sessions.byId(environmentId, sessionId);
      service.revoke(environmentId, sessionId);
      const after = sessions.byId(environmentId, sessionId);
      if (before && after && !same(before, after)) outbox.record(environmentId, 'session.revoked', serializeSession(service.view(environmentId, after)));
    }),
  };
}

/** spec: email_verification.created data is the verification without its code. */
function emailVerificationEventData(v: Parameters<typeof serializeEmailVerification>[0]) {
  const { code: _, ...data } = serializeEmailVerification(v);
  return data;
}

export function withEmailVerificationEvents(db: Db, service: EmailVerificationService, outbox: Outbox, verifications: EmailVerificationStore): EmailVerificationService {
  return {
    ...service,
    send: db.transaction((environmentId, userId) => {
      const user = service.send(environmentId, userId);
      outbox.record(environmentId, 'email_verification.created', emailVerificationEventData(verifications.latest(environmentId, userId)!));
      return user;
    }),
    confirm: db.transaction((environmentId, userId, code) => {
      const user = service.confirm(environmentId, userId, code);
      outbox.record(environmentId, 'user.updated', serializeUser(user));
      return user;
    }),
  };
}

/** Sending a change code changes no user (and has no event); confirming it changes the email. */
export function withEmailChangeEvents(db: Db, service: EmailChangeService, outbox: Outbox): EmailChangeService {
  return {
    ...service,
    confirm: db.transaction((environmentId, userId, code) => {
      const user = service.confirm(environmentId, userId, code);
      outbox.record(environmentId, 'user.updated', serializeUser(user));
      return user;
    }),
  };
}
