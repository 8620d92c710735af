import { afterEach, describe, expect, it } from 'vitest';
import { newId } from '../../src/ids.js';
import { buildTestApp, type TestApp } from '../helpers/build-app.js';
import { expectSpec } from '../helpers/spec.js';

let t: TestApp;
afterEach(() => t?.app.close());

type User = {
  id: string;
  email: string;
  first_name: string | null;
  last_name: string | null;
  email_verified: boolean;
  external_id: string | null;
  metadata: Record<string, string>;
  locale: string | null;
  created_at: string;
  updated_at: string;
};
type List<T> = { data: T[]; list_metadata: { before: string | null; after: string | null } };

const OP = {
  list: 'UserlandUsersController_list',
  create: 'UserlandUsersController_create',
  get: 'UserlandUsersController_get',
  byExternalId: 'UserlandUsersController_getByExternalId',
  update: 'UserlandUsersController_update',
  delete: 'UserlandUsersController_delete',
};

const create = (payload: object) => t.app.inject({ method: 'POST', url: '/user_management/users', headers: t.headers, payload });
const get = (id: string) => t.app.inject({ method: 'GET', url: `/user_management/users/${id}`, headers: t.headers });
const update = (id: string, payload: object) =>
  t.app.inject({ method: 'PUT', url: `/user_management/users/${id}`, headers: t.headers, payload });
const list = (query: string) => t.app.inject({ method: 'GET', url: `/user_management/users?${query}`, headers: t.headers });

