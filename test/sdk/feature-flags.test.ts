import {
  BadRequestException,
  NotFoundException,
  UnauthorizedException,
  WorkOS,
  type FeatureFlagsRuntimeClient,
} from '@workos-inc/node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SeedEnvironment } from '../../src/seed/schema.js';
import { startServer, type RunningFlagstand } from '../../src/server.js';
import { pinnedId } from '../helpers/ids.js';

// The official SDK (11.0.0) over a real port: every featureFlags method and the runtime client.
// In 11.0.0 the organization and user lists live on `featureFlags` only: `organizations` and
// `userManagement` no longer carry listOrganizationFeatureFlags / listUserFeatureFlags.

const KEY = 'sk_test_sdk';
const ACME = pinnedId('organization', 1);
const GLOBEX = pinnedId('organization', 2);
const ADA = pinnedId('user', 1); // active in Acme
const BOB = pinnedId('user', 2); // pending in Globex

const SEED: SeedEnvironment = {
  organizations: [
    { id: ACME, name: 'Acme' },
    { id: GLOBEX, name: 'Globex' },
  ],
  users: [
    { id: ADA, email: 'ada@example.com' },
    { id: BOB, email: 'bob@example.com' },
  ],
  organization_memberships: [
    { user_id: ADA, organization_id: ACME },
    { user_id: BOB, organization_id: GLOBEX, status: 'pending' },
  ],
  feature_flags: [
    { slug: 'default-on', enabled: true, default_value: true, created_at: '2026-01-01T00:00:00.000Z' },
    { slug: 'acme-on', enabled: true, targets: [ACME], created_at: '2026-01-01T00:00:01.000Z' },
    { slug: 'ada-on', enabled: true, targets: [ADA], created_at: '2026-01-01T00:00:02.000Z' },
    { slug: 'globex-on', enabled: true, targets: [GLOBEX], created_at: '2026-01-01T00:00:03.000Z' },
    { slug: 'disabled', enabled: false, default_value: true, targets: [ADA, ACME], created_at: '2026-01-01T00:00:04.000Z' },
    {
      slug: 'analytics',
      name: 'Advanced Analytics',
      description: 'The dashboard',
      owner: { email: 'jane@example.com', first_name: 'Jane', last_name: 'Doe' },
      tags: ['reports'],
      created_at: '2026-01-01T00:00:05.000Z',
    },
  ],
};
const SLUGS_NEWEST_FIRST = ['analytics', 'disabled', 'globex-on', 'ada-on', 'acme-on', 'default-on'];

let server: RunningFlagstand;
let workos: WorkOS;
const clients: FeatureFlagsRuntimeClient[] = [];

beforeEach(async () => {
  server = await startServer({ port: 0, logLevel: 'silent', seed: SEED, apiKeys: [KEY] });
  // maxRetries 0: a 5xx fails at once instead of being retried with backoff.
  workos = new WorkOS(KEY, { apiHostname: '127.0.0.1', port: server.port, https: false, maxRetries: 0 });
});
afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  await server.close();
});

function runtimeClient(sdk = workos): FeatureFlagsRuntimeClient {
  const client = sdk.featureFlags.createRuntimeClient({ requestTimeoutMs: 5_000 });
  clients.push(client);
  return client;
}

const slugs = (list: { data: { slug: string }[] }) => list.data.map((f) => f.slug);

