import { afterEach, describe, expect, it } from 'vitest';
import { newId } from '../../src/ids.js';
import type { SeedDocument } from '../../src/seed/schema.js';
import { buildTestApp, type TestApp } from '../helpers/build-app.js';
import { expectSpec } from '../helpers/spec.js';

let t: TestApp;
afterEach(() => t?.app.close());

type Membership = {
  id: string;
  user_id: string;
  organization_id: string;
  organization_name: string;
  status: string;
  role: { slug: string };
  user: { id: string; email: string };
  created_at: string;
  updated_at: string;
};
type List<T> = { data: T[]; list_metadata: { before: string | null; after: string | null } };

const OP = {
  list: 'UserlandUserOrganizationMembershipsController_list',
  create: 'UserlandUserOrganizationMembershipsController_create',
  get: 'UserlandUserOrganizationMembershipsController_get',
  update: 'UserlandUserOrganizationMembershipsController_update',
  delete: 'UserlandUserOrganizationMembershipsController_delete',
  deactivate: 'UserlandUserOrganizationMembershipsController_deactivate',
  reactivate: 'UserlandUserOrganizationMembershipsController_reactivate',
};

const BASE = '/user_management/organization_memberships';
const create = (payload: object) => t.app.inject({ method: 'POST', url: BASE, headers: t.headers, payload });
const get = (id: string) => t.app.inject({ method: 'GET', url: `${BASE}/${id}`, headers: t.headers });
const put = (path: string, payload?: object) => t.app.inject({ method: 'PUT', url: `${BASE}/${path}`, headers: t.headers, payload });
const list = (query: string) => t.app.inject({ method: 'GET', url: `${BASE}?${query}`, headers: t.headers });

/** One organization, two users, and memberships as given (ids pinned so tests can name them). */
function world(memberships: { user: 0 | 1; status?: 'active' | 'inactive' | 'pending'; role_slug?: string }[] = []) {
  const org = newId('organization');
  const users = [newId('user'), newId('user')];
  const ms = memberships.map((m) => ({ id: newId('membership'), user_id: users[m.user], organization_id: org, status: m.status, role_slug: m.role_slug }));
  const seed: SeedDocument = {
    organizations: [{ id: org, name: 'Acme Corp' }],
    users: users.map((id, i) => ({ id, email: `u${i}@example.com` })),
    organization_memberships: ms,
  };
  return { org, users, ms: ms.map((m) => m.id), seed };
}

