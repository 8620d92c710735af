import { WorkOS } from '@workos-inc/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError, connectFlagstand, startFlagstand, type RunningFlagstand } from '../../src/index.js';
import { pinnedId } from '../helpers/ids.js';

// What a test worker does with only a URL and a key: the HTTP client of the package.

const ORG = pinnedId('organization', 1);
let server: RunningFlagstand;
beforeAll(async () => {
  server = await startFlagstand({
    logLevel: 'silent',
    seed: { organizations: [{ id: ORG, name: 'Acme' }], feature_flags: [{ slug: 'beta', enabled: true }] },
  });
});
afterAll(() => server.close());

describe('connectFlagstand', () => {
  it('creates an environment for a worker and manages its flags, targets, reset and snapshots', async () => {
    const root = connectFlagstand({ url: server.url, apiKey: server.apiKey });
    expect(root.sdkOptions).toEqual(server.sdkOptions);
    const env = await root.createEnvironment({ name: 'client-worker', fromEnvironment: 'default' });
    expect(env).toMatchObject({ name: 'client-worker', apiKey: expect.stringMatching(/^sk_test_/) });
    const client = root.withApiKey(env.apiKey);
    const workos = new WorkOS(env.apiKey, client.sdkOptions);

    const flag = await client.createFlag({ slug: 'new', enabled: true, tags: ['t'] });
    expect(flag).toMatchObject({ object: 'feature_flag', slug: 'new', enabled: true, tags: ['t'] });
    expect((await client.updateFlag('new', { name: 'New' })).name).toBe('New');
    const forOrg = async () => (await workos.featureFlags.listOrganizationFeatureFlags({ organizationId: ORG })).data.map((f) => f.slug);
    expect(await forOrg()).toEqual([]);
    await client.setFlagTarget('beta', ORG, true);
    expect(await forOrg()).toEqual(['beta']);
    const snapshot = await client.snapshot();
    expect(snapshot.environmentId).toBe(env.id);

    await client.removeFlagTarget('beta', ORG);
    await client.deleteFlag('new');
    await client.restore(snapshot);
    expect((await workos.featureFlags.listFeatureFlags()).data.map((f) => f.slug).sort()).toEqual(['beta', 'new']);
    expect(await forOrg()).toEqual(['beta']);
    await client.setFlagTarget('beta', ORG, false);
    expect(await forOrg()).toEqual([]);
    await client.restore(snapshot.id);
    expect(await forOrg()).toEqual(['beta']);
    await client.deleteSnapshot(snapshot);

    await client.resetEnvironment();
    expect((await workos.featureFlags.listFeatureFlags()).data.map((f) => f.slug)).toEqual(['beta']);
    expect(await forOrg()).toEqual([]);
    // The default environment was never touched.
    expect((await server.listEnvironments()).map((e) => e.name)).toEqual(['default', 'client-worker']);
    expect((await new WorkOS(server.apiKey, server.sdkOptions).featureFlags.listFeatureFlags()).data.map((f) => f.slug)).toEqual(['beta']);

    await root.deleteEnvironment(env.id);
    expect((await root.listEnvironments()).map((e) => e.name)).toEqual(['default']);
  });

  it('throws ApiError with the status and the JSON error body', async () => {
    const client = connectFlagstand({ url: server.url, apiKey: server.apiKey });
    const conflict = client.createFlag({ slug: 'beta' });
    await expect(conflict).rejects.toBeInstanceOf(ApiError);
    await expect(conflict).rejects.toMatchObject({ status: 409, body: { errors: [{ field: 'slug' }] } });
    await expect(client.updateFlag('missing', {})).rejects.toMatchObject({ status: 404 });
    await expect(connectFlagstand({ url: server.url, apiKey: 'sk_test_nope' }).reset()).rejects.toMatchObject({ status: 401 });
  });
});