describe('featureFlags REST methods', () => {
  it('listFeatureFlags: newest first, deserialized', async () => {
    const list = await workos.featureFlags.listFeatureFlags();
    expect(slugs(list)).toEqual(SLUGS_NEWEST_FIRST);
    expect(list.listMetadata).toEqual({ before: null, after: null });
    expect(list.data[0]).toEqual({
      object: 'feature_flag',
      id: expect.stringMatching(/^flag_/),
      name: 'Advanced Analytics',
      slug: 'analytics',
      description: 'The dashboard',
      tags: ['reports'],
      enabled: false,
      defaultValue: false,
      createdAt: '2026-01-01T00:00:05.000Z',
      updatedAt: '2026-01-01T00:00:05.000Z',
    });
  });

  it('listFeatureFlags with limit and order, then the next page by after', async () => {
    const first = await workos.featureFlags.listFeatureFlags({ limit: 4, order: 'asc' });
    expect(slugs(first)).toEqual([...SLUGS_NEWEST_FIRST].reverse().slice(0, 4));
    expect(first.listMetadata.after).toBe(first.data[3].id);
    const second = await workos.featureFlags.listFeatureFlags({ limit: 4, order: 'asc', after: first.listMetadata.after! });
    expect(slugs(second)).toEqual([...SLUGS_NEWEST_FIRST].reverse().slice(4));
    expect(second.listMetadata).toEqual({ before: second.data[0].id, after: null });
  });

  it('autoPagination gathers every flag', async () => {
    const list = await workos.featureFlags.listFeatureFlags();
    expect((await list.autoPagination()).map((f) => f.slug)).toEqual(SLUGS_NEWEST_FIRST);
  });

  it('getFeatureFlag', async () => {
    const flag = await workos.featureFlags.getFeatureFlag('acme-on');
    expect(flag).toMatchObject({ slug: 'acme-on', enabled: true, defaultValue: false });
  });

  it('enableFeatureFlag and disableFeatureFlag', async () => {
    expect((await workos.featureFlags.enableFeatureFlag('analytics')).enabled).toBe(true);
    expect((await workos.featureFlags.getFeatureFlag('analytics')).enabled).toBe(true);
    expect((await workos.featureFlags.disableFeatureFlag('analytics')).enabled).toBe(false);
    expect((await workos.featureFlags.getFeatureFlag('analytics')).enabled).toBe(false);
  });

  it('listOrganizationFeatureFlags', async () => {
    expect(slugs(await workos.featureFlags.listOrganizationFeatureFlags({ organizationId: ACME }))).toEqual(['acme-on', 'default-on']);
    const page = await workos.featureFlags.listOrganizationFeatureFlags({ organizationId: ACME, limit: 1, order: 'asc' });
    expect(slugs(page)).toEqual(['default-on']);
    expect(page.listMetadata.after).toBe(page.data[0].id);
  });

  it('listUserFeatureFlags: own targets and active memberships only', async () => {
    expect(slugs(await workos.featureFlags.listUserFeatureFlags({ userId: ADA }))).toEqual(['ada-on', 'acme-on', 'default-on']);
    // Bob's Globex membership is pending: Globex's target does not reach him.
    expect(slugs(await workos.featureFlags.listUserFeatureFlags({ userId: BOB }))).toEqual(['default-on']);
  });

  it('addFlagTarget and removeFlagTarget', async () => {
    await expect(workos.featureFlags.addFlagTarget({ slug: 'analytics', targetId: ACME })).resolves.toBeUndefined();
    await workos.featureFlags.enableFeatureFlag('analytics');
    expect(slugs(await workos.featureFlags.listUserFeatureFlags({ userId: ADA }))).toContain('analytics');
    await expect(workos.featureFlags.removeFlagTarget({ slug: 'analytics', targetId: ACME })).resolves.toBeUndefined();
    expect(slugs(await workos.featureFlags.listUserFeatureFlags({ userId: ADA }))).not.toContain('analytics');
    await workos.featureFlags.addFlagTarget({ slug: 'analytics', targetId: BOB });
    expect(slugs(await workos.featureFlags.listUserFeatureFlags({ userId: BOB }))).toEqual(['analytics', 'default-on']);
  });
});

describe('typed exceptions', () => {
  it('NotFoundException for an unknown flag, organization or user', async () => {
    const ff = workos.featureFlags;
    const cases: [() => Promise<unknown>, string][] = [
      [() => ff.getFeatureFlag('nope'), "Feature flag not found: 'nope'."],
      [() => ff.enableFeatureFlag('nope'), "Feature flag not found: 'nope'."],
      [() => ff.disableFeatureFlag('nope'), "Feature flag not found: 'nope'."],
      [() => ff.addFlagTarget({ slug: 'nope', targetId: ADA }), "Feature flag not found: 'nope'."],
      [() => ff.removeFlagTarget({ slug: 'acme-on', targetId: pinnedId('user', 9) }), `User not found: '${pinnedId('user', 9)}'.`],
      [
        () => ff.listOrganizationFeatureFlags({ organizationId: pinnedId('organization', 9) }),
        `Organization not found: '${pinnedId('organization', 9)}'.`,
      ],
      [() => ff.listUserFeatureFlags({ userId: pinnedId('user', 9) }), `User not found: '${pinnedId('user', 9)}'.`],
    ];
    for (const [call, message] of cases) {
      const error = await call().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(NotFoundException);
      expect((error as NotFoundException).message).toBe(message);
      expect((error as NotFoundException).requestID).toMatch(/^[0-9a-f-]{36}$/);
    }
  });

  it('UnauthorizedException for an unknown key, and the runtime client fails to start', async () => {
    const stranger = new WorkOS('sk_test_unknown', { apiHostname: '127.0.0.1', port: server.port, https: false, maxRetries: 0 });
    const error = await stranger.featureFlags.getFeatureFlag('acme-on').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnauthorizedException);
    expect((error as UnauthorizedException).requestID).toMatch(/^[0-9a-f-]{36}$/);
    // The SDK's emitter throws an 'error' event nobody listens to, so listen as an app would.
    const client = runtimeClient(stranger);
    const failures: unknown[] = [];
    client.on('error', () => undefined);
    client.on('failed', (e) => failures.push(e));
    await expect(client.waitUntilReady({ timeoutMs: 5_000 })).rejects.toBeInstanceOf(UnauthorizedException);
    expect(failures).toHaveLength(1);
  });

  it('BadRequestException for a target that is neither user_ nor org_', async () => {
    for (const call of [
      () => workos.featureFlags.addFlagTarget({ slug: 'acme-on', targetId: 'conn_123' }),
      () => workos.featureFlags.removeFlagTarget({ slug: 'acme-on', targetId: 'conn_123' }),
    ]) {
      const error = await call().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BadRequestException);
      expect((error as BadRequestException).code).toBe('invalid_resource_id_format');
    }
  });

  it('BadRequestException for a limit out of range', async () => {
    const error = await workos.featureFlags.listFeatureFlags({ limit: 101 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BadRequestException);
    expect((error as BadRequestException).code).toBe('invalid_request_parameters');
  });
});