describe('create a membership', () => {
  it('answers 201 with an active membership, the default role, the organization name and the user', async () => {
    const w = world();
    t = await buildTestApp({ seed: w.seed, clock: '2026-03-01T00:00:00.000Z' });
    const m = expectSpec(await create({ user_id: w.users[0], organization_id: w.org }), OP.create, 201) as Membership;
    expect(m).toEqual({
      object: 'organization_membership',
      id: m.id,
      user_id: w.users[0],
      organization_id: w.org,
      status: 'active',
      directory_managed: false,
      organization_name: 'Acme Corp',
      custom_attributes: {},
      created_at: '2026-03-01T00:00:00.000Z',
      updated_at: '2026-03-01T00:00:00.000Z',
      role: { slug: 'member' },
      roles: [{ slug: 'member' }],
      user: expect.objectContaining({ object: 'user', id: w.users[0], email: 'u0@example.com' }),
    });
    expect(m.id).toMatch(/^om_[0-7][0-9A-HJKMNP-TV-Z]{25}$/);
    expect(expectSpec(await get(m.id), OP.get, 200)).toEqual(m);
  });

  it('takes the role from role_slug or a one-element role_slugs', async () => {
    const w = world();
    t = await buildTestApp({ seed: w.seed });
    const a = expectSpec(await create({ user_id: w.users[0], organization_id: w.org, role_slug: 'admin' }), OP.create, 201);
    expect((a as Membership).role).toEqual({ slug: 'admin' });
    const b = expectSpec(await create({ user_id: w.users[1], organization_id: w.org, role_slugs: ['admin'] }), OP.create, 201);
    expect((b as Membership).role).toEqual({ slug: 'admin' });
  });

  it('re-activates an inactive membership of the pair with the requested role, keeping its id', async () => {
    const w = world([{ user: 0, status: 'inactive', role_slug: 'admin' }]);
    t = await buildTestApp({ seed: w.seed, clock: '2026-03-01T00:00:00.000Z' });
    t.clock.set('2026-03-02T00:00:00.000Z');
    const m = expectSpec(await create({ user_id: w.users[0], organization_id: w.org }), OP.create, 201) as Membership;
    expect(m).toMatchObject({ id: w.ms[0], status: 'active', role: { slug: 'member' }, updated_at: '2026-03-02T00:00:00.000Z' });
    expect(m.created_at).toBe('2026-03-01T00:00:00.000Z');
  });

  it('answers 400 cannot_reactivate_pending_organization_membership when the pair has a pending one', async () => {
    const w = world([{ user: 0, status: 'pending' }]);
    t = await buildTestApp({ seed: w.seed });
    const body = expectSpec(await create({ user_id: w.users[0], organization_id: w.org }), OP.create, 400) as { code: string };
    expect(body.code).toBe('cannot_reactivate_pending_organization_membership');
  });

  // Not in the spec's create responses (its 400 lists one code): the code WorkOS clients check for.
  it('answers 400 organization_membership_already_exists when the pair has an active one', async () => {
    const w = world([{ user: 0 }]);
    t = await buildTestApp({ seed: w.seed });
    const res = await create({ user_id: w.users[0], organization_id: w.org });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(JSON.parse(res.body)).toEqual({
      code: 'organization_membership_already_exists',
      message: `User '${w.users[0]}' already has an active membership in organization '${w.org}'.`,
    });
  });

  it('answers 404 for an unknown user or organization', async () => {
    const w = world();
    t = await buildTestApp({ seed: w.seed });
    const user = newId('user');
    const org = newId('organization');
    const a = expectSpec(await create({ user_id: user, organization_id: w.org }), OP.create, 404) as { message: string };
    expect(a.message).toBe(`User not found: '${user}'.`);
    const b = expectSpec(await create({ user_id: w.users[0], organization_id: org }), OP.create, 404) as { message: string };
    expect(b.message).toBe(`Organization not found: '${org}'.`);
  });

  it('answers 422 invalid_role for an unknown role slug', async () => {
    const w = world();
    t = await buildTestApp({ seed: w.seed });
    const body = expectSpec(await create({ user_id: w.users[0], organization_id: w.org, role_slug: 'owner' }), OP.create, 422);
    expect(body).toEqual({ code: 'invalid_role', message: "Role 'owner' is not a valid role." });
  });

  it('answers 422 multiple_roles_not_enabled for two role slugs', async () => {
    const w = world();
    t = await buildTestApp({ seed: w.seed });
    const res = await create({ user_id: w.users[0], organization_id: w.org, role_slugs: ['admin', 'member'] });
    expect((expectSpec(res, OP.create, 422) as { code: string }).code).toBe('multiple_roles_not_enabled');
  });

  it.each([
    ['no user_id', (w: ReturnType<typeof world>) => ({ organization_id: w.org }), 'user_id'],
    ['no organization_id', (w: ReturnType<typeof world>) => ({ user_id: w.users[0] }), 'organization_id'],
    ['role_slug with role_slugs', (w: ReturnType<typeof world>) => ({ user_id: w.users[0], organization_id: w.org, role_slug: 'admin', role_slugs: ['admin'] }), 'role_slugs'],
    ['an empty role_slugs', (w: ReturnType<typeof world>) => ({ user_id: w.users[0], organization_id: w.org, role_slugs: [] }), 'role_slugs'],
    ['a numeric role_slug', (w: ReturnType<typeof world>) => ({ user_id: w.users[0], organization_id: w.org, role_slug: 3 }), 'role_slug'],
  ])('answers 422 invalid_request_parameters naming the field for %s', async (_, payload, field) => {
    const w = world();
    t = await buildTestApp({ seed: w.seed });
    const body = expectSpec(await create(payload(w)), OP.create, 422) as { code: string; errors: { field: string }[] };
    expect(body.code).toBe('invalid_request_parameters');
    expect(body.errors.map((e) => e.field)).toContain(field);
  });
});

