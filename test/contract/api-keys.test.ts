import { afterEach, describe, expect, it } from 'vitest';
import type { SeedDocument } from '../../src/seed/schema.js';
import { buildTestApp, type TestApp } from '../helpers/build-app.js';
import { expectSpec } from '../helpers/spec.js';

let t: TestApp;
afterEach(() => t?.app.close());

const ACME = 'org_01HZ0000000000000000000001';
const GLOBEX = 'org_01HZ0000000000000000000002';
const KEY = (n: number) => `api_key_01HZ00000000000000000000${String(n).padStart(2, '0')}`;
const SEEDED_VALUE = 'sk_seeded_acme_secret_1234';

const seed: SeedDocument = {
  organizations: [
    {
      id: ACME,
      name: 'Acme',
      api_keys: [1, 2, 3, 4, 5].map((n) => ({
        id: KEY(n),
        name: `Key ${n}`,
        value: n === 1 ? SEEDED_VALUE : `sk_seeded_${n}`,
        permissions: n === 1 ? ['posts:read'] : [],
        created_at: `2026-01-01T00:00:0${n}.000Z`,
      })),
    },
    { id: GLOBEX, name: 'Globex' },
  ],
};

interface Key {
  id: string;
  owner: { type: string; id: string };
  name: string;
  obfuscated_value: string;
  last_used_at: string | null;
  permissions: string[];
  created_at: string;
  updated_at: string;
  value?: string;
}
interface List {
  data: Key[];
  list_metadata: { before: string | null; after: string | null };
}

async function app() {
  t = await buildTestApp({ seed, clock: '2026-01-15T12:00:00.000Z' });
}
const req = (method: 'GET' | 'POST' | 'DELETE', url: string, payload?: object, headers: Record<string, string> = {}) =>
  t.app.inject({ method, url, headers: { ...t.headers, ...headers }, ...(payload ? { payload } : {}) });
const list = async (org: string, query = '') =>
  expectSpec(await req('GET', `/organizations/${org}/api_keys${query}`), 'OrganizationApiKeysController_list', 200) as List;
const validate = async (value: string) =>
  expectSpec(await req('POST', '/api_keys/validations', { value }), 'ApiKeysController_validateApiKey', 200) as { api_key: Key | null };

describe('GET /organizations/{organizationId}/api_keys', () => {
  it('lists an organization’s keys newest first, obfuscated, in pages both ways', async () => {
    await app();
    const first = await list(ACME, '?limit=2');
    expect(first.data.map((k) => k.id)).toEqual([KEY(5), KEY(4)]);
    expect(first.list_metadata).toEqual({ before: null, after: KEY(4) });
    expect(first.data[0]).toEqual({
      object: 'api_key',
      id: KEY(5),
      owner: { type: 'organization', id: ACME },
      name: 'Key 5',
      obfuscated_value: 'sk_...ed_5',
      last_used_at: null,
      expires_at: null,
      permissions: [],
      created_at: '2026-01-01T00:00:05.000Z',
      updated_at: '2026-01-01T00:00:05.000Z',
    });
    const next = await list(ACME, `?limit=2&after=${KEY(4)}`);
    expect(next.data.map((k) => k.id)).toEqual([KEY(3), KEY(2)]);
    expect((await list(ACME, `?limit=2&after=${KEY(2)}`)).data.map((k) => k.id)).toEqual([KEY(1)]);
    expect((await list(ACME, `?limit=2&before=${KEY(3)}`)).data.map((k) => k.id)).toEqual([KEY(5), KEY(4)]);
    expect((await list(ACME, '?order=asc&limit=1')).data.map((k) => k.id)).toEqual([KEY(1)]);
    expect((await list(GLOBEX)).data).toEqual([]);
  });

  it('answers 404 for an unknown organization', async () => {
    await app();
    const res = await req('GET', '/organizations/org_01HZ0000000000000000000009/api_keys');
    expect(expectSpec(res, 'OrganizationApiKeysController_list', 404)).toMatchObject({
      message: "Organization not found: 'org_01HZ0000000000000000000009'.",
    });
  });
});

