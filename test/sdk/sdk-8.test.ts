import { afterEach, beforeEach, describe, expect, it } from 'vitest';
// The newest release that declares Node 20, installed under an alias next to 11.0.0.
import { NotFoundException, WorkOS, type FeatureFlagsRuntimeClient } from 'workos-node-8';
import type { SeedEnvironment } from '../../src/seed/schema.js';
import { startServer, type RunningFlagstand } from '../../src/server.js';
import { pinnedId } from '../helpers/ids.js';

// @workos-inc/node 8.13 over a real port. Before 11, the organization and user flag lists are
// `organizations.listOrganizationFeatureFlags` and `userManagement.listUserFeatureFlags`; the
// rest of `featureFlags` and the runtime client send what 11 sends. Both versions are served.

const KEY = 'sk_test_sdk8';
const ACME = pinnedId('organization', 1);
const ADA = pinnedId('user', 1); // active in Acme
const BOB = pinnedId('user', 2); // in no organization

const SEED: SeedEnvironment = {
  organizations: [{ id: ACME, name: 'Acme' }],
  users: [
    { id: ADA, email: 'ada@example.com' },
    { id: BOB, email: 'bob@example.com' },
  ],
  organization_memberships: [{ user_id: ADA, organization_id: ACME }],
  feature_flags: [
    { slug: 'default-on', enabled: true, default_value: true, created_at: '2026-01-01T00:00:00.000Z' },
    { slug: 'acme-on', enabled: true, targets: [ACME], created_at: '2026-01-01T00:00:01.000Z' },
    { slug: 'ada-on', enabled: true, targets: [ADA], created_at: '2026-01-01T00:00:02.000Z' },
    { slug: 'off', enabled: false, default_value: true, targets: [ADA], created_at: '2026-01-01T00:00:03.000Z' },
  ],
};

let server: RunningFlagstand;
let workos: WorkOS;
let client: FeatureFlagsRuntimeClient | undefined;

beforeEach(async () => {
  server = await startServer({ port: 0, logLevel: 'silent', seed: SEED, apiKeys: [KEY] });
  workos = new WorkOS(KEY, { apiHostname: '127.0.0.1', port: server.port, https: false });
});
afterEach(async () => {
  client?.close();
  client = undefined;
  await server.close();
});

const slugs = (list: { data: { slug: string }[] }) => list.data.map((f) => f.slug);

describe('@workos-inc/node 8.13', () => {
  it('lists an organization’s flags through organizations.listOrganizationFeatureFlags', async () => {
    const list = await workos.organizations.listOrganizationFeatureFlags({ organizationId: ACME });
    expect(slugs(list)).toEqual(['acme-on', 'default-on']);
    expect(list.data[0]).toMatchObject({ object: 'feature_flag', slug: 'acme-on', enabled: true, defaultValue: false });
    expect(typeof list.data[0].createdAt).toBe('string');
  });

  it('lists a user’s flags (own targets and its organizations’) through userManagement.listUserFeatureFlags', async () => {
    expect(slugs(await workos.userManagement.listUserFeatureFlags({ userId: ADA }))).toEqual(['ada-on', 'acme-on', 'default-on']);
    expect(slugs(await workos.userManagement.listUserFeatureFlags({ userId: BOB }))).toEqual(['default-on']);
    // Pages follow the cursor the SDK sends.
    const page = await workos.userManagement.listUserFeatureFlags({ userId: ADA, limit: 1 });
    expect(slugs(page)).toEqual(['ada-on']);
    const next = await workos.userManagement.listUserFeatureFlags({ userId: ADA, limit: 1, after: page.listMetadata.after! });
    expect(slugs(next)).toEqual(['acme-on']);
    const all = await (await workos.userManagement.listUserFeatureFlags({ userId: ADA })).autoPagination();
    expect(all.map((f) => f.slug)).toEqual(['ada-on', 'acme-on', 'default-on']);
  });

  it('drives featureFlags: list, get, enable, disable, add and remove a target', async () => {
    expect(slugs(await workos.featureFlags.listFeatureFlags())).toEqual(['off', 'ada-on', 'acme-on', 'default-on']);
    expect(await workos.featureFlags.getFeatureFlag('off')).toMatchObject({ slug: 'off', enabled: false, defaultValue: true });
    expect((await workos.featureFlags.enableFeatureFlag('off')).enabled).toBe(true);
    expect(slugs(await workos.userManagement.listUserFeatureFlags({ userId: BOB }))).toEqual(['off', 'default-on']);
    expect((await workos.featureFlags.disableFeatureFlag('off')).enabled).toBe(false);

    await workos.featureFlags.addFlagTarget({ slug: 'ada-on', targetId: BOB });
    expect(slugs(await workos.userManagement.listUserFeatureFlags({ userId: BOB }))).toEqual(['ada-on', 'default-on']);
    await workos.featureFlags.removeFlagTarget({ slug: 'ada-on', targetId: BOB });
    expect(slugs(await workos.userManagement.listUserFeatureFlags({ userId: BOB }))).toEqual(['default-on']);

    await expect(workos.featureFlags.getFeatureFlag('missing')).rejects.toBeInstanceOf(NotFoundException);
  });

  it('runs the runtime client off GET /sdk/feature-flags', async () => {
    client = workos.featureFlags.createRuntimeClient({ requestTimeoutMs: 5_000 });
    await client.waitUntilReady({ timeoutMs: 5_000 });
    expect(client.isEnabled('acme-on', { organizationId: ACME })).toBe(true);
    expect(client.isEnabled('acme-on', { userId: BOB })).toBe(false);
    expect(client.isEnabled('ada-on', { userId: ADA })).toBe(true);
    expect(client.isEnabled('off', { userId: ADA })).toBe(false);
    expect(client.isEnabled('default-on')).toBe(true);
  });
});
