import { afterEach, describe, expect, it } from 'vitest';
import { buildTestApp, TEST_KEY, type TestApp } from '../helpers/build-app.js';

let t: TestApp;
afterEach(() => t?.app.close());

const ORG = 'org_01HZX5QW0000000000000000A1';
const USER = 'user_01HZX5QW0000000000000000B1';
const SEED = {
  organizations: [{ id: ORG, name: 'Acme' }],
  users: [{ id: USER, email: 'jane@acme.com' }],
  organization_memberships: [{ user_id: USER, organization_id: ORG }],
  feature_flags: [{ slug: 'beta', enabled: true, targets: [ORG] }],
};

type Json = Record<string, any>;
const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

async function call(method: string, url: string, options: { key?: string; body?: unknown } = {}) {
  const res = await t.app.inject({
    method: method as 'GET',
    url,
    headers: bearer(options.key ?? t.key),
    ...(options.body !== undefined && { payload: options.body as Json }),
  });
  const body = res.body ? (JSON.parse(res.body) as Json) : undefined;
  if (res.statusCode >= 400) {
    // Every error is JSON in the WorkOS shape.
    expect(String(res.headers['content-type'])).toMatch(/^application\/json/);
    expect(typeof body?.message).toBe('string');
  }
  return { status: res.statusCode, body: body as Json };
}

/** The field names of the first field error, or the code when the error names no field. */
const fields = (body: Json) => (body.errors as { field: string }[] | undefined)?.map((e) => e.field);

const flagSlugs = async (key: string) => Object.keys((await call('GET', '/sdk/feature-flags', { key })).body);