describe('POST /organizations/{organizationId}/api_keys', () => {
  it('creates a key and shows its secret once; afterwards only the obfuscated value', async () => {
    await app();
    const res = await req('POST', `/organizations/${GLOBEX}/api_keys`, { name: 'Production API Key', permissions: ['posts:read', 'posts:write'] });
    const created = expectSpec(res, 'OrganizationApiKeysController_create', 201) as Key;
    expect(created).toMatchObject({
      owner: { type: 'organization', id: GLOBEX },
      name: 'Production API Key',
      permissions: ['posts:read', 'posts:write'],
      last_used_at: null,
      created_at: '2026-01-15T12:00:00.000Z',
    });
    expect(created.id).toMatch(/^api_key_[0-9A-Z]{26}$/);
    expect(created.value).toMatch(/^sk_[A-Za-z0-9]{40}$/);
    expect(created.obfuscated_value).toBe(`sk_...${created.value!.slice(-4)}`);
    const listed = (await list(GLOBEX)).data;
    expect(listed).toEqual([{ ...created, value: undefined }].map(({ value: _, ...rest }) => rest));
    expect(JSON.stringify(listed)).not.toContain(created.value);
    // The secret is not an environment key: it cannot call this API.
    const asBearer = await t.app.inject({ method: 'GET', url: '/organizations', headers: { authorization: `Bearer ${created.value}` } });
    expect(asBearer.statusCode).toBe(401);
  });

  it('answers 404 for an unknown organization and 422 naming the field for a bad body', async () => {
    await app();
    const missing = await req('POST', '/organizations/org_01HZ0000000000000000000009/api_keys', { name: 'x' });
    expectSpec(missing, 'OrganizationApiKeysController_create', 404);
    for (const [body, field] of [
      [{}, 'name'],
      [{ name: '' }, 'name'],
      [{ name: 'x', permissions: 'posts:read' }, 'permissions'],
      [{ name: 'x', permissions: [''] }, 'permissions.0'],
    ] as [object, string][]) {
      const err = expectSpec(await req('POST', `/organizations/${ACME}/api_keys`, body), 'OrganizationApiKeysController_create', 422);
      expect((err as { errors: { field: string }[] }).errors.map((e) => e.field)).toContain(field);
    }
  });

  it('creates one key for a retried request with the same Idempotency-Key', async () => {
    await app();
    const headers = { 'idempotency-key': 'create-key-1' };
    const first = expectSpec(await req('POST', `/organizations/${GLOBEX}/api_keys`, { name: 'k' }, headers), 'OrganizationApiKeysController_create', 201);
    const retry = expectSpec(await req('POST', `/organizations/${GLOBEX}/api_keys`, { name: 'k' }, headers), 'OrganizationApiKeysController_create', 201);
    expect(retry).toEqual(first);
    expect((await list(GLOBEX)).data).toHaveLength(1);
  });
});

describe('POST /api_keys/validations', () => {
  it('answers the key a value belongs to and records the use', async () => {
    await app();
    t.clock.set('2026-02-01T00:00:00.000Z');
    const { api_key } = await validate(SEEDED_VALUE);
    expect(api_key).toEqual({
      object: 'api_key',
      id: KEY(1),
      owner: { type: 'organization', id: ACME },
      name: 'Key 1',
      obfuscated_value: 'sk_...1234',
      last_used_at: '2026-02-01T00:00:00.000Z',
      expires_at: null,
      permissions: ['posts:read'],
      created_at: '2026-01-01T00:00:01.000Z',
      updated_at: '2026-01-01T00:00:01.000Z',
    });
    expect((await list(ACME, '?order=asc&limit=1')).data[0].last_used_at).toBe('2026-02-01T00:00:00.000Z');
  });

  it('validates a freshly created key', async () => {
    await app();
    const created = (await req('POST', `/organizations/${GLOBEX}/api_keys`, { name: 'k' })).json() as Key;
    expect((await validate(created.value!)).api_key?.id).toBe(created.id);
  });

  it('answers api_key null for an unknown value, an environment key, or a key of another environment', async () => {
    t = await buildTestApp({
      seed: {
        environments: [
          { name: 'one', api_keys: ['sk_test_one'], organizations: [{ id: ACME, name: 'A', api_keys: [{ name: 'k', value: 'sk_in_one' }] }] },
          { name: 'two', api_keys: ['sk_test_two'] },
        ],
      },
    });
    const ask = async (key: string, value: string) =>
      expectSpec(
        await t.app.inject({ method: 'POST', url: '/api_keys/validations', payload: { value }, headers: { authorization: `Bearer ${key}` } }),
        'ApiKeysController_validateApiKey',
        200,
      ) as { api_key: Key | null };
    expect((await ask('sk_test_one', 'sk_in_one')).api_key?.name).toBe('k');
    expect((await ask('sk_test_two', 'sk_in_one')).api_key).toBeNull();
    expect((await ask('sk_test_one', 'sk_test_one')).api_key).toBeNull();
    expect((await ask('sk_test_one', 'sk_nope')).api_key).toBeNull();
  });

  it('answers 422 without a value and 401 without a key', async () => {
    await app();
    expectSpec(await req('POST', '/api_keys/validations', {}), 'ApiKeysController_validateApiKey', 422);
    const anonymous = await t.app.inject({ method: 'POST', url: '/api_keys/validations', payload: { value: SEEDED_VALUE } });
    // The spec's 401 has no body; flagstand's 401s are JSON everywhere, as workos-node reads them.
    expect(anonymous.statusCode).toBe(401);
  });
});

