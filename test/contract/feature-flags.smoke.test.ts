import { afterEach, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/build-app.js';
import { expectSpec } from '../helpers/spec.js';

let t: TestApp;
afterEach(() => t?.app.close());

describe('feature flags smoke', () => {
  it('gets a seeded flag and lists it', async () => {
    t = await buildTestApp({ seed: { feature_flags: [{ slug: 'beta', enabled: true, owner: { email: 'a@b.co' } }] } });
    const get = await t.app.inject({ method: 'GET', url: '/feature-flags/beta', headers: t.headers });
    const flag = expectSpec(get, 'FeatureFlagsController_findBySlug', 200) as { slug: string };
    expect(flag.slug).toBe('beta');
    const list = await t.app.inject({ method: 'GET', url: '/feature-flags', headers: t.headers });
    const body = expectSpec(list, 'FeatureFlagsController_list', 200) as { data: unknown[] };
    expect(body.data).toHaveLength(1);
  });
});
