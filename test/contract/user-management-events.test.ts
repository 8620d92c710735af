import { afterEach, describe, expect, it } from 'vitest';
import { EVENT_TYPES } from '../../src/modules/events/catalogue.js';
import { buildTestApp, type TestApp } from '../helpers/build-app.js';
import { jsonCalls } from '../helpers/inject.js';
import { expectEventSpec } from '../helpers/events.js';
import { pinnedId } from '../helpers/ids.js';
import { expectSpec } from '../helpers/spec.js';

// The events of invitations, sign-in, sessions, email verification and email change: recorded
// with the write, data per the spec's event schemas (0.1.0, each event checked closed).
let t: TestApp;
afterEach(() => t?.app.close());

type Json = Record<string, any>;
const NOW = '2026-05-01T08:00:00.000Z';
const ACME = pinnedId('organization', 1);
const ADA = pinnedId('user', 1);
const BOB = pinnedId('user', 2);

async function setup() {
  t = await buildTestApp({
    clock: NOW,
    seed: {
      organizations: [{ id: ACME, name: 'Acme' }],
      users: [
        { id: ADA, email: 'ada@example.com', password: 'correct horse' },
        { id: BOB, email: 'bob@example.com' },
      ],
      organization_memberships: [{ user_id: ADA, organization_id: ACME }],
    },
  });
}

const { call, ok } = jsonCalls(() => t);
/** Every event of the environment, oldest first, each checked against its schema in the spec. */
async function allEvents(): Promise<Json[]> {
  const res = await t.app.inject({ method: 'GET', url: `/events?order=asc&limit=100&events=${[...EVENT_TYPES].join(',')}`, headers: t.headers });
  const body = expectSpec(res, 'EventsController_list', 200) as Json;
  for (const event of body.data) expectEventSpec(event);
  return body.data;
}
/** The events recorded by what `fn` does. */
async function eventsOf(fn: () => Promise<unknown>): Promise<Json[]> {
  const before = (await allEvents()).length;
  await fn();
  return (await allEvents()).slice(before);
}
const types = (events: Json[]) => events.map((e) => e.event);
/** The invitation as its events carry it: the REST object without the token and its URL. */
const asEventData = ({ token: _t, accept_invitation_url: _u, ...rest }: Json) => rest;
const membershipOf = async (userId: string) => (await ok('GET', `/user_management/organization_memberships?user_id=${userId}&organization_id=${ACME}&statuses=active,inactive,pending`)).data[0];

