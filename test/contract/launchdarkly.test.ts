import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { SeedDocument, SeedEnvironment } from '../../src/seed/schema.js';
import { buildTestApp, type TestApp } from '../helpers/build-app.js';
import { pinnedId } from '../helpers/ids.js';
import { clientOperation, expectModel } from '../helpers/launchdarkly-models.js';

// LaunchDarkly's User Settings API over flagstand's flags: shapes checked against the official
// client's models (launchdarkly-api-typescript), values against the WorkOS evaluation, writes
// through the WorkOS routes and the runtime poll, and LaunchDarkly's errors.

const ACME = pinnedId('organization', 1);
const GLOBEX = pinnedId('organization', 2);
const PLAIN = pinnedId('user', 1); // no membership
const ACTIVE = pinnedId('user', 2); // active in Acme
const INACTIVE = pinnedId('user', 3); // inactive in Acme
const PENDING = pinnedId('user', 4); // pending in Acme
const TARGETED = pinnedId('user', 5); // active in Acme, targets of its own
const USERS = [PLAIN, ACTIVE, INACTIVE, PENDING, TARGETED];

const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString();
const SEED: SeedEnvironment = {
  launchdarkly_key: 'production',
  organizations: [
    { id: ACME, name: 'Acme' },
    { id: GLOBEX, name: 'Globex' },
  ],
  users: USERS.map((id, i) => ({ id, email: `User${i}@Example.com`, external_id: `ext-${i}` })),
  organization_memberships: [
    { user_id: ACTIVE, organization_id: ACME },
    { user_id: INACTIVE, organization_id: ACME, status: 'inactive' },
    { user_id: PENDING, organization_id: ACME, status: 'pending' },
    { user_id: TARGETED, organization_id: ACME },
  ],
  feature_flags: [
    { slug: 'disabled', enabled: false, default_value: true, targets: [TARGETED, ACME], created_at: at(0) },
    { slug: 'default-on', enabled: true, default_value: true, created_at: at(1) },
    { slug: 'default-off', enabled: true, created_at: at(2) },
    { slug: 'user-on', enabled: true, targets: [TARGETED], created_at: at(3) },
    { slug: 'user-off', enabled: true, default_value: true, targets: [{ id: TARGETED, enabled: false }], created_at: at(4) },
    { slug: 'org-on', enabled: true, targets: [ACME], created_at: at(5) },
    { slug: 'org-off', enabled: true, default_value: true, targets: [{ id: ACME, enabled: false }], created_at: at(6) },
    { slug: 'user-on-org-off', enabled: true, targets: [TARGETED, { id: ACME, enabled: false }], created_at: at(7) },
    { slug: 'user-off-org-on', enabled: true, targets: [{ id: TARGETED, enabled: false }, ACME], created_at: at(8) },
    { slug: 'other-org-on', enabled: true, targets: [GLOBEX], created_at: at(9) },
  ],
};
const SLUGS = SEED.feature_flags!.map((f) => f.slug);

let t: TestApp;
/** Reads share one app per describe; a describe that writes gets a fresh app per test. */
function appPer(scope: 'describe' | 'test'): void {
  const [before, after] = scope === 'describe' ? [beforeAll, afterAll] : [beforeEach, afterEach];
  before(async () => {
    t = await buildTestApp({ seed: SEED });
  });
  after(() => t.app.close());
}

const raw = () => ({ authorization: t.key });
const get = (url: string, headers: Record<string, string> = raw()) => t.app.inject({ method: 'GET', url, headers });
const put = (url: string, payload: unknown, headers: Record<string, string> = raw()) =>
  t.app.inject({ method: 'PUT', url, headers: { ...headers, 'content-type': 'application/json' }, payload: JSON.stringify(payload) });
const settingsUrl = (user: string, env = 'production') => `/api/v2/users/default/${env}/${encodeURIComponent(user)}/flags`;

async function workosUserFlags(userId: string): Promise<string[]> {
  const res = await get(`/user_management/users/${userId}/feature-flags?limit=100`, t.headers);
  expect(res.statusCode).toBe(200);
  return (res.json() as { data: { slug: string }[] }).data.map((f) => f.slug);
}

