import {
  ConflictException,
  CreateRuleWithTargetsError,
  NotFoundException,
  UnprocessableEntityException,
  WorkOS,
  type FeatureFlagsRuntimeClient,
} from 'workos-node-12';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SeedEnvironment } from '../../src/seed/schema.js';
import { startServer, type RunningFlagstand } from '../../src/server.js';
import { pinnedId } from '../helpers/ids.js';

// workos-node 12.3.0's rules API over a real port: every method, createRuleWithTargets, the typed
// exceptions, the classic methods beside it, and the runtime client seeing the rules it made.

const KEY = 'sk_test_rules12';
const ACME = pinnedId('organization', 1);
const GLOBEX = pinnedId('organization', 2);
const ADA = pinnedId('user', 1);
const BOB = pinnedId('user', 2);
const SEED: SeedEnvironment = {
  organizations: [
    { id: ACME, name: 'Acme' },
    { id: GLOBEX, name: 'Globex' },
  ],
  users: [
    { id: ADA, email: 'ada@example.com' },
    { id: BOB, email: 'bob@example.com' },
  ],
  organization_memberships: [{ user_id: ADA, organization_id: ACME }],
  feature_flags: [
    { slug: 'beta', enabled: true, created_at: '2026-01-01T00:00:00.000Z' },
    { slug: 'seeded', enabled: true, created_at: '2026-01-01T00:00:01.000Z', rules: [{ target_type: 'workspace', value: true, targets: ['ws_1'] }] },
  ],
};

let server: RunningFlagstand;
let workos: WorkOS;
const clients: FeatureFlagsRuntimeClient[] = [];

beforeEach(async () => {
  server = await startServer({ port: 0, logLevel: 'silent', seed: SEED, apiKeys: [KEY] });
  workos = new WorkOS(KEY, { apiHostname: '127.0.0.1', port: server.port, https: false, maxRetries: 0 });
});
afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  await server.close();
});

async function readyClient(): Promise<FeatureFlagsRuntimeClient> {
  const client = workos.featureFlags.createRuntimeClient({ requestTimeoutMs: 5_000 });
  client.on('error', () => {});
  clients.push(client);
  await client.waitUntilReady({ timeoutMs: 3_000 });
  return client;
}

