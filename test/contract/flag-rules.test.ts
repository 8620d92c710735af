import { afterEach, describe, expect, it } from 'vitest';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { FlagPollV2 } from '../../src/modules/sdk/schemas.js';
import { FlagRule, FlagTarget } from '../../src/modules/feature-flags/rule-schemas.js';
import type { SeedDocument } from '../../src/seed/schema.js';
import { startServer, type RunningFlagstand } from '../../src/server.js';
import { buildTestApp, type TestApp } from '../helpers/build-app.js';
import { pinnedId } from '../helpers/ids.js';

// The rules API (/flag_rules, /flag_targets) as workos-node 12.3.0 calls it, the v2 poll, and the
// classic routes as aliases over the same rules. Shapes from the SDK's FlagRuleResponse and
// FlagTargetResponse; statuses and error codes from its rule-management spec (flags-v2 fact 8).

const ORG = pinnedId('organization', 1);
const ORG2 = pinnedId('organization', 2);
const USER = pinnedId('user', 1);
const USER2 = pinnedId('user', 2);
const SEED: SeedDocument = {
  organizations: [
    { id: ORG, name: 'Acme' },
    { id: ORG2, name: 'Globex' },
  ],
  users: [
    { id: USER, email: 'ada@example.com' },
    { id: USER2, email: 'bob@example.com' },
  ],
  organization_memberships: [{ user_id: USER, organization_id: ORG }],
  feature_flags: [
    { slug: 'beta', enabled: true, created_at: '2026-01-01T00:00:00.000Z' },
    { slug: 'gamma', enabled: true, default_value: true, created_at: '2026-01-01T00:00:01.000Z' },
  ],
};

let t: TestApp | undefined;
afterEach(async () => {
  await t?.app.close();
  t = undefined;
});

async function start(seed: SeedDocument = SEED) {
  t = await buildTestApp({ seed });
  return t;
}

async function call(method: 'GET' | 'POST' | 'DELETE' | 'PUT', url: string, body?: unknown) {
  const res = await t!.app.inject({ method, url, headers: t!.headers, ...(body !== undefined && { payload: body as object }) });
  return { status: res.statusCode, body: res.body ? (JSON.parse(res.body) as any) : undefined, raw: res.body };
}

// The wire shapes, closed (no field beyond the SDK's), with formats checked.
const ajv = new Ajv({ strict: false });
addFormats.default(ajv);
const close = (schema: object) => ({ ...schema, additionalProperties: false });
const checks = {
  rule: ajv.compile(close(FlagRule)),
  target: ajv.compile(close(FlagTarget)),
  v2: ajv.compile(FlagPollV2),
};
const Value = {
  Check: (schema: unknown, value: unknown) =>
    (schema === FlagRule ? checks.rule : schema === FlagTarget ? checks.target : checks.v2)(value) as boolean,
};

const ULID = '[0-7][0-9A-HJKMNP-TV-Z]{25}';
const createRule = (flag_slug: string, target_type: string, value: boolean) => call('POST', '/flag_rules', { flag_slug, target_type, value });
const createTarget = (rule_id: string, target_id: string) => call('POST', '/flag_targets', { rule_id, target_id });
const orgSlugs = async (id = ORG) => (await call('GET', `/organizations/${id}/feature-flags`)).body.data.map((f: { slug: string }) => f.slug);
const userSlugs = async (id = USER) => (await call('GET', `/user_management/users/${id}/feature-flags`)).body.data.map((f: { slug: string }) => f.slug);

