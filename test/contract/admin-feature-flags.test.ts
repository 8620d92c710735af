import { afterEach, describe, expect, it } from 'vitest';
import type { SeedEnvironment } from '../../src/seed/schema.js';
import { buildTestApp, type TestApp } from '../helpers/build-app.js';
import { pinnedId } from '../helpers/ids.js';
import { expectSpec, responseValidator } from '../helpers/spec.js';

// Flag management is dashboard-only at WorkOS; flagstand's routes answer with the spec's Flag and
// every change shows at once in the WorkOS routes and in the runtime client's poll.

const ORG = pinnedId('organization', 1);
const USER = pinnedId('user', 1);
const SEED: SeedEnvironment = {
  organizations: [{ id: ORG, name: 'Acme' }],
  users: [{ id: USER, email: 'ada@example.com' }],
  organization_memberships: [{ user_id: USER, organization_id: ORG }],
};
const T0 = '2026-01-15T12:00:00.000Z';
const T1 = '2026-01-15T12:05:00.000Z';

let t: TestApp;
afterEach(() => t?.app.close());

type Json = Record<string, any>;

async function call(method: string, url: string, body?: unknown, headers: Record<string, string> = t.headers) {
  const res = await t.app.inject({ method: method as 'GET', url, headers, ...(body !== undefined && { payload: body as Json }) });
  const json = res.body ? (JSON.parse(res.body) as Json) : undefined;
  if (res.statusCode >= 400) expect(String(res.headers['content-type'])).toMatch(/^application\/json/);
  return { status: res.statusCode, body: json as Json, res };
}

/** The response is the spec's Flag, closed: nothing more, nothing less. */
function expectFlag(body: unknown): Json {
  const validate = responseValidator('FeatureFlagsController_findBySlug', 200)!;
  expect(validate(body) ? [] : validate.errors).toEqual([]);
  return body as Json;
}

const poll = async () => (await call('GET', '/sdk/feature-flags')).body;
const listFor = async (url: string) => (await call('GET', url)).body.data.map((f: Json) => f.slug);

describe('POST /_flagstand/feature-flags', () => {
  it('creates a flag with WorkOS defaults, visible at once in the WorkOS routes and the poll', async () => {
    t = await buildTestApp({ seed: SEED, clock: T0 });
    const res = await call('POST', '/_flagstand/feature-flags', { slug: 'beta' });
    expect(res.status).toBe(201);
    const flag = expectFlag(res.body);
    expect(flag).toEqual({
      object: 'feature_flag',
      id: expect.stringMatching(/^flag_[0-9A-Z]{26}$/),
      slug: 'beta',
      name: 'beta',
      description: null,
      owner: null,
      tags: [],
      enabled: false,
      default_value: false,
      created_at: T0,
      updated_at: T0,
    });
    const got = expectSpec(await t.app.inject({ method: 'GET', url: '/feature-flags/beta', headers: t.headers }), 'FeatureFlagsController_findBySlug', 200);
    expect(got).toEqual(flag);
    expect(await listFor('/feature-flags')).toEqual(['beta']);
    expect((await poll()).beta).toEqual({ slug: 'beta', enabled: false, default_value: false, targets: { users: [], organizations: [] } });
  });

  it('takes every field of the Flag, and an on-by-default flag is on for organizations and users', async () => {
    t = await buildTestApp({ seed: SEED });
    const body = {
      slug: 'analytics',
      name: 'Advanced Analytics',
      description: 'The dashboard',
      owner: { email: 'jane@example.com', first_name: 'Jane' },
      tags: ['reports', 'beta'],
      enabled: true,
      default_value: true,
    };
    const flag = expectFlag((await call('POST', '/_flagstand/feature-flags', body)).body);
    expect(flag).toMatchObject({ ...body, owner: { email: 'jane@example.com', first_name: 'Jane', last_name: null } });
    expect(await listFor(`/organizations/${ORG}/feature-flags`)).toEqual(['analytics']);
    expect(await listFor(`/user_management/users/${USER}/feature-flags`)).toEqual(['analytics']);
  });

  it('refuses a slug already used in the environment with a 409 naming the field', async () => {
    t = await buildTestApp({ seed: { ...SEED, feature_flags: [{ slug: 'beta' }] } });
    const res = await call('POST', '/_flagstand/feature-flags', { slug: 'beta', name: 'Again' });
    expect(res.status).toBe(409);
    expect(res.body).toEqual({
      message: "A feature flag with slug 'beta' already exists.",
      code: 'feature_flag_slug_conflict',
      errors: [{ field: 'slug', code: 'slug_not_unique' }],
    });
    expect((await call('GET', '/feature-flags/beta')).body.name).toBe('beta');
  });

  it.each([
    ['no slug', {}, 'slug'],
    ['an empty slug', { slug: '' }, 'slug'],
    ['a slug over 255 characters', { slug: 'x'.repeat(256) }, 'slug'],
    ['a numeric name', { slug: 'a', name: 5 }, 'name'],
    ['an empty name', { slug: 'a', name: '' }, 'name'],
    ['a tag that is not a string', { slug: 'a', tags: ['ok', 1] }, 'tags.1'],
    ['an owner without email', { slug: 'a', owner: { first_name: 'Jane' } }, 'owner.email'],
    ['a string for a boolean', { slug: 'a', enabled: 'true' }, 'enabled'],
    ['a null default_value', { slug: 'a', default_value: null }, 'default_value'],
    ['an unknown field', { slug: 'a', targets: [] }, 'targets'],
  ])('answers %s with a 422 naming the field', async (_, body, field) => {
    t = await buildTestApp({ seed: SEED });
    const res = await call('POST', '/_flagstand/feature-flags', body);
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('invalid_request_parameters');
    expect(res.body.errors[0].field).toBe(field);
    expect(res.body.message).toContain(field);
    expect(await poll()).toEqual({});
  });

  it('needs a valid key, and works in the environment of that key only', async () => {
    t = await buildTestApp({ seed: SEED });
    expect((await call('POST', '/_flagstand/feature-flags', { slug: 'a' }, {})).status).toBe(401);
    const other = (await call('POST', '/_flagstand/environments', { name: 'other' })).body;
    const auth = { authorization: `Bearer ${other.api_key}` };
    expect((await call('POST', '/_flagstand/feature-flags', { slug: 'theirs' }, auth)).status).toBe(201);
    expect((await call('POST', '/_flagstand/feature-flags', { slug: 'mine' })).status).toBe(201);
    expect(Object.keys(await poll())).toEqual(['mine']);
    expect(Object.keys((await call('GET', '/sdk/feature-flags', undefined, auth)).body)).toEqual(['theirs']);
    expect((await call('GET', '/feature-flags/theirs')).status).toBe(404);
  });
});