describe('DELETE /api_keys/{id}', () => {
  it('answers 204, then the key no longer validates or lists, and 404', async () => {
    await app();
    expectSpec(await req('DELETE', `/api_keys/${KEY(1)}`), 'ApiKeysController_delete', 204);
    expect((await validate(SEEDED_VALUE)).api_key).toBeNull();
    expect((await list(ACME)).data.map((k) => k.id)).not.toContain(KEY(1));
    const again = expectSpec(await req('DELETE', `/api_keys/${KEY(1)}`), 'ApiKeysController_delete', 404);
    expect(again).toMatchObject({ message: `API key not found: '${KEY(1)}'.` });
  });

  it('goes with its organization', async () => {
    await app();
    expectSpec(await req('DELETE', `/organizations/${ACME}`), 'OrganizationsController_deleteOrganization', 202);
    expect((await validate(SEEDED_VALUE)).api_key).toBeNull();
    expectSpec(await req('DELETE', `/api_keys/${KEY(2)}`), 'ApiKeysController_delete', 404);
  });
});

describe('expires_at (required by @workos/openapi-spec 0.61.0)', () => {
  const create = (payload: object) => req('POST', `/organizations/${ACME}/api_keys`, payload);

  it('is null for a key that never expires, and kept as given for one that does', async () => {
    await app();
    const never = expectSpec(await create({ name: 'Forever' }), 'OrganizationApiKeysController_create', 201) as Key & { expires_at: string | null };
    expect(never.expires_at).toBeNull();
    const soon = expectSpec(await create({ name: 'Soon', expires_at: '2026-01-16T12:00:00+02:00' }), 'OrganizationApiKeysController_create', 201) as Key & {
      expires_at: string | null;
    };
    expect(soon.expires_at).toBe('2026-01-16T10:00:00.000Z');
    const listed = (await list(ACME)).data.find((k) => k.id === soon.id) as Key & { expires_at: string | null };
    expect(listed.expires_at).toBe('2026-01-16T10:00:00.000Z');
    expect((await validate(soon.value!)).api_key).toMatchObject({ id: soon.id, expires_at: '2026-01-16T10:00:00.000Z' });
    // Past its expiry a key validates like an unknown one.
    t.clock.set('2026-01-16T10:00:00.000Z');
    expect((await validate(soon.value!)).api_key).toBeNull();
    expect((await validate(never.value!)).api_key).not.toBeNull();
  });

  it.each(['2026-01-15T12:00:00.000Z', '2020-01-01T00:00:00Z', 'tomorrow'])('refuses expires_at %s with 422', async (expires_at) => {
    await app();
    const body = expectSpec(await create({ name: 'Bad', expires_at }), 'OrganizationApiKeysController_create', 422) as { errors: { field: string }[] };
    expect(body.errors[0].field).toBe('expires_at');
  });

  it('seeds with an expiry', async () => {
    t = await buildTestApp({
      clock: '2026-01-15T12:00:00.000Z',
      seed: { organizations: [{ id: ACME, name: 'Acme', api_keys: [{ name: 'Old', value: 'sk_old_1', expires_at: '2026-01-01T00:00:00Z' }] }] },
    });
    expect((await validate('sk_old_1')).api_key).toBeNull();
    expect(((await list(ACME)).data[0] as Key & { expires_at: string }).expires_at).toBe('2026-01-01T00:00:00.000Z');
  });
});
