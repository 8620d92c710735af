import { afterEach, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/build-app.js';
import { expectSpec } from '../helpers/spec.js';

// POST /user_management/redirect_uris and POST /user_management/cors_origins (spec 0.1.0): what the
// WorkOS CLI's `seed` (its `config:` section) and `config redirect add` / `config cors add` send.

let t: TestApp;
afterEach(() => t?.app.close());

const post = (url: string, payload: unknown) => t.app.inject({ method: 'POST', url, headers: t.headers, payload: payload as object });

describe('POST /user_management/redirect_uris', () => {
  it('creates a redirect URI; the environment’s first is the default, later ones are not', async () => {
    t = await buildTestApp({ clock: '2026-01-15T12:00:00.000Z' });
    const first = expectSpec(
      await post('/user_management/redirect_uris', { uri: 'http://localhost:3000/auth/callback' }),
      'RedirectUrisController_create',
      201,
    ) as Record<string, unknown>;
    expect(first).toEqual({
      object: 'redirect_uri',
      id: expect.stringMatching(/^ruri_[0-9A-Z]{26}$/),
      uri: 'http://localhost:3000/auth/callback',
      default: true,
      created_at: '2026-01-15T12:00:00.000Z',
      updated_at: '2026-01-15T12:00:00.000Z',
    });
    const second = expectSpec(
      await post('/user_management/redirect_uris', { uri: 'https://app.example.com/callback' }),
      'RedirectUrisController_create',
      201,
    ) as Record<string, unknown>;
    expect(second).toMatchObject({ uri: 'https://app.example.com/callback', default: false });
    expect(second.id).not.toBe(first.id);
  });

  it('answers 422 naming the URI when it already exists (the spec’s example message)', async () => {
    t = await buildTestApp({ clock: '2026-01-15T12:00:00.000Z' });
    await post('/user_management/redirect_uris', { uri: 'https://example.com/callback' });
    const res = await post('/user_management/redirect_uris', { uri: 'https://example.com/callback' });
    const body = expectSpec(res, 'RedirectUrisController_create', 422) as { message: string };
    expect(body.message).toBe("Redirect URI 'https://example.com/callback' already exists.");
  });

  it('answers 422 for a missing or non-absolute URI', async () => {
    t = await buildTestApp({ clock: '2026-01-15T12:00:00.000Z' });
    for (const payload of [{}, { uri: '' }, { uri: 'not a url' }, { uri: '/relative/callback' }, { uri: 42 }]) {
      const res = await post('/user_management/redirect_uris', payload);
      const body = expectSpec(res, 'RedirectUrisController_create', 422) as { errors: { field: string }[] };
      expect(body.errors.map((e) => e.field)).toEqual(['uri']);
    }
  });

  it('keeps redirect URIs per environment and needs the key', async () => {
    t = await buildTestApp({ clock: '2026-01-15T12:00:00.000Z' });
    const anonymous = await t.app.inject({ method: 'POST', url: '/user_management/redirect_uris', payload: { uri: 'https://a.example/cb' } });
    expect(anonymous.statusCode).toBe(401);
    const other = await t.app.inject({ method: 'POST', url: '/_flagstand/environments', headers: t.headers, payload: {} });
    expect(other.statusCode).toBe(201);
    const otherKey = (JSON.parse(other.body) as { api_keys: string[] }).api_keys[0];
    await post('/user_management/redirect_uris', { uri: 'https://a.example/cb' });
    const there = await t.app.inject({
      method: 'POST',
      url: '/user_management/redirect_uris',
      headers: { authorization: `Bearer ${otherKey}` },
      payload: { uri: 'https://a.example/cb' },
    });
    expect((expectSpec(there, 'RedirectUrisController_create', 201) as { default: boolean }).default).toBe(true);
  });
});

describe('an environment reset', () => {
  it('forgets the redirect URIs and CORS origins made since the seed', async () => {
    t = await buildTestApp({ clock: '2026-01-15T12:00:00.000Z' });
    await post('/user_management/redirect_uris', { uri: 'https://a.example/cb' });
    await post('/user_management/cors_origins', { origin: 'https://a.example' });
    expect((await post('/_flagstand/environments/current/reset', {})).statusCode).toBe(200);
    const uri = await post('/user_management/redirect_uris', { uri: 'https://a.example/cb' });
    expect((expectSpec(uri, 'RedirectUrisController_create', 201) as { default: boolean }).default).toBe(true);
    expectSpec(await post('/user_management/cors_origins', { origin: 'https://a.example' }), 'CorsOriginsController_createCorsOrigin', 201);
  });
});

describe('POST /user_management/cors_origins', () => {
  it('creates a CORS origin', async () => {
    t = await buildTestApp({ clock: '2026-01-15T12:00:00.000Z' });
    const res = await post('/user_management/cors_origins', { origin: 'http://localhost:3000' });
    expect(expectSpec(res, 'CorsOriginsController_createCorsOrigin', 201)).toEqual({
      object: 'cors_origin',
      id: expect.stringMatching(/^cors_origin_[0-9A-Z]{26}$/),
      origin: 'http://localhost:3000',
      created_at: '2026-01-15T12:00:00.000Z',
      updated_at: '2026-01-15T12:00:00.000Z',
    });
  });

  it('answers 409 duplicate_cors_origin for an origin already there', async () => {
    t = await buildTestApp({ clock: '2026-01-15T12:00:00.000Z' });
    await post('/user_management/cors_origins', { origin: 'https://app.example.com' });
    const res = await post('/user_management/cors_origins', { origin: 'https://app.example.com' });
    expect(expectSpec(res, 'CorsOriginsController_createCorsOrigin', 409)).toMatchObject({
      code: 'duplicate_cors_origin',
      message: 'CORS origin already exists.',
    });
  });

  it('answers 422 for a missing value or one that is not an origin (a path, no scheme)', async () => {
    t = await buildTestApp({ clock: '2026-01-15T12:00:00.000Z' });
    for (const payload of [{}, { origin: '' }, { origin: 'localhost:3000' }, { origin: 'https://app.example.com/path' }, { origin: 'ftp://x.example' }]) {
      const res = await post('/user_management/cors_origins', payload);
      const body = expectSpec(res, 'CorsOriginsController_createCorsOrigin', 422) as { errors: { field: string }[] };
      expect(body.errors.map((e) => e.field), JSON.stringify(payload)).toEqual(['origin']);
    }
  });
});
