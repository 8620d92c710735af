import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SeedDocument, SeedEnvironment } from '../../src/seed/schema.js';
import { buildTestApp, type TestApp } from '../helpers/build-app.js';
import { pinnedId } from '../helpers/ids.js';
import { expectSpec } from '../helpers/spec.js';

let t: TestApp;
afterEach(async () => {
  await t?.app.close();
  t = undefined as unknown as TestApp;
});

/** One app for a describe block whose cases only read (or are refused): building one per case is the slow part. */
function sharedApp(): () => TestApp {
  let shared: TestApp;
  beforeAll(async () => {
    shared = await buildTestApp({ seed: baseSeed() });
  });
  afterAll(() => shared.app.close());
  return () => shared;
}

const USER = pinnedId('user', 1);
const ORG = pinnedId('organization', 1);
const OTHER_ORG = pinnedId('organization', 2);
const MISSING_USER = pinnedId('user', 99);
const MISSING_ORG = pinnedId('organization', 99);
const ISO_MS_Z = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

interface Flag {
  id: string;
  slug: string;
  enabled: boolean;
  default_value: boolean;
  created_at: string;
  updated_at: string;
}
interface FlagList {
  data: Flag[];
  list_metadata: { before: string | null; after: string | null };
}

/** Users, organizations and flags most cases need; `flags` replaces the default flags. */
function baseSeed(flags?: SeedEnvironment['feature_flags']): SeedDocument {
  return {
    users: [{ id: USER, email: 'ada@example.com' }],
    organizations: [
      { id: ORG, name: 'Acme' },
      { id: OTHER_ORG, name: 'Globex' },
    ],
    organization_memberships: [{ user_id: USER, organization_id: ORG }],
    feature_flags: flags ?? [
      {
        slug: 'advanced-analytics',
        name: 'Advanced Analytics',
        description: 'Enable the dashboard',
        owner: { email: 'jane@example.com', first_name: 'Jane', last_name: 'Doe' },
        tags: ['reports'],
        enabled: true,
        default_value: false,
        created_at: '2026-01-01T00:00:00.000Z',
      },
      { slug: 'beta', enabled: false, created_at: '2026-01-02T00:00:00.000Z' },
    ],
  };
}

async function start(seed: SeedDocument = baseSeed(), clock = '2026-02-01T00:00:00.000Z') {
  t = await buildTestApp({ seed, clock });
  return t;
}

function call(method: InjectOptions['method'], url: string, extra: Omit<InjectOptions, 'method' | 'url'> = {}) {
  return t.app.inject({ method, url, ...extra, headers: { ...t.headers, ...(extra.headers as object) } });
}

function json<T>(res: LightMyRequestResponse): T {
  return JSON.parse(res.body) as T;
}

/**
 * The spec gives the organization and user lists no 400, yet malformed parameters must fail the
 * same way as on the main list: validate against FeatureFlagsController_list's 400 body.
 */
function expectListParamError(res: LightMyRequestResponse): { code: string; message: string } {
  return expectSpec(res, 'FeatureFlagsController_list', 400) as { code: string; message: string };
}

/** A JSON error with X-Request-ID: for statuses the spec does not describe (401, unknown routes). */
function expectJsonError(res: LightMyRequestResponse, status: number): { message: string } & Record<string, unknown> {
  expect(res.statusCode, res.body).toBe(status);
  expect(res.headers['x-request-id']).toBeTruthy();
  expect(String(res.headers['content-type'])).toMatch(/^application\/json/);
  const body = json<{ message: string }>(res);
  expect(typeof body.message).toBe('string');
  return body;
}

const LISTS = [
  ['FeatureFlagsController_list', '/feature-flags'],
  ['OrganizationFeatureFlagsController_list', `/organizations/${ORG}/feature-flags`],
  ['UserlandUserFeatureFlagsController_list', `/user_management/users/${USER}/feature-flags`],
] as const;

