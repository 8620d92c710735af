import { afterEach, describe, expect, it } from 'vitest';
import { newId } from '../../src/ids.js';
import { buildTestApp, type TestApp } from '../helpers/build-app.js';
import { expectSpec } from '../helpers/spec.js';

let t: TestApp;
afterEach(() => t?.app.close());

type Invitation = {
  id: string;
  email: string;
  state: string;
  accepted_at: string | null;
  revoked_at: string | null;
  expires_at: string;
  organization_id: string | null;
  inviter_user_id: string | null;
  accepted_user_id: string | null;
  role_slug: string | null;
  token: string;
  accept_invitation_url: string;
  created_at: string;
  updated_at: string;
};
type List<T> = { data: T[]; list_metadata: { before: string | null; after: string | null } };

const OP = {
  list: 'UserlandUserInvitesController_list',
  send: 'UserlandUserInvitesController_create',
  get: 'UserlandUserInvitesController_get',
  byToken: 'UserlandUserInvitesController_getByToken',
  accept: 'UserlandUserInvitesController_accept',
  resend: 'UserlandUserInvitesController_resend',
  revoke: 'UserlandUserInvitesController_revoke',
};

const ACME = newId('organization');
const GLOBEX = newId('organization');
const ADA = newId('user');
const NOW = '2026-03-01T09:00:00.000Z';

async function setup(memberships: { user_id: string; organization_id: string; status?: 'active' | 'inactive' | 'pending' }[] = []) {
  t = await buildTestApp({
    clock: NOW,
    seed: {
      organizations: [
        { id: ACME, name: 'Acme' },
        { id: GLOBEX, name: 'Globex' },
      ],
      users: [{ id: ADA, email: 'ada@example.com' }],
      organization_memberships: memberships,
      feature_flags: [{ slug: 'acme-beta', enabled: true, targets: [ACME] }],
    },
  });
}

const call = (method: 'GET' | 'POST', url: string, payload?: object) =>
  t.app.inject({ method, url: `/user_management/invitations${url}`, headers: t.headers, ...(payload && { payload }) });
const send = (payload: object) => call('POST', '', payload);
async function sent(payload: object): Promise<Invitation> {
  return expectSpec(await send(payload), OP.send, 201) as Invitation;
}
async function userFlags(userId: string): Promise<string[]> {
  const res = await t.app.inject({ method: 'GET', url: `/user_management/users/${userId}/feature-flags`, headers: t.headers });
  return (expectSpec(res, 'UserlandUserFeatureFlagsController_list', 200) as List<{ slug: string }>).data.map((f) => f.slug);
}