describe('create a user', () => {
  it('answers 201 with every UserlandUser field, nullable ones null, email folded to lowercase', async () => {
    t = await buildTestApp({ clock: '2026-02-01T10:00:00.000Z' });
    const res = await create({ email: 'Ada.Lovelace@Example.COM', first_name: 'Ada' });
    const user = expectSpec(res, OP.create, 201) as User;
    expect(user).toEqual({
      object: 'user',
      id: user.id,
      first_name: 'Ada',
      last_name: null,
      profile_picture_url: null,
      email: 'ada.lovelace@example.com',
      email_verified: false,
      external_id: null,
      metadata: {},
      last_sign_in_at: null,
      locale: null,
      created_at: '2026-02-01T10:00:00.000Z',
      updated_at: '2026-02-01T10:00:00.000Z',
    });
    expect(user.id).toMatch(/^user_[0-7][0-9A-HJKMNP-TV-Z]{25}$/);
  });

  it('stores every accepted field and reads it back', async () => {
    t = await buildTestApp();
    const body = {
      email: 'grace@example.com',
      first_name: 'Grace',
      last_name: 'Hopper',
      email_verified: true,
      external_id: 'ext-1',
      metadata: { team: 'navy' },
    };
    const created = expectSpec(await create(body), OP.create, 201) as User;
    const read = expectSpec(await get(created.id), OP.get, 200) as User;
    expect(read).toMatchObject(body);
    expect(read).toEqual(created);
  });

  it('accepts a password and never echoes or stores it', async () => {
    t = await buildTestApp();
    const res = await create({ email: 'p@example.com', password: 'correct horse battery staple' });
    expectSpec(res, OP.create, 201);
    expect(res.body).not.toContain('correct horse');
    const rows = t.flagstand.db.prepare('SELECT * FROM users').all();
    expect(JSON.stringify(rows)).not.toContain('correct horse');
  });

  it('answers 400 user_creation_error naming email_not_available for a taken email, whatever its case', async () => {
    t = await buildTestApp({ seed: { users: [{ email: 'taken@example.com' }] } });
    const res = await create({ email: 'TAKEN@example.com' });
    const body = expectSpec(res, OP.create, 400) as { code: string; errors: { code: string }[] };
    expect(body.code).toBe('user_creation_error');
    expect(body.errors.map((e) => e.code)).toEqual(['email_not_available']);
  });

  it('answers 400 user_creation_error naming external_id_already_used for a taken external id', async () => {
    t = await buildTestApp({ seed: { users: [{ email: 'a@example.com', external_id: 'same' }] } });
    const body = expectSpec(await create({ email: 'b@example.com', external_id: 'same' }), OP.create, 400) as {
      errors: { code: string }[];
    };
    expect(body.errors.map((e) => e.code)).toEqual(['external_id_already_used']);
  });

  it('answers 400 when password and password_hash come together', async () => {
    t = await buildTestApp();
    const res = await create({ email: 'x@example.com', password: 'a', password_hash: '$2a$10$abc', password_hash_type: 'bcrypt' });
    expect((expectSpec(res, OP.create, 400) as { code: string }).code).toBe('password_and_password_hash_provided');
    const res2 = await create({ email: 'x@example.com', password: 'a', password_hash_type: 'bcrypt' });
    expect((expectSpec(res2, OP.create, 400) as { code: string }).code).toBe('password_and_password_hash_type_provided');
  });

  it.each([
    ['no email', {}, 'email'],
    ['a malformed email', { email: 'not-an-email' }, 'email'],
    ['a number as first_name', { email: 'a@b.co', first_name: 7 }, 'first_name'],
    ['an external_id over 128 chars', { email: 'a@b.co', external_id: 'x'.repeat(129) }, 'external_id'],
    ['a metadata value over 600 chars', { email: 'a@b.co', metadata: { k: 'v'.repeat(601) } }, 'metadata.k'],
    ['a metadata key over 40 chars', { email: 'a@b.co', metadata: { ['k'.repeat(41)]: 'v' } }, 'metadata'],
    ['51 metadata keys', { email: 'a@b.co', metadata: Object.fromEntries([...Array(51)].map((_, i) => [`k${i}`, 'v'])) }, 'metadata'],
    ['a non-string metadata value', { email: 'a@b.co', metadata: { k: 1 } }, 'metadata.k'],
    ['a hash without its type', { email: 'a@b.co', password_hash: '$2a$10$abc' }, 'password_hash_type'],
    ['an unknown hash type', { email: 'a@b.co', password_hash: 'h', password_hash_type: 'md5' }, 'password_hash_type'],
  ])('answers 422 naming the field for %s', async (_, payload, field) => {
    t = await buildTestApp();
    const body = expectSpec(await create(payload), OP.create, 422) as { code: string; errors: { field: string }[] };
    expect(body.code).toBe('invalid_request_parameters');
    expect(body.errors.map((e) => e.field)).toContain(field);
  });

  it('accepts metadata at the limits: 50 keys of 40 characters, values of 600', async () => {
    t = await buildTestApp();
    const metadata = Object.fromEntries([...Array(50)].map((_, i) => [String(i).padStart(40, 'k'), 'v'.repeat(600)]));
    const user = expectSpec(await create({ email: 'big@example.com', metadata }), OP.create, 201) as User;
    expect(Object.keys(user.metadata)).toHaveLength(50);
  });

  it('ignores fields newer than the spec that the SDK may send', async () => {
    t = await buildTestApp();
    const user = expectSpec(await create({ email: 'n@example.com', name: 'Full Name', ip_address: '1.2.3.4' }), OP.create, 201);
    expect(user).not.toHaveProperty('name');
  });
});