describe('runtime client (GET /sdk/feature-flags)', () => {
  it('evaluates with user and organization contexts, legacy and typed', async () => {
    const client = runtimeClient();
    await client.waitUntilReady({ timeoutMs: 5_000 });
    expect(client.isEnabled('default-on')).toBe(true);
    expect(client.isEnabled('acme-on')).toBe(false);
    expect(client.isEnabled('acme-on', { organizationId: ACME })).toBe(true);
    expect(client.isEnabled('acme-on', { organization: { id: ACME } })).toBe(true);
    expect(client.isEnabled('ada-on', { userId: ADA })).toBe(true);
    expect(client.isEnabled('ada-on', { user: { id: ADA } })).toBe(true);
    expect(client.isEnabled('ada-on', { userId: BOB })).toBe(false);
    expect(client.isEnabled('disabled', { userId: ADA, organizationId: ACME })).toBe(false);
    expect(client.isEnabled('no-such-flag', {}, true)).toBe(true);
    client.close();
  });

  it('getAllFlags agrees with the user list when given the user and their active organization', async () => {
    const client = runtimeClient();
    await client.waitUntilReady({ timeoutMs: 5_000 });
    const all = client.getAllFlags({ userId: ADA, organizationId: ACME });
    expect(Object.keys(all).sort()).toEqual([...SLUGS_NEWEST_FIRST].sort());
    const onForAda = Object.keys(all).filter((slug) => all[slug]);
    const listed = slugs(await workos.featureFlags.listUserFeatureFlags({ userId: ADA }));
    expect(onForAda.sort()).toEqual([...listed].sort());
  });

  it('serves each flag with its targets in the FlagPollEntry shape', async () => {
    const client = runtimeClient();
    await client.waitUntilReady({ timeoutMs: 5_000 });
    expect(client.getFlag('disabled')).toEqual({
      slug: 'disabled',
      enabled: false,
      default_value: true,
      targets: { users: [{ id: ADA, enabled: true }], organizations: [{ id: ACME, enabled: true }] },
    });
    expect(client.getFlag('analytics')).toEqual({
      slug: 'analytics',
      enabled: false,
      default_value: false,
      targets: { users: [], organizations: [] },
    });
    expect(client.getStats().flagCount).toBe(SLUGS_NEWEST_FIRST.length);
  });

  it('a new poll sees writes made through the API', async () => {
    await workos.featureFlags.addFlagTarget({ slug: 'globex-on', targetId: ADA });
    await workos.featureFlags.disableFeatureFlag('acme-on');
    const client = runtimeClient();
    await client.waitUntilReady({ timeoutMs: 5_000 });
    expect(client.isEnabled('globex-on', { userId: ADA })).toBe(true);
    expect(client.isEnabled('acme-on', { organizationId: ACME })).toBe(false);
  });

  it('SDK 11 ignores explicit-off targets (documented divergence from the REST lists)', async () => {
    await server.close();
    const seed: SeedEnvironment = {
      ...SEED,
      feature_flags: [{ slug: 'off-for-ada', enabled: true, default_value: true, targets: [{ id: ADA, enabled: false }] }],
    };
    server = await startServer({ port: 0, logLevel: 'silent', seed, apiKeys: [KEY] });
    workos = new WorkOS(KEY, { apiHostname: '127.0.0.1', port: server.port, https: false, maxRetries: 0 });
    const client = runtimeClient();
    await client.waitUntilReady({ timeoutMs: 5_000 });
    expect(client.getFlag('off-for-ada')!.targets.users).toEqual([{ id: ADA, enabled: false }]);
    expect(client.isEnabled('off-for-ada', { userId: ADA })).toBe(true);
    expect(slugs(await workos.featureFlags.listUserFeatureFlags({ userId: ADA }))).toEqual([]);
  });
});
