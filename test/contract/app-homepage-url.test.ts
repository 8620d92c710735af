import { afterEach, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/build-app.js';

// PUT /user_management/app_homepage_url {url}: in no released spec; what the official WorkOS CLI
// (npm `workos` 0.14.0) sends for `config homepage-url set` and a seed file's `config.homepage_url`.
// The CLI reads only the status, so the body here is flagstand's: the URL kept.

let t: TestApp;
afterEach(() => t?.app.close());

const put = (payload: unknown, headers: Record<string, string> = t.headers) =>
  t.app.inject({ method: 'PUT', url: '/user_management/app_homepage_url', headers, payload: payload as object });
const environment = async () =>
  JSON.parse((await t.app.inject({ method: 'GET', url: '/_flagstand/environments/current', headers: t.headers })).body) as Record<string, unknown>;

describe('PUT /user_management/app_homepage_url', () => {
  it('sets the homepage URL, replacing the one before; the environment shows it', async () => {
    t = await buildTestApp();
    expect((await environment()).app_homepage_url).toBeNull();
    const first = await put({ url: 'http://localhost:3000' });
    expect(first.statusCode).toBe(200);
    expect(JSON.parse(first.body)).toEqual({ url: 'http://localhost:3000' });
    const second = await put({ url: 'https://app.example.com/home' });
    expect(JSON.parse(second.body)).toEqual({ url: 'https://app.example.com/home' });
    expect((await environment()).app_homepage_url).toBe('https://app.example.com/home');
  });

  it('answers 422 naming url for a missing value or one that is not an http(s) URL', async () => {
    t = await buildTestApp();
    for (const payload of [{}, { url: '' }, { url: 'not a url' }, { url: 'ftp://x.example' }, { url: 7 }]) {
      const res = await put(payload);
      expect(res.statusCode, JSON.stringify(payload)).toBe(422);
      expect((JSON.parse(res.body) as { errors: { field: string }[] }).errors.map((e) => e.field)).toEqual(['url']);
    }
    expect((await environment()).app_homepage_url).toBeNull();
  });

  it('needs the key, and a reset forgets the URL', async () => {
    t = await buildTestApp();
    expect((await put({ url: 'http://localhost:3000' }, {})).statusCode).toBe(401);
    await put({ url: 'http://localhost:3000' });
    await t.app.inject({ method: 'POST', url: '/_flagstand/environments/current/reset', headers: t.headers });
    expect((await environment()).app_homepage_url).toBeNull();
  });
});