describe('send an invitation', () => {
  it('answers 201 with every field: pending, seven days by default, the default role for an organization', async () => {
    await setup();
    const inv = await sent({ email: 'Grace@Example.com', organization_id: ACME, inviter_user_id: ADA });
    expect(inv).toEqual({
      object: 'invitation',
      id: inv.id,
      email: 'grace@example.com',
      state: 'pending',
      accepted_at: null,
      revoked_at: null,
      expires_at: '2026-03-08T09:00:00.000Z',
      organization_id: ACME,
      inviter_user_id: ADA,
      accepted_user_id: null,
      role_slug: 'member',
      created_at: NOW,
      updated_at: NOW,
      token: inv.token,
      accept_invitation_url: `http://localhost:80/invite?invitation_token=${inv.token}`,
    });
    expect(inv.id).toMatch(/^invitation_[0-7][0-9A-HJKMNP-TV-Z]{25}$/);
    expect(inv.token).toMatch(/^[A-Za-z0-9]{25}$/);
  });

  it('without an organization has no role; expires_in_days and role_slug are honoured', async () => {
    await setup();
    const bare = await sent({ email: 'solo@example.com' });
    expect([bare.organization_id, bare.role_slug]).toEqual([null, null]);
    const admin = await sent({ email: 'boss@example.com', organization_id: ACME, role_slug: 'admin', expires_in_days: 30, locale: 'fr-CA' });
    expect([admin.role_slug, admin.expires_at]).toEqual(['admin', '2026-03-31T09:00:00.000Z']);
  });

  it.each([
    [{ email: 'x@example.com', expires_in_days: 0 }, 400, 'expires_in_days_too_short'],
    [{ email: 'x@example.com', expires_in_days: 31 }, 400, 'expires_in_days_too_long'],
    [{ email: 'x@example.com', organization_id: ACME, role_slug: 'owner' }, 400, 'invalid_role'],
    [{ email: 'x@example.com', role_slug: 'admin' }, 400, 'invalid_role'],
    [{ email: 'ada@example.com' }, 400, 'user_already_exists'],
    [{ email: 'not-an-email' }, 422, 'invalid_request_parameters'],
    [{}, 422, 'invalid_request_parameters'],
    [{ email: 'x@example.com', locale: 'xx' }, 422, 'invalid_request_parameters'],
    [{ email: 'x@example.com', expires_in_days: '7' }, 422, 'invalid_request_parameters'],
  ])('%j answers %i %s', async (payload, status, code) => {
    await setup();
    const body = expectSpec(await send(payload), OP.send, status) as { code: string };
    expect(body.code).toBe(code);
  });

  it('answers 404 for an unknown organization or inviter', async () => {
    await setup();
    const org = newId('organization');
    expect(expectSpec(await send({ email: 'x@example.com', organization_id: org }), OP.send, 404)).toMatchObject({
      message: `Organization not found: '${org}'.`,
    });
    expectSpec(await send({ email: 'x@example.com', inviter_user_id: newId('user') }), OP.send, 404);
  });

  it('refuses a second live invitation of an email to the same place, and an active member', async () => {
    await setup([{ user_id: ADA, organization_id: GLOBEX }]);
    await sent({ email: 'g@example.com', organization_id: ACME });
    await sent({ email: 'g@example.com' });
    const again = async (payload: object) => (expectSpec(await send(payload), OP.send, 400) as { code: string }).code;
    expect(await again({ email: 'G@example.com', organization_id: ACME })).toBe('email_already_invited_to_organization');
    expect(await again({ email: 'g@example.com' })).toBe('email_already_invited');
    expect(await again({ email: 'ada@example.com', organization_id: GLOBEX })).toBe('user_already_organization_member');
    // Another organization is a new invitation.
    await sent({ email: 'g@example.com', organization_id: GLOBEX });
  });

  it('an expired invitation no longer blocks a new one', async () => {
    await setup();
    await sent({ email: 'g@example.com', organization_id: ACME, expires_in_days: 1 });
    t.clock.set('2026-03-02T09:00:00.000Z');
    await sent({ email: 'g@example.com', organization_id: ACME });
  });

  it('gives an existing user a pending membership at once', async () => {
    await setup();
    await sent({ email: 'ada@example.com', organization_id: ACME, role_slug: 'admin' });
    const res = await t.app.inject({
      method: 'GET',
      url: `/user_management/organization_memberships?user_id=${ADA}&statuses=pending`,
      headers: t.headers,
    });
    const list = expectSpec(res, 'UserlandUserOrganizationMembershipsController_list', 200) as List<{ status: string; role: { slug: string } }>;
    expect(list.data.map((m) => [m.status, m.role.slug])).toEqual([['pending', 'admin']]);
    expect(await userFlags(ADA)).toEqual([]);
  });
});

describe('read invitations', () => {
  it('get and get by token answer the same invitation; unknown ones 404', async () => {
    await setup();
    const inv = await sent({ email: 'g@example.com', organization_id: ACME });
    expect(expectSpec(await call('GET', `/${inv.id}`), OP.get, 200)).toEqual(inv);
    expect(expectSpec(await call('GET', `/by_token/${inv.token}`), OP.byToken, 200)).toEqual(inv);
    expect(expectSpec(await call('GET', `/${newId('invitation')}`), OP.get, 404)).toMatchObject({ code: 'entity_not_found' });
    expectSpec(await call('GET', '/by_token/nope'), OP.byToken, 404);
  });

  it('a pending invitation reads as expired once its time has passed, on the clock', async () => {
    await setup();
    const inv = await sent({ email: 'g@example.com', expires_in_days: 1 });
    t.clock.set('2026-03-02T08:59:59.999Z');
    expect((expectSpec(await call('GET', `/${inv.id}`), OP.get, 200) as Invitation).state).toBe('pending');
    t.clock.set('2026-03-02T09:00:00.000Z');
    expect((expectSpec(await call('GET', `/${inv.id}`), OP.get, 200) as Invitation).state).toBe('expired');
  });

  it('lists newest first, filters by email and organization, pages with the cursors', async () => {
    await setup();
    const a = await sent({ email: 'a@example.com', organization_id: ACME });
    const b = await sent({ email: 'b@example.com', organization_id: GLOBEX });
    const c = await sent({ email: 'a@example.com' });
    const ids = async (query: string) => (expectSpec(await call('GET', `?${query}`), OP.list, 200) as List<Invitation>).data.map((i) => i.id);
    expect(await ids('')).toEqual([c.id, b.id, a.id]);
    expect(await ids('order=asc')).toEqual([a.id, b.id, c.id]);
    expect(await ids('email=A@example.com')).toEqual([c.id, a.id]);
    expect(await ids(`organization_id=${ACME}`)).toEqual([a.id]);
    const page = expectSpec(await call('GET', '?limit=2'), OP.list, 200) as List<Invitation>;
    expect(page.list_metadata).toEqual({ before: null, after: b.id });
    expect(await ids(`limit=2&after=${b.id}`)).toEqual([a.id]);
    expect(await ids(`before=${a.id}`)).toEqual([c.id, b.id]);
  });

  it.each(['limit=0', 'limit=101', 'order=up', 'after=nope'])('list ?%s answers 422', async (query) => {
    await setup();
    expect(expectSpec(await call('GET', `?${query}`), OP.list, 422)).toMatchObject({ code: 'invalid_request_parameters' });
  });
});