describe('paths and methods', () => {
  appPer('describe');
  it.each([
    ['getUserFlagSettings', 'GET', '/api/v2/users/{projectKey}/{environmentKey}/{userKey}/flags'],
    ['getUserFlagSetting', 'GET', '/api/v2/users/{projectKey}/{environmentKey}/{userKey}/flags/{featureFlagKey}'],
    ['putFlagSetting', 'PUT', '/api/v2/users/{projectKey}/{environmentKey}/{userKey}/flags/{featureFlagKey}'],
    ['getExpiringFlagsForUser', 'GET', '/api/v2/users/{projectKey}/{userKey}/expiring-user-targets/{environmentKey}'],
    ['patchExpiringFlagsForUser', 'PATCH', '/api/v2/users/{projectKey}/{userKey}/expiring-user-targets/{environmentKey}'],
    ['getFeatureFlag', 'GET', '/api/v2/flags/{projectKey}/{featureFlagKey}'],
  ])('%s is %s %s in the official client, and served there', async (operation, method, path) => {
    expect(clientOperation(operation)).toEqual({ method, path });
    const routes = t.app.printRoutes({ commonPrefix: false });
    const fastifyPath = path.replace(/\{(\w+)\}/g, ':$1');
    expect(t.app.hasRoute({ method, url: fastifyPath }), `${method} ${fastifyPath}\n${routes}`).toBe(true);
  });
});

describe('GET /api/v2/users/{proj}/{env}/{key}/flags', () => {
  appPer('describe');
  it('answers every flag for the user in the shapes of the official client', async () => {
    const res = await get(settingsUrl(TARGETED));
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.headers['x-request-id']).toBeTruthy();
    const body = res.json();
    expectModel(body, 'UserFlagSettings');
    expect(Object.keys(body.items)).toEqual(SLUGS);
    expect(body._links).toEqual({ self: { href: `/api/v2/users/default/production/${TARGETED}/flags`, type: 'application/json' } });
    for (const slug of SLUGS) {
      expectModel(body.items[slug], 'UserFlagSetting');
      expect(body.items[slug]._links.self).toEqual({ href: `/api/v2/users/default/production/${TARGETED}/flags/${slug}`, type: 'application/json' });
    }
  });

  // [user, flag, _value, setting]: every situation the evaluation knows.
  it.each([
    [TARGETED, 'disabled', false, true], // disabled: off for everyone, own target shown as set
    [ACTIVE, 'disabled', false, null], // disabled, org target on
    [PLAIN, 'default-on', true, null],
    [PLAIN, 'default-off', false, null],
    [TARGETED, 'user-on', true, true],
    [PLAIN, 'user-on', false, null],
    [TARGETED, 'user-off', false, false],
    [PLAIN, 'user-off', true, null],
    [ACTIVE, 'org-on', true, null],
    [INACTIVE, 'org-on', false, null], // inactive membership does not count
    [PENDING, 'org-on', false, null], // nor does a pending one
    [ACTIVE, 'org-off', false, null],
    [PENDING, 'org-off', true, null], // the default, as with no membership
    [INACTIVE, 'org-off', true, null],
    [TARGETED, 'user-on-org-off', true, true], // the user's own target decides first
    [TARGETED, 'user-off-org-on', false, false],
    [ACTIVE, 'user-off-org-on', true, null],
    [ACTIVE, 'other-org-on', false, null],
  ] as const)('%s on %s: _value %s, setting %s', async (user, slug, value, setting) => {
    const list = (await get(settingsUrl(user))).json();
    expect(list.items[slug]).toMatchObject({ _value: value, setting });
    const one = await get(`${settingsUrl(user)}/${slug}`);
    expect(one.statusCode).toBe(200);
    expectModel(one.json(), 'UserFlagSetting');
    expect(one.json()).toMatchObject({ _value: value, setting });
  });

  it('gives every user the values of the WorkOS user list, flag by flag', async () => {
    for (const user of USERS) {
      const on = await workosUserFlags(user);
      const items = (await get(settingsUrl(user))).json().items as Record<string, { _value: boolean }>;
      expect(Object.entries(items).filter(([, s]) => s._value).map(([slug]) => slug).sort(), user).toEqual(on.sort());
    }
  });

  it('finds the user by id, external id or email (any case)', async () => {
    const byId = (await get(settingsUrl(TARGETED))).json().items;
    const values = (body: { items: Record<string, { _value: boolean; setting: boolean | null }> }) =>
      Object.fromEntries(Object.entries(body.items).map(([k, v]) => [k, [v._value, v.setting]]));
    for (const key of ['ext-4', 'user4@example.com', 'USER4@EXAMPLE.COM']) {
      const res = await get(settingsUrl(key));
      expect(res.statusCode).toBe(200);
      expect(values(res.json()), key).toEqual(values({ items: byId }));
    }
  });

  it('computes an unknown key as a user with no targets and no memberships', async () => {
    const res = await get(settingsUrl('someone-new'));
    expect(res.statusCode).toBe(200);
    const items = res.json().items as Record<string, { _value: boolean; setting: null }>;
    expect(Object.entries(items).filter(([, s]) => s._value).map(([slug]) => slug)).toEqual(['default-on', 'user-off', 'org-off']);
    expect(Object.values(items).every((s) => s.setting === null)).toBe(true);
  });

  it('takes the environment by name or by LaunchDarkly key, the key raw or as Bearer', async () => {
    const a = await get(settingsUrl(ACTIVE, 'production'));
    const b = await get(settingsUrl(ACTIVE, 'default'), t.headers);
    expect(a.statusCode).toBe(200);
    expect(b.statusCode).toBe(200);
    expect(b.json().items).toEqual(
      Object.fromEntries(
        Object.entries(a.json().items as Record<string, { _links: { self: { href: string } } }>).map(([k, v]) => [
          k,
          { ...v, _links: { self: { ...v._links.self, href: v._links.self.href.replace('/production/', '/default/') } } },
        ]),
      ),
    );
  });
});