describe('GET /feature-flags (FeatureFlagsController_list)', () => {
  it('lists every flag, newest first, with the spec fields', async () => {
    await start();
    const body = expectSpec(await call('GET', '/feature-flags'), 'FeatureFlagsController_list', 200) as FlagList;
    expect(body.data.map((f) => f.slug)).toEqual(['beta', 'advanced-analytics']);
    expect(body.list_metadata).toEqual({ before: null, after: null });
    expect(body.data[1]).toMatchObject({
      object: 'feature_flag',
      name: 'Advanced Analytics',
      description: 'Enable the dashboard',
      owner: { email: 'jane@example.com', first_name: 'Jane', last_name: 'Doe' },
      tags: ['reports'],
      enabled: true,
      default_value: false,
      created_at: '2026-01-01T00:00:00.000Z',
    });
    expect(body.data[0]).toMatchObject({ name: 'beta', description: null, owner: null, tags: [] });
  });

  it('answers an empty list when there are no flags', async () => {
    await start(baseSeed([]));
    const body = expectSpec(await call('GET', '/feature-flags'), 'FeatureFlagsController_list', 200) as FlagList;
    expect(body).toEqual({ object: 'list', data: [], list_metadata: { before: null, after: null } });
  });

  it.each([
    ['desc', ['beta', 'advanced-analytics']],
    ['asc', ['advanced-analytics', 'beta']],
    // spec lists `normal` without defining it: read as the default order.
    ['normal', ['beta', 'advanced-analytics']],
  ])('order=%s', async (order, slugs) => {
    await start();
    const body = expectSpec(await call('GET', `/feature-flags?order=${order}`), 'FeatureFlagsController_list', 200) as FlagList;
    expect(body.data.map((f) => f.slug)).toEqual(slugs);
  });

  it('defaults limit to 10 and accepts 1 and 100', async () => {
    const flags = Array.from({ length: 12 }, (_, i) => ({ slug: `f${i}`, created_at: `2026-01-01T00:00:${String(i).padStart(2, '0')}.000Z` }));
    await start(baseSeed(flags));
    const ten = expectSpec(await call('GET', '/feature-flags'), 'FeatureFlagsController_list', 200) as FlagList;
    expect(ten.data).toHaveLength(10);
    expect(ten.list_metadata).toEqual({ before: null, after: ten.data[9].id });
    const one = expectSpec(await call('GET', '/feature-flags?limit=1'), 'FeatureFlagsController_list', 200) as FlagList;
    expect(one.data.map((f) => f.slug)).toEqual(['f11']);
    const all = expectSpec(await call('GET', '/feature-flags?limit=100'), 'FeatureFlagsController_list', 200) as FlagList;
    expect(all.data).toHaveLength(12);
    expect(all.list_metadata.after).toBeNull();
  });

  it('ignores empty cursors, as if absent', async () => {
    await start();
    const body = expectSpec(await call('GET', '/feature-flags?before=&after='), 'FeatureFlagsController_list', 200) as FlagList;
    expect(body.data.map((f) => f.slug)).toEqual(['beta', 'advanced-analytics']);
  });

  it('pages with a well-formed cursor that names no flag, by the time in its ULID', async () => {
    await start();
    // 01HX… decodes to 2024, before both flags: in desc order nothing is older.
    const desc = expectSpec(await call('GET', `/feature-flags?after=${pinnedId('flag', 5)}`), 'FeatureFlagsController_list', 200) as FlagList;
    expect(desc.data).toEqual([]);
    const asc = expectSpec(
      await call('GET', `/feature-flags?order=asc&after=${pinnedId('flag', 5)}`),
      'FeatureFlagsController_list',
      200,
    ) as FlagList;
    expect(asc.data.map((f) => f.slug)).toEqual(['advanced-analytics', 'beta']);
  });
});