describe('accept an invitation', () => {
  it('creates the user and an active membership, so the organization’s flags are on for them at once', async () => {
    await setup();
    const inv = await sent({ email: 'new@example.com', organization_id: ACME, role_slug: 'admin' });
    t.clock.set('2026-03-01T10:00:00.000Z');
    const accepted = expectSpec(await call('POST', `/${inv.id}/accept`), OP.accept, 200) as Invitation;
    expect(accepted).toMatchObject({ state: 'accepted', accepted_at: '2026-03-01T10:00:00.000Z', updated_at: '2026-03-01T10:00:00.000Z' });
    const userId = accepted.accepted_user_id!;
    const user = JSON.parse((await t.app.inject({ method: 'GET', url: `/user_management/users/${userId}`, headers: t.headers })).body);
    expect(user).toMatchObject({ email: 'new@example.com', email_verified: true });
    const res = await t.app.inject({ method: 'GET', url: `/user_management/organization_memberships?user_id=${userId}`, headers: t.headers });
    const list = JSON.parse(res.body) as List<{ organization_id: string; status: string; role: { slug: string } }>;
    expect(list.data.map((m) => [m.organization_id, m.status, m.role.slug])).toEqual([[ACME, 'active', 'admin']]);
    expect(await userFlags(userId)).toEqual(['acme-beta']);
  });

  it.each(['pending', 'inactive'] as const)('activates an existing user’s %s membership with the invitation’s role', async (status) => {
    await setup([{ user_id: ADA, organization_id: ACME, status }]);
    const inv = await sent({ email: 'ada@example.com', organization_id: ACME, role_slug: 'admin' });
    expect(await userFlags(ADA)).toEqual([]);
    const accepted = expectSpec(await call('POST', `/${inv.id}/accept`), OP.accept, 200) as Invitation;
    expect(accepted.accepted_user_id).toBe(ADA);
    expect(await userFlags(ADA)).toEqual(['acme-beta']);
  });

  it('without an organization only creates the user', async () => {
    await setup();
    const inv = await sent({ email: 'solo@example.com' });
    const accepted = expectSpec(await call('POST', `/${inv.id}/accept`), OP.accept, 200) as Invitation;
    expect(accepted.accepted_user_id).toMatch(/^user_/);
  });

  it('answers 400 invite_not_pending once accepted, revoked or expired, and 404 for an unknown id', async () => {
    await setup();
    const a = await sent({ email: 'a@example.com' });
    const b = await sent({ email: 'b@example.com' });
    const c = await sent({ email: 'c@example.com', expires_in_days: 1 });
    expectSpec(await call('POST', `/${a.id}/accept`), OP.accept, 200);
    expectSpec(await call('POST', `/${b.id}/revoke`), OP.revoke, 200);
    t.clock.set('2026-03-05T00:00:00.000Z');
    for (const inv of [a, b, c]) {
      expect(expectSpec(await call('POST', `/${inv.id}/accept`), OP.accept, 400)).toMatchObject({ code: 'invite_not_pending' });
    }
    expectSpec(await call('POST', `/${newId('invitation')}/accept`), OP.accept, 404);
  });
});