describe('PUT /api/v2/users/{proj}/{env}/{key}/flags/{flag}', () => {
  appPer('test');
  it('true/false/null write the user target the WorkOS routes and the runtime poll see', async () => {
    const poll = async () => {
      const res = await get('/sdk/feature-flags', t.headers);
      return (res.json() as Record<string, { targets: { users: { id: string; enabled: boolean }[] } }>)['default-off'].targets.users;
    };
    const res = await put(`${settingsUrl('ext-0')}/default-off`, { setting: true, comment: 'beta' });
    expect(res.statusCode).toBe(204);
    expect(res.body).toBe('');
    expect(await workosUserFlags(PLAIN)).toContain('default-off');
    expect(await poll()).toEqual([{ id: PLAIN, enabled: true }]);
    expect((await get(`${settingsUrl(PLAIN)}/default-off`)).json()).toMatchObject({ _value: true, setting: true });

    expect((await put(`${settingsUrl('user0@example.com')}/default-off`, { setting: false })).statusCode).toBe(204);
    expect(await workosUserFlags(PLAIN)).not.toContain('default-off');
    expect(await poll()).toEqual([{ id: PLAIN, enabled: false }]);
    expect((await get(`${settingsUrl(PLAIN)}/default-off`)).json()).toMatchObject({ _value: false, setting: false });

    expect((await put(`${settingsUrl(PLAIN)}/default-off`, { setting: null })).statusCode).toBe(204);
    expect(await poll()).toEqual([]);
    expect((await get(`${settingsUrl(PLAIN)}/default-off`)).json()).toMatchObject({ _value: false, setting: null });
  });

  it('an omitted setting clears it too', async () => {
    expect((await put(`${settingsUrl(TARGETED)}/user-on`, {})).statusCode).toBe(204);
    expect((await get(`${settingsUrl(TARGETED)}/user-on`)).json()).toMatchObject({ _value: false, setting: null });
    expect(await workosUserFlags(TARGETED)).not.toContain('user-on');
  });

  it('shows targets the WorkOS routes write', async () => {
    const post = await t.app.inject({ method: 'POST', url: `/feature-flags/default-off/targets/${ACTIVE}`, headers: t.headers });
    expect(post.statusCode).toBe(204);
    expect((await get(`${settingsUrl(ACTIVE)}/default-off`)).json()).toMatchObject({ _value: true, setting: true });
    await t.app.inject({ method: 'DELETE', url: `/feature-flags/default-off/targets/${ACTIVE}`, headers: t.headers });
    expect((await get(`${settingsUrl(ACTIVE)}/default-off`)).json()).toMatchObject({ _value: false, setting: null });
  });
});