describe('get, update and delete a membership', () => {
  it('answers 404 for an unknown membership on every operation', async () => {
    t = await buildTestApp();
    const id = newId('membership');
    const message = `Organization membership not found: '${id}'.`;
    expect((expectSpec(await get(id), OP.get, 404) as { message: string }).message).toBe(message);
    expectSpec(await put(id, { role_slug: 'admin' }), OP.update, 404);
    expectSpec(await put(`${id}/deactivate`), OP.deactivate, 404);
    expectSpec(await put(`${id}/reactivate`), OP.reactivate, 404);
    expectSpec(await t.app.inject({ method: 'DELETE', url: `${BASE}/${id}`, headers: t.headers }), OP.delete, 404);
  });

  it('updates the role and moves updated_at; the same role again changes nothing', async () => {
    const w = world([{ user: 0 }]);
    t = await buildTestApp({ seed: w.seed, clock: '2026-03-01T00:00:00.000Z' });
    t.clock.set('2026-03-02T00:00:00.000Z');
    const m = expectSpec(await put(w.ms[0], { role_slug: 'admin' }), OP.update, 200) as Membership;
    expect(m).toMatchObject({ role: { slug: 'admin' }, status: 'active', updated_at: '2026-03-02T00:00:00.000Z' });
    t.clock.set('2026-03-03T00:00:00.000Z');
    const same = expectSpec(await put(w.ms[0], { role_slugs: ['admin'] }), OP.update, 200) as Membership;
    expect(same.updated_at).toBe('2026-03-02T00:00:00.000Z');
    const empty = expectSpec(await put(w.ms[0], {}), OP.update, 200) as Membership;
    expect(empty).toEqual(same);
  });

  it('answers 422 for an unknown role or two roles on update', async () => {
    const w = world([{ user: 0 }]);
    t = await buildTestApp({ seed: w.seed });
    expect((expectSpec(await put(w.ms[0], { role_slug: 'nope' }), OP.update, 422) as { code: string }).code).toBe('invalid_role');
    const two = expectSpec(await put(w.ms[0], { role_slugs: ['admin', 'member'] }), OP.update, 422) as { code: string };
    expect(two.code).toBe('multiple_roles_not_enabled');
    const bad = expectSpec(await put(w.ms[0], { role_slug: ['admin'] }), OP.update, 422) as { code: string };
    expect(bad.code).toBe('invalid_request_parameters');
  });

  it('deletes with 200 and no body, then 404', async () => {
    const w = world([{ user: 0 }]);
    t = await buildTestApp({ seed: w.seed });
    const res = await t.app.inject({ method: 'DELETE', url: `${BASE}/${w.ms[0]}`, headers: t.headers });
    expectSpec(res, OP.delete, 200);
    expectSpec(await get(w.ms[0]), OP.get, 404);
    // The user and organization stay.
    const user = await t.app.inject({ method: 'GET', url: `/user_management/users/${w.users[0]}`, headers: t.headers });
    expect(user.statusCode).toBe(200);
  });
});

