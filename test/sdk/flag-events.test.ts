import { WorkOS } from 'workos-node-12';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SeedEnvironment } from '../../src/seed/schema.js';
import { startServer, type RunningFlagstand } from '../../src/server.js';
import { pinnedId } from '../helpers/ids.js';

// SDK 12's events.listEvents over a real port, on the feature_flags.* events flag writes record:
// its deserializer (deserializeFeatureFlagEventData, the flag and rule contexts) reads each field
// back, so a field missing or misnamed on the wire shows up here as undefined.

const KEY = 'sk_test_flag_events12';
const ACME = pinnedId('organization', 1);
const SEED: SeedEnvironment = { organizations: [{ id: ACME, name: 'Acme' }] };

let server: RunningFlagstand;
let workos: WorkOS;
beforeEach(async () => {
  server = await startServer({ port: 0, logLevel: 'silent', seed: SEED, apiKeys: [KEY] });
  workos = new WorkOS(KEY, { apiHostname: '127.0.0.1', port: server.port, https: false, maxRetries: 0 });
});
afterEach(async () => server.close());

async function admin(method: string, path: string, body?: unknown) {
  const res = await fetch(`http://127.0.0.1:${server.port}/_flagstand${path}`, {
    method,
    headers: { authorization: `Bearer ${KEY}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  return res.status === 204 ? undefined : ((await res.json()) as Record<string, any>);
}

/** The events of these types, oldest first, as SDK 12 deserializes them (it sends no `order`: newest first). */
async function listed(...events: string[]) {
  const page = await workos.events.listEvents({ events, limit: 100 } as never);
  return (page.data as any[]).reverse();
}

describe('SDK 12 events.listEvents on feature_flags.flag.*', () => {
  it('reads created, updated (previous attributes) and deleted back, field by field', async () => {
    const flag = (await admin('POST', '/feature-flags', { slug: 'beta', name: 'Beta', tags: ['a'], owner: { email: 'ada@acme.com', first_name: 'Ada' } }))!;
    await workos.featureFlags.enableFeatureFlag('beta');
    await admin('PATCH', '/feature-flags/beta', { description: 'new', owner: null, default_value: true });
    await admin('DELETE', '/feature-flags/beta');

    const [created, enabled, patched, deleted] = await listed('feature_flags.flag.created', 'feature_flags.flag.updated', 'feature_flags.flag.deleted');
    // The environment's client (its admin view names it) is the actor.
    const clientId = (await admin('GET', '/environments/current'))!.client_id;
    expect(created).toMatchObject({
      event: 'feature_flags.flag.created',
      data: {
        object: 'feature_flag',
        id: flag.id,
        environmentId: expect.stringMatching(/^environment_/),
        slug: 'beta',
        name: 'Beta',
        description: null,
        owner: { email: 'ada@acme.com', firstName: 'Ada', lastName: null },
        tags: ['a'],
        enabled: false,
        defaultValue: false,
      },
      context: { clientId: expect.stringMatching(/^client_/), actor: { id: expect.stringMatching(/^client_/), source: 'dashboard', name: null } },
    });
    expect(created.context.clientId).toBe(clientId);
    expect(created.data.createdAt).toEqual(new Date(flag.created_at));
    expect(created.data.updatedAt).toEqual(new Date(flag.updated_at));
    expect(enabled.event).toBe('feature_flags.flag.updated');
    expect(enabled.data.enabled).toBe(true);
    expect(enabled.context).toEqual({ clientId, actor: { id: clientId, source: 'api', name: null }, previousAttributes: { data: { enabled: false } } });
    expect(patched.data).toMatchObject({ description: 'new', owner: null, defaultValue: true });
    expect(patched.context.previousAttributes).toEqual({
      data: { description: null, owner: { email: 'ada@acme.com', firstName: 'Ada', lastName: null }, defaultValue: false },
    });
    expect(deleted).toMatchObject({ event: 'feature_flags.flag.deleted', data: { id: flag.id, enabled: true, description: 'new' } });
    expect(deleted.context).toEqual({ clientId, actor: { id: clientId, source: 'dashboard', name: null } });
  });

  it('reads feature_flags.flag_rule.* and feature_flags.flag_target.* back, from the rules API, the classic alias and a reorder', async () => {
    await admin('POST', '/feature-flags', { slug: 'beta' });
    const workspace = await workos.featureFlags.createFlagRule({ flagSlug: 'beta', targetType: 'workspace', value: true } as never);
    await workos.featureFlags.addFlagTarget({ slug: 'beta', targetId: ACME }); // the alias appends the (organization, true) rule
    const rules = (await workos.featureFlags.listFlagRules({ flagSlug: 'beta' } as never)).data as any[];
    const organization = rules.find((r: any) => r.targetType === 'organization')!;
    await admin('PUT', '/feature-flags/beta/rules/order', { rule_ids: [organization.id, workspace.id] });

    const events = await listed(
      'feature_flags.flag_rule.created',
      'feature_flags.flag_rule.updated',
      'feature_flags.flag_target.created',
      'feature_flags.flag_target.deleted',
    );
    expect(events.map((e) => e.event)).toEqual([
      'feature_flags.flag_rule.created',
      'feature_flags.flag_rule.created',
      'feature_flags.flag_target.created',
      'feature_flags.flag_rule.updated',
      'feature_flags.flag_rule.updated',
    ]);
    const [created, aliasRule, aliasTarget, moved, movedToo] = events;
    expect(created.data).toEqual(workspace);
    expect(created.context).toEqual({ clientId: expect.stringMatching(/^client_/), actor: { id: expect.stringMatching(/^client_/), source: 'api', name: null } });
    expect(aliasRule.data).toMatchObject({ object: 'flag_rule', id: organization.id, flagSlug: 'beta', targetType: 'organization', value: true, valueType: 'boolean', position: 1 });
    expect(aliasTarget.data).toMatchObject({ object: 'flag_target', ruleId: organization.id, flagSlug: 'beta', targetType: 'organization', targetId: ACME });
    expect(aliasTarget.data.environmentId).toMatch(/^environment_/);
    expect(aliasTarget.data.createdAt).toBeInstanceOf(Date);
    expect(aliasTarget.context.actor.source).toBe('api');
    // The reorder: each moved rule as the rules API now answers it; a move has no previous value.
    expect(moved.data).toEqual(await workos.featureFlags.getFlagRule(organization.id));
    expect(movedToo.data).toEqual(await workos.featureFlags.getFlagRule(workspace.id));
    expect([moved.data.position, movedToo.data.position]).toEqual([0, 1]);
    expect(moved.context).toMatchObject({ actor: { source: 'dashboard' }, previousAttributes: { data: {} } });
  });
});