describe('POST /flag_rules', () => {
  it('appends a rule: 201, the FlagRule shape, positions in creation order', async () => {
    await start();
    const first = await createRule('beta', 'organization', false);
    expect(first.status).toBe(201);
    expect(Value.Check(FlagRule, first.body)).toBe(true);
    expect(Object.keys(first.body)).toEqual(['object', 'id', 'flag_id', 'flag_slug', 'environment_id', 'target_type', 'position', 'value_type', 'value', 'created_at', 'updated_at']);
    expect(first.body).toMatchObject({ object: 'flag_rule', flag_slug: 'beta', target_type: 'organization', value_type: 'boolean', value: false });
    expect(first.body.id).toMatch(new RegExp(`^flag_rule_${ULID}$`));
    expect(first.body.flag_id).toMatch(new RegExp(`^flag_${ULID}$`));
    expect(first.body.environment_id).toMatch(new RegExp(`^environment_${ULID}$`));
    expect(first.body.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    const second = await createRule('beta', 'workspace', true);
    expect(second.status).toBe(201);
    expect(second.body.position).toBeGreaterThan(first.body.position);
    expect(first.body.position).toBeGreaterThanOrEqual(0);
  });

  it('409 flag_rule_already_exists_exception for a duplicate (type, value); the other value is a new rule', async () => {
    await start();
    await createRule('beta', 'user', true);
    const dup = await createRule('beta', 'user', true);
    expect(dup.status).toBe(409);
    expect(dup.body).toEqual({ message: 'Rule already exists', code: 'flag_rule_already_exists_exception' });
    expect((await createRule('beta', 'user', false)).status).toBe(201);
    expect((await createRule('gamma', 'user', true)).status).toBe(201);
  });

  it.each([
    ['flag_slug missing', { target_type: 'user', value: true }, 'flag_slug'],
    ['target_type missing', { flag_slug: 'beta', value: true }, 'target_type'],
    ['value missing', { flag_slug: 'beta', target_type: 'user' }, 'value'],
    ['value a string', { flag_slug: 'beta', target_type: 'user', value: 'true' }, 'value'],
    ['target_type upper-case', { flag_slug: 'beta', target_type: 'User', value: true }, 'target_type'],
    ['target_type starting with a digit', { flag_slug: 'beta', target_type: '1team', value: true }, 'target_type'],
    ['target_type too long', { flag_slug: 'beta', target_type: 'a'.repeat(65), value: true }, 'target_type'],
  ])('%s → 422 naming the field', async (_name, body, field) => {
    await start();
    const res = await call('POST', '/flag_rules', body);
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('invalid_request_parameters');
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
  });

  it('404 for an unknown flag; 400 for malformed JSON; 401 without a key', async () => {
    await start();
    expect((await createRule('nope', 'user', true)).status).toBe(404);
    const bad = await t!.app.inject({ method: 'POST', url: '/flag_rules', headers: { ...t!.headers, 'content-type': 'application/json' }, payload: '{' });
    expect(bad.statusCode).toBe(400);
    expect((await t!.app.inject({ method: 'POST', url: '/flag_rules', payload: { flag_slug: 'beta', target_type: 'user', value: true } })).statusCode).toBe(401);
  });
});

describe('GET /flag_rules', () => {
  it('lists a flag’s rules in position order, keyset-paged', async () => {
    await start();
    const ids = [];
    for (const [type, value] of [['organization', false], ['user', true], ['workspace', true], ['user', false]] as const) {
      ids.push((await createRule('beta', type, value)).body.id);
    }
    await createRule('gamma', 'user', true);
    const all = await call('GET', '/flag_rules?flag_slug=beta');
    expect(all.status).toBe(200);
    expect(all.body.object).toBe('list');
    expect(all.body.data.map((r: { id: string }) => r.id)).toEqual(ids);
    expect(all.body.list_metadata).toEqual({ before: null, after: null });
    const page1 = await call('GET', '/flag_rules?flag_slug=beta&limit=3');
    expect(page1.body.data.map((r: { id: string }) => r.id)).toEqual(ids.slice(0, 3));
    expect(page1.body.list_metadata.after).toBe(ids[2]);
    const page2 = await call('GET', `/flag_rules?flag_slug=beta&limit=3&after=${ids[2]}`);
    expect(page2.body.data.map((r: { id: string }) => r.id)).toEqual(ids.slice(3));
    expect(page2.body.list_metadata).toEqual({ before: ids[3], after: null });
    const back = await call('GET', `/flag_rules?flag_slug=beta&limit=2&before=${ids[3]}`);
    expect(back.body.data.map((r: { id: string }) => r.id)).toEqual(ids.slice(1, 3));
  });

  it.each([
    ['/flag_rules', 400, 'flag_slug'],
    ['/flag_rules?flag_slug=beta&limit=0', 400, 'limit'],
    ['/flag_rules?flag_slug=beta&limit=101', 400, 'limit'],
    ['/flag_rules?flag_slug=beta&after=flag_rule_01HX0000000000000000000001', 400, 'after'],
  ])('%s → %i naming %s', async (url, status, field) => {
    await start();
    const res = await call('GET', url);
    expect(res.status).toBe(status);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
  });

  it('404 for an unknown flag', async () => {
    await start();
    expect((await call('GET', '/flag_rules?flag_slug=nope')).status).toBe(404);
  });
});

describe('GET and DELETE /flag_rules/{id}', () => {
  it('gets a rule; delete is 204 and takes its memberships; then 404 on both', async () => {
    await start();
    const rule = (await createRule('beta', 'organization', true)).body;
    const member = (await createTarget(rule.id, ORG)).body;
    expect((await call('GET', `/flag_rules/${rule.id}`)).body).toEqual(rule);
    expect(await orgSlugs()).toEqual(['gamma', 'beta']);
    const del = await call('DELETE', `/flag_rules/${rule.id}`);
    expect(del.status).toBe(204);
    expect(del.raw).toBe('');
    expect((await call('GET', `/flag_rules/${rule.id}`)).status).toBe(404);
    expect((await call('DELETE', `/flag_rules/${rule.id}`)).status).toBe(404);
    expect((await call('GET', `/flag_targets/${member.id}`)).status).toBe(404);
    expect(await orgSlugs()).toEqual(['gamma']);
  });
});

describe('POST /flag_targets', () => {
  it('adds a membership: 201, the FlagTarget shape; the rule supplies type and value', async () => {
    await start();
    const rule = (await createRule('beta', 'user', true)).body;
    const res = await createTarget(rule.id, USER);
    expect(res.status).toBe(201);
    expect(Value.Check(FlagTarget, res.body)).toBe(true);
    expect(Object.keys(res.body)).toEqual(['object', 'id', 'rule_id', 'flag_id', 'flag_slug', 'environment_id', 'target_type', 'target_id', 'created_at', 'updated_at']);
    expect(res.body).toMatchObject({ object: 'flag_target', rule_id: rule.id, flag_id: rule.flag_id, flag_slug: 'beta', target_type: 'user', target_id: USER });
    expect(res.body.id).toMatch(new RegExp(`^flag_target_${ULID}$`));
    expect(await userSlugs()).toEqual(['gamma', 'beta']);
  });

  it('409 for a target already in the rule, or in another rule of the flag', async () => {
    await start();
    const on = (await createRule('beta', 'user', true)).body;
    const off = (await createRule('beta', 'user', false)).body;
    await createTarget(on.id, USER);
    const same = await createTarget(on.id, USER);
    expect(same.status).toBe(409);
    const other = await createTarget(off.id, USER);
    expect(other.status).toBe(409);
    expect(other.body.message).toBe('Target belongs to another rule');
    // Another flag's rule is another flag: fine.
    const gamma = (await createRule('gamma', 'user', false)).body;
    expect((await createTarget(gamma.id, USER)).status).toBe(201);
  });

  it.each([
    ['a user id in an organization rule', 'organization', USER, 422],
    ['an organization id in a user rule', 'user', ORG, 422],
    ['a malformed user id', 'user', 'user_', 422],
    ['an unknown user', 'user', pinnedId('user', 99), 404],
    ['an unknown organization', 'organization', pinnedId('organization', 99), 404],
    ['a custom id with a space', 'workspace', 'ws 1', 422],
    ['a custom id of 256 characters', 'workspace', 'w'.repeat(256), 422],
    ['the custom id ..', 'workspace', '..', 422],
  ])('%s → %i', async (_name, type, id, status) => {
    await start();
    const rule = (await createRule('beta', type, true)).body;
    const res = await createTarget(rule.id, id);
    expect(res.status).toBe(status);
    if (status === 422) expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual(['target_id']);
  });

  it('custom ids are stored and matched exactly, never resolved', async () => {
    await start();
    const rule = (await createRule('beta', 'workspace', true)).body;
    for (const id of ['ws_1', 'WS_1', 'team:eu.1', 'a-b']) expect((await createTarget(rule.id, id)).status).toBe(201);
    const list = await call('GET', `/flag_targets?rule_id=${rule.id}&order=asc`);
    expect(list.body.data.map((m: { target_id: string }) => m.target_id)).toEqual(['ws_1', 'WS_1', 'team:eu.1', 'a-b']);
    // Custom rules never match in the REST lists.
    expect(await orgSlugs()).toEqual(['gamma']);
  });

  it.each([
    ['rule_id missing', { target_id: USER }, 'rule_id'],
    ['target_id missing', { rule_id: 'flag_rule_x' }, 'target_id'],
    ['target_id a number', { rule_id: 'flag_rule_x', target_id: 5 }, 'target_id'],
  ])('%s → 422 naming the field', async (_name, body, field) => {
    await start();
    const res = await call('POST', '/flag_targets', body);
    expect(res.status).toBe(422);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
  });

  it('404 for an unknown rule', async () => {
    await start();
    expect((await createTarget('flag_rule_01HX0000000000000000000001', USER)).status).toBe(404);
  });
});

describe('GET /flag_targets', () => {
  it('filters combine; default order desc by creation; order=asc; keyset pages', async () => {
    await start();
    const betaUsers = (await createRule('beta', 'user', true)).body;
    const betaOrgs = (await createRule('beta', 'organization', false)).body;
    const gammaUsers = (await createRule('gamma', 'user', true)).body;
    const m1 = (await createTarget(betaUsers.id, USER)).body;
    const m2 = (await createTarget(betaUsers.id, USER2)).body;
    const m3 = (await createTarget(betaOrgs.id, ORG)).body;
    const m4 = (await createTarget(gammaUsers.id, USER)).body;
    const ids = async (q: string) => (await call('GET', `/flag_targets${q}`)).body.data.map((m: { id: string }) => m.id);
    expect(await ids('')).toEqual([m4.id, m3.id, m2.id, m1.id]);
    expect(await ids('?order=asc')).toEqual([m1.id, m2.id, m3.id, m4.id]);
    expect(await ids('?flag_slug=beta')).toEqual([m3.id, m2.id, m1.id]);
    expect(await ids(`?rule_id=${betaUsers.id}`)).toEqual([m2.id, m1.id]);
    expect(await ids('?target_type=user')).toEqual([m4.id, m2.id, m1.id]);
    expect(await ids(`?target_id=${USER}`)).toEqual([m4.id, m1.id]);
    expect(await ids(`?flag_slug=beta&target_id=${USER}&target_type=user`)).toEqual([m1.id]);
    expect(await ids(`?flag_slug=gamma&target_type=organization`)).toEqual([]);
    const page = await call('GET', '/flag_targets?limit=3');
    expect(page.body.list_metadata.after).toBe(m2.id);
    expect(await ids(`?limit=3&after=${m2.id}`)).toEqual([m1.id]);
    expect((await call('GET', '/flag_targets?limit=0')).status).toBe(400);
    expect((await call('GET', '/flag_targets?flag_slug=nope')).status).toBe(404);
  });

  it('GET and DELETE /flag_targets/{id} by membership id (not the target’s id)', async () => {
    await start();
    const rule = (await createRule('beta', 'organization', true)).body;
    const m = (await createTarget(rule.id, ORG)).body;
    expect((await call('GET', `/flag_targets/${m.id}`)).body).toEqual(m);
    expect((await call('GET', `/flag_targets/${ORG}`)).status).toBe(404);
    expect((await call('DELETE', `/flag_targets/${m.id}`)).status).toBe(204);
    expect((await call('GET', `/flag_targets/${m.id}`)).status).toBe(404);
    expect((await call('DELETE', `/flag_targets/${m.id}`)).status).toBe(404);
    // The rule stays.
    expect((await call('GET', `/flag_rules/${rule.id}`)).status).toBe(200);
  });
});

describe('classic routes are aliases over the rules', () => {
  it('a classic add joins the (type, true) rule, appending it when missing; the rules API sees it', async () => {
    await start();
    expect((await call('POST', `/feature-flags/beta/targets/${ORG}`)).status).toBe(204);
    const rules = (await call('GET', '/flag_rules?flag_slug=beta')).body.data;
    expect(rules.map((r: { target_type: string; value: boolean }) => [r.target_type, r.value])).toEqual([['organization', true]]);
    const members = (await call('GET', '/flag_targets?flag_slug=beta')).body.data;
    expect(members.map((m: { target_id: string; rule_id: string }) => [m.target_id, m.rule_id])).toEqual([[ORG, rules[0].id]]);
    // A second organization joins the same rule.
    await call('POST', `/feature-flags/beta/targets/${ORG2}`);
    expect((await call('GET', '/flag_rules?flag_slug=beta')).body.data).toHaveLength(1);
    expect((await call('GET', `/flag_targets?rule_id=${rules[0].id}`)).body.data).toHaveLength(2);
    // Re-adding is a no-op.
    await call('POST', `/feature-flags/beta/targets/${ORG}`);
    expect((await call('GET', `/flag_targets?rule_id=${rules[0].id}`)).body.data).toHaveLength(2);
    // Classic remove deletes the membership, keeps the rule.
    await call('DELETE', `/feature-flags/beta/targets/${ORG}`);
    expect((await call('GET', `/flag_targets?rule_id=${rules[0].id}`)).body.data.map((m: { target_id: string }) => m.target_id)).toEqual([ORG2]);
    expect((await call('GET', '/flag_rules?flag_slug=beta')).body.data).toHaveLength(1);
    // Once the rules API deleted it, a classic add makes a new one rather than joining the old.
    expect((await call('DELETE', `/flag_rules/${rules[0].id}`)).status).toBe(204);
    expect((await call('POST', `/feature-flags/beta/targets/${ORG}`)).status).toBe(204);
    const [again] = (await call('GET', '/flag_rules?flag_slug=beta')).body.data;
    expect(again.id).not.toBe(rules[0].id);
    expect((await call('GET', '/flag_targets?flag_slug=beta')).body.data.map((m: { rule_id: string }) => m.rule_id)).toEqual([again.id]);
  });

  it('a classic add joins a (type, true) rule the rules API made, and the rules API sees classic targets in lists and v1', async () => {
    await start();
    const rule = (await createRule('beta', 'user', true)).body;
    await call('POST', `/feature-flags/beta/targets/${USER}`);
    expect((await call('GET', `/flag_targets?rule_id=${rule.id}`)).body.data.map((m: { target_id: string }) => m.target_id)).toEqual([USER]);
    await createTarget(rule.id, USER2);
    expect((await call('GET', '/sdk/feature-flags')).body.beta.targets.users).toEqual([
      { id: USER, enabled: true },
      { id: USER2, enabled: true },
    ]);
    expect(await userSlugs(USER2)).toEqual(['gamma', 'beta']);
  });

  it('an explicit off (admin PUT {enabled:false}) is a membership of the (type, false) rule; a classic add moves it to true', async () => {
    await start();
    expect((await call('PUT', `/_flagstand/feature-flags/gamma/targets/${ORG}`, { enabled: false })).status).toBe(204);
    const off = (await call('GET', '/flag_rules?flag_slug=gamma')).body.data;
    expect(off.map((r: { target_type: string; value: boolean }) => [r.target_type, r.value])).toEqual([['organization', false]]);
    expect(await orgSlugs()).toEqual([]);
    const member = (await call('GET', `/flag_targets?target_id=${ORG}`)).body.data[0];
    await call('POST', `/feature-flags/gamma/targets/${ORG}`);
    const after = (await call('GET', `/flag_targets?target_id=${ORG}`)).body.data;
    expect(after).toHaveLength(1);
    expect(after[0].id).toBe(member.id);
    expect(after[0].rule_id).not.toBe(member.rule_id);
    expect(await orgSlugs()).toEqual(['gamma']);
  });

  it('the REST lists follow rule order: an organization exclusion before a user inclusion wins', async () => {
    await start();
    const exclude = (await createRule('beta', 'organization', false)).body;
    const include = (await createRule('beta', 'user', true)).body;
    await createTarget(exclude.id, ORG);
    await createTarget(include.id, USER);
    expect(await userSlugs()).toEqual(['gamma']);
    // USER2 has no organization: the user rule decides.
    await createTarget(include.id, USER2);
    expect(await userSlugs(USER2)).toEqual(['gamma', 'beta']);
    // Reordered (admin), the inclusion comes first and wins.
    const res = await call('PUT', '/_flagstand/feature-flags/beta/rules/order', { rule_ids: [include.id, exclude.id] });
    expect(res.status).toBe(200);
    expect(res.body.data.map((r: { id: string; position: number }) => [r.id, r.position])).toEqual([
      [include.id, 0],
      [exclude.id, 1],
    ]);
    expect(await userSlugs()).toEqual(['gamma', 'beta']);
    expect((await call('GET', '/flag_rules?flag_slug=beta')).body.data.map((r: { id: string }) => r.id)).toEqual([include.id, exclude.id]);
  });

  it('reorder must list every rule of the flag once (422); unknown flag 404', async () => {
    await start();
    const a = (await createRule('beta', 'user', true)).body;
    const b = (await createRule('beta', 'user', false)).body;
    for (const rule_ids of [[a.id], [a.id, a.id], [a.id, b.id, 'flag_rule_x']]) {
      const res = await call('PUT', '/_flagstand/feature-flags/beta/rules/order', { rule_ids });
      expect(res.status).toBe(422);
      expect(res.body.errors[0].field).toBe('rule_ids');
    }
    expect((await call('PUT', '/_flagstand/feature-flags/nope/rules/order', { rule_ids: [] })).status).toBe(404);
  });

  it('deleting a flag, a user or an organization removes their rules and memberships', async () => {
    await start();
    const users = (await createRule('beta', 'user', true)).body;
    const orgs = (await createRule('beta', 'organization', true)).body;
    const custom = (await createRule('gamma', 'workspace', true)).body;
    const mu = (await createTarget(users.id, USER2)).body;
    const mo = (await createTarget(orgs.id, ORG2)).body;
    // A custom target that happens to share the user's id is not the user: it stays.
    const mc = (await createTarget(custom.id, USER2)).body;
    expect((await call('DELETE', `/user_management/users/${USER2}`)).status).toBe(200);
    expect((await call('GET', `/flag_targets/${mu.id}`)).status).toBe(404);
    expect((await call('GET', `/flag_targets/${mc.id}`)).status).toBe(200);
    expect((await call('DELETE', `/organizations/${ORG2}`)).status).toBe(202);
    expect((await call('GET', `/flag_targets/${mo.id}`)).status).toBe(404);
    expect((await call('DELETE', '/_flagstand/feature-flags/beta')).status).toBe(204);
    expect((await call('GET', `/flag_rules/${users.id}`)).status).toBe(404);
    expect((await call('GET', `/flag_rules/${orgs.id}`)).status).toBe(404);
  });
});

describe('GET /sdk/feature-flags', () => {
  it('payload_version=2: every flag with its rules in order, as workos-node 12 parses it', async () => {
    await start({ ...SEED, feature_flags: [...SEED.feature_flags!, { slug: 'off', enabled: false, default_value: true }] });
    const exclude = (await createRule('beta', 'organization', false)).body;
    const include = (await createRule('beta', 'user', true)).body;
    const empty = (await createRule('beta', 'workspace', true)).body;
    await createTarget(exclude.id, ORG);
    await createTarget(include.id, USER);
    await createTarget(include.id, USER2);
    const res = await call('GET', '/sdk/feature-flags?payload_version=2');
    expect(res.status).toBe(200);
    expect(Value.Check(FlagPollV2, res.body)).toBe(true);
    expect(res.body).toEqual({
      version: 2,
      flags: {
        beta: {
          slug: 'beta',
          enabled: true,
          default_value: false,
          off_value: false,
          rules: [
            { id: exclude.id, kind: 'conditions', value: false, conditions: [{ target_type: 'organization', operator: 'one_of', values: [ORG] }] },
            { id: include.id, kind: 'conditions', value: true, conditions: [{ target_type: 'user', operator: 'one_of', values: [USER, USER2] }] },
            { id: empty.id, kind: 'conditions', value: true, conditions: [{ target_type: 'workspace', operator: 'one_of', values: [] }] },
          ],
        },
        gamma: { slug: 'gamma', enabled: true, default_value: true, off_value: false, rules: [] },
        off: { slug: 'off', enabled: false, default_value: true, off_value: false, rules: [] },
      },
    });
  });

  it('without the parameter or with 1: the v1 map, user and organization members with their rule’s value, no custom types', async () => {
    await start();
    const off = (await createRule('gamma', 'organization', false)).body;
    const custom = (await createRule('gamma', 'workspace', true)).body;
    await createTarget(off.id, ORG);
    await createTarget(custom.id, 'ws_1');
    const v1 = await call('GET', '/sdk/feature-flags');
    expect(v1.body).toEqual({
      beta: { slug: 'beta', enabled: true, default_value: false, targets: { users: [], organizations: [] } },
      gamma: { slug: 'gamma', enabled: true, default_value: true, targets: { users: [], organizations: [{ id: ORG, enabled: false }] } },
    });
    expect((await call('GET', '/sdk/feature-flags?payload_version=1')).raw).toBe(v1.raw);
  });

  it.each(['3', '0', 'two', '', '2.0'])('payload_version=%s → 400 naming payload_version', async (v) => {
    await start();
    const res = await call('GET', `/sdk/feature-flags?payload_version=${v}`);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('invalid_request_parameters');
    expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual(['payload_version']);
  });
});

describe('kept answers never go stale after a rules write (over a real port)', () => {
  let server: RunningFlagstand | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('the lists and both polls change with each rules and targets write', async () => {
    server = await startServer({ port: 0, logLevel: 'silent', seed: { ...SEED, api_keys: ['sk_test_cache'] } as never });
    const http = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(server!.url + path, {
        method,
        headers: { authorization: 'Bearer sk_test_cache', ...(body !== undefined && { 'content-type': 'application/json' }) },
        ...(body !== undefined && { body: JSON.stringify(body) }),
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : undefined, text };
    };
    const reads = async () => Promise.all(['/organizations/' + ORG + '/feature-flags', `/user_management/users/${USER}/feature-flags`, '/sdk/feature-flags', '/sdk/feature-flags?payload_version=2'].map(async (p) => {
      await http('GET', p); // the second GET of each is the kept answer, if any
      return (await http('GET', p)).text;
    }));
    const before = await reads();
    const rule = (await http('POST', '/flag_rules', { flag_slug: 'beta', target_type: 'organization', value: true })).body;
    const afterRule = await reads();
    expect(afterRule[3]).not.toBe(before[3]);
    const member = (await http('POST', '/flag_targets', { rule_id: rule.id, target_id: ORG })).body;
    const afterMember = await reads();
    for (const i of [0, 1, 2, 3]) expect(afterMember[i]).not.toBe(afterRule[i]);
    expect(JSON.parse(afterMember[0]).data.map((f: { slug: string }) => f.slug)).toEqual(['gamma', 'beta']);
    await http('DELETE', `/flag_targets/${member.id}`);
    const afterDelete = await reads();
    expect(JSON.parse(afterDelete[0]).data.map((f: { slug: string }) => f.slug)).toEqual(['gamma']);
    expect(afterDelete[2]).toBe(before[2]);
    await http('POST', `/flag_targets`, { rule_id: rule.id, target_id: ORG });
    await http('DELETE', `/flag_rules/${rule.id}`);
    const afterRuleDelete = await reads();
    expect(JSON.parse(afterRuleDelete[0]).data.map((f: { slug: string }) => f.slug)).toEqual(['gamma']);
    expect(afterRuleDelete[3]).toBe(before[3]);
  });
});