describe('get a user', () => {
  it('answers 404 in the WorkOS shape for an unknown id', async () => {
    t = await buildTestApp();
    const id = newId('user');
    const body = expectSpec(await get(id), OP.get, 404) as { message: string };
    expect(body.message).toBe(`User not found: '${id}'.`);
  });

  it('gets a user by external id, and 404s for an unknown one', async () => {
    t = await buildTestApp({ seed: { users: [{ email: 'e@example.com', external_id: 'crm-42' }] } });
    const res = await t.app.inject({ method: 'GET', url: '/user_management/users/external_id/crm-42', headers: t.headers });
    expect((expectSpec(res, OP.byExternalId, 200) as User).email).toBe('e@example.com');
    const missing = await t.app.inject({ method: 'GET', url: '/user_management/users/external_id/nope', headers: t.headers });
    expect((expectSpec(missing, OP.byExternalId, 404) as { message: string }).message).toBe("User not found: 'nope'.");
  });

  it('does not see users of another environment', async () => {
    const id = newId('user');
    t = await buildTestApp({
      seed: {
        environments: [
          { name: 'a', api_keys: ['sk_test_a'] },
          { name: 'b', api_keys: ['sk_test_b'], users: [{ id, email: 'b@example.com' }] },
        ],
      },
    });
    const res = await t.app.inject({ method: 'GET', url: `/user_management/users/${id}`, headers: { authorization: 'Bearer sk_test_a' } });
    expectSpec(res, OP.get, 404);
  });
});

