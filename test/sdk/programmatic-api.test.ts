import { WorkOS } from '@workos-inc/node';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiError, createFlagstandApp, fixedClock, startFlagstand, type FlagstandApp, type RunningFlagstand } from '../../src/index.js';
import type { SeedDocument } from '../../src/seed/schema.js';
import { pinnedId } from '../helpers/ids.js';

// The package entry as a test suite uses it: start, reset, snapshot, environments, close.

const EXAMPLE_SEED = new URL('../../examples/seed.yaml', import.meta.url).pathname;
const ORG = pinnedId('organization', 1);
const SEED: SeedDocument = {
  api_keys: ['sk_test_programmatic'],
  organizations: [{ id: ORG, name: 'Acme' }],
  feature_flags: [
    { slug: 'beta', enabled: true, targets: [ORG] },
    { slug: 'dark-mode', enabled: false },
  ],
};

let server: RunningFlagstand | undefined;
let local: FlagstandApp | undefined;
afterEach(async () => {
  await server?.close();
  await local?.close();
  server = local = undefined;
});

const sdk = (key: string) => new WorkOS(key, { ...server!.sdkOptions });
const slugs = async (key: string) => (await sdk(key).featureFlags.listFeatureFlags({ order: 'asc' })).data.map((f) => f.slug);

