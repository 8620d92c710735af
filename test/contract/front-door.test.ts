import { afterEach, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/build-app.js';

// What a newcomer touches first: the health check their CI polls and the admin URL the banner prints.

let t: TestApp;
afterEach(() => t?.app.close());

describe('GET and HEAD /health', () => {
  it('HEAD /health answers 200 without a key or a body, as curl -I and wget --spider expect', async () => {
    t = await buildTestApp();
    const head = await t.app.inject({ method: 'HEAD', url: '/health' });
    expect(head.statusCode).toBe(200);
    expect(head.body).toBe('');
    const get = await t.app.inject({ method: 'GET', url: '/health' });
    expect(get.statusCode).toBe(200);
    expect(get.json()).toEqual({ status: 'ok' });
  });

  it('the WorkOS routes still answer HEAD with 404: production serves no HEAD aliases', async () => {
    t = await buildTestApp();
    const res = await t.app.inject({ method: 'HEAD', url: '/feature-flags', headers: t.headers });
    expect(res.statusCode).toBe(404);
  });
});

describe('GET /_flagstand/', () => {
  it.for(['/_flagstand/', '/_flagstand'])('%s lists every admin route, without a key', async (url) => {
    t = await buildTestApp();
    const res = await t.app.inject({ method: 'GET', url });
    expect(res.statusCode).toBe(200);
    const body = res.json() as { openapi: string; routes: { method: string; path: string; operation_id: string | null }[] };
    expect(body.openapi).toBe('/openapi.json');
    expect(body.routes.map((r) => `${r.method} ${r.path}`)).toEqual(
      expect.arrayContaining(['POST /_flagstand/reset', 'GET /_flagstand/environments', 'POST /_flagstand/feature-flags']),
    );
    expect(body.routes.every((r) => r.path.startsWith('/_flagstand/') && r.operation_id?.startsWith('FlagstandAdmin'))).toBe(true);
    // Every admin route the OpenAPI document holds is listed, and nothing else.
    const spec = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json() as { paths: Record<string, Record<string, unknown>> };
    const documented = Object.entries(spec.paths)
      .filter(([path]) => path.startsWith('/_flagstand/'))
      .flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`));
    expect(body.routes.map((r) => `${r.method} ${r.path}`).sort()).toEqual(documented.sort());
  });
});
