import { afterEach, describe, expect, it } from 'vitest';
import { EVENT_TYPES } from '../../src/modules/events/catalogue.js';
import { expectEventList, SPEC_EVENT_TYPES } from '../helpers/events.js';
import { buildTestApp, type TestApp } from '../helpers/build-app.js';
import { expectSpec } from '../helpers/spec.js';

let t: TestApp;
afterEach(() => t?.app.close());

type Json = Record<string, any>;
const START = '2026-01-15T12:00:00.000Z';

async function call(method: string, url: string, body?: unknown, key = t.key) {
  const res = await t.app.inject({
    method: method as 'GET',
    url,
    headers: { authorization: `Bearer ${key}` },
    ...(body !== undefined && { payload: body as Json }),
  });
  return { status: res.statusCode, body: (res.body ? JSON.parse(res.body) : undefined) as Json, res };
}

const ALL = [...EVENT_TYPES].join(',');

/** Every event of the environment (or of the given types), oldest first, each checked against the spec (list and event). */
async function allEvents(key = t.key, only = ALL): Promise<Json[]> {
  const res = await t.app.inject({ method: 'GET', url: `/events?order=asc&limit=100&events=${only}`, headers: { authorization: `Bearer ${key}` } });
  return expectEventList(res).data;
}
const types = (events: Json[]) => events.map((e) => e.event);

async function setClock(now: string) {
  await call('POST', '/_flagstand/environments/current/clock', { now });
}

describe('events of organizations, domains, users, memberships and API keys', () => {
  it('records each write once, in order, with the data the spec gives its type', async () => {
    t = await buildTestApp({ clock: START });
    const org = (await call('POST', '/organizations', { name: 'Acme' })).body;
    await call('PUT', `/organizations/${org.id}`, { name: 'Acme Inc' });
    const domain = (await call('POST', '/organization_domains', { organization_id: org.id, domain: 'acme.com' })).body;
    await call('POST', `/organization_domains/${domain.id}/verify`);
    await call('DELETE', `/organization_domains/${domain.id}`);
    const user = (await call('POST', '/user_management/users', { email: 'jane@acme.com' })).body;
    await call('PUT', `/user_management/users/${user.id}`, { first_name: 'Jane' });
    const m = (await call('POST', '/user_management/organization_memberships', { user_id: user.id, organization_id: org.id })).body;
    await call('PUT', `/user_management/organization_memberships/${m.id}/deactivate`);
    await call('PUT', `/user_management/organization_memberships/${m.id}/reactivate`);
    await call('DELETE', `/user_management/organization_memberships/${m.id}`);
    const key = (await call('POST', `/organizations/${org.id}/api_keys`, { name: 'ci' })).body;
    await call('DELETE', `/api_keys/${key.id}`);
    await call('DELETE', `/user_management/users/${user.id}`);
    await call('DELETE', `/organizations/${org.id}`);

    const events = await allEvents();
    expect(types(events)).toEqual([
      'organization.created',
      'organization.updated',
      'organization_domain.created',
      'organization_domain.verified',
      'organization_domain.deleted',
      'user.created',
      'user.updated',
      'organization_membership.created',
      'organization_membership.updated',
      'organization_membership.updated',
      'organization_membership.deleted',
      'api_key.created',
      'api_key.revoked',
      'user.deleted',
      'organization.deleted',
    ]);
    // The data is the object the write answered (the API key without its secret).
    expect(events[1].data).toMatchObject({ id: org.id, name: 'Acme Inc' });
    expect(events[3].data).toMatchObject({ id: domain.id, state: 'verified' });
    expect(events[6].data).toMatchObject({ id: user.id, first_name: 'Jane' });
    expect(events[8].data).toMatchObject({ id: m.id, status: 'inactive', role: { slug: 'member' } });
    expect(events[9].data.status).toBe('active');
    expect(events[11].data).toMatchObject({ id: key.id, obfuscated_value: key.obfuscated_value });
    expect(JSON.stringify(events[11])).not.toContain(key.value);
    expect(events.every((e) => e.created_at === START && e.object === 'event')).toBe(true);
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
  });

  it('records the memberships a deletion removes before the deletion itself', async () => {
    t = await buildTestApp();
    const org = (await call('POST', '/organizations', { name: 'Acme' })).body;
    const jane = (await call('POST', '/user_management/users', { email: 'jane@acme.com' })).body;
    const joe = (await call('POST', '/user_management/users', { email: 'joe@acme.com' })).body;
    await call('POST', '/user_management/organization_memberships', { user_id: jane.id, organization_id: org.id });
    await call('POST', '/user_management/organization_memberships', { user_id: joe.id, organization_id: org.id });
    await call('DELETE', `/user_management/users/${joe.id}`);
    await call('DELETE', `/organizations/${org.id}`);
    expect(types(await allEvents()).slice(5)).toEqual([
      'organization_membership.deleted',
      'user.deleted',
      'organization_membership.deleted',
      'organization.deleted',
    ]);
  });

  it('records nothing for a write that fails or changes nothing, and nothing for the seed', async () => {
    const ORG = 'org_01HZX5QW0000000000000000A1';
    t = await buildTestApp({
      seed: {
        organizations: [{ id: ORG, name: 'Acme', domains: ['acme.com'] }],
        users: [{ id: 'user_01HZX5QW0000000000000000B1', email: 'jane@acme.com' }],
        feature_flags: [{ slug: 'beta', enabled: true, targets: [ORG] }],
      },
    });
    expect(await allEvents()).toEqual([]);
    expect((await call('POST', '/organizations', { name: 'Other', domains: ['acme.com'] })).status).toBe(409);
    expect((await call('PUT', '/organizations/org_01HZX5QW00000000000000NONE', { name: 'x' })).status).toBe(404);
    expect((await call('POST', '/user_management/users', { email: 'jane@acme.com' })).status).toBe(400);
    expect((await call('POST', '/organization_domains', { organization_id: ORG, domain: 'acme.com' })).status).toBe(409);
    expect((await call('POST', '/user_management/organization_memberships', { user_id: 'user_01HZX5QW0000000000000000B1', organization_id: ORG, role_slug: 'nope' })).status).toBe(422);
    expect((await call('DELETE', '/api_keys/api_key_01HZX5QW0000000000000000C1')).status).toBe(404);
    await call('PUT', '/user_management/users/user_01HZX5QW0000000000000000B1', {});
    expect(await allEvents()).toEqual([]);
  });

  it('keeps each environment to its own events', async () => {
    t = await buildTestApp();
    const other = (await call('POST', '/_flagstand/environments', { name: 'worker-2' })).body;
    await call('POST', '/organizations', { name: 'Mine' });
    await call('POST', '/organizations', { name: 'Theirs' }, other.api_key);
    expect((await allEvents()).map((e) => e.data.name)).toEqual(['Mine']);
    expect((await allEvents(other.api_key)).map((e) => e.data.name)).toEqual(['Theirs']);
  });
});