describe('GET /api/v2/flags/default/{flag}', () => {
  appPer('describe');
  it('serves the flag with two variations whose ids are computable', async () => {
    const res = await get('/api/v2/flags/default/user-on');
    expect(res.statusCode).toBe(200);
    const flag = res.json();
    expectModel(flag, 'FeatureFlag');
    expect(flag.key).toBe('user-on');
    // RFC 4122 v5 of "user-on:true" / "user-on:false" in v5(URL, "urn:flagstand:launchdarkly:variation"),
    // computed with Python's uuid module.
    expect(flag.variations).toEqual([
      { _id: 'cf0d63f2-d74a-5925-ac93-3606dfa8f045', value: true, name: 'true' },
      { _id: '740f7ed9-dd45-591b-9a6d-0540f40aa4b1', value: false, name: 'false' },
    ]);
    expect((await get('/api/v2/flags/default/user-on?env=production')).statusCode).toBe(200);
  });
});

describe('bad input: LaunchDarkly errors, nothing changed', () => {
  appPer('describe');
  const expectError = (res: { statusCode: number; json(): unknown; headers: Record<string, unknown> }, status: number, code: string) => {
    expect(res.statusCode).toBe(status);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.headers['x-request-id']).toBeTruthy();
    const body = res.json() as { code: string; message: string };
    expect(Object.keys(body).sort()).toEqual(['code', 'message']);
    expect(body.code).toBe(code);
    expect(body.message.length).toBeGreaterThan(0);
  };
  const unchanged = async () => expect((await get(`${settingsUrl(PLAIN)}/default-off`)).json()).toMatchObject({ _value: false, setting: null });

  it.each([
    ['no key', undefined],
    ['an unknown key', 'sk_test_nobody'],
    ['an unknown Bearer key', 'Bearer sk_test_nobody'],
  ])('401 for %s', async (_, authorization) => {
    const headers: Record<string, string> = authorization ? { authorization } : {};
    expectError(await get(settingsUrl(PLAIN), headers), 401, 'unauthorized');
    expectError(await put(`${settingsUrl(PLAIN)}/default-off`, { setting: true }, headers), 401, 'unauthorized');
    expectError(await get('/api/v2/flags/default/user-on', headers), 401, 'unauthorized');
    await unchanged();
  });

  it.each([
    ['a wrong project', '/api/v2/users/other/production/ext-0/flags'],
    ['a wrong environment', '/api/v2/users/default/staging/ext-0/flags'],
    ['an unknown flag', '/api/v2/users/default/production/ext-0/flags/nope'],
    ['a wrong project on the flag', '/api/v2/flags/other/user-on'],
    ['an unknown flag on the flag', '/api/v2/flags/default/nope'],
    ['another environment on the flag', '/api/v2/flags/default/user-on?env=staging'],
    ['an unknown path', '/api/v2/users/default'],
  ])('404 for %s', async (_, url) => {
    expectError(await get(url), 404, 'not_found');
  });

  it.each([
    ['an unknown user', `${settingsUrl('someone-new')}/default-off`, { setting: true }, 404, 'not_found'],
    ['an unknown flag', `${settingsUrl(PLAIN)}/nope`, { setting: true }, 404, 'not_found'],
    ['a wrong environment', `${settingsUrl(PLAIN, 'staging')}/default-off`, { setting: true }, 404, 'not_found'],
    ['a string setting', `${settingsUrl(PLAIN)}/default-off`, { setting: 'true' }, 400, 'invalid_request'],
    ['a number setting', `${settingsUrl(PLAIN)}/default-off`, { setting: 1 }, 400, 'invalid_request'],
    ['an object setting', `${settingsUrl(PLAIN)}/default-off`, { setting: { value: true } }, 400, 'invalid_request'],
    ['a non-string comment', `${settingsUrl(PLAIN)}/default-off`, { setting: true, comment: 5 }, 400, 'invalid_request'],
    ['an array body', `${settingsUrl(PLAIN)}/default-off`, [true], 400, 'invalid_request'],
  ] as const)('PUT with %s', async (_, url, body, status, code) => {
    expectError(await put(url, body), status, code);
    await unchanged();
  });

  it('PUT with malformed JSON or another content type', async () => {
    const url = `${settingsUrl(PLAIN)}/default-off`;
    const bad = await t.app.inject({ method: 'PUT', url, headers: { ...raw(), 'content-type': 'application/json' }, payload: '{"setting": tru' });
    expectError(bad, 400, 'invalid_request');
    const xml = await t.app.inject({ method: 'PUT', url, headers: { ...raw(), 'content-type': 'application/xml' }, payload: '<setting>true</setting>' });
    // docs/launchdarkly.md: a body of a content type other than JSON (or text) is a 415.
    expectError(xml, 415, 'unsupported_media_type');
    await unchanged();
  });

  it('the WorkOS routes keep their own error shape', async () => {
    const res = await get('/feature-flags/nope', t.headers);
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ code: 'entity_not_found' });
  });
});