describe('PATCH /_flagstand/feature-flags/:slug', () => {
  it('changes the given fields only, bumping updated_at, and the change shows everywhere', async () => {
    t = await buildTestApp({ seed: { ...SEED, feature_flags: [{ slug: 'beta', tags: ['old'] }] }, clock: T0 });
    t.clock.set(T1);
    const res = await call('PATCH', '/_flagstand/feature-flags/beta', {
      name: 'Beta',
      description: 'New checkout',
      owner: { email: 'o@example.com', first_name: null, last_name: 'Lee' },
      enabled: true,
      default_value: true,
    });
    expect(res.status).toBe(200);
    const flag = expectFlag(res.body);
    expect(flag).toMatchObject({
      slug: 'beta',
      name: 'Beta',
      description: 'New checkout',
      owner: { email: 'o@example.com', first_name: null, last_name: 'Lee' },
      tags: ['old'],
      enabled: true,
      default_value: true,
      created_at: T0,
      updated_at: T1,
    });
    expect((await call('GET', '/feature-flags/beta')).body).toEqual(flag);
    expect((await poll()).beta).toMatchObject({ enabled: true, default_value: true });
    expect(await listFor(`/user_management/users/${USER}/feature-flags`)).toEqual(['beta']);

    const cleared = expectFlag((await call('PATCH', '/_flagstand/feature-flags/beta', { description: null, owner: null, tags: [] })).body);
    expect(cleared).toMatchObject({ description: null, owner: null, tags: [] });
  });

  it('leaves updated_at alone when nothing changes', async () => {
    t = await buildTestApp({ seed: { ...SEED, feature_flags: [{ slug: 'beta', name: 'Beta' }] }, clock: T0 });
    t.clock.set(T1);
    for (const body of [{}, { name: 'Beta' }]) {
      const res = await call('PATCH', '/_flagstand/feature-flags/beta', body);
      expect(res.status).toBe(200);
      expect(res.body.updated_at).toBe(T0);
    }
  });

  it.each([
    ['the slug', { slug: 'other' }, 'slug'],
    ['an empty name', { name: '' }, 'name'],
    ['tags that are not an array', { tags: 'a' }, 'tags'],
    ['a number for description', { description: 3 }, 'description'],
    ['an owner with an unknown field', { owner: { email: 'a@b.co', phone: '1' } }, 'owner.phone'],
  ])('refuses %s with a 422 naming the field', async (_, body, field) => {
    t = await buildTestApp({ seed: { ...SEED, feature_flags: [{ slug: 'beta' }] } });
    const res = await call('PATCH', '/_flagstand/feature-flags/beta', body);
    expect(res.status).toBe(422);
    expect(res.body.errors[0].field).toBe(field);
  });

  it('answers 404 for an unknown flag', async () => {
    t = await buildTestApp({ seed: SEED });
    const res = await call('PATCH', '/_flagstand/feature-flags/nope', { name: 'x' });
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ message: "Feature flag not found: 'nope'.", code: 'entity_not_found' });
  });
});