describe('GET /events', () => {
  async function seedEvents() {
    t = await buildTestApp({ clock: START });
    const acme = (await call('POST', '/organizations', { name: 'Acme' })).body; // 12:00
    await setClock('2026-01-15T13:00:00.000Z');
    const globex = (await call('POST', '/organizations', { name: 'Globex' })).body; // 13:00
    const user = (await call('POST', '/user_management/users', { email: 'jane@acme.com' })).body;
    await setClock('2026-01-15T14:00:00.000Z');
    await call('POST', '/user_management/organization_memberships', { user_id: user.id, organization_id: acme.id }); // 14:00
    await call('PUT', `/organizations/${globex.id}`, { name: 'Globex 2' });
    return { acme, globex, user };
  }
  const list = async (query: string, status = 200) => {
    const res = await t.app.inject({ method: 'GET', url: `/events?${query}`, headers: { authorization: `Bearer ${t.key}` } });
    return expectSpec(res, 'EventsController_list', status) as Json;
  };
  const names = (body: Json) => body.data.map((e: Json) => `${e.event}:${e.data.name ?? e.data.email ?? e.data.status}`);

  it('filters by type in all three encodings, newest first by default', async () => {
    await seedEvents();
    const expected = ['organization.updated:Globex 2', 'organization.created:Globex', 'organization.created:Acme'];
    expect(names(await list('events=organization.created,organization.updated'))).toEqual(expected);
    expect(names(await list('events=organization.created&events=organization.updated'))).toEqual(expected);
    expect(names(await list('events[]=organization.created&events[]=organization.updated'))).toEqual(expected);
    expect(names(await list('events=user.created'))).toEqual(['user.created:jane@acme.com']);
    expect(names(await list('events=organization.created&order=asc'))).toEqual(['organization.created:Acme', 'organization.created:Globex']);
    expect(names(await list('events=organization.created&order=desc'))).toEqual(['organization.created:Globex', 'organization.created:Acme']);
  });

  it('filters by organization and by time range (inclusive), on the environment clock', async () => {
    const { acme } = await seedEvents();
    const types = 'events=organization.created,organization.updated,user.created,organization_membership.created';
    expect(names(await list(`${types}&organization_id=${acme.id}`))).toEqual(['organization_membership.created:active', 'organization.created:Acme']);
    expect(names(await list(`${types}&range_start=2026-01-15T13:00:00.000Z&range_end=2026-01-15T13:30:00Z`))).toEqual([
      'user.created:jane@acme.com',
      'organization.created:Globex',
    ]);
    expect(names(await list(`${types}&range_end=2026-01-15T12:59:59.999Z`))).toEqual(['organization.created:Acme']);
    expect(names(await list(`${types}&range_start=2026-01-15T14:00:00Z&order=asc`))).toEqual([
      'organization_membership.created:active',
      'organization.updated:Globex 2',
    ]);
  });

  it('pages with limit and after, list_metadata.after naming the next page', async () => {
    await seedEvents();
    const types = 'events=organization.created,organization.updated,user.created,organization_membership.created';
    const first = await list(`${types}&limit=2`);
    expect(first.data).toHaveLength(2);
    expect(first.list_metadata).toEqual({ after: first.data[1].id });
    const second = await list(`${types}&limit=2&after=${first.list_metadata.after}`);
    expect(second.data).toHaveLength(2);
    expect(second.list_metadata.after).toBe(second.data[1].id);
    const third = await list(`${types}&limit=2&after=${second.list_metadata.after}`);
    expect(third.data).toHaveLength(1);
    expect(third.list_metadata).toEqual({ after: null });
    const ids = [...first.data, ...second.data, ...third.data].map((e: Json) => e.id);
    expect(ids).toEqual([...ids].sort().reverse());
    const asc = await list(`${types}&order=asc&limit=3`);
    expect((await list(`${types}&order=asc&after=${asc.list_metadata.after}`)).data.map((e: Json) => e.id)).toEqual([...ids].sort().slice(3));
    expect((await list(`${types}`)).list_metadata).toEqual({ after: null });
  });

  it('keeps events 30 days of the environment clock', async () => {
    t = await buildTestApp({ clock: START });
    await call('POST', '/organizations', { name: 'Acme' });
    await call('POST', '/_flagstand/environments/current/clock', { advance_ms: 30 * 86_400_000 });
    expect((await list('events=organization.created')).data).toHaveLength(1);
    await call('POST', '/_flagstand/environments/current/clock', { advance_ms: 1 });
    expect((await list('events=organization.created')).data).toHaveLength(0);
  });

  it.each([
    ['', 422, 'events'],
    ['events=', 422, 'events'],
    ['events=organization.created&limit=0', 422, 'limit'],
    ['events=organization.created&limit=101', 422, 'limit'],
    ['events=organization.created&limit=ten', 422, 'limit'],
    ['events=organization.created&order=sideways', 422, 'order'],
    ['events=organization.created&range_start=yesterday', 422, 'range_start'],
    ['events=organization.created&range_end=2026-13-45', 422, 'range_end'],
    ['events=organization.created&range_start=2026-02-01&range_end=2026-01-01', 422, 'range_start'],
    ['events=organization.created&after=org_01HZX5QW0000000000000000A1', 422, 'after'],
    ['events=organization.created&after=event_x&before=event_y', 422, 'before'],
  ])('answers %s with %i naming %s', async (query, status, field) => {
    t = await buildTestApp();
    const body = await list(query, status);
    expect(body.errors.map((e: Json) => e.field)).toContain(field);
  });

  it('answers an unknown event type with 400 invalid_events_request', async () => {
    t = await buildTestApp();
    const body = await list('events=organization.created,organization.exploded', 400);
    expect(body).toMatchObject({ code: 'invalid_events_request', message: expect.stringContaining("'organization.exploded'") });
  });

  it('knows every event type of the spec', () => {
    for (const type of SPEC_EVENT_TYPES) expect(EVENT_TYPES.has(type), type).toBe(true);
  });
});