describe('isolation between environments', () => {
  appPer('test');
  const TWO: SeedDocument = {
    environments: [
      { name: 'worker-1', launchdarkly_key: 'test', api_keys: ['sk_test_w1'], users: [{ id: PLAIN, email: 'a@example.com' }], feature_flags: [{ slug: 'beta', enabled: true }] },
      { name: 'worker-2', launchdarkly_key: 'test', api_keys: ['sk_test_w2'], users: [{ id: PLAIN, email: 'a@example.com' }], feature_flags: [{ slug: 'beta', enabled: true, default_value: true }] },
    ],
  };

  it('each key reaches only its own environment, both answering to the same LaunchDarkly key', async () => {
    await t.app.close();
    t = await buildTestApp({ seed: TWO });
    const as = (key: string) => ({ authorization: key });
    expect((await get(`${settingsUrl(PLAIN, 'test')}/beta`, as('sk_test_w1'))).json()).toMatchObject({ _value: false });
    expect((await get(`${settingsUrl(PLAIN, 'test')}/beta`, as('sk_test_w2'))).json()).toMatchObject({ _value: true });
    // Another environment's name is not found (not forbidden): nothing reveals it exists.
    expect((await get(`${settingsUrl(PLAIN, 'worker-2')}/beta`, as('sk_test_w1'))).statusCode).toBe(404);

    expect((await put(`${settingsUrl(PLAIN, 'test')}/beta`, { setting: true }, as('sk_test_w1'))).statusCode).toBe(204);
    expect((await get(`${settingsUrl(PLAIN, 'test')}/beta`, as('sk_test_w1'))).json()).toMatchObject({ _value: true, setting: true });
    expect((await get(`${settingsUrl(PLAIN, 'test')}/beta`, as('sk_test_w2'))).json()).toMatchObject({ _value: true, setting: null });
  });
});

describe('the LaunchDarkly key in the admin API', () => {
  appPer('test');
  it('is shown, set and cleared on the environment', async () => {
    const env = await get('/_flagstand/environments/current', t.headers);
    expect(env.json().launchdarkly_key).toBe('production');
    const set = await t.app.inject({
      method: 'PATCH',
      url: '/_flagstand/environments/current',
      headers: t.headers,
      payload: { launchdarkly_key: 'staging' },
    });
    expect(set.statusCode).toBe(200);
    expect(set.json().launchdarkly_key).toBe('staging');
    expect((await get(settingsUrl(PLAIN, 'staging'))).statusCode).toBe(200);
    expect((await get(settingsUrl(PLAIN, 'production'))).statusCode).toBe(404);

    const bad = await t.app.inject({ method: 'PATCH', url: '/_flagstand/environments/current', headers: t.headers, payload: { launchdarkly_key: 'a b' } });
    expect(bad.statusCode).toBe(422);
    const cleared = await t.app.inject({ method: 'PATCH', url: '/_flagstand/environments/current', headers: t.headers, payload: { launchdarkly_key: null } });
    expect(cleared.json().launchdarkly_key).toBeNull();
    expect((await get(settingsUrl(PLAIN, 'staging'))).statusCode).toBe(404);
    expect((await get(settingsUrl(PLAIN, 'default'))).statusCode).toBe(200);
  });

  it('is given to a new environment', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/_flagstand/environments',
      headers: t.headers,
      payload: { name: 'worker-9', launchdarkly_key: 'test', api_keys: ['sk_test_w9'] },
    });
    expect(res.statusCode).toBe(201);
    expect(res.json().launchdarkly_key).toBe('test');
    expect((await get(settingsUrl(PLAIN, 'test'), { authorization: 'sk_test_w9' })).statusCode).toBe(200);
  });
});