describe('DELETE /_flagstand/feature-flags/:slug', () => {
  it('deletes the flag and its targets; the slug is free again', async () => {
    t = await buildTestApp({ seed: { ...SEED, feature_flags: [{ slug: 'beta', enabled: true, targets: [ORG, USER] }, { slug: 'kept' }] } });
    const res = await call('DELETE', '/_flagstand/feature-flags/beta');
    expect(res.status).toBe(204);
    expect(res.body).toBeUndefined();
    expect((await call('GET', '/feature-flags/beta')).status).toBe(404);
    expect(Object.keys(await poll())).toEqual(['kept']);
    expect(await listFor(`/organizations/${ORG}/feature-flags`)).toEqual([]);
    expect((await call('DELETE', '/_flagstand/feature-flags/beta')).status).toBe(404);
    const again = await call('POST', '/_flagstand/feature-flags', { slug: 'beta' });
    expect(again.status).toBe(201);
    expect((await poll()).beta.targets).toEqual({ users: [], organizations: [] });
  });
});

describe('PUT and DELETE /_flagstand/feature-flags/:slug/targets/:resourceId', () => {
  it('sets a target explicitly on or off, flips it, and removes it', async () => {
    t = await buildTestApp({ seed: { ...SEED, feature_flags: [{ slug: 'beta', enabled: true, default_value: true }] }, clock: T0 });
    const orgList = `/organizations/${ORG}/feature-flags`;
    const userList = `/user_management/users/${USER}/feature-flags`;
    expect(await listFor(orgList)).toEqual(['beta']);

    t.clock.set(T1);
    const off = await call('PUT', `/_flagstand/feature-flags/beta/targets/${ORG}`, { enabled: false });
    expect(off.status).toBe(204);
    expect((await poll()).beta.targets).toEqual({ users: [], organizations: [{ id: ORG, enabled: false }] });
    expect(await listFor(orgList)).toEqual([]);
    expect(await listFor(userList)).toEqual([]); // through the user's only active membership
    expect((await call('GET', '/feature-flags/beta')).body.updated_at).toBe(T1);

    await call('PUT', `/_flagstand/feature-flags/beta/targets/${USER}`, { enabled: true });
    expect(await listFor(userList)).toEqual(['beta']); // the user's own target wins
    await call('PUT', `/_flagstand/feature-flags/beta/targets/${ORG}`, { enabled: true });
    expect((await poll()).beta.targets).toEqual({ users: [{ id: USER, enabled: true }], organizations: [{ id: ORG, enabled: true }] });

    expect((await call('DELETE', `/_flagstand/feature-flags/beta/targets/${USER}`)).status).toBe(204);
    expect((await poll()).beta.targets.users).toEqual([]);
  });

  it.each([
    ['no body field', {}, 422, 'enabled'],
    ['a string for enabled', { enabled: 'yes' }, 422, 'enabled'],
    ['an unknown field', { enabled: true, on: true }, 422, 'on'],
  ])('refuses %s naming the field', async (_, body, status, field) => {
    t = await buildTestApp({ seed: { ...SEED, feature_flags: [{ slug: 'beta' }] } });
    const res = await call('PUT', `/_flagstand/feature-flags/beta/targets/${ORG}`, body);
    expect(res.status).toBe(status);
    expect(res.body.errors[0].field).toBe(field);
  });

  it('answers 404 for an unknown flag or resource and 400 for a malformed id, as the WorkOS target routes do', async () => {
    t = await buildTestApp({ seed: { ...SEED, feature_flags: [{ slug: 'beta' }] } });
    const unknownFlag = await call('PUT', `/_flagstand/feature-flags/nope/targets/${ORG}`, { enabled: true });
    expect(unknownFlag.status).toBe(404);
    expect(unknownFlag.body.message).toBe("Feature flag not found: 'nope'.");
    const unknownOrg = await call('PUT', `/_flagstand/feature-flags/beta/targets/${pinnedId('organization', 9)}`, { enabled: true });
    expect(unknownOrg.status).toBe(404);
    const malformed = await call('PUT', '/_flagstand/feature-flags/beta/targets/team_1', { enabled: true });
    expect(malformed.status).toBe(400);
    expect(malformed.body.code).toBe('invalid_resource_id_format');
    expect((await call('DELETE', `/_flagstand/feature-flags/nope/targets/${ORG}`)).status).toBe(404);
  });
});