describe('invitation events', () => {
  it('a new invitee: created, resent, then accepted with the user and the membership it makes', async () => {
    await setup();
    let sent: Json = {};
    expect(types(await eventsOf(async () => (sent = await ok('POST', '/user_management/invitations', { email: 'grace@example.com', organization_id: ACME, inviter_user_id: ADA })))))
      .toEqual(['invitation.created']);
    const [created] = (await allEvents()).slice(-1);
    expect(created.data).toEqual({ object: 'invitation', ...asEventData(sent) });
    expect(created.data.state).toBe('pending');

    t.clock.set('2026-05-01T09:00:00.000Z');
    const resent = await eventsOf(() => ok('POST', `/user_management/invitations/${sent.id}/resend`));
    expect(types(resent)).toEqual(['invitation.resent']);
    expect(resent[0].data).toEqual(asEventData(await ok('GET', `/user_management/invitations/${sent.id}`)));

    const accepted = await eventsOf(() => ok('POST', `/user_management/invitations/${sent.id}/accept`));
    expect(types(accepted)).toEqual(['user.created', 'organization_membership.created', 'invitation.accepted']);
    const invitation = await ok('GET', `/user_management/invitations/${sent.id}`);
    const membership = await membershipOf(invitation.accepted_user_id);
    expect(accepted[0].data).toEqual(await ok('GET', `/user_management/users/${invitation.accepted_user_id}`));
    expect(accepted[1].data).toMatchObject({ id: membership.id, user_id: invitation.accepted_user_id, organization_id: ACME, status: 'active', role: { slug: 'member' } });
    expect(accepted[2].data).toEqual(asEventData(invitation));
    expect(accepted[2].data).toMatchObject({ state: 'accepted', accepted_at: '2026-05-01T09:00:00.000Z' });

    // Accepting again is a 400 that records nothing.
    expect(await eventsOf(async () => expect((await call('POST', `/user_management/invitations/${sent.id}/accept`)).status).toBe(400))).toEqual([]);
  });

  it('an existing user: the pending membership comes and goes with the invitation, and accepting activates it', async () => {
    await setup();
    const first = await eventsOf(() => ok('POST', '/user_management/invitations', { email: 'bob@example.com', organization_id: ACME }));
    expect(types(first)).toEqual(['organization_membership.created', 'invitation.created']);
    expect(first[0].data).toMatchObject({ user_id: BOB, organization_id: ACME, status: 'pending' });
    const pendingId = first[0].data.id;
    const revoked = await eventsOf(() => ok('POST', `/user_management/invitations/${first[1].data.id}/revoke`));
    expect(types(revoked)).toEqual(['organization_membership.deleted', 'invitation.revoked']);
    expect(revoked[0].data).toMatchObject({ id: pendingId, status: 'pending' });
    expect(revoked[1].data).toMatchObject({ id: first[1].data.id, state: 'revoked', revoked_at: NOW });

    const again = await eventsOf(() => ok('POST', '/user_management/invitations', { email: 'bob@example.com', organization_id: ACME, role_slug: 'admin' }));
    const accepted = await eventsOf(() => ok('POST', `/user_management/invitations/${again[1].data.id}/accept`));
    expect(types(accepted)).toEqual(['organization_membership.updated', 'invitation.accepted']);
    expect(accepted[0].data).toMatchObject({ id: again[0].data.id, status: 'active', role: { slug: 'admin' } });
    expect(accepted[1].data).toMatchObject({ state: 'accepted', accepted_user_id: BOB });
  });

  it('a deactivated member: accepting reactivates the membership (.updated); an invitation without an organization makes only the user', async () => {
    await setup();
    const ada = await membershipOf(ADA);
    await ok('PUT', `/user_management/organization_memberships/${ada.id}/deactivate`);
    const sent = await eventsOf(() => ok('POST', '/user_management/invitations', { email: 'ada@example.com', organization_id: ACME }));
    expect(types(sent)).toEqual(['invitation.created']);
    const accepted = await eventsOf(() => ok('POST', `/user_management/invitations/${sent[0].data.id}/accept`));
    expect(types(accepted)).toEqual(['organization_membership.updated', 'invitation.accepted']);
    expect(accepted[0].data).toMatchObject({ id: ada.id, status: 'active' });

    const solo = await eventsOf(async () => {
      const invitation = await ok('POST', '/user_management/invitations', { email: 'solo@example.com' });
      await ok('POST', `/user_management/invitations/${invitation.id}/accept`);
    });
    expect(types(solo)).toEqual(['invitation.created', 'user.created', 'invitation.accepted']);
    expect(solo[0].data).toMatchObject({ organization_id: null, role_slug: null });
  });
});