describe('resend and revoke', () => {
  it('resend keeps the token and expiry and moves updated_at; bodiless and with a locale', async () => {
    await setup();
    const inv = await sent({ email: 'g@example.com' });
    t.clock.set('2026-03-02T09:00:00.000Z');
    const again = expectSpec(await call('POST', `/${inv.id}/resend`), OP.resend, 200) as Invitation;
    expect(again).toEqual({ ...inv, updated_at: '2026-03-02T09:00:00.000Z' });
    expectSpec(await call('POST', `/${inv.id}/resend`, { locale: 'de' }), OP.resend, 200);
    expect(expectSpec(await call('POST', `/${inv.id}/resend`, { locale: 'klingon' }), OP.resend, 422)).toMatchObject({
      code: 'invalid_request_parameters',
    });
  });

  it('resend names why an invitation is no longer pending', async () => {
    await setup();
    const a = await sent({ email: 'a@example.com' });
    const b = await sent({ email: 'b@example.com' });
    const c = await sent({ email: 'c@example.com', expires_in_days: 1 });
    await call('POST', `/${a.id}/accept`);
    await call('POST', `/${b.id}/revoke`);
    t.clock.set('2026-03-05T00:00:00.000Z');
    const code = async (id: string) => (expectSpec(await call('POST', `/${id}/resend`), OP.resend, 400) as { code: string }).code;
    expect([await code(a.id), await code(b.id), await code(c.id)]).toEqual(['invite_accepted', 'invite_revoked', 'invite_expired']);
    expectSpec(await call('POST', `/${newId('invitation')}/resend`), OP.resend, 404);
  });

  it('revoke sets revoked_at, removes the pending membership it gave, and refuses anything not pending', async () => {
    await setup();
    const inv = await sent({ email: 'ada@example.com', organization_id: ACME });
    t.clock.set('2026-03-01T11:00:00.000Z');
    const revoked = expectSpec(await call('POST', `/${inv.id}/revoke`), OP.revoke, 200) as Invitation;
    expect(revoked).toMatchObject({ state: 'revoked', revoked_at: '2026-03-01T11:00:00.000Z', accepted_at: null });
    const res = await t.app.inject({
      method: 'GET',
      url: `/user_management/organization_memberships?user_id=${ADA}&statuses=pending,active,inactive`,
      headers: t.headers,
    });
    expect((JSON.parse(res.body) as List<unknown>).data).toEqual([]);
    expect(expectSpec(await call('POST', `/${inv.id}/revoke`), OP.revoke, 400)).toMatchObject({ code: 'invite_not_pending' });
    // spec: revoke has no 404, so an unknown id is its 400.
    expect(expectSpec(await call('POST', `/${newId('invitation')}/revoke`), OP.revoke, 400)).toMatchObject({ code: 'invite_not_pending' });
  });

  it('invitations are the caller’s environment’s only', async () => {
    await setup();
    const inv = await sent({ email: 'g@example.com' });
    const env = await t.app.inject({ method: 'POST', url: '/_flagstand/environments', headers: t.headers, payload: { name: 'other' } });
    const key = (JSON.parse(env.body) as { api_keys: string[] }).api_keys[0];
    const res = await t.app.inject({ method: 'GET', url: `/user_management/invitations/${inv.id}`, headers: { authorization: `Bearer ${key}` } });
    expectSpec(res, OP.get, 404);
  });
});

describe('seeded invitations', () => {
  it('load with pinned id and token, default expiry, and accept like any other', async () => {
    const id = newId('invitation');
    t = await buildTestApp({
      clock: NOW,
      seed: {
        organizations: [{ id: ACME, name: 'Acme' }],
        users: [{ id: ADA, email: 'ada@example.com' }],
        invitations: [
          { id, email: 'New@Example.com', organization_id: ACME, role_slug: 'admin', token: 'seed-token', created_at: '2026-02-27T00:00:00Z' },
          { email: 'old@example.com', state: 'accepted', accepted_user_id: ADA },
        ],
      },
    });
    const inv = expectSpec(await call('GET', '/by_token/seed-token'), OP.byToken, 200) as Invitation;
    expect(inv).toMatchObject({ id, email: 'new@example.com', state: 'pending', role_slug: 'admin', expires_at: '2026-03-06T00:00:00.000Z' });
    expectSpec(await call('POST', `/${id}/accept`), OP.accept, 200);
    const list = expectSpec(await call('GET', '?email=old@example.com'), OP.list, 200) as List<Invitation>;
    expect(list.data.map((i) => [i.state, i.accepted_user_id])).toEqual([['accepted', ADA]]);
  });

  it.each([
    [{ email: 'a@example.com', organization_id: 'org_nope' }, 'invitations[0].organization_id'],
    [{ email: 'a@example.com', role_slug: 'admin' }, 'invitations[0].role_slug'],
    [{ email: 'a@example.com', state: 'accepted' }, 'invitations[0].accepted_user_id'],
    [{ email: 'a@example.com', id: 'invitation_bad' }, 'invitations[0].id'],
  ])('a bad entry %j is refused naming %s', async (entry, path) => {
    await expect(buildTestApp({ seed: { invitations: [entry as never] } })).rejects.toThrow(path);
  });
});
