import { WorkOS as WorkOS11, type FeatureFlagsRuntimeClient as Client11 } from '@workos-inc/node';
import { WorkOS as WorkOS8 } from 'workos-node-8';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SeedEnvironment } from '../../src/seed/schema.js';
import { startServer, type RunningFlagstand } from '../../src/server.js';
import { pinnedId } from '../helpers/ids.js';

// Flags with rules (made in the seed and through the rules API) still work for workos-node 11.0.0
// and 8.13.0: their runtime clients read the v1 map (members with their rule's value, custom
// types left out) and their REST lists are the server's, evaluated with the rules. Where their
// local evaluators differ (docs/sdk-compatibility.md), the test pins it.

const KEY = 'sk_test_older';
const ACME = pinnedId('organization', 1);
const ADA = pinnedId('user', 1);
const BOB = pinnedId('user', 2);
const SEED: SeedEnvironment = {
  organizations: [{ id: ACME, name: 'Acme' }],
  users: [
    { id: ADA, email: 'ada@example.com' },
    { id: BOB, email: 'bob@example.com' },
  ],
  organization_memberships: [{ user_id: ADA, organization_id: ACME }],
  feature_flags: [
    {
      slug: 'excluded-org',
      enabled: true,
      rules: [
        { target_type: 'organization', value: false, targets: [ACME] },
        { target_type: 'user', value: true, targets: [ADA, BOB] },
        { target_type: 'workspace', value: true, targets: ['ws_1'] },
      ],
    },
    { slug: 'classic', enabled: true, targets: [ACME] },
  ],
};

let server: RunningFlagstand;
const clients: { close(): void }[] = [];
beforeAll(async () => {
  server = await startServer({ port: 0, logLevel: 'silent', seed: SEED, apiKeys: [KEY] });
});
afterAll(async () => {
  for (const c of clients) c.close();
  await server.close();
});
const options = () => ({ apiHostname: '127.0.0.1', port: server.port, https: false });

describe('workos-node 11.0.0 with rules', () => {
  it('the runtime client becomes ready on the v1 map; REST lists follow rule order', async () => {
    const workos = new WorkOS11(KEY, { ...options(), maxRetries: 0 } as never);
    const client: Client11 = workos.featureFlags.createRuntimeClient({ requestTimeoutMs: 5_000 });
    client.on('error', () => {});
    clients.push(client);
    await client.waitUntilReady({ timeoutMs: 3_000 });
    expect(Object.keys(client.getAllFlags({})).sort()).toEqual(['classic', 'excluded-org']);
    // SDK 11 ignores members of value-false rules, so the exclusion does not exclude locally…
    expect(client.isEnabled('excluded-org', { userId: ADA, organizationId: ACME })).toBe(true);
    // …while the REST list (the server's evaluation) honours it.
    expect((await workos.featureFlags.listUserFeatureFlags({ userId: ADA })).data.map((f) => f.slug)).toEqual(['classic']);
    expect((await workos.featureFlags.listUserFeatureFlags({ userId: BOB })).data.map((f) => f.slug)).toEqual(['excluded-org']);
    expect(client.isEnabled('excluded-org', { userId: BOB })).toBe(true);
    expect(client.isEnabled('classic', { organizationId: ACME })).toBe(true);
  });
});

describe('workos-node 8.13.0 with rules', () => {
  it('the runtime client becomes ready; REST lists through organizations/userManagement', async () => {
    const workos = new WorkOS8(KEY, options() as never);
    const client = workos.featureFlags.createRuntimeClient({ requestTimeoutMs: 5_000 });
    client.on('error', () => {});
    clients.push(client);
    await client.waitUntilReady({ timeoutMs: 3_000 });
    // SDK 8 honours explicit off but checks the user before the organization.
    expect(client.isEnabled('excluded-org', { organizationId: ACME })).toBe(false);
    expect(client.isEnabled('excluded-org', { userId: BOB })).toBe(true);
    const org = await workos.organizations.listOrganizationFeatureFlags({ organizationId: ACME });
    expect(org.data.map((f) => f.slug)).toEqual(['classic']);
    const ada = await workos.userManagement.listUserFeatureFlags({ userId: ADA });
    expect(ada.data.map((f) => f.slug)).toEqual(['classic']);
  });
});