describe('POST /_flagstand/environments', () => {
  it('creates an empty environment with a fresh sk_test_ key, isolated from the default one', async () => {
    t = await buildTestApp({ seed: SEED });
    const { status, body } = await call('POST', '/_flagstand/environments');
    expect(status).toBe(201);
    expect(Object.keys(body)).toEqual(['object', 'id', 'name', 'launchdarkly_key', 'api_key', 'api_keys', 'client_id', 'app_homepage_url', 'created_at']);
    expect(body.app_homepage_url).toBeNull();
    expect(body.launchdarkly_key).toBeNull();
    expect(body.object).toBe('environment');
    expect(body.id).toMatch(/^environment_[0-9A-Z]{26}$/);
    expect(body.api_key).toMatch(/^sk_test_[A-Za-z0-9_-]{20,}$/);
    expect(body.api_keys).toEqual([body.api_key]);
    // The sign-in client id is the environment id's ULID behind `client_`.
    expect(body.client_id).toBe(`client_${(body.id as string).slice('environment_'.length)}`);
    expect(await flagSlugs(body.api_key)).toEqual([]);
    expect(await flagSlugs(t.key)).toEqual(['beta']);
    const orgs = await call('GET', `/organizations/${ORG}/feature-flags`, { key: body.api_key });
    expect(orgs.status).toBe(404);
  });

  it('loads one environment of a seed from the body, with the given name and keys', async () => {
    t = await buildTestApp();
    const { status, body } = await call('POST', '/_flagstand/environments', {
      body: { name: 'worker-1', api_keys: ['sk_test_worker_1'], ...SEED },
    });
    expect(status).toBe(201);
    expect(body).toMatchObject({ name: 'worker-1', api_key: 'sk_test_worker_1', api_keys: ['sk_test_worker_1'] });
    const flags = await call('GET', `/organizations/${ORG}/feature-flags`, { key: 'sk_test_worker_1' });
    expect(flags.body.data.map((f: Json) => f.slug)).toEqual(['beta']);
    expect(await flagSlugs(t.key)).toEqual([]);
  });

  it('copies the start-up state of another environment with from_environment, by name or id', async () => {
    t = await buildTestApp({ seed: SEED });
    await call('PUT', '/feature-flags/beta/disable'); // a later change is not copied: the baseline is
    const byName = await call('POST', '/_flagstand/environments', { body: { from_environment: 'default' } });
    expect(byName.status).toBe(201);
    const copied = await call('GET', '/feature-flags/beta', { key: byName.body.api_key });
    expect(copied.body.enabled).toBe(true);
    const byId = await call('POST', '/_flagstand/environments', { body: { from_environment: t.flagstand.environments[0].publicId } });
    expect(await flagSlugs(byId.body.api_key)).toEqual(['beta']);
    // Pinned ids are per environment, so the same org id lives in both without clashing.
    const evaluated = await call('GET', `/organizations/${ORG}/feature-flags`, { key: byId.body.api_key });
    expect(evaluated.body.data).toHaveLength(1);
  });

  it.each([
    ['an unknown field', { nope: 1 }, 422, ['nope']],
    ['a wrong type', { name: 5 }, 422, ['name']],
    ['a bad nested entry', { feature_flags: [{ slug: '' }] }, 422, ['feature_flags.0.slug']],
    ['a bad api key', { api_keys: ['pk_live'] }, 422, ['api_keys.0']],
    ['a target the seed lacks', { feature_flags: [{ slug: 'x', targets: [USER] }] }, 422, ['feature_flags.0.targets.0']],
    ['a duplicate slug', { feature_flags: [{ slug: 'x' }, { slug: 'x' }] }, 422, ['feature_flags.1.slug']],
    ['the reserved name current', { name: 'current' }, 422, ['name']],
    ['from_environment with seed lists', { from_environment: 'default', feature_flags: [] }, 422, ['from_environment']],
    ['an unknown from_environment', { from_environment: 'nowhere' }, 422, ['from_environment']],
    ['a taken name', { name: 'default' }, 409, ['name']],
    ['a taken key', { api_keys: [TEST_KEY] }, 409, ['api_keys']],
  ])('rejects %s with a JSON error naming the field', async (_, body, status, expected) => {
    t = await buildTestApp();
    const res = await call('POST', '/_flagstand/environments', { body });
    expect(res.status).toBe(status);
    expect(fields(res.body)).toEqual(expected);
    expect((await call('GET', '/_flagstand/environments')).body.data).toHaveLength(1);
  });

  it('rejects malformed JSON with a 400 and a request without a valid key with a 401', async () => {
    t = await buildTestApp();
    const bad = await t.app.inject({
      method: 'POST',
      url: '/_flagstand/environments',
      headers: { ...t.headers, 'content-type': 'application/json' },
      payload: '{"name":',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().code).toBe('invalid_json');
    const anonymous = await t.app.inject({ method: 'POST', url: '/_flagstand/environments' });
    expect(anonymous.statusCode).toBe(401);
    expect((await call('POST', '/_flagstand/environments', { key: 'sk_test_unknown' })).status).toBe(401);
  });
});

describe('environments by id, name or current', () => {
  it('lists, gets and deletes environments; start-up environments cannot be deleted', async () => {
    t = await buildTestApp();
    const created = (await call('POST', '/_flagstand/environments', { body: { name: 'w' } })).body;
    const list = await call('GET', '/_flagstand/environments');
    expect(list.body.object).toBe('list');
    expect(list.body.data.map((e: Json) => e.name)).toEqual(['default', 'w']);
    expect((await call('GET', `/_flagstand/environments/${created.id}`)).body).toEqual(created);
    expect((await call('GET', '/_flagstand/environments/w')).body).toEqual(created);
    expect((await call('GET', '/_flagstand/environments/current', { key: created.api_key })).body).toEqual(created);
    expect((await call('GET', '/_flagstand/environments/current')).body.name).toBe('default');

    const missing = await call('GET', '/_flagstand/environments/environment_01HZX5QW0000000000000000ZZ');
    expect(missing.status).toBe(404);
    expect(missing.body.message).toBe("Environment not found: 'environment_01HZX5QW0000000000000000ZZ'.");

    const startup = await call('DELETE', '/_flagstand/environments/default');
    expect(startup.status).toBe(409);
    expect(startup.body.code).toBe('environment_not_deletable');

    expect((await call('DELETE', '/_flagstand/environments/current', { key: created.api_key })).status).toBe(204);
    // Its key is gone with it.
    expect((await call('GET', '/feature-flags', { key: created.api_key })).status).toBe(401);
    expect((await call('DELETE', `/_flagstand/environments/${created.id}`)).status).toBe(404);
  });
});

describe('reset', () => {
  it("puts the caller's environment back to its seed, touching no other", async () => {
    t = await buildTestApp({ seed: SEED });
    const other = (await call('POST', '/_flagstand/environments', { body: { from_environment: 'default' } })).body;
    await call('PUT', '/feature-flags/beta/disable');
    await call('POST', '/_flagstand/feature-flags', { body: { slug: 'extra' } });
    await call('DELETE', `/feature-flags/beta/targets/${ORG}`);
    await call('PUT', '/feature-flags/beta/disable', { key: other.api_key });

    const res = await call('POST', '/_flagstand/environments/current/reset');
    expect(res.status).toBe(200);
    expect(res.body.name).toBe('default');
    expect(await flagSlugs(t.key)).toEqual(['beta']);
    const beta = (await call('GET', '/sdk/feature-flags')).body.beta;
    expect(beta).toEqual({ slug: 'beta', enabled: true, default_value: false, targets: { users: [], organizations: [{ id: ORG, enabled: true }] } });
    expect((await call('GET', '/feature-flags/beta', { key: other.api_key })).body.enabled).toBe(false);
  });

  it('puts an environment created at run time back to its creation seed', async () => {
    t = await buildTestApp();
    const env = (await call('POST', '/_flagstand/environments', { body: { name: 'w', feature_flags: [{ slug: 'a' }] } })).body;
    await call('DELETE', '/_flagstand/feature-flags/a', { key: env.api_key });
    expect(await flagSlugs(env.api_key)).toEqual([]);
    expect((await call('POST', '/_flagstand/environments/w/reset')).status).toBe(200);
    expect(await flagSlugs(env.api_key)).toEqual(['a']);
  });

  it('POST /_flagstand/reset restores every start-up environment and deletes the ones created since', async () => {
    t = await buildTestApp({
      seed: { environments: [{ name: 'a', api_keys: [TEST_KEY], ...SEED }, { name: 'b', api_keys: ['sk_test_b'] }] },
    });
    const created = (await call('POST', '/_flagstand/environments')).body;
    await call('PUT', '/feature-flags/beta/disable');
    await call('POST', '/_flagstand/feature-flags', { key: 'sk_test_b', body: { slug: 'in-b' } });

    const res = await call('POST', '/_flagstand/reset');
    expect(res.status).toBe(200);
    expect(res.body.data.map((e: Json) => e.name)).toEqual(['a', 'b']);
    expect((await call('GET', '/feature-flags/beta')).body.enabled).toBe(true);
    expect(await flagSlugs('sk_test_b')).toEqual([]);
    expect((await call('GET', '/feature-flags', { key: created.api_key })).status).toBe(401);
  });
});

describe('snapshots', () => {
  it('snapshots an environment, restores it as often as needed, lists and deletes snapshots', async () => {
    t = await buildTestApp({ seed: SEED });
    await call('POST', '/_flagstand/feature-flags', { body: { slug: 'kept', enabled: true } });
    const snap = await call('POST', '/_flagstand/environments/current/snapshots');
    expect(snap.status).toBe(201);
    expect(Object.keys(snap.body)).toEqual(['object', 'id', 'environment_id', 'created_at']);
    expect(snap.body.id).toMatch(/^snapshot_/);
    expect(snap.body.environment_id).toBe(t.flagstand.environments[0].publicId);

    for (let round = 0; round < 2; round++) {
      await call('DELETE', '/_flagstand/feature-flags/kept');
      await call('POST', '/_flagstand/feature-flags', { body: { slug: `gone-${round}` } });
      const restored = await call('POST', `/_flagstand/environments/current/snapshots/${snap.body.id}/restore`);
      expect(restored.status).toBe(200);
      expect(restored.body.object).toBe('environment');
      expect((await flagSlugs(t.key)).sort()).toEqual(['beta', 'kept']);
    }

    const list = await call('GET', '/_flagstand/environments/default/snapshots');
    expect(list.body).toEqual({ object: 'list', data: [snap.body] });
    // reset still goes back to the seed, past the snapshot
    await call('POST', '/_flagstand/environments/current/reset');
    expect(await flagSlugs(t.key)).toEqual(['beta']);

    expect((await call('DELETE', `/_flagstand/environments/current/snapshots/${snap.body.id}`)).status).toBe(204);
    const gone = await call('POST', `/_flagstand/environments/current/snapshots/${snap.body.id}/restore`);
    expect(gone.status).toBe(404);
    expect(gone.body.message).toBe(`Snapshot not found: '${snap.body.id}'.`);
  });

  it("will not restore one environment's snapshot into another", async () => {
    t = await buildTestApp();
    const other = (await call('POST', '/_flagstand/environments')).body;
    const snap = (await call('POST', '/_flagstand/environments/current/snapshots', { key: other.api_key })).body;
    const res = await call('POST', `/_flagstand/environments/current/snapshots/${snap.id}/restore`);
    expect(res.status).toBe(404);
    expect((await call('POST', `/_flagstand/environments/${other.id}/snapshots/${snap.id}/restore`)).status).toBe(200);
  });
});