describe('malformed list parameters → 400 invalid_request_parameters', () => {
  const BAD = [
    ['limit=0', 'limit'],
    ['limit=101', 'limit'],
    ['limit=abc', 'limit'],
    ['limit=1.5', 'limit'],
    ['limit=', 'limit'],
    ['limit=-1', 'limit'],
    ['order=bogus', 'order'],
    ['order=DESC', 'order'],
    [`before=${pinnedId('flag', 1)}&after=${pinnedId('flag', 2)}`, 'before'],
    ['after=not-a-cursor', 'after'],
    ['before=flag_', 'before'],
    [`after=${pinnedId('user', 1)}`, 'after'],
  ] as const;
  const app = sharedApp();

  it.each(LISTS.flatMap(([op, path]) => BAD.map(([query, field]) => [op, path, query, field] as const)))(
    '%s %s?%s → %s',
    async (op, path, query, field) => {
      const res = await app().app.inject({ method: 'GET', url: `${path}?${query}`, headers: app().headers });
      const body = (op === 'FeatureFlagsController_list' ? expectSpec(res, op, 400) : expectListParamError(res)) as {
        code: string;
        message: string;
        errors: { field: string; code: string }[];
      };
      expect(body.code).toBe('invalid_request_parameters');
      expect(body.errors.map((e) => e.field)).toEqual([field]);
    },
  );
});