/** flagstand's admin API over the real port, with a given key. */
async function admin(method: string, path: string, key: string, body?: unknown) {
  const res = await fetch(`${server!.url}/_flagstand${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: res.status === 204 ? undefined : ((await res.json()) as Record<string, any>) };
}

describe('startFlagstand', () => {
  it('starts on a free port with a seed file, and close() stops it', async () => {
    server = await startFlagstand({ seed: EXAMPLE_SEED, logLevel: 'silent' });
    expect(server.port).toBeGreaterThan(0);
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
    expect(server.sdkOptions).toEqual({ apiHostname: '127.0.0.1', port: server.port, https: false });
    expect(server.apiKey).toBe('sk_test_default');
    expect(server.environments).toEqual([
      { id: expect.stringMatching(/^environment_/), name: 'default', launchDarklyKey: null, apiKey: 'sk_test_default', apiKeys: ['sk_test_default'], clientId: expect.stringMatching(/^client_/), createdAt: expect.any(String) },
    ]);
    expect(await slugs(server.apiKey)).toEqual(['advanced-analytics', 'new-checkout']);
    const url = server.url;
    await server.close();
    server = undefined;
    await expect(fetch(`${url}/health`)).rejects.toThrow();
  });

  it('starts two servers side by side, each on its own port and database', async () => {
    server = await startFlagstand({ seed: SEED, logLevel: 'silent' });
    const other = await startFlagstand({ logLevel: 'silent' });
    try {
      expect(other.port).not.toBe(server.port);
      expect(other.apiKey).toBe('sk_test_default');
      expect((await fetch(`${other.url}/feature-flags`, { headers: { authorization: `Bearer ${other.apiKey}` } }).then((r) => r.json())).data).toEqual([]);
    } finally {
      await other.close();
    }
  });

  it('reset() puts the seed back and drops environments created since', async () => {
    server = await startFlagstand({ seed: SEED, logLevel: 'silent' });
    const key = server.apiKey;
    await sdk(key).featureFlags.disableFeatureFlag('beta');
    await sdk(key).featureFlags.removeFlagTarget({ slug: 'beta', targetId: ORG });
    expect((await admin('POST', '/feature-flags', key, { slug: 'extra' })).status).toBe(201);
    const created = await server.createEnvironment();

    await server.reset();
    expect(await slugs(key)).toEqual(['beta', 'dark-mode']);
    const beta = await sdk(key).featureFlags.getFeatureFlag('beta');
    expect(beta.enabled).toBe(true);
    expect((await sdk(key).featureFlags.listOrganizationFeatureFlags({ organizationId: ORG })).data.map((f) => f.slug)).toEqual(['beta']);
    expect((await server.listEnvironments()).map((e) => e.name)).toEqual(['default']);
    expect((await admin('GET', '/environments/current', created.apiKey)).status).toBe(401);
  });

  it('snapshot() and restore() bring an environment back, by snapshot or by id, as often as needed', async () => {
    server = await startFlagstand({ seed: SEED, logLevel: 'silent' });
    const key = server.apiKey;
    await sdk(key).featureFlags.enableFeatureFlag('dark-mode');
    const snapshot = await server.snapshot();
    expect(snapshot).toEqual({ id: expect.stringMatching(/^snapshot_/), environmentId: server.environments[0].id, createdAt: expect.any(String) });

    await sdk(key).featureFlags.disableFeatureFlag('dark-mode');
    await admin('DELETE', '/feature-flags/beta', key);
    await server.restore(snapshot);
    expect(await slugs(key)).toEqual(['beta', 'dark-mode']);
    expect((await sdk(key).featureFlags.getFeatureFlag('dark-mode')).enabled).toBe(true);

    await admin('DELETE', '/feature-flags/dark-mode', key);
    await server.restore(snapshot.id);
    expect((await sdk(key).featureFlags.getFeatureFlag('dark-mode')).enabled).toBe(true);

    await server.resetEnvironment('default');
    expect((await sdk(key).featureFlags.getFeatureFlag('dark-mode')).enabled).toBe(false);
    await server.deleteSnapshot(snapshot);
    await expect(server.restore(snapshot)).rejects.toThrow(`Snapshot not found: '${snapshot.id}'.`);
  });

  it('createEnvironment() gives isolated environments: empty, from a seed object or file, or a copy', async () => {
    server = await startFlagstand({ seed: SEED, logLevel: 'silent' });
    const empty = await server.createEnvironment();
    expect(empty.apiKey).toMatch(/^sk_test_/);
    expect(await slugs(empty.apiKey)).toEqual([]);

    const seeded = await server.createEnvironment({ name: 'seeded', apiKeys: ['sk_test_seeded'], seed: { feature_flags: [{ slug: 'only-here' }] } });
    expect(seeded).toMatchObject({ name: 'seeded', apiKey: 'sk_test_seeded' });
    expect(await slugs('sk_test_seeded')).toEqual(['only-here']);

    const fromFile = await server.createEnvironment({ seed: EXAMPLE_SEED, apiKeys: ['sk_test_from_file'] });
    expect(await slugs(fromFile.apiKey)).toEqual(['advanced-analytics', 'new-checkout']);

    const copy = await server.createEnvironment({ fromEnvironment: 'default' });
    expect(await slugs(copy.apiKey)).toEqual(['beta', 'dark-mode']);
    await sdk(copy.apiKey).featureFlags.enableFeatureFlag('dark-mode');
    expect((await sdk(server.apiKey).featureFlags.getFeatureFlag('dark-mode')).enabled).toBe(false);

    await server.deleteEnvironment(copy.id);
    await expect(sdk(copy.apiKey).featureFlags.listFeatureFlags()).rejects.toThrow();
    await expect(server.deleteEnvironment('default')).rejects.toThrow(/cannot be deleted/);
  });

  it('rejects a bad seed with an ApiError naming the entry, and creates nothing', async () => {
    server = await startFlagstand({ logLevel: 'silent' });
    const attempt = server.createEnvironment({ seed: { feature_flags: [{ slug: 'x', targets: [ORG] }] } });
    await expect(attempt).rejects.toBeInstanceOf(ApiError);
    await expect(attempt).rejects.toMatchObject({
      status: 422,
      body: {
        code: 'invalid_seed',
        message: `Invalid environment: feature_flags[0] (x).targets[0]: '${ORG}' is not an organization of this seed`,
        errors: [{ field: 'feature_flags.0.targets.0' }],
      },
    });
    await expect(server.createEnvironment({ seed: { feature_flags: [{ slug: 5 as unknown as string }] } })).rejects.toMatchObject({
      status: 422,
      body: { message: 'Invalid environment: feature_flags[0].slug: must be string', errors: [{ field: 'feature_flags.0.slug' }] },
    });
    expect(await server.listEnvironments()).toHaveLength(1);
  });
});

describe('createFlagstandApp', () => {
  it('builds an app for inject() that never listens, with a pinned clock', async () => {
    local = await createFlagstandApp({ seed: SEED, clock: fixedClock('2026-02-01T00:00:00.000Z') });
    expect(local.app.server.listening).toBe(false);
    expect(local.headers).toEqual({ authorization: 'Bearer sk_test_programmatic' });
    const created = await local.app.inject({ method: 'POST', url: '/_flagstand/feature-flags', headers: local.headers, payload: { slug: 'new' } });
    expect(created.json()).toMatchObject({ slug: 'new', created_at: '2026-02-01T00:00:00.000Z' });
    await local.reset();
    const list = await local.app.inject({ method: 'GET', url: '/feature-flags', headers: local.headers });
    expect(list.json().data.map((f: { slug: string }) => f.slug)).toEqual(['dark-mode', 'beta']);
  });
});