describe('deactivate and reactivate', () => {
  it('deactivates an active membership and reactivates it with its role kept', async () => {
    const w = world([{ user: 0, role_slug: 'admin' }]);
    t = await buildTestApp({ seed: w.seed, clock: '2026-03-01T00:00:00.000Z' });
    t.clock.set('2026-03-02T00:00:00.000Z');
    const off = expectSpec(await put(`${w.ms[0]}/deactivate`), OP.deactivate, 200) as Membership;
    expect(off).toMatchObject({ status: 'inactive', role: { slug: 'admin' }, updated_at: '2026-03-02T00:00:00.000Z' });
    t.clock.set('2026-03-03T00:00:00.000Z');
    const on = expectSpec(await put(`${w.ms[0]}/reactivate`), OP.reactivate, 200) as Membership;
    expect(on).toMatchObject({ status: 'active', role: { slug: 'admin' }, updated_at: '2026-03-03T00:00:00.000Z' });
  });

  it('is a no-op (updated_at unchanged) to deactivate an inactive or reactivate an active membership', async () => {
    const w = world([{ user: 0, status: 'inactive' }, { user: 1 }]);
    t = await buildTestApp({ seed: w.seed, clock: '2026-03-01T00:00:00.000Z' });
    t.clock.set('2026-03-02T00:00:00.000Z');
    const off = expectSpec(await put(`${w.ms[0]}/deactivate`), OP.deactivate, 200) as Membership;
    expect(off).toMatchObject({ status: 'inactive', updated_at: '2026-03-01T00:00:00.000Z' });
    const on = expectSpec(await put(`${w.ms[1]}/reactivate`), OP.reactivate, 200) as Membership;
    expect(on).toMatchObject({ status: 'active', updated_at: '2026-03-01T00:00:00.000Z' });
  });

  it('answers 400 for a pending membership, with the code of each operation', async () => {
    const w = world([{ user: 0, status: 'pending' }]);
    t = await buildTestApp({ seed: w.seed });
    const off = expectSpec(await put(`${w.ms[0]}/deactivate`), OP.deactivate, 400) as { code: string };
    expect(off.code).toBe('cannot_deactivate_pending_organization_membership');
    const on = expectSpec(await put(`${w.ms[0]}/reactivate`), OP.reactivate, 400) as { code: string };
    expect(on.code).toBe('cannot_reactivate_pending_organization_membership');
    expect((JSON.parse((await get(w.ms[0])).body) as Membership).status).toBe('pending');
  });

  it('accepts the SDK empty JSON body on the bodiless PUTs', async () => {
    const w = world([{ user: 0 }]);
    t = await buildTestApp({ seed: w.seed });
    const res = await t.app.inject({
      method: 'PUT',
      url: `${BASE}/${w.ms[0]}/deactivate`,
      headers: { ...t.headers, 'content-type': 'application/json' },
      payload: '{}',
    });
    expectSpec(res, OP.deactivate, 200);
  });
});