describe('sign-in and session events', () => {
  const clientId = async () => (await ok('GET', '/_flagstand/environments/current')).client_id as string;
  const authenticate = async (payload: object) =>
    call('POST', '/user_management/authenticate', { client_id: await clientId(), client_secret: t.key, ...payload });
  const mint = (payload: object) => ok('POST', '/_flagstand/user_management/authorization_codes', payload);
  const sessionsOf = async (userId: string) => (await ok('GET', `/user_management/users/${userId}/sessions`)).data as Json[];

  it('password: authentication.password_succeeded then session.created; a refresh records nothing', async () => {
    await setup();
    let answer: Json = {};
    const events = await eventsOf(async () => {
      const res = await authenticate({ grant_type: 'password', email: 'Ada@Example.com', password: 'correct horse', ip_address: '10.0.0.1', user_agent: 'vitest' });
      expect(res.status).toBe(200);
      answer = res.body;
    });
    expect(types(events)).toEqual(['authentication.password_succeeded', 'session.created']);
    expect(events[0].data).toEqual({ type: 'password', status: 'succeeded', ip_address: '10.0.0.1', user_agent: 'vitest', user_id: ADA, email: 'ada@example.com' });
    const [session] = await sessionsOf(ADA);
    expect(events[1].data).toEqual(session);
    expect(events[1].data).toMatchObject({ object: 'session', user_id: ADA, organization_id: ACME, auth_method: 'password', status: 'active' });
    expect(await eventsOf(async () => expect((await authenticate({ grant_type: 'refresh_token', refresh_token: answer.refresh_token })).status).toBe(200))).toEqual([]);
    // The session is about its organization; the authentication names none.
    const res = await t.app.inject({ method: 'GET', url: `/events?events=session.created,authentication.password_succeeded&organization_id=${ACME}`, headers: t.headers });
    expect(types((expectSpec(res, 'EventsController_list', 200) as Json).data)).toEqual(['session.created']);
  });

  it('password: a wrong password or an unknown email records authentication.password_failed, nothing else', async () => {
    await setup();
    const wrong = await eventsOf(async () => expect((await authenticate({ grant_type: 'password', email: 'ada@example.com', password: 'nope', user_agent: 'vitest' })).status).toBe(400));
    expect(wrong.map((e) => [e.event, e.data])).toEqual([
      ['authentication.password_failed', {
        type: 'password', status: 'failed', ip_address: null, user_agent: 'vitest', user_id: ADA, email: 'ada@example.com',
        error: { code: 'invalid_credentials', message: 'Invalid credentials.' },
      }],
    ]);
    const unknown = await eventsOf(() => authenticate({ grant_type: 'password', email: 'Nobody@Example.com', password: 'x' }));
    expect(unknown.map((e) => [e.event, e.data.user_id, e.data.email])).toEqual([['authentication.password_failed', null, 'nobody@example.com']]);
    // A malformed request or another client is not an attempt to sign in.
    expect(await eventsOf(() => authenticate({ grant_type: 'password', email: 'ada@example.com' }))).toEqual([]);
    expect(await eventsOf(() => authenticate({ grant_type: 'password', email: 'ada@example.com', password: 'nope', client_secret: 'sk_other' }))).toEqual([]);
    expect(await sessionsOf(ADA)).toEqual([]);
  });

  it.each([
    ['Password', 'authentication.password_succeeded', { type: 'password' }],
    ['GoogleOAuth', 'authentication.oauth_succeeded', { type: 'oauth' }],
    ['MagicAuth', 'authentication.magic_auth_succeeded', { type: 'magic_auth' }],
    ['Passkey', 'authentication.passkey_succeeded', { type: 'passkey' }],
    ['SSO', 'authentication.sso_succeeded', { type: 'sso', sso: { organization_id: ACME, connection_id: null, session_id: null } }],
  ])('authorization_code minted for %s: %s then session.created', async (method, event, data) => {
    await setup();
    const { code } = await mint({ user_id: ADA, organization_id: ACME, authentication_method: method });
    const events = await eventsOf(() => authenticate({ grant_type: 'authorization_code', code, ip_address: '10.0.0.2' }));
    expect(types(events)).toEqual([event, 'session.created']);
    expect(events[0].data).toEqual({ ...data, status: 'succeeded', ip_address: '10.0.0.2', user_agent: null, user_id: ADA, email: 'ada@example.com' });
    expect(events[1].data).toEqual((await sessionsOf(ADA))[0]);
    // A spent code is refused and records nothing.
    expect(await eventsOf(() => authenticate({ grant_type: 'authorization_code', code }))).toEqual([]);
  });

  it('authorization_code minted for a method without an authentication event (Impersonation): only session.created', async () => {
    await setup();
    const { code } = await mint({ user_id: ADA, authentication_method: 'Impersonation' });
    expect(types(await eventsOf(() => authenticate({ grant_type: 'authorization_code', code })))).toEqual(['session.created']);
  });

  it('the magic-auth grant (no code is ever valid here) records authentication.magic_auth_failed', async () => {
    await setup();
    const events = await eventsOf(() => authenticate({ grant_type: 'urn:workos:oauth:grant-type:magic-auth:code', code: '123456', email: 'ada@example.com' }));
    expect(events.map((e) => [e.event, e.data])).toEqual([
      ['authentication.magic_auth_failed', {
        type: 'magic_auth', status: 'failed', ip_address: null, user_agent: null, user_id: ADA, email: 'ada@example.com',
        error: { code: 'invalid_one_time_code', message: 'The one-time code is invalid.' },
      }],
    ]);
  });

  it('revoking a session records session.revoked once', async () => {
    await setup();
    await authenticate({ grant_type: 'password', email: 'ada@example.com', password: 'correct horse' });
    const [session] = await sessionsOf(ADA);
    t.clock.set('2026-05-01T08:30:00.000Z');
    const events = await eventsOf(() => ok('POST', '/user_management/sessions/revoke', { session_id: session.id }));
    expect(types(events)).toEqual(['session.revoked']);
    expect(events[0].data).toEqual((await sessionsOf(ADA))[0]);
    expect(events[0].data).toMatchObject({ id: session.id, status: 'revoked', ended_at: '2026-05-01T08:30:00.000Z' });
    expect(await eventsOf(() => ok('POST', '/user_management/sessions/revoke', { session_id: session.id }))).toEqual([]);
    expect(await eventsOf(() => call('POST', '/user_management/sessions/revoke', { session_id: 'session_nope' }))).toEqual([]);
  });
});