describe('GET /feature-flags/{slug} (FeatureFlagsController_findBySlug)', () => {
  it('gets a flag by slug, timestamps ISO with ms and Z', async () => {
    await start();
    const flag = expectSpec(await call('GET', '/feature-flags/advanced-analytics'), 'FeatureFlagsController_findBySlug', 200) as Flag;
    expect(flag.slug).toBe('advanced-analytics');
    expect(flag.id).toMatch(/^flag_[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(flag.created_at).toMatch(ISO_MS_Z);
    expect(flag.updated_at).toMatch(ISO_MS_Z);
  });

  it('serves seeded times given with an offset or without ms as ISO with ms and Z', async () => {
    await start(baseSeed([{ slug: 'x', created_at: '2026-01-01T02:00:00+02:00', updated_at: '2026-01-02T00:00:00Z' }]));
    const flag = expectSpec(await call('GET', '/feature-flags/x'), 'FeatureFlagsController_findBySlug', 200) as Flag;
    expect([flag.created_at, flag.updated_at]).toEqual(['2026-01-01T00:00:00.000Z', '2026-01-02T00:00:00.000Z']);
  });

  it('404 names the unknown slug', async () => {
    await start();
    const body = expectSpec(await call('GET', '/feature-flags/nope'), 'FeatureFlagsController_findBySlug', 404) as { message: string };
    expect(body.message).toBe("Feature flag not found: 'nope'.");
  });

  it('serves the longest slug a seed allows (255 characters)', async () => {
    const slug = 'a'.repeat(255);
    await start(baseSeed([{ slug }]));
    const flag = expectSpec(await call('GET', `/feature-flags/${slug}`), 'FeatureFlagsController_findBySlug', 200) as Flag;
    expect(flag.slug).toBe(slug);
    expectSpec(await call('PUT', `/feature-flags/${slug}/enable`), 'FeatureFlagsController_enableFlag', 200);
  });

  it('decodes an encoded slug', async () => {
    await start(baseSeed([{ slug: 'a b/c' }]));
    const flag = expectSpec(await call('GET', '/feature-flags/a%20b%2Fc'), 'FeatureFlagsController_findBySlug', 200) as Flag;
    expect(flag.slug).toBe('a b/c');
  });
});

describe.each([
  ['enable', 'FeatureFlagsController_enableFlag', 'beta', true],
  ['disable', 'FeatureFlagsController_disableFlag', 'advanced-analytics', false],
] as const)('PUT /feature-flags/{slug}/%s (%s)', (verb, op, slug, to) => {
  it(`switches the flag and stamps updated_at`, async () => {
    await start();
    const flag = expectSpec(await call('PUT', `/feature-flags/${slug}/${verb}`), op, 200) as Flag;
    expect(flag).toMatchObject({ slug, enabled: to, updated_at: '2026-02-01T00:00:00.000Z' });
    const again = expectSpec(await call('GET', `/feature-flags/${slug}`), 'FeatureFlagsController_findBySlug', 200) as Flag;
    expect(again.enabled).toBe(to);
  });

  it('is idempotent: a repeat leaves updated_at alone', async () => {
    await start();
    const first = expectSpec(await call('PUT', `/feature-flags/${slug}/${verb}`), op, 200) as Flag;
    t.clock.set('2026-03-01T00:00:00.000Z');
    const second = expectSpec(await call('PUT', `/feature-flags/${slug}/${verb}`), op, 200) as Flag;
    expect(second).toEqual(first);
  });

  it.each([
    ['no content type, no body', {}],
    ['application/json with an empty body (what workos-node sends)', { headers: { 'content-type': 'application/json' }, payload: '' }],
    ['application/json {}', { headers: { 'content-type': 'application/json' }, payload: '{}' }],
  ])('accepts %s', async (_name, extra) => {
    await start();
    expectSpec(await call('PUT', `/feature-flags/${slug}/${verb}`, extra), op, 200);
  });

  it('400 JSON for a malformed JSON body', async () => {
    await start();
    const res = await call('PUT', `/feature-flags/${slug}/${verb}`, { headers: { 'content-type': 'application/json' }, payload: '{oops' });
    expect(expectJsonError(res, 400).code).toBe('invalid_json');
  });

  it('404 for an unknown slug', async () => {
    await start();
    const body = expectSpec(await call('PUT', `/feature-flags/nope/${verb}`), op, 404) as { message: string };
    expect(body.message).toBe("Feature flag not found: 'nope'.");
  });

  it.each(['POST', 'GET', 'PATCH', 'DELETE'] as const)('%s is no alias: JSON 404', async (method) => {
    await start();
    const body = expectJsonError(await call(method, `/feature-flags/${slug}/${verb}`), 404);
    expect(body.message).toBe(`Cannot ${method} /feature-flags/${slug}/${verb}`);
    const unchanged = json<Flag>(await call('GET', `/feature-flags/${slug}`));
    expect(unchanged.enabled).toBe(!to);
  });
});

/** What the runtime poll says of one flag's targets: the simplest view of stored targets. */
async function targetsOf(slug: string) {
  const res = await call('GET', '/sdk/feature-flags');
  expect(res.statusCode).toBe(200);
  return json<Record<string, { targets: { users: unknown[]; organizations: unknown[] } }>>(res)[slug].targets;
}

describe('POST /feature-flags/{slug}/targets/{resourceId} (FlagTargetsController_createTarget)', () => {
  const op = 'FlagTargetsController_createTarget';

  it.each([
    ['a user', USER, { users: [{ id: USER, enabled: true }], organizations: [] }],
    ['an organization', ORG, { users: [], organizations: [{ id: ORG, enabled: true }] }],
  ])('targets %s: 204, no body', async (_name, id, expected) => {
    await start();
    const res = await call('POST', `/feature-flags/advanced-analytics/targets/${id}`);
    expectSpec(res, op, 204);
    expect(res.body).toBe('');
    expect(await targetsOf('advanced-analytics')).toEqual(expected);
  });

  it('accepts the empty JSON body workos-node sends', async () => {
    await start();
    expectSpec(
      await call('POST', `/feature-flags/advanced-analytics/targets/${ORG}`, { headers: { 'content-type': 'application/json' }, payload: '' }),
      op,
      204,
    );
  });

  it('turns an explicit-off target on', async () => {
    await start(baseSeed([{ slug: 'gated', enabled: true, default_value: true, targets: [{ id: ORG, enabled: false }] }]));
    const before = expectSpec(await call('GET', `/organizations/${ORG}/feature-flags`), 'OrganizationFeatureFlagsController_list', 200) as FlagList;
    expect(before.data).toEqual([]);
    expectSpec(await call('POST', `/feature-flags/gated/targets/${ORG}`), op, 204);
    expect(await targetsOf('gated')).toEqual({ users: [], organizations: [{ id: ORG, enabled: true }] });
    const after = expectSpec(await call('GET', `/organizations/${ORG}/feature-flags`), 'OrganizationFeatureFlagsController_list', 200) as FlagList;
    expect(after.data.map((f) => f.slug)).toEqual(['gated']);
  });

  it('stamps updated_at when the target changes, and a repeat is a no-op', async () => {
    await start();
    expectSpec(await call('POST', `/feature-flags/advanced-analytics/targets/${USER}`), op, 204);
    const first = json<Flag>(await call('GET', '/feature-flags/advanced-analytics'));
    expect(first.updated_at).toBe('2026-02-01T00:00:00.000Z');
    t.clock.set('2026-03-01T00:00:00.000Z');
    expectSpec(await call('POST', `/feature-flags/advanced-analytics/targets/${USER}`), op, 204);
    expect(json<Flag>(await call('GET', '/feature-flags/advanced-analytics')).updated_at).toBe('2026-02-01T00:00:00.000Z');
    expect((await targetsOf('advanced-analytics')).users).toHaveLength(1);
  });

  it.each(['nope', 'conn_01HX0000000000000000000001', 'USER_01HX0000000000000000000001', 'user_', 'org_', 'user'])(
    '400 invalid_resource_id_format for %s',
    async (id) => {
      await start();
      const body = expectSpec(await call('POST', `/feature-flags/advanced-analytics/targets/${id}`), op, 400) as Record<string, unknown>;
      expect(body).toMatchObject({ code: 'invalid_resource_id_format', statusCode: 400 });
      expect(body.message).toContain(id);
    },
  );

  it('checks the id format before the flag exists', async () => {
    await start();
    const body = expectSpec(await call('POST', '/feature-flags/nope/targets/bad'), op, 400) as { code: string };
    expect(body.code).toBe('invalid_resource_id_format');
  });

  it.each([
    ['flag', `/feature-flags/nope/targets/${USER}`, "Feature flag not found: 'nope'."],
    ['user', `/feature-flags/beta/targets/${MISSING_USER}`, `User not found: '${MISSING_USER}'.`],
    ['organization', `/feature-flags/beta/targets/${MISSING_ORG}`, `Organization not found: '${MISSING_ORG}'.`],
  ])('404 for an unknown %s', async (_name, url, message) => {
    await start();
    const body = expectSpec(await call('POST', url), op, 404) as { message: string };
    expect(body.message).toBe(message);
  });

  it.each(['PUT', 'PATCH', 'GET'] as const)('%s is no alias: JSON 404, nothing stored', async (method) => {
    await start();
    expectJsonError(await call(method, `/feature-flags/beta/targets/${USER}`), 404);
    expect(await targetsOf('beta')).toEqual({ users: [], organizations: [] });
  });
});

describe('DELETE /feature-flags/{slug}/targets/{resourceId} (FlagTargetsController_deleteTarget)', () => {
  const op = 'FlagTargetsController_deleteTarget';
  const seeded = () =>
    baseSeed([{ slug: 'targeted', enabled: true, targets: [USER, ORG, { id: OTHER_ORG, enabled: false }] }]);

  it.each([
    ['a user', USER, { users: [], organizations: [{ id: ORG, enabled: true }, { id: OTHER_ORG, enabled: false }] }],
    ['an organization', ORG, { users: [{ id: USER, enabled: true }], organizations: [{ id: OTHER_ORG, enabled: false }] }],
    ['an explicit-off target', OTHER_ORG, { users: [{ id: USER, enabled: true }], organizations: [{ id: ORG, enabled: true }] }],
  ])('removes %s: 204, no body', async (_name, id, expected) => {
    await start(seeded());
    const res = await call('DELETE', `/feature-flags/targeted/targets/${id}`, { headers: { 'content-type': 'application/json' } });
    expectSpec(res, op, 204);
    expect(await targetsOf('targeted')).toEqual(expected);
    const flag = json<Flag>(await call('GET', '/feature-flags/targeted'));
    expect(flag.updated_at).toBe('2026-02-01T00:00:00.000Z');
  });

  it('is idempotent: removing a missing target is 204 and leaves updated_at', async () => {
    await start(seeded());
    expectSpec(await call('DELETE', `/feature-flags/targeted/targets/${USER}`), op, 204);
    t.clock.set('2026-03-01T00:00:00.000Z');
    expectSpec(await call('DELETE', `/feature-flags/targeted/targets/${USER}`), op, 204);
    expect(json<Flag>(await call('GET', '/feature-flags/targeted')).updated_at).toBe('2026-02-01T00:00:00.000Z');
  });

  it('the organization loses the flag', async () => {
    await start(seeded());
    const list = () => call('GET', `/organizations/${ORG}/feature-flags`);
    expect((json<FlagList>(await list())).data.map((f) => f.slug)).toEqual(['targeted']);
    expectSpec(await call('DELETE', `/feature-flags/targeted/targets/${ORG}`), op, 204);
    expect((expectSpec(await list(), 'OrganizationFeatureFlagsController_list', 200) as FlagList).data).toEqual([]);
  });

  it.each(['nope', 'conn_01HX0000000000000000000001', 'user_'])('400 invalid_resource_id_format for %s', async (id) => {
    await start(seeded());
    const body = expectSpec(await call('DELETE', `/feature-flags/targeted/targets/${id}`), op, 400) as Record<string, unknown>;
    expect(body).toMatchObject({ code: 'invalid_resource_id_format', statusCode: 400 });
  });

  it.each([
    ['flag', `/feature-flags/nope/targets/${USER}`, "Feature flag not found: 'nope'."],
    ['user', `/feature-flags/targeted/targets/${MISSING_USER}`, `User not found: '${MISSING_USER}'.`],
    ['organization', `/feature-flags/targeted/targets/${MISSING_ORG}`, `Organization not found: '${MISSING_ORG}'.`],
  ])('404 for an unknown %s', async (_name, url, message) => {
    await start(seeded());
    const body = expectSpec(await call('DELETE', url), op, 404) as { message: string };
    expect(body.message).toBe(message);
  });
});

describe('GET /organizations/{id}/feature-flags and /user_management/users/{id}/feature-flags', () => {
  it('the organization sees the flags on for it', async () => {
    await start(baseSeed([{ slug: 'for-acme', enabled: true, targets: [ORG] }, { slug: 'nobody', enabled: true }]));
    const body = expectSpec(await call('GET', `/organizations/${ORG}/feature-flags`), 'OrganizationFeatureFlagsController_list', 200) as FlagList;
    expect(body.data.map((f) => f.slug)).toEqual(['for-acme']);
    expect(body.list_metadata).toEqual({ before: null, after: null });
  });

  it('the user sees flags on through an organization', async () => {
    await start(baseSeed([{ slug: 'for-acme', enabled: true, targets: [ORG] }, { slug: 'nobody', enabled: true }]));
    const body = expectSpec(
      await call('GET', `/user_management/users/${USER}/feature-flags`),
      'UserlandUserFeatureFlagsController_list',
      200,
    ) as FlagList;
    expect(body.data.map((f) => f.slug)).toEqual(['for-acme']);
  });

  it.each([
    ['OrganizationFeatureFlagsController_list', `/organizations/${MISSING_ORG}/feature-flags`, `Organization not found: '${MISSING_ORG}'.`],
    ['OrganizationFeatureFlagsController_list', `/organizations/nope/feature-flags`, `Organization not found: 'nope'.`],
    ['UserlandUserFeatureFlagsController_list', `/user_management/users/${MISSING_USER}/feature-flags`, `User not found: '${MISSING_USER}'.`],
    // A user's id never reaches the organization list as a valid organization.
    ['OrganizationFeatureFlagsController_list', `/organizations/${USER}/feature-flags`, `Organization not found: '${USER}'.`],
  ] as const)('%s 404: %s', async (op, url, message) => {
    await start();
    const body = expectSpec(await call('GET', url), op, 404) as { message: string };
    expect(body.message).toBe(message);
  });
});

describe('authentication', () => {
  const ROUTES = [
    ['GET', '/feature-flags'],
    ['GET', '/feature-flags/beta'],
    ['PUT', '/feature-flags/beta/enable'],
    ['PUT', '/feature-flags/beta/disable'],
    ['POST', `/feature-flags/beta/targets/${USER}`],
    ['DELETE', `/feature-flags/beta/targets/${USER}`],
    ['GET', `/organizations/${ORG}/feature-flags`],
    ['GET', `/user_management/users/${USER}/feature-flags`],
    ['GET', '/sdk/feature-flags'],
  ] as const;
  const AUTH = [
    ['no header', undefined],
    ['an unknown key', 'Bearer sk_test_unknown'],
    ['a key without Bearer', 'sk_test_flagstand'],
    ['an empty bearer', 'Bearer '],
  ] as const;
  const app = sharedApp();

  it.each(ROUTES.flatMap(([method, url]) => AUTH.map(([name, header]) => [method, url, name, header] as const)))(
    '%s %s with %s → 401 JSON',
    async (method, url, _name, header) => {
      const res = await app().app.inject({ method, url, headers: header === undefined ? {} : { authorization: header } });
      const body = expectJsonError(res, 401);
      expect(body.code).toBe('unauthorized');
    },
  );

  it('the 401 does not change anything', async () => {
    await start();
    await t.app.inject({ method: 'PUT', url: '/feature-flags/beta/enable' });
    expect(json<Flag>(await call('GET', '/feature-flags/beta')).enabled).toBe(false);
  });

  it('/health answers without a key', async () => {
    await start();
    const res = await t.app.inject({ method: 'GET', url: '/health' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['x-request-id']).toBeTruthy();
    expect(json(res)).toEqual({ status: 'ok' });
  });
});

describe('unknown routes and verbs', () => {
  it.each([
    ['GET', '/nope', true],
    ['GET', '/nope', false],
    ['GET', '/feature-flags/beta/enable', true],
    ['POST', '/feature-flags', true],
    ['DELETE', '/feature-flags/beta', true],
    ['POST', `/organizations/${ORG}/feature-flags`, true],
    ['GET', '/feature-flags/beta/targets', true],
    ['HEAD', '/feature-flags', true],
    ['HEAD', '/feature-flags/beta', true],
    ['OPTIONS', '/feature-flags', true],
  ] as const)('%s %s (key: %s) → JSON 404', async (method, url, withKey) => {
    await start();
    const res = await t.app.inject({ method, url, headers: withKey ? t.headers : {} });
    expect(res.statusCode).toBe(404);
    expect(res.headers['x-request-id']).toBeTruthy();
    expect(String(res.headers['content-type'])).toMatch(/^application\/json/);
    // HEAD answers have no body on the wire.
    if (method !== 'HEAD') expect(json<{ message: string }>(res).message).toBe(`Cannot ${method} ${url}`);
  });

  it('a malformed URL is a JSON 400 with X-Request-ID', async () => {
    await start();
    const body = expectJsonError(await call('GET', '/feature-flags/%E0%A4%A'), 400);
    expect(body.message).toContain('%E0%A4%A');
  });
});

describe('X-Request-ID', () => {
  it('is a fresh id on every response', async () => {
    await start();
    const ids = new Set<string>();
    for (const res of [
      await call('GET', '/feature-flags'),
      await call('GET', '/feature-flags/nope'),
      await call('GET', '/feature-flags?limit=0'),
      await call('POST', '/feature-flags/beta/targets/bad'),
      await t.app.inject({ method: 'GET', url: '/feature-flags' }),
      await t.app.inject({ method: 'GET', url: '/nope' }),
    ]) {
      const id = res.headers['x-request-id'];
      expect(typeof id).toBe('string');
      ids.add(id as string);
    }
    expect(ids.size).toBe(6);
  });
});

describe('environments are isolated', () => {
  const KEY_A = 'sk_test_env_a';
  const KEY_B = 'sk_test_env_b';
  // The same pinned ids and slugs in both environments, with different state.
  const env = (name: string, key: string, enabled: boolean, extra: SeedEnvironment['feature_flags'] = []) => ({
    name,
    api_keys: [key],
    users: [{ id: USER, email: 'ada@example.com' }],
    organizations: [{ id: ORG, name: 'Acme' }],
    feature_flags: [{ id: pinnedId('flag', 1), slug: 'shared', enabled, default_value: false }, ...extra],
  });

  async function startTwo() {
    t = await buildTestApp({
      seed: { environments: [env('staging', KEY_A, true, [{ slug: 'only-in-a', enabled: true, default_value: true }]), env('production', KEY_B, false)] },
      clock: '2026-02-01T00:00:00.000Z',
    });
  }
  const as = (key: string, method: InjectOptions['method'], url: string) =>
    t.app.inject({ method, url, headers: { authorization: `Bearer ${key}` } });

  it('each key sees only its environment', async () => {
    await startTwo();
    const a = expectSpec(await as(KEY_A, 'GET', '/feature-flags'), 'FeatureFlagsController_list', 200) as FlagList;
    const b = expectSpec(await as(KEY_B, 'GET', '/feature-flags'), 'FeatureFlagsController_list', 200) as FlagList;
    expect(a.data.map((f) => [f.slug, f.enabled])).toEqual([
      ['only-in-a', true],
      ['shared', true],
    ]);
    expect(b.data.map((f) => [f.slug, f.enabled])).toEqual([['shared', false]]);
    expectSpec(await as(KEY_B, 'GET', '/feature-flags/only-in-a'), 'FeatureFlagsController_findBySlug', 404);
    expectSpec(await as(KEY_B, 'PUT', '/feature-flags/only-in-a/enable'), 'FeatureFlagsController_enableFlag', 404);
    const poll = json<Record<string, unknown>>(await as(KEY_B, 'GET', '/sdk/feature-flags'));
    expect(Object.keys(poll)).toEqual(['shared']);
  });

  it('writes in one environment leave the other alone', async () => {
    await startTwo();
    expectSpec(await as(KEY_B, 'PUT', '/feature-flags/shared/enable'), 'FeatureFlagsController_enableFlag', 200);
    expectSpec(await as(KEY_A, 'PUT', '/feature-flags/shared/disable'), 'FeatureFlagsController_disableFlag', 200);
    expect(json<Flag>(await as(KEY_B, 'GET', '/feature-flags/shared')).enabled).toBe(true);
    expectSpec(await as(KEY_A, 'POST', `/feature-flags/shared/targets/${ORG}`), 'FlagTargetsController_createTarget', 204);
    expectSpec(await as(KEY_A, 'PUT', '/feature-flags/shared/enable'), 'FeatureFlagsController_enableFlag', 200);
    const inA = json<FlagList>(await as(KEY_A, 'GET', `/organizations/${ORG}/feature-flags`));
    const inB = json<FlagList>(await as(KEY_B, 'GET', `/organizations/${ORG}/feature-flags`));
    expect(inA.data.map((f) => f.slug)).toEqual(['only-in-a', 'shared']);
    expect(inB.data).toEqual([]);
  });

  it('a resource of another environment is unknown', async () => {
    t = await buildTestApp({
      seed: {
        environments: [
          { name: 'a', api_keys: [KEY_A], users: [{ id: USER, email: 'ada@example.com' }], feature_flags: [{ slug: 'x', enabled: true }] },
          { name: 'b', api_keys: [KEY_B], feature_flags: [{ slug: 'x', enabled: true }] },
        ],
      },
    });
    expectSpec(await as(KEY_B, 'POST', `/feature-flags/x/targets/${USER}`), 'FlagTargetsController_createTarget', 404);
    expectSpec(await as(KEY_B, 'GET', `/user_management/users/${USER}/feature-flags`), 'UserlandUserFeatureFlagsController_list', 404);
    expectSpec(await as(KEY_A, 'GET', `/user_management/users/${USER}/feature-flags`), 'UserlandUserFeatureFlagsController_list', 200);
  });
});