const CLASSIC_FLAG_EVENTS = 'flag.created,flag.updated,flag.deleted,flag.rule_updated';

describe('flag events', () => {
  const ORG = 'org_01HZX5QW0000000000000000A1';
  const USER = 'user_01HZX5QW0000000000000000B1';
  const SEED = { organizations: [{ id: ORG, name: 'Acme' }], users: [{ id: USER, email: 'jane@acme.com' }] };

  it('records flag.created/updated/rule_updated/deleted with the context the spec requires', async () => {
    t = await buildTestApp({ seed: SEED, clock: START });
    const env = t.flagstand.environments[0];
    const client = `client_${env.publicId.replace('environment_', '')}`;
    const flag = (await call('POST', '/_flagstand/feature-flags', { slug: 'beta', tags: ['a'] })).body;
    await call('PUT', '/feature-flags/beta/enable');
    await call('PUT', '/feature-flags/beta/enable'); // already on: no change, no event
    await call('POST', `/feature-flags/beta/targets/${ORG}`);
    await call('POST', `/feature-flags/beta/targets/${USER}`);
    await call('POST', `/feature-flags/beta/targets/${USER}`); // already a target
    await call('DELETE', `/feature-flags/beta/targets/${ORG}`);
    await call('PATCH', '/_flagstand/feature-flags/beta', { name: 'Beta', tags: ['a', 'b'], default_value: true, description: 'new' });
    await call('PATCH', '/_flagstand/feature-flags/beta', { description: 'newer' });
    expect((await call('POST', '/feature-flags/beta/targets/org_01HZX5QW00000000000000NONE')).status).toBe(404);
    expect((await call('POST', '/feature-flags/nope/targets/bad')).status).toBe(400);
    await call('DELETE', '/_flagstand/feature-flags/beta');

    const events = await allEvents(t.key, CLASSIC_FLAG_EVENTS);
    expect(types(events)).toEqual([
      'flag.created',
      'flag.updated',
      'flag.rule_updated',
      'flag.rule_updated',
      'flag.rule_updated',
      'flag.updated',
      'flag.updated',
      'flag.deleted',
    ]);
    const [created, enabled, orgAdded, userAdded, orgRemoved, renamed, described, deleted] = events;
    const api = { client_id: client, actor: { id: client, source: 'api', name: null } };
    const dashboard = { client_id: client, actor: { id: client, source: 'dashboard', name: null } };
    expect(created.data).toMatchObject({ object: 'feature_flag', id: flag.id, environment_id: env.publicId, slug: 'beta', enabled: false });
    expect(created.context).toEqual(dashboard);
    expect(enabled.context).toEqual({ ...api, previous_attributes: { data: { enabled: false } } });
    expect(enabled.data.enabled).toBe(true);
    const none = { organizations: [], users: [] };
    const acme = { organizations: [{ id: ORG, name: 'Acme' }], users: [] };
    const both = { organizations: [{ id: ORG, name: 'Acme' }], users: [{ id: USER, email: 'jane@acme.com' }] };
    const jane = { organizations: [], users: [{ id: USER, email: 'jane@acme.com' }] };
    expect(orgAdded.context).toEqual({
      ...api,
      access_type: 'some',
      configured_targets: acme,
      previous_attributes: { context: { access_type: 'none', configured_targets: none } },
    });
    expect(userAdded.context).toMatchObject({ configured_targets: both, previous_attributes: { context: { configured_targets: acme } } });
    expect(orgRemoved.context).toMatchObject({ access_type: 'some', configured_targets: jane });
    expect(renamed.context).toEqual({ ...dashboard, previous_attributes: { data: { name: 'beta', tags: ['a'], default_value: false } } });
    expect(renamed.data).toMatchObject({ name: 'Beta', tags: ['a', 'b'], default_value: true, description: 'new' });
    expect(described.context).toEqual({ ...dashboard, previous_attributes: { data: {} } });
    expect(deleted.data).toMatchObject({ id: flag.id, name: 'Beta', description: 'newer' });
    expect(deleted.context).toEqual(dashboard);
  });

  it('records feature_flags.flag.created/updated/deleted beside flag.*, as SDK 12 types them', async () => {
    t = await buildTestApp({ seed: SEED, clock: START });
    const env = t.flagstand.environments[0];
    const client = `client_${env.publicId.replace('environment_', '')}`;
    const owner = { email: 'ada@acme.com', first_name: 'Ada' };
    const flag = (await call('POST', '/_flagstand/feature-flags', { slug: 'beta', tags: ['a'], owner })).body;
    await call('PUT', '/feature-flags/beta/enable');
    await call('PUT', '/feature-flags/beta/enable'); // no change
    await call('POST', `/feature-flags/beta/targets/${ORG}`); // a target change: no feature_flags.flag.updated
    await call('PATCH', '/_flagstand/feature-flags/beta', { description: 'new', owner: null });
    await call('PATCH', '/_flagstand/feature-flags/beta', { name: 'Beta', tags: ['b'], default_value: true });
    await call('PATCH', '/_flagstand/feature-flags/beta', { name: 'Beta' }); // no change
    expect((await call('PATCH', '/_flagstand/feature-flags/nope', { name: 'x' })).status).toBe(404);
    expect((await call('PUT', '/feature-flags/nope/disable')).status).toBe(404);
    await call('PUT', '/feature-flags/beta/disable');
    await call('DELETE', '/_flagstand/feature-flags/beta');

    const all = await allEvents(t.key, `${CLASSIC_FLAG_EVENTS},feature_flags.flag.created,feature_flags.flag.updated,feature_flags.flag.deleted`);
    // Each flag.* write event is followed by its feature_flags.flag.* twin, same data.
    expect(types(all)).toEqual([
      'flag.created', 'feature_flags.flag.created',
      'flag.updated', 'feature_flags.flag.updated',
      'flag.rule_updated',
      'flag.updated', 'feature_flags.flag.updated',
      'flag.updated', 'feature_flags.flag.updated',
      'flag.updated', 'feature_flags.flag.updated',
      'flag.deleted', 'feature_flags.flag.deleted',
    ]);
    const sdk = all.filter((e) => e.event.startsWith('feature_flags.'));
    for (const e of sdk) expect(e.data).toEqual(all[all.indexOf(e) - 1].data);
    const [created, enabled, described, renamed, disabled, deleted] = sdk;
    const api = { client_id: client, actor: { id: client, source: 'api', name: null } };
    const dashboard = { client_id: client, actor: { id: client, source: 'dashboard', name: null } };
    expect(created.data).toEqual({
      object: 'feature_flag',
      id: flag.id,
      environment_id: env.publicId,
      slug: 'beta',
      name: 'beta',
      description: null,
      owner: { email: 'ada@acme.com', first_name: 'Ada', last_name: null },
      tags: ['a'],
      enabled: false,
      default_value: false,
      created_at: START,
      updated_at: START,
    });
    expect(created.context).toEqual(dashboard);
    expect(enabled.context).toEqual({ ...api, previous_attributes: { data: { enabled: false } } });
    // Unlike flag.updated (spec 0.1.0's fields), the SDK 12 event lists description and owner too.
    expect(described.context).toEqual({
      ...dashboard,
      previous_attributes: { data: { description: null, owner: { email: 'ada@acme.com', first_name: 'Ada', last_name: null } } },
    });
    expect(described.data).toMatchObject({ description: 'new', owner: null });
    expect(renamed.context).toEqual({ ...dashboard, previous_attributes: { data: { name: 'beta', tags: ['a'], default_value: false } } });
    expect(disabled.context).toEqual({ ...api, previous_attributes: { data: { enabled: true } } });
    expect(deleted.data).toMatchObject({ id: flag.id, name: 'Beta', enabled: false, description: 'new' });
    expect(deleted.context).toEqual(dashboard);
  });

  it('records the last target removed as access_type none', async () => {
    t = await buildTestApp({ seed: { ...SEED, feature_flags: [{ slug: 'beta', targets: [ORG] }] } });
    await call('PUT', `/_flagstand/feature-flags/beta/targets/${ORG}`, { enabled: false }); // explicitly off: no longer configured
    const [event] = await allEvents(t.key, CLASSIC_FLAG_EVENTS);
    expect(event.context).toMatchObject({
      access_type: 'none',
      configured_targets: { organizations: [], users: [] },
      previous_attributes: { context: { access_type: 'some', configured_targets: { organizations: [{ id: ORG, name: 'Acme' }], users: [] } } },
    });
  });
});