describe('workos-node 12.3.0 rules methods', () => {
  it('createFlagRule, getFlagRule, listFlagRules (evaluation order), deleteFlagRule', async () => {
    const exclude = await workos.featureFlags.createFlagRule({ flagSlug: 'beta', targetType: 'organization', value: false });
    expect(exclude).toMatchObject({ object: 'flag_rule', flagSlug: 'beta', targetType: 'organization', valueType: 'boolean', value: false });
    expect(exclude.id).toMatch(/^flag_rule_/);
    expect(exclude.environmentId).toMatch(/^environment_/);
    expect(exclude.createdAt).toBeInstanceOf(Date);
    const include = await workos.featureFlags.createFlagRule({ flagSlug: 'beta', targetType: 'user', value: true });
    expect(include.position).toBeGreaterThan(exclude.position);
    expect(await workos.featureFlags.getFlagRule(include.id)).toEqual(include);
    const list = await workos.featureFlags.listFlagRules({ flagSlug: 'beta' });
    expect(list.data.map((r) => r.id)).toEqual([exclude.id, include.id]);
    const paged = await workos.featureFlags.listFlagRules({ flagSlug: 'beta', limit: 1 });
    expect(paged.data.map((r) => r.id)).toEqual([exclude.id]);
    expect(paged.listMetadata.after).toBe(exclude.id);
    await workos.featureFlags.deleteFlagRule(exclude.id);
    await expect(workos.featureFlags.getFlagRule(exclude.id)).rejects.toBeInstanceOf(NotFoundException);
  });

  it('createFlagTarget, getFlagTarget, listFlagTargets (filters, desc by default), deleteFlagTarget', async () => {
    const rule = await workos.featureFlags.createFlagRule({ flagSlug: 'beta', targetType: 'user', value: true });
    const ada = await workos.featureFlags.createFlagTarget({ ruleId: rule.id, targetId: ADA });
    expect(ada).toMatchObject({ object: 'flag_target', ruleId: rule.id, flagSlug: 'beta', targetType: 'user', targetId: ADA });
    const bob = await workos.featureFlags.createFlagTarget({ ruleId: rule.id, targetId: BOB });
    expect(await workos.featureFlags.getFlagTarget(ada.id)).toEqual(ada);
    expect((await workos.featureFlags.listFlagTargets({ ruleId: rule.id })).data.map((t) => t.id)).toEqual([bob.id, ada.id]);
    expect((await workos.featureFlags.listFlagTargets({ flagSlug: 'beta', targetId: ADA })).data.map((t) => t.id)).toEqual([ada.id]);
    expect((await workos.featureFlags.listFlagTargets({ order: 'asc', targetType: 'user' })).data.map((t) => t.id)).toEqual([ada.id, bob.id]);
    const all = await (await workos.featureFlags.listFlagTargets({})).autoPagination();
    expect(all.map((t) => t.targetId).sort()).toEqual([ADA, BOB, 'ws_1'].sort());
    await workos.featureFlags.deleteFlagTarget(ada.id);
    await expect(workos.featureFlags.getFlagTarget(ada.id)).rejects.toBeInstanceOf(NotFoundException);
  });

  it('typed exceptions: 409 ConflictException with the code, 422 UnprocessableEntityException, 404 NotFoundException', async () => {
    await workos.featureFlags.createFlagRule({ flagSlug: 'beta', targetType: 'user', value: true });
    const dup = await workos.featureFlags.createFlagRule({ flagSlug: 'beta', targetType: 'user', value: true }).catch((e: unknown) => e);
    expect(dup).toBeInstanceOf(ConflictException);
    expect((dup as ConflictException).message).toContain('Rule already exists');
    await expect(workos.featureFlags.createFlagRule({ flagSlug: 'beta', targetType: 'Not A Type', value: true })).rejects.toBeInstanceOf(
      UnprocessableEntityException,
    );
    await expect(workos.featureFlags.createFlagRule({ flagSlug: 'nope', targetType: 'user', value: true })).rejects.toBeInstanceOf(NotFoundException);
    const rule = await workos.featureFlags.createFlagRule({ flagSlug: 'beta', targetType: 'organization', value: true });
    await expect(workos.featureFlags.createFlagTarget({ ruleId: rule.id, targetId: ADA })).rejects.toBeInstanceOf(UnprocessableEntityException);
  });

  it('createRuleWithTargets: the rule, then its members in order; a failing member raises CreateRuleWithTargetsError', async () => {
    const { rule, targets } = await workos.featureFlags.createRuleWithTargets({ flagSlug: 'beta', targetType: 'organization', value: true, targetIds: [ACME, GLOBEX] });
    expect(targets.map((t) => [t.targetId, t.ruleId])).toEqual([
      [ACME, rule.id],
      [GLOBEX, rule.id],
    ]);
    const failed = await workos.featureFlags
      .createRuleWithTargets({ flagSlug: 'beta', targetType: 'organization', value: false, targetIds: [GLOBEX] })
      .catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(CreateRuleWithTargetsError);
    expect((failed as CreateRuleWithTargetsError).failedTargetId).toBe(GLOBEX);
    expect((failed as CreateRuleWithTargetsError).cause).toBeInstanceOf(ConflictException);
    // Not atomic: the rule stays.
    expect((await workos.featureFlags.listFlagRules({ flagSlug: 'beta' })).data).toHaveLength(2);
  });

  it('classic addFlagTarget/removeFlagTarget and the rules API see each other', async () => {
    await workos.featureFlags.addFlagTarget({ slug: 'beta', targetId: ADA });
    const [rule] = (await workos.featureFlags.listFlagRules({ flagSlug: 'beta' })).data;
    expect(rule).toMatchObject({ targetType: 'user', value: true });
    expect((await workos.featureFlags.listFlagTargets({ ruleId: rule.id })).data.map((t) => t.targetId)).toEqual([ADA]);
    await workos.featureFlags.createFlagTarget({ ruleId: rule.id, targetId: BOB });
    expect((await workos.featureFlags.listUserFeatureFlags({ userId: BOB })).data.map((f) => f.slug)).toEqual(['beta']);
    await workos.featureFlags.removeFlagTarget({ slug: 'beta', targetId: BOB });
    expect((await workos.featureFlags.listUserFeatureFlags({ userId: BOB })).data).toEqual([]);
  });
});

describe('workos-node 12.3.0 runtime client over rules made through the API', () => {
  it('exclusion before inclusion, reordering, custom types; legacy and typed contexts', async () => {
    await workos.featureFlags.createRuleWithTargets({ flagSlug: 'beta', targetType: 'organization', value: false, targetIds: [ACME] });
    await workos.featureFlags.createRuleWithTargets({ flagSlug: 'beta', targetType: 'user', value: true, targetIds: [ADA, BOB] });
    const client = await readyClient();
    expect(client.isEnabled('beta', { userId: ADA, organizationId: ACME })).toBe(false);
    expect(client.isEnabled('beta', { user: { id: ADA }, organization: { id: ACME } })).toBe(false);
    expect(client.isEnabled('beta', { userId: BOB })).toBe(true);
    expect(client.isEnabled('beta', { user: { id: BOB }, organization: { id: GLOBEX } })).toBe(true);
    expect(client.isEnabled('seeded', { workspace: { id: 'ws_1' } })).toBe(true);
    expect(client.isEnabled('seeded', { workspace: { id: 'ws_2' } })).toBe(false);
    expect(client.isEnabled('missing', {}, true)).toBe(true);
    expect(client.getAllFlags({ userId: ADA, organizationId: ACME })).toEqual({ beta: false, seeded: false });
    // The REST list agrees: Ada's only organization is excluded.
    expect((await workos.featureFlags.listUserFeatureFlags({ userId: ADA })).data.map((f) => f.slug)).toEqual([]);
  });
});