describe('list memberships', () => {
  /** Two organizations, three users; memberships a minute apart (oldest first), statuses as given. */
  function many() {
    const orgs = [newId('organization'), newId('organization')];
    const users = [newId('user'), newId('user'), newId('user')];
    const rows: [number, number, 'active' | 'inactive' | 'pending'][] = [
      [0, 0, 'active'],
      [0, 1, 'active'],
      [1, 0, 'inactive'],
      [1, 1, 'active'],
      [2, 0, 'pending'],
      [2, 1, 'active'],
    ];
    const ms = rows.map(([u, o, status], i) => ({
      id: newId('membership'),
      user_id: users[u],
      organization_id: orgs[o],
      status,
      created_at: `2026-01-01T00:0${i}:00.000Z`,
    }));
    const seed: SeedDocument = {
      organizations: orgs.map((id, i) => ({ id, name: `Org ${i}` })),
      users: users.map((id, i) => ({ id, email: `u${i}@example.com` })),
      organization_memberships: ms,
    };
    return { orgs, users, ms: ms.map((m) => m.id), seed };
  }
  const ids = (l: List<Membership>) => l.data.map((m) => m.id);

  it('answers 400 missing_user_id_or_organization_id without either filter', async () => {
    t = await buildTestApp();
    const body = expectSpec(await list('limit=5'), OP.list, 400) as { code: string };
    expect(body.code).toBe('missing_user_id_or_organization_id');
  });

  it('lists only active memberships by default, newest first, with user and organization name', async () => {
    const w = many();
    t = await buildTestApp({ seed: w.seed });
    const page = expectSpec(await list(`organization_id=${w.orgs[0]}`), OP.list, 200) as List<Membership>;
    expect(ids(page)).toEqual([w.ms[0]]);
    expect(page.data[0]).toMatchObject({ organization_name: 'Org 0', user: { id: w.users[0] } });
    const byUser = expectSpec(await list(`user_id=${w.users[1]}`), OP.list, 200) as List<Membership>;
    expect(ids(byUser)).toEqual([w.ms[3]]);
  });

  it('filters by statuses, comma-separated as the SDK sends them, or repeated', async () => {
    const w = many();
    t = await buildTestApp({ seed: w.seed });
    const all = expectSpec(await list(`organization_id=${w.orgs[0]}&statuses=active,inactive,pending`), OP.list, 200);
    expect(ids(all as List<Membership>)).toEqual([w.ms[4], w.ms[2], w.ms[0]]);
    const some = expectSpec(await list(`organization_id=${w.orgs[0]}&statuses=pending&statuses=inactive`), OP.list, 200);
    expect(ids(some as List<Membership>)).toEqual([w.ms[4], w.ms[2]]);
  });

  it('combines user_id and organization_id', async () => {
    const w = many();
    t = await buildTestApp({ seed: w.seed });
    const page = expectSpec(await list(`user_id=${w.users[2]}&organization_id=${w.orgs[1]}`), OP.list, 200) as List<Membership>;
    expect(ids(page)).toEqual([w.ms[5]]);
  });

  it('walks pages with after and before, in both orders', async () => {
    const w = many();
    t = await buildTestApp({ seed: w.seed });
    const q = `organization_id=${w.orgs[1]}&limit=2`;
    const p1 = expectSpec(await list(q), OP.list, 200) as List<Membership>;
    expect(ids(p1)).toEqual([w.ms[5], w.ms[3]]);
    expect(p1.list_metadata).toEqual({ before: null, after: w.ms[3] });
    const p2 = expectSpec(await list(`${q}&after=${w.ms[3]}`), OP.list, 200) as List<Membership>;
    expect(ids(p2)).toEqual([w.ms[1]]);
    expect(p2.list_metadata).toEqual({ before: w.ms[1], after: null });
    const back = expectSpec(await list(`${q}&before=${w.ms[1]}`), OP.list, 200) as List<Membership>;
    expect(ids(back)).toEqual([w.ms[5], w.ms[3]]);
    const asc = expectSpec(await list(`${q}&order=asc`), OP.list, 200) as List<Membership>;
    expect(ids(asc)).toEqual([w.ms[1], w.ms[3]]);
  });

  it('answers 404 for an unknown user or organization filter', async () => {
    t = await buildTestApp();
    const org = newId('organization');
    const body = expectSpec(await list(`organization_id=${org}`), OP.list, 404) as { message: string };
    expect(body.message).toBe(`Organization not found: '${org}'.`);
    expectSpec(await list(`user_id=${newId('user')}`), OP.list, 404);
  });

  it.each([
    ['statuses=gone', 'statuses'],
    ['limit=0', 'limit'],
    ['order=up', 'order'],
    ['after=om_nope', 'after'],
  ])('answers 400 invalid_request_parameters for %s', async (query, field) => {
    const w = many();
    t = await buildTestApp({ seed: w.seed });
    const body = expectSpec(await list(`user_id=${w.users[0]}&${query}`), OP.list, 400) as { code: string; errors: { field: string }[] };
    expect(body.code).toBe('invalid_request_parameters');
    expect(body.errors.map((e) => e.field)).toContain(field);
  });
});