describe('SDK 12 rules-API events', () => {
  it('records feature_flags.flag_rule.* and feature_flags.flag_target.* with the FlagRule / FlagTarget answered', async () => {
    const ORG = 'org_01HZX5QW0000000000000000A1';
    t = await buildTestApp({ seed: { organizations: [{ id: ORG, name: 'Acme' }], feature_flags: [{ slug: 'beta' }] } });
    const rule = await call('POST', '/flag_rules', { flag_slug: 'beta', target_type: 'organization', value: true });
    expect(rule.status).toBe(201);
    const target = await call('POST', '/flag_targets', { rule_id: rule.body.id, target_id: ORG });
    expect(target.status).toBe(201);
    expect((await call('POST', '/flag_targets', { rule_id: 'flag_rule_nope', target_id: ORG })).status).toBeGreaterThanOrEqual(400);
    await call('DELETE', `/flag_targets/${target.body.id}`);
    await call('DELETE', `/flag_rules/${rule.body.id}`);
    const types = 'feature_flags.flag_rule.created,feature_flags.flag_rule.deleted,feature_flags.flag_target.created,feature_flags.flag_target.deleted';
    const events = await allEvents(t.key, types);
    expect(events.map((e) => e.event)).toEqual([
      'feature_flags.flag_rule.created',
      'feature_flags.flag_target.created',
      'feature_flags.flag_target.deleted',
      'feature_flags.flag_rule.deleted',
    ]);
    expect(events[0].data).toEqual(rule.body);
    expect(events[1].data).toEqual(target.body);
    expect(events[2].data).toEqual(target.body);
    expect(events[3].data).toMatchObject({ id: rule.body.id, object: 'flag_rule' });
    for (const e of events) expect(e.context).toEqual(expect.objectContaining({ client_id: expect.stringMatching(/^client_/), actor: expect.objectContaining({ source: 'api' }) }));
  });
});