describe('update a user', () => {
  const seeded = () => ({
    id: newId('user'),
    email: 'u@example.com',
    first_name: 'Una',
    last_name: 'Umber',
    external_id: 'ext-u',
    metadata: { a: '1', b: '2' },
  });

  it('changes the given fields, leaves omitted ones unchanged and moves updated_at', async () => {
    const u = seeded();
    t = await buildTestApp({ seed: { users: [u] }, clock: '2026-01-01T00:00:00.000Z' });
    t.clock.set('2026-01-02T00:00:00.000Z');
    const user = expectSpec(await update(u.id, { first_name: 'Ursula', locale: 'en-GB' }), OP.update, 200) as User;
    expect(user).toMatchObject({ first_name: 'Ursula', last_name: 'Umber', email: 'u@example.com', external_id: 'ext-u', locale: 'en-GB' });
    expect(user.metadata).toEqual({ a: '1', b: '2' });
    expect(user.created_at).toBe('2026-01-01T00:00:00.000Z');
    expect(user.updated_at).toBe('2026-01-02T00:00:00.000Z');
    expect(expectSpec(await get(u.id), OP.get, 200)).toEqual(user);
  });

  it('leaves updated_at alone when nothing changes', async () => {
    const u = seeded();
    t = await buildTestApp({ seed: { users: [u] }, clock: '2026-01-01T00:00:00.000Z' });
    t.clock.set('2026-01-02T00:00:00.000Z');
    const user = expectSpec(await update(u.id, { first_name: 'Una', email: 'U@EXAMPLE.com' }), OP.update, 200) as User;
    expect(user.updated_at).toBe('2026-01-01T00:00:00.000Z');
  });

  it('merges metadata: new keys added, given keys replaced, null values deleted', async () => {
    const u = seeded();
    t = await buildTestApp({ seed: { users: [u] } });
    const user = expectSpec(await update(u.id, { metadata: { b: 'two', c: '3', a: null } }), OP.update, 200) as User;
    expect(user.metadata).toEqual({ b: 'two', c: '3' });
  });

  it('clears metadata with metadata: null and external_id with external_id: null', async () => {
    const u = seeded();
    t = await buildTestApp({ seed: { users: [u] } });
    const user = expectSpec(await update(u.id, { metadata: null, external_id: null }), OP.update, 200) as User;
    expect(user.metadata).toEqual({});
    expect(user.external_id).toBeNull();
  });

  it('changes the email (stored lowercase) and keeps email_verified unless given', async () => {
    const u = { ...seeded(), email_verified: true };
    t = await buildTestApp({ seed: { users: [u] } });
    const user = expectSpec(await update(u.id, { email: 'New@Example.com' }), OP.update, 200) as User;
    expect(user.email).toBe('new@example.com');
    expect(user.email_verified).toBe(true);
  });

  it.each([
    ['an email another user has', { email: 'other@example.com' }, 'email_not_available'],
    ['an external id another user has', { external_id: 'ext-other' }, 'external_id_already_used'],
    ['a malformed email', { email: 'nope' }, 'invalid_email'],
    ['an invalid locale', { locale: 'not a locale!' }, 'invalid_locale'],
    ['a password with a hash', { password: 'x', password_hash: 'h', password_hash_type: 'bcrypt' }, 'password_and_password_hash_provided'],
  ])('answers 400 for %s', async (_, payload, code) => {
    const u = seeded();
    t = await buildTestApp({ seed: { users: [u, { email: 'other@example.com', external_id: 'ext-other' }] } });
    const body = expectSpec(await update(u.id, payload), OP.update, 400) as { code: string };
    expect(body.code).toBe(code);
  });

  it('answers 400 invalid_metadata when the merge would exceed 50 keys', async () => {
    const u = { ...seeded(), metadata: Object.fromEntries([...Array(50)].map((_, i) => [`k${i}`, 'v'])) };
    t = await buildTestApp({ seed: { users: [u] } });
    expect((expectSpec(await update(u.id, { metadata: { extra: 'v' } }), OP.update, 400) as { code: string }).code).toBe(
      'invalid_metadata',
    );
    // Replacing a key stays within the limit.
    expectSpec(await update(u.id, { metadata: { k0: 'w', k1: null, extra: 'v' } }), OP.update, 200);
  });

  it.each([
    ['first_name: null (the spec makes it a plain string)', { first_name: null }, 'first_name'],
    ['a non-boolean email_verified', { email_verified: 'yes' }, 'email_verified'],
    ['a metadata value over 600 chars', { metadata: { k: 'v'.repeat(601) } }, 'metadata.k'],
  ])('answers 422 naming the field for %s', async (_, payload, field) => {
    const u = seeded();
    t = await buildTestApp({ seed: { users: [u] } });
    const body = expectSpec(await update(u.id, payload), OP.update, 422) as { errors: { field: string }[] };
    expect(body.errors.map((e) => e.field)).toContain(field);
  });

  it('answers 404 for an unknown user', async () => {
    t = await buildTestApp();
    const res = await update(newId('user'), { first_name: 'x' });
    expect(res.statusCode).toBe(404);
    expect(JSON.parse(res.body).message).toMatch(/^User not found: 'user_/);
  });
});

describe('delete a user', () => {
  it('answers 200 with no body, then 404; its memberships and flag targets go too', async () => {
    const userId = newId('user');
    const orgId = newId('organization');
    t = await buildTestApp({
      seed: {
        organizations: [{ id: orgId, name: 'Acme' }],
        users: [{ id: userId, email: 'gone@example.com' }],
        organization_memberships: [{ user_id: userId, organization_id: orgId }],
        feature_flags: [{ slug: 'beta', enabled: true, targets: [userId, orgId] }],
      },
    });
    const res = await t.app.inject({ method: 'DELETE', url: `/user_management/users/${userId}`, headers: t.headers });
    expectSpec(res, OP.delete, 200);
    expectSpec(await get(userId), OP.get, 404);
    const db = t.flagstand.db;
    expect(db.prepare('SELECT count(*) AS n FROM organization_memberships').get()).toEqual({ n: 0 });
    expect(db.prepare('SELECT target_id FROM flag_targets').all()).toEqual([{ target_id: orgId }]);
    const again = await t.app.inject({ method: 'DELETE', url: `/user_management/users/${userId}`, headers: t.headers });
    expectSpec(again, OP.delete, 404);
  });

  it('frees the email and external id for a new user', async () => {
    const id = newId('user');
    t = await buildTestApp({ seed: { users: [{ id, email: 'reuse@example.com', external_id: 'r' }] } });
    await t.app.inject({ method: 'DELETE', url: `/user_management/users/${id}`, headers: t.headers });
    expectSpec(await create({ email: 'reuse@example.com', external_id: 'r' }), OP.create, 201);
  });
});

describe('list users', () => {
  // Five users a minute apart, created oldest first.
  const five = () =>
    ['a', 'b', 'c', 'd', 'e'].map((n, i) => ({
      id: newId('user'),
      email: `${n}@example.com`,
      created_at: `2026-01-01T00:0${i}:00.000Z`,
    }));

  it('lists newest first by default, in pages of limit, walking after and before', async () => {
    const users = five();
    t = await buildTestApp({ seed: { users } });
    const emails = (l: List<User>) => l.data.map((u) => u.email[0]).join('');

    const p1 = expectSpec(await list('limit=2'), OP.list, 200) as List<User>;
    expect(emails(p1)).toBe('ed');
    expect(p1.list_metadata).toEqual({ before: null, after: users[3].id });
    const p2 = expectSpec(await list(`limit=2&after=${p1.list_metadata.after}`), OP.list, 200) as List<User>;
    expect(emails(p2)).toBe('cb');
    const p3 = expectSpec(await list(`limit=2&after=${p2.list_metadata.after}`), OP.list, 200) as List<User>;
    expect(emails(p3)).toBe('a');
    expect(p3.list_metadata.after).toBeNull();
    const back = expectSpec(await list(`limit=2&before=${p3.data[0].id}`), OP.list, 200) as List<User>;
    expect(emails(back)).toBe('cb');
  });

  it('lists oldest first with order=asc', async () => {
    t = await buildTestApp({ seed: { users: five() } });
    const page = expectSpec(await list('order=asc&limit=3'), OP.list, 200) as List<User>;
    expect(page.data.map((u) => u.email[0]).join('')).toBe('abc');
  });

  it('filters by email, case-insensitively', async () => {
    t = await buildTestApp({ seed: { users: five() } });
    const page = expectSpec(await list('email=C@Example.com'), OP.list, 200) as List<User>;
    expect(page.data.map((u) => u.email)).toEqual(['c@example.com']);
    expect((expectSpec(await list('email=zz@example.com'), OP.list, 200) as List<User>).data).toEqual([]);
  });

  it('filters by organization_id (and the deprecated organization), paging within the filter', async () => {
    const users = five();
    const org = newId('organization');
    t = await buildTestApp({
      seed: {
        users,
        organizations: [{ id: org, name: 'Acme' }],
        organization_memberships: [users[0], users[2], users[4]].map((u, i) => ({
          user_id: u.id,
          organization_id: org,
          status: (['active', 'inactive', 'pending'] as const)[i],
        })),
      },
    });
    const p1 = expectSpec(await list(`organization_id=${org}&limit=2`), OP.list, 200) as List<User>;
    expect(p1.data.map((u) => u.email[0])).toEqual(['e', 'c']);
    const p2 = expectSpec(await list(`organization_id=${org}&limit=2&after=${p1.list_metadata.after}`), OP.list, 200) as List<User>;
    expect(p2.data.map((u) => u.email[0])).toEqual(['a']);
    expect(p2.list_metadata.after).toBeNull();
    const legacy = expectSpec(await list(`organization=${org}`), OP.list, 200) as List<User>;
    expect(legacy.data).toHaveLength(3);
    const both = expectSpec(await list(`organization_id=${org}&email=b@example.com`), OP.list, 200) as List<User>;
    expect(both.data).toEqual([]);
    const unknown = expectSpec(await list(`organization_id=${newId('organization')}`), OP.list, 200) as List<User>;
    expect(unknown.data).toEqual([]);
  });

  it.each([
    ['limit=0', 'limit'],
    ['limit=101', 'limit'],
    ['order=sideways', 'order'],
    ['after=garbage', 'after'],
  ])('answers 422 (the spec has no 400 here) for %s', async (query, field) => {
    t = await buildTestApp();
    const body = expectSpec(await list(query), OP.list, 422) as { errors: { field: string }[] };
    expect(body.errors.map((e) => e.field)).toContain(field);
  });
});