describe('email verification and email change events', () => {
  it('sending a verification code records email_verification.created; confirming it records user.updated', async () => {
    await setup();
    const sent = await eventsOf(() => ok('POST', `/user_management/users/${BOB}/email_verification/send`));
    expect(types(sent)).toEqual(['email_verification.created']);
    const { code, ...verification } = await ok('GET', `/_flagstand/user_management/users/${BOB}/email_verification`);
    expect(sent[0].data).toEqual(verification);
    expect(sent[0].data).toMatchObject({ object: 'email_verification', user_id: BOB, email: 'bob@example.com' });
    expect(await eventsOf(() => call('POST', `/user_management/users/${BOB}/email_verification/confirm`, { code: code === '000000' ? '111111' : '000000' }))).toEqual([]);
    const confirmed = await eventsOf(() => ok('POST', `/user_management/users/${BOB}/email_verification/confirm`, { code }));
    expect(types(confirmed)).toEqual(['user.updated']);
    expect(confirmed[0].data).toEqual(await ok('GET', `/user_management/users/${BOB}`));
    expect(confirmed[0].data.email_verified).toBe(true);
  });

  it('an email change records nothing when sent and user.updated with the new address when confirmed', async () => {
    await setup();
    expect(await eventsOf(() => ok('POST', `/user_management/users/${BOB}/email_change/send`, { new_email: 'robert@example.com' }))).toEqual([]);
    const { code } = await ok('GET', `/_flagstand/user_management/users/${BOB}/email_change`);
    const confirmed = await eventsOf(() => ok('POST', `/user_management/users/${BOB}/email_change/confirm`, { code }));
    expect(types(confirmed)).toEqual(['user.updated']);
    expect(confirmed[0].data).toMatchObject({ id: BOB, email: 'robert@example.com', email_verified: true });
    expect(confirmed[0].data).toEqual(await ok('GET', `/user_management/users/${BOB}`));
  });
});