describe('rule changes: reorders, the rules API, cascades and the classic aliases', () => {
  const ORG = 'org_01HZX5QW0000000000000000A1';
  const USER = 'user_01HZX5QW0000000000000000B1';
  const USER2 = 'user_01HZX5QW0000000000000000B2';
  const SEED = {
    organizations: [{ id: ORG, name: 'Acme' }],
    users: [
      { id: USER, email: 'jane@acme.com' },
      { id: USER2, email: 'joe@acme.com' },
    ],
  };
  const RULE_EVENTS = [
    'feature_flags.flag_rule.created',
    'feature_flags.flag_rule.updated',
    'feature_flags.flag_rule.deleted',
    'feature_flags.flag_target.created',
    'feature_flags.flag_target.deleted',
    'flag.rule_updated',
  ].join(',');
  const none = { organizations: [], users: [] };
  const acme = { organizations: [{ id: ORG, name: 'Acme' }], users: [] };
  const jane = { organizations: [], users: [{ id: USER, email: 'jane@acme.com' }] };
  const actor = (source: string) => {
    const client = `client_${t.flagstand.environments[0].publicId.replace('environment_', '')}`;
    return { client_id: client, actor: { id: client, source, name: null } };
  };
  const since = async (after: Json[]) => (await allEvents(t.key, RULE_EVENTS)).slice(after.length);
  const rule = async (flag_slug: string, target_type: string, value: boolean) => (await call('POST', '/flag_rules', { flag_slug, target_type, value })).body;
  const target = async (rule_id: string, target_id: string) => (await call('POST', '/flag_targets', { rule_id, target_id })).body;

  it('a reorder records feature_flags.flag_rule.updated for each rule that moved, data as GET /flag_rules/{id} answers after', async () => {
    t = await buildTestApp({ seed: { ...SEED, feature_flags: [{ slug: 'beta' }] } });
    const a = await rule('beta', 'user', true);
    const b = await rule('beta', 'organization', true);
    const c = await rule('beta', 'workspace', true);
    await setClock('2026-02-01T00:00:00.000Z');
    const before = await allEvents(t.key, RULE_EVENTS);
    expect((await call('PUT', '/_flagstand/feature-flags/beta/rules/order', { rule_ids: [a.id, c.id] })).status).toBe(422);
    expect((await call('PUT', '/_flagstand/feature-flags/beta/rules/order', { rule_ids: [a.id, b.id, c.id] })).status).toBe(200); // same order
    expect(await since(before)).toEqual([]);
    expect((await call('PUT', '/_flagstand/feature-flags/beta/rules/order', { rule_ids: [a.id, c.id, b.id] })).status).toBe(200);
    const events = await since(before);
    expect(types(events)).toEqual(['feature_flags.flag_rule.updated', 'feature_flags.flag_rule.updated']);
    expect(events[0].data).toEqual((await call('GET', `/flag_rules/${c.id}`)).body);
    expect(events[1].data).toEqual((await call('GET', `/flag_rules/${b.id}`)).body);
    expect(events.map((e) => [e.data.id, e.data.position, e.data.updated_at])).toEqual([
      [c.id, 1, '2026-02-01T00:00:00.000Z'],
      [b.id, 2, '2026-02-01T00:00:00.000Z'],
    ]);
    // The rule that kept its place is untouched; a position is no value: previous_attributes.data is empty.
    expect((await call('GET', `/flag_rules/${a.id}`)).body).toEqual(a);
    for (const e of events) expect(e.context).toEqual({ ...actor('dashboard'), previous_attributes: { data: {} } });
  });

  it('rules-API writes that change the configured targets record flag.rule_updated too', async () => {
    t = await buildTestApp({ seed: { ...SEED, feature_flags: [{ slug: 'beta' }] } });
    const orgs = await rule('beta', 'organization', true);
    const off = await rule('beta', 'user', false);
    const custom = await rule('beta', 'workspace', true);
    await target(off.id, USER); // explicit off: not a configured target
    await target(custom.id, 'ws_1'); // custom: never a configured target
    expect(types(await allEvents(t.key, RULE_EVENTS))).toEqual([
      'feature_flags.flag_rule.created',
      'feature_flags.flag_rule.created',
      'feature_flags.flag_rule.created',
      'feature_flags.flag_target.created',
      'feature_flags.flag_target.created',
    ]);
    let before = await allEvents(t.key, RULE_EVENTS);
    const member = await target(orgs.id, ORG);
    expect((await call('POST', '/flag_targets', { rule_id: orgs.id, target_id: ORG })).status).toBe(409);
    expect((await call('POST', '/flag_targets', { rule_id: orgs.id, target_id: 'org_01HZX5QW00000000000000NONE' })).status).toBe(404);
    let events = await since(before);
    expect(types(events)).toEqual(['feature_flags.flag_target.created', 'flag.rule_updated']);
    expect(events[0].data).toEqual(member);
    const flag = (await call('GET', '/feature-flags/beta')).body;
    expect(events[1].data).toEqual({ ...flag, environment_id: t.flagstand.environments[0].publicId });
    expect(events[1].context).toEqual({
      ...actor('api'),
      access_type: 'some',
      configured_targets: acme,
      previous_attributes: { context: { access_type: 'none', configured_targets: none } },
    });

    before = await allEvents(t.key, RULE_EVENTS);
    await call('DELETE', `/flag_targets/${member.id}`);
    events = await since(before);
    expect(types(events)).toEqual(['feature_flags.flag_target.deleted', 'flag.rule_updated']);
    expect(events[1].context).toMatchObject({ access_type: 'none', configured_targets: none, previous_attributes: { context: { configured_targets: acme } } });

    // Deleting a rule: each of its memberships, then the rule, then what it did to the targets.
    const again = await target(orgs.id, ORG);
    before = await allEvents(t.key, RULE_EVENTS);
    await call('DELETE', `/flag_rules/${orgs.id}`);
    expect((await call('DELETE', `/flag_rules/${orgs.id}`)).status).toBe(404);
    events = await since(before);
    expect(types(events)).toEqual(['feature_flags.flag_target.deleted', 'feature_flags.flag_rule.deleted', 'flag.rule_updated']);
    expect(events[0].data).toEqual(again);
    expect(events[1].data).toMatchObject({ id: orgs.id, target_type: 'organization', value: true });
    expect(events[2].context).toMatchObject({ configured_targets: none, previous_attributes: { context: { configured_targets: acme } } });

    // A rule of targets that were never configured: no flag.rule_updated.
    before = await allEvents(t.key, RULE_EVENTS);
    await call('DELETE', `/flag_rules/${off.id}`);
    expect(types(await since(before))).toEqual(['feature_flags.flag_target.deleted', 'feature_flags.flag_rule.deleted']);
  });

  it('deleting a user or an organization records each membership it removes and what that did to each flag', async () => {
    t = await buildTestApp({
      seed: {
        ...SEED,
        feature_flags: [
          { slug: 'beta', targets: [ORG, USER, { id: USER2, enabled: false }] },
          { slug: 'gamma', targets: [USER] },
        ],
      },
    });
    const memberships = (await call('GET', `/flag_targets?target_id=${USER}&order=asc`)).body.data as Json[];
    expect(memberships).toHaveLength(2);
    const all = `${RULE_EVENTS},user.deleted,organization.deleted`;
    await call('DELETE', `/user_management/users/${USER}`);
    let events = await allEvents(t.key, all);
    // Flag by flag: the membership removed, then what that did to the flag's configured targets.
    expect(types(events)).toEqual([
      'feature_flags.flag_target.deleted',
      'flag.rule_updated',
      'feature_flags.flag_target.deleted',
      'flag.rule_updated',
      'user.deleted',
    ]);
    const removed = [events[0].data, events[2].data];
    expect(removed.sort((a, b) => a.id.localeCompare(b.id))).toEqual([...memberships].sort((a, b) => a.id.localeCompare(b.id)));
    expect([events[1].data.id, events[3].data.id]).toEqual([events[0].data.flag_id, events[2].data.flag_id]);
    for (const e of events.slice(0, 4)) expect(e.context).toMatchObject(actor('api'));
    const bySlug = Object.fromEntries([events[1], events[3]].map((e) => [e.data.slug, e.context]));
    expect(bySlug.beta).toMatchObject({
      access_type: 'some',
      configured_targets: acme,
      previous_attributes: { context: { configured_targets: { organizations: [{ id: ORG, name: 'Acme' }], users: [{ id: USER, email: 'jane@acme.com' }] } } },
    });
    expect(bySlug.gamma).toMatchObject({ access_type: 'none', configured_targets: none, previous_attributes: { context: { configured_targets: jane } } });

    // An explicit-off target was never configured: its membership goes, no flag.rule_updated.
    await call('DELETE', `/user_management/users/${USER2}`);
    events = (await allEvents(t.key, all)).slice(5);
    expect(types(events)).toEqual(['feature_flags.flag_target.deleted', 'user.deleted']);
    expect(events[0].data).toMatchObject({ target_id: USER2, flag_slug: 'beta' });

    await call('DELETE', `/organizations/${ORG}`);
    events = (await allEvents(t.key, all)).slice(7);
    expect(types(events)).toEqual(['feature_flags.flag_target.deleted', 'flag.rule_updated', 'organization.deleted']);
    expect(events[1].context).toMatchObject({ access_type: 'none', configured_targets: none, previous_attributes: { context: { configured_targets: acme } } });
  });

  it('the classic target routes record the rule and membership changes they make as aliases', async () => {
    t = await buildTestApp({ seed: { ...SEED, feature_flags: [{ slug: 'beta' }] } });
    await call('POST', `/feature-flags/beta/targets/${ORG}`);
    let events = await allEvents(t.key, RULE_EVENTS);
    expect(types(events)).toEqual(['feature_flags.flag_rule.created', 'feature_flags.flag_target.created', 'flag.rule_updated']);
    const [orgRule] = (await call('GET', '/flag_rules?flag_slug=beta')).body.data;
    expect(events[0].data).toEqual(orgRule);
    expect(events[0].data).toMatchObject({ target_type: 'organization', value: true, position: 0 });
    expect(events[1].data).toMatchObject({ rule_id: orgRule.id, target_type: 'organization', target_id: ORG });
    for (const e of events) expect(e.context).toMatchObject(actor('api'));

    // A user rule goes before the organization rules: the organization rule moves down.
    let seen = events.length;
    await call('POST', `/feature-flags/beta/targets/${USER}`);
    events = (await allEvents(t.key, RULE_EVENTS)).slice(seen);
    expect(types(events)).toEqual(['feature_flags.flag_rule.updated', 'feature_flags.flag_rule.created', 'feature_flags.flag_target.created', 'flag.rule_updated']);
    expect(events[0].data).toMatchObject({ id: orgRule.id, position: 1 });
    expect(events[1].data).toMatchObject({ target_type: 'user', value: true, position: 0 });
    const userTarget = events[2].data;
    expect(userTarget).toEqual((await call('GET', `/flag_targets/${userTarget.id}`)).body);

    // Explicitly off (admin): the membership leaves the true rule for a new false one.
    seen += events.length;
    await call('PUT', `/_flagstand/feature-flags/beta/targets/${USER}`, { enabled: false });
    events = (await allEvents(t.key, RULE_EVENTS)).slice(seen);
    expect(types(events)).toEqual([
      'feature_flags.flag_target.deleted',
      'feature_flags.flag_rule.updated',
      'feature_flags.flag_rule.created',
      'feature_flags.flag_target.created',
      'flag.rule_updated',
    ]);
    expect(events[0].data).toEqual(userTarget);
    expect(events[1].data).toMatchObject({ id: orgRule.id, position: 2 });
    expect(events[2].data).toMatchObject({ target_type: 'user', value: false, position: 1 });
    const offRule = events[2].data;
    expect(events[3].data).toMatchObject({ target_id: USER, rule_id: offRule.id });
    expect(events[4].context).toMatchObject({ configured_targets: acme, previous_attributes: { context: { configured_targets: { ...acme, users: jane.users } } } });
    for (const e of events) expect(e.context).toMatchObject(actor('dashboard'));

    // Removing an explicit-off target: its membership only; no change at all: nothing.
    seen += events.length;
    await call('DELETE', `/feature-flags/beta/targets/${USER}`);
    await call('DELETE', `/feature-flags/beta/targets/${USER}`);
    await call('POST', `/feature-flags/beta/targets/${ORG}`);
    expect((await call('POST', `/feature-flags/beta/targets/${USER2.slice(0, -1)}X`)).status).toBe(404);
    events = (await allEvents(t.key, RULE_EVENTS)).slice(seen);
    expect(types(events)).toEqual(['feature_flags.flag_target.deleted']);
    expect(events[0].data).toMatchObject({ target_id: USER, rule_id: offRule.id });
  });

  it('the LaunchDarkly dialect records its target writes as the API', async () => {
    t = await buildTestApp({ seed: { ...SEED, launchdarkly_key: 'production', feature_flags: [{ slug: 'beta' }] } });
    const put = (setting: boolean | null) =>
      t.app.inject({
        method: 'PUT',
        url: `/api/v2/users/default/production/${USER}/flags/beta`,
        headers: { authorization: t.key, 'content-type': 'application/json' },
        payload: JSON.stringify({ setting }),
      });
    expect((await put(true)).statusCode).toBe(204);
    expect((await put(null)).statusCode).toBe(204);
    const events = await allEvents(t.key, RULE_EVENTS);
    expect(types(events)).toEqual([
      'feature_flags.flag_rule.created',
      'feature_flags.flag_target.created',
      'flag.rule_updated',
      'feature_flags.flag_target.deleted',
      'flag.rule_updated',
    ]);
    expect(events[2].context).toMatchObject({ ...actor('api'), configured_targets: jane });
    for (const e of events) expect(e.context).toMatchObject(actor('api'));
  });

  it('the expiry sweeper records its removals with a system actor', async () => {
    t = await buildTestApp({ seed: { ...SEED, feature_flags: [{ slug: 'beta' }] }, clock: START });
    await call('PUT', `/_flagstand/feature-flags/beta/targets/${USER}`, { enabled: true, expires_at: '2026-01-15T13:00:00.000Z' });
    const seen = (await allEvents(t.key, RULE_EVENTS)).length;
    await setClock('2026-01-15T14:00:00.000Z');
    const events = (await allEvents(t.key, RULE_EVENTS)).slice(seen);
    expect(types(events)).toEqual(['feature_flags.flag_target.deleted', 'flag.rule_updated']);
    for (const e of events) expect(e.context).toMatchObject(actor('system'));
  });
});
