import { WorkOS, type FeatureFlagsRuntimeClient } from 'workos-node-12';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SeedEnvironment } from '../../src/seed/schema.js';
import { startServer, type RunningFlagstand } from '../../src/server.js';
import { pinnedId } from '../helpers/ids.js';

// workos-node 12.3.0 over a real port: its runtime client polls `payload_version=2` and must
// become ready, and for every user and organization of a generated seed (classic targets on and
// explicitly off, seeded rules in a chosen order, exclusions, custom types, memberships of every
// status) its answers, given the organization in the context, must equal the REST lists.

const KEY = 'sk_test_sdk12';

function lcg(seed: number) {
  let state = seed;
  return () => ((state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
}

const random = lcg(2026);
const USERS = Array.from({ length: 14 }, (_, i) => pinnedId('user', i + 1));
const ORGS = Array.from({ length: 6 }, (_, i) => pinnedId('organization', i + 1));
const STATUSES = ['active', 'active', 'active', 'inactive', 'pending'] as const;
const MEMBERSHIPS = USERS.flatMap((user) =>
  ORGS.filter(() => random() < 0.3).map((org) => ({ user_id: user, organization_id: org, status: STATUSES[Math.floor(random() * STATUSES.length)] })),
);
const pick = <T,>(list: T[], p: number) => list.filter(() => random() < p);

const FLAGS: NonNullable<SeedEnvironment['feature_flags']> = Array.from({ length: 24 }, (_, i) => {
  const base = { slug: `flag-${i}`, enabled: random() < 0.8, default_value: random() < 0.5, created_at: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString() };
  if (i % 2 === 0) {
    // Classic targets, some explicitly off.
    return { ...base, targets: pick([...USERS, ...ORGS], 0.25).map((id) => (random() < 0.35 ? { id, enabled: false } : id)) };
  }
  // Rules in a random order: organization exclusions may come before user inclusions, and a
  // custom type that the REST lists never match.
  const kinds = [
    { target_type: 'user', value: true },
    { target_type: 'organization', value: false },
    { target_type: 'organization', value: true },
    { target_type: 'user', value: false },
    { target_type: 'workspace', value: true },
  ].sort(() => random() - 0.5);
  const used = new Set<string>();
  const rules = kinds.map((k) => {
    const pool = k.target_type === 'user' ? USERS : k.target_type === 'organization' ? ORGS : [...USERS, 'ws_1', 'ws_2'];
    const targets = pick(pool, 0.25).filter((id) => !used.has(`${k.target_type} ${id}`));
    for (const id of targets) used.add(`${k.target_type} ${id}`);
    return { ...k, targets };
  });
  return { ...base, rules };
});

const SEED: SeedEnvironment = {
  users: USERS.map((id, i) => ({ id, email: `u${i}@example.com` })),
  organizations: ORGS.map((id, i) => ({ id, name: `Org ${i}` })),
  organization_memberships: MEMBERSHIPS,
  feature_flags: FLAGS,
};

let server: RunningFlagstand;
let workos: WorkOS;
let client: FeatureFlagsRuntimeClient;

beforeAll(async () => {
  server = await startServer({ port: 0, logLevel: 'silent', seed: SEED, apiKeys: [KEY] });
  workos = new WorkOS(KEY, { apiHostname: '127.0.0.1', port: server.port, https: false, maxRetries: 0 });
  client = workos.featureFlags.createRuntimeClient({ requestTimeoutMs: 5_000 });
  client.on('error', () => {});
});
afterAll(async () => {
  client?.close();
  await server.close();
});

const onSlugs = (flags: Record<string, boolean>) =>
  Object.entries(flags)
    .filter(([, on]) => on)
    .map(([slug]) => slug)
    .sort();

async function restSlugs(list: Promise<{ autoPagination(): Promise<{ slug: string }[]> }>): Promise<string[]> {
  return (await (await list).autoPagination()).map((f) => f.slug).sort();
}

describe('workos-node 12.3.0 runtime client', () => {
  it('becomes ready within 3 s and holds every flag', async () => {
    await client.waitUntilReady({ timeoutMs: 3_000 });
    expect(Object.keys(client.getAllFlags({})).sort()).toEqual(FLAGS.map((f) => f.slug).sort());
    expect(client.getStats().flagCount).toBe(FLAGS.length);
  });

  it('agrees with the REST list of every organization', async () => {
    await client.waitUntilReady({ timeoutMs: 3_000 });
    for (const organizationId of ORGS) {
      const rest = await restSlugs(workos.featureFlags.listOrganizationFeatureFlags({ organizationId, limit: 100 }));
      expect(onSlugs(client.getAllFlags({ organizationId })), organizationId).toEqual(rest);
    }
  });

  it('agrees with the REST list of every user (on in any of its active organizations, or alone without one)', async () => {
    await client.waitUntilReady({ timeoutMs: 3_000 });
    for (const userId of USERS) {
      const orgs = MEMBERSHIPS.filter((m) => m.user_id === userId && m.status === 'active').map((m) => m.organization_id);
      const contexts = orgs.length ? orgs.map((organizationId) => ({ userId, organizationId })) : [{ userId }];
      const runtime = new Set(contexts.flatMap((c) => onSlugs(client.getAllFlags(c))));
      const rest = await restSlugs(workos.featureFlags.listUserFeatureFlags({ userId, limit: 100 }));
      expect([...runtime].sort(), userId).toEqual(rest);
    }
  });

  it('the typed context matches like the legacy one, and custom types match only their own rules', async () => {
    await client.waitUntilReady({ timeoutMs: 3_000 });
    for (const userId of USERS.slice(0, 4)) {
      for (const organizationId of ORGS.slice(0, 3)) {
        expect(client.getAllFlags({ user: { id: userId }, organization: { id: organizationId } })).toEqual(client.getAllFlags({ userId, organizationId }));
      }
    }
    const custom = FLAGS.filter((f) => f.enabled && f.rules?.some((r) => r.target_type === 'workspace' && r.targets?.includes('ws_1')));
    for (const f of custom) {
      // The first rule a {workspace: ws_1} context matches is the workspace rule, which serves true.
      expect(client.isEnabled(f.slug, { workspace: { id: 'ws_1' } }), f.slug).toBe(true);
    }
    expect(custom.length).toBeGreaterThan(0);
  });
});
