import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { fixedClock } from '../../src/clock.js';
import { openDatabase, type Db } from '../../src/db/open.js';
import { createSnapshots } from '../../src/db/snapshots.js';
import { createAdminService } from '../../src/modules/admin/service.js';
import { createEnvironmentClock } from '../../src/modules/clock/service.js';
import { startServer, type RunningFlagstand } from '../../src/server.js';
import { createStores } from '../../src/stores.js';
import type { FastifyInstance } from 'fastify';
import { mulberry32 } from '../../bench/seed.js';
import { pinnedId } from '../helpers/ids.js';

// No write leaves a stale answer in any route of any environment. A server with every cache
// (kept flags, subject facts, pages, poll documents, key owners, and the response cache over its
// real port) takes a seeded-random sequence of writes through its API, in two environments seeded
// alike; after each write every read of both environments must answer exactly what an app with
// nothing kept answers: a second connection to the same file, without the change feed, so it
// reads every answer from the tables. The reads include access checks (POSTs that only read) over
// a resource tree, so every write that can change a check (assignments, role permissions,
// resources moved or deleted, memberships changed, deactivated or deleted) is followed by them.

const KEYS = ['sk_test_stale_a', 'sk_test_stale_b'];
const ORGS = [1, 2, 3].map((n) => pinnedId('organization', n));
const USERS = [1, 2, 3, 4].map((n) => pinnedId('user', n));
const SLUGS = ['alpha', 'beta', 'gamma', 'delta', 'eta', 'theta', 'iota', 'kappa'];
const MEMBERSHIPS = [1, 2, 3, 4].map((n) => pinnedId('membership', n));
// In ORGS[0]: ws ─ p1 ─ app, ws ─ p2, wx; in ORGS[1]: w2.
const [WS, P1, P2, APP, W2, WX] = [11, 12, 13, 14, 15, 16].map((n) => pinnedId('resource', n));
const RESOURCES = [WS, P1, P2, APP, W2, WX];
const ORG_RESOURCE = 'authz_resource_' + ORGS[0].slice('org_'.length);
const PERMISSIONS = ['org:view', 'project:edit', 'app:deploy'];
const ROLES = ['member', 'admin', 'workspace-admin', 'project-editor'];
const clock = fixedClock('2026-01-15T12:00:00.000Z');

const environment = (name: string, key: string) => ({
  name,
  api_keys: [key],
  organizations: ORGS.map((id, i) => ({ id, name: `Org ${i}` })),
  users: USERS.map((id, i) => ({ id, email: `user${i}@example.com` })),
  organization_memberships: [
    { id: MEMBERSHIPS[0], user_id: USERS[0], organization_id: ORGS[0] },
    { id: MEMBERSHIPS[1], user_id: USERS[1], organization_id: ORGS[0] },
    { id: MEMBERSHIPS[2], user_id: USERS[1], organization_id: ORGS[1] },
    { id: MEMBERSHIPS[3], user_id: USERS[2], organization_id: ORGS[2], status: 'pending' as const },
  ],
  resource_types: [{ slug: 'workspace' }, { slug: 'project', parent: 'workspace' }, { slug: 'app', parent: 'project' }],
  permissions: PERMISSIONS.map((slug) => ({ slug })),
  roles: [
    { slug: 'member', permissions: ['org:view'] },
    { slug: 'workspace-admin', resource_type_slug: 'workspace', permissions: ['project:edit', 'app:deploy'] },
    { slug: 'project-editor', resource_type_slug: 'project', permissions: ['project:edit'] },
    { slug: 'org-deployer', organization_id: ORGS[0], resource_type_slug: 'project', permissions: ['app:deploy'] },
  ],
  resources: [
    { id: WS, organization_id: ORGS[0], resource_type_slug: 'workspace', external_id: 'ws' },
    { id: P1, organization_id: ORGS[0], resource_type_slug: 'project', external_id: 'p1', parent_resource_id: WS },
    { id: P2, organization_id: ORGS[0], resource_type_slug: 'project', external_id: 'p2', parent_resource_id: WS },
    { id: APP, organization_id: ORGS[0], resource_type_slug: 'app', external_id: 'app', parent_resource_id: P1 },
    { id: W2, organization_id: ORGS[1], resource_type_slug: 'workspace', external_id: 'w2' },
    { id: WX, organization_id: ORGS[0], resource_type_slug: 'workspace', external_id: 'wx' },
  ],
  role_assignments: [
    { organization_membership_id: MEMBERSHIPS[0], role_slug: 'workspace-admin', resource_id: WS },
    { id: pinnedId('roleAssignment', 21), organization_membership_id: MEMBERSHIPS[1], role_slug: 'project-editor', resource_id: P2 },
    { organization_membership_id: MEMBERSHIPS[1], role_slug: 'org-deployer', resource_id: P1 },
    { organization_membership_id: MEMBERSHIPS[2], role_slug: 'workspace-admin', resource_id: W2 },
  ],
  feature_flags: [
    { slug: 'alpha', enabled: true, default_value: false, targets: [ORGS[0]] },
    { slug: 'beta', enabled: true, default_value: true, targets: [{ id: USERS[1], enabled: false }] },
    { slug: 'gamma', enabled: false, default_value: true, targets: [USERS[0]] },
    { slug: 'delta', enabled: true, default_value: false },
    // More flags than a short page shows, so pages walk only part of the list (kept pages depend on
    // the flags of the stretch they walked).
    { slug: 'eta', enabled: true, default_value: true },
    { slug: 'theta', enabled: false, default_value: false, targets: [USERS[1], ORGS[1]] },
    { slug: 'iota', enabled: true, default_value: true, targets: [{ id: ORGS[0], enabled: false }] },
    { slug: 'kappa', enabled: true, default_value: false, targets: [USERS[0]] },
  ],
});

let dir: string;
let server: RunningFlagstand;
let oracleDb: Db;
let oracle: FastifyInstance;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'flagstand-stale-'));
  const file = join(dir, 'db.sqlite');
  server = await startServer({ port: 0, db: file, clock, logLevel: 'silent', seed: { environments: [environment('a', KEYS[0]), environment('b', KEYS[1])] } });
  oracleDb = openDatabase(file);
  const stores = createStores(oracleDb);
  oracle = await buildApp({ db: oracleDb, stores, admin: createAdminService(oracleDb, stores, createSnapshots(oracleDb), clock), clock: createEnvironmentClock(oracleDb, clock), logLevel: 'silent' });
  // Pages past a cursor, from the middle of the list both ways (the ids are alike in both environments only by slug, so per key).
  for (const key of KEYS) {
    const ids = (await oracle.inject({ method: 'GET', url: '/feature-flags?order=asc&limit=100', headers: { authorization: `Bearer ${key}` } })).json().data.map((f: { id: string }) => f.id);
    for (const url of [
      `/feature-flags?order=asc&limit=2&after=${ids[2]}`,
      `/user_management/users/${USERS[0]}/feature-flags?limit=2&before=${ids[2]}`,
      `/user_management/users/${USERS[1]}/feature-flags?order=asc&limit=2&after=${ids[3]}`,
      `/organizations/${ORGS[0]}/feature-flags?limit=2&after=${ids[6]}`,
    ]) {
      cursorReads.push({ key, method: 'GET', url, body: undefined });
    }
  }
});

afterAll(async () => {
  await oracle?.close();
  oracleDb?.close();
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

const reads = [
  '/feature-flags',
  '/feature-flags?order=asc&limit=2',
  // epsilon and zeta are created and deleted by the writes below: the same slug, another flag.
  ...[...SLUGS, 'epsilon', 'zeta'].map((slug) => `/feature-flags/${slug}`),
  ...ORGS.map((id) => `/organizations/${id}/feature-flags`),
  ...USERS.map((id) => `/user_management/users/${id}/feature-flags`),
  `/user_management/users/${USERS[1]}/feature-flags?limit=1`,
  ...USERS.slice(0, 2).flatMap((id) => [`/user_management/users/${id}/feature-flags?limit=2`, `/user_management/users/${id}/feature-flags?order=asc&limit=2`]),
  `/organizations/${ORGS[0]}/feature-flags?limit=2`,
  `/organizations/${ORGS[1]}/feature-flags?order=asc&limit=3`,
  '/feature-flags?limit=3',
  // Pages ending one row short of the list's end: a write to that last row alone changes whether they have a next page.
  ...[3, 4, 5].flatMap((n) => [USERS[0], USERS[1]].map((id) => `/user_management/users/${id}/feature-flags?order=asc&limit=${n}`)),
  ...[3, 4, 5].flatMap((n) => [`/user_management/users/${USERS[0]}/feature-flags?limit=${n}`, `/organizations/${ORGS[0]}/feature-flags?order=asc&limit=${n}`]),
  '/sdk/feature-flags',
  '/organizations',
  '/user_management/users',
  `/user_management/organization_memberships?user_id=${USERS[1]}`,
  '/_flagstand/environments/current',
  `/authorization/organization_memberships/${MEMBERSHIPS[1]}/resources?permission_slug=project:edit&parent_resource_id=${WS}`,
  `/authorization/resources/${P1}/organization_memberships?permission_slug=app:deploy`,
  `/authorization/resources/${APP}`,
].map((url) => ({ method: 'GET', url, body: undefined as unknown }));

// Access checks: each membership on each resource (by id, the organization's included, and by
// external id, one of which a write creates) for each permission.
const checkPath = (m: string) => `/authorization/organization_memberships/${m}/check`;
const checks = MEMBERSHIPS.slice(0, 3).flatMap((m) =>
  PERMISSIONS.flatMap((permission_slug) => [
    ...[...RESOURCES, ORG_RESOURCE].map((resource_id) => ({ permission_slug, resource_id })),
    ...['app', 'p3'].map((external_id) => ({ permission_slug, resource_external_id: external_id, resource_type_slug: external_id === 'app' ? 'app' : 'project' })),
  ]).map((body) => ({ method: 'POST', url: checkPath(m), body: body as unknown })),
);
reads.push(...checks);

async function viaServer(key: string, method: string, url: string, body?: unknown) {
  const res = await fetch(server.url + url, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: await res.text() };
}

const cursorReads: { key: string; method: string; url: string; body: unknown }[] = [];

/** Every read of both environments answers as the app with nothing kept does. */
async function expectFresh(after: string): Promise<void> {
  const pairs = [...KEYS.flatMap((key) => reads.map((read) => ({ key, ...read }))), ...cursorReads];
  // All reads at once: the answers must not depend on order, and the run stays short.
  const kept = await Promise.all(pairs.map(({ key, method, url, body }) => viaServer(key, method, url, body)));
  for (const [i, { key, method, url, body }] of pairs.entries()) {
    const truth = await oracle.inject({ method: method as 'GET', url, headers: { authorization: `Bearer ${key}` }, ...(body !== undefined && { payload: body as object }) });
    const read = `${method} ${url}${body === undefined ? '' : ' ' + JSON.stringify(body)}`;
    expect({ after, key, read, status: kept[i].status, body: kept[i].body }).toEqual({ after, key, read, status: truth.statusCode, body: truth.body });
  }
}

describe('no stale answers', () => {
  it('after every write of a random sequence, in both environments, every route answers as with nothing kept', async () => {
    const random = mulberry32(14);
    const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)];
    const membershipIds = async (key: string) =>
      (JSON.parse((await viaServer(key, 'GET', `/user_management/organization_memberships?user_id=${pick(USERS)}`)).body).data as { id: string }[]).map((m) => m.id);
    let snapshot: string | undefined;
    // Each write names its request; some do nothing (a no-op or a 4xx), which must not matter either.
    const writes: (() => Promise<[string, string, unknown?]>)[] = [
      async () => ['PUT', `/feature-flags/${pick(SLUGS)}/${pick(['enable', 'disable'])}`],
      async () => ['POST', `/feature-flags/${pick(SLUGS)}/targets/${pick([...USERS, ...ORGS])}`],
      async () => ['DELETE', `/feature-flags/${pick(SLUGS)}/targets/${pick([...USERS, ...ORGS])}`],
      async () => ['PUT', `/_flagstand/feature-flags/${pick(SLUGS)}/targets/${pick([...USERS, ...ORGS])}`, { enabled: random() < 0.5 }],
      async () => ['PATCH', `/_flagstand/feature-flags/${pick(SLUGS)}`, { default_value: random() < 0.5, name: `renamed ${Math.floor(random() * 100)}` }],
      async () => ['POST', '/_flagstand/feature-flags', { slug: pick(['epsilon', 'zeta']), enabled: true, default_value: random() < 0.5 }],
      async () => ['DELETE', `/_flagstand/feature-flags/${pick(['epsilon', 'zeta', 'delta'])}`],
      // The rules model: a rule added, a membership of it, a rule deleted (with its memberships).
      async () => ['POST', '/flag_rules', { flag_slug: pick(SLUGS), target_type: pick(['user', 'organization']), value: random() < 0.5 }],
      async () => {
        const rules = JSON.parse((await viaServer(KEYS[0], 'GET', `/flag_rules?flag_slug=${pick(SLUGS)}&limit=100`)).body).data as { id: string; target_type: string }[];
        const rule = rules.length ? pick(rules) : undefined;
        if (!rule) return ['GET', '/feature-flags'];
        return random() < 0.5
          ? ['POST', '/flag_targets', { rule_id: rule.id, target_id: pick(rule.target_type === 'user' ? USERS : ORGS) }]
          : ['DELETE', `/flag_rules/${rule.id}`];
      },
      // Rules in the opposite order: the first match now comes from another rule.
      async () => {
        const slug = pick(SLUGS);
        const rules = JSON.parse((await viaServer(KEYS[0], 'GET', `/flag_rules?flag_slug=${slug}&limit=100`)).body).data as { id: string }[];
        return ['PUT', `/_flagstand/feature-flags/${slug}/rules/order`, { rule_ids: rules.map((r) => r.id).reverse() }];
      },
      async () => ['POST', '/user_management/organization_memberships', { user_id: pick(USERS), organization_id: pick(ORGS) }],
      async () => ['PUT', `/user_management/organization_memberships/${pick(await membershipIds(KEYS[0]))}/${pick(['deactivate', 'reactivate'])}`],
      async () => ['DELETE', `/user_management/organization_memberships/${pick(await membershipIds(KEYS[0]))}`],
      async () => ['PUT', `/organizations/${pick(ORGS)}`, { name: `Org ${Math.floor(random() * 100)}` }],
      async () => ['DELETE', `/user_management/users/${USERS[3]}`],
      async () => ['DELETE', `/organizations/${ORGS[2]}`],
      // Authorization: every write that can change a check.
      async () => ['POST', `/authorization/organization_memberships/${pick(MEMBERSHIPS.slice(0, 2))}/role_assignments`, { role_slug: pick(ROLES), resource_id: pick([WS, P1, P2, APP, ORG_RESOURCE]) }],
      async () => ['DELETE', `/authorization/organization_memberships/${MEMBERSHIPS[1]}/role_assignments`, { role_slug: 'project-editor', resource_id: P2 }],
      async () => ['PUT', `/authorization/roles/${pick(ROLES)}/permissions`, { permissions: PERMISSIONS.filter(() => random() < 0.5) }],
      async () => ['POST', `/authorization/roles/${pick(ROLES)}/permissions`, { slug: pick(PERMISSIONS) }],
      async () => ['DELETE', `/authorization/organizations/${ORGS[0]}/roles/org-deployer/permissions/app:deploy`],
      async () => ['PUT', `/authorization/organizations/${ORGS[0]}/roles/org-deployer/permissions`, { permissions: PERMISSIONS.filter(() => random() < 0.5) }],
      async () => ['DELETE', `/authorization/permissions/${pick(PERMISSIONS)}`],
      async () => (random() < 0.5 ? ['PATCH', `/authorization/resources/${pick([P1, P2])}`, { parent_resource_id: pick([WS, WX]) }] : ['PATCH', `/authorization/resources/${APP}`, { parent_resource_id: pick([P1, P2]) }]),
      async () => ['DELETE', `/authorization/resources/${pick([WS, P1, P2, APP])}?cascade_delete=true`],
      async () => ['POST', '/authorization/resources', { organization_id: ORGS[0], resource_type_slug: 'project', external_id: 'p3', name: 'P3', parent_resource_id: WS }],
      async () => ['PUT', `/user_management/organization_memberships/${pick(MEMBERSHIPS)}`, { role_slug: pick(['admin', 'member']) }],
      async () => ['PUT', `/user_management/organization_memberships/${pick(MEMBERSHIPS.slice(0, 3))}/${pick(['deactivate', 'reactivate'])}`],
      async () => ['POST', '/_flagstand/environments/current/reset'],
      async () => {
        if (snapshot) return ['POST', `/_flagstand/environments/current/snapshots/${snapshot}/restore`];
        const res = await viaServer(KEYS[0], 'POST', '/_flagstand/environments/current/snapshots');
        snapshot = (JSON.parse(res.body) as { id: string }).id;
        return ['GET', '/feature-flags'];
      },
    ];
    await expectFresh('start');
    // Every kind of write once, in a seeded-random order, then a few more at random.
    const order = writes.map((write) => ({ write, at: random() })).sort((a, b) => a.at - b.at).map((w) => w.write);
    for (let step = 0; step < order.length + 4; step++) {
      // Mostly the first environment, so the second also checks that writes elsewhere leave it right.
      const key = random() < 0.75 ? KEYS[0] : KEYS[1];
      const [method, url, body] = await (order[step] ?? pick(writes))();
      if (key === KEYS[1] && url.includes('/snapshots/')) continue;
      const res = await viaServer(key, method, url, body);
      expect(res.status, `${method} ${url}: ${res.body}`).toBeLessThan(500);
      await expectFresh(`step ${step}: ${method} ${url} in ${key === KEYS[0] ? 'a' : 'b'}`);
    }
  }, 60_000);

  it('every write that can change an access check is followed by checks that show it', async () => {
    const member = (n: number) => `/user_management/organization_memberships/${MEMBERSHIPS[n]}`;
    const assignments = (n: number) => `/authorization/organization_memberships/${MEMBERSHIPS[n]}/role_assignments`;
    // Each must succeed (so it changed something), mostly to what the checks read; then every read of both environments.
    const steps: [string, string, unknown?][] = [
      ['POST', '/_flagstand/environments/current/reset'],
      ['POST', assignments(0), { role_slug: 'project-editor', resource_id: P1 }],
      ['POST', assignments(0), { role_slug: 'org-deployer', resource_id: P2 }],
      ['DELETE', assignments(0), { role_slug: 'workspace-admin', resource_id: WS }],
      ['PUT', '/authorization/roles/project-editor/permissions', { permissions: ['project:edit', 'app:deploy'] }],
      ['POST', '/authorization/roles/member/permissions', { slug: 'app:deploy' }],
      ['DELETE', `/authorization/organizations/${ORGS[0]}/roles/org-deployer/permissions/app:deploy`],
      ['POST', `/authorization/organizations/${ORGS[0]}/roles/org-deployer/permissions`, { slug: 'project:edit' }],
      ['PATCH', `/authorization/resources/${APP}`, { parent_resource_id: P2 }],
      ['PATCH', `/authorization/resources/${P2}`, { parent_resource_id: WX }],
      ['POST', assignments(1), { role_slug: 'workspace-admin', resource_id: WX }],
      ['POST', '/authorization/resources', { organization_id: ORGS[0], resource_type_slug: 'project', external_id: 'p3', name: 'P3', parent_resource_id: WS }],
      ['DELETE', '/authorization/permissions/project:edit'],
      ['PUT', member(1), { role_slug: 'admin' }],
      ['PUT', `${member(0)}/deactivate`],
      ['PUT', `${member(0)}/reactivate`],
      ['DELETE', `/authorization/resources/${WS}?cascade_delete=true`],
      ['DELETE', `${assignments(1)}/${pinnedId('roleAssignment', 21)}`],
      ['DELETE', member(1)],
      ['POST', '/_flagstand/environments/current/reset'],
    ];
    await viaServer(KEYS[1], 'POST', '/_flagstand/environments/current/reset');
    for (const [method, url, body] of steps) {
      const res = await viaServer(KEYS[0], method, url, body);
      expect(res.status, `${method} ${url}: ${res.body}`).toBeLessThan(300);
      await expectFresh(`${method} ${url} ${JSON.stringify(body ?? '')}`);
    }
  }, 60_000);

  it('rules moved, added and deleted show in the lists that evaluate them', async () => {
    const rulesOf = async (slug: string) => JSON.parse((await viaServer(KEYS[0], 'GET', `/flag_rules?flag_slug=${slug}&limit=100`)).body).data as { id: string }[];
    await viaServer(KEYS[0], 'POST', '/_flagstand/environments/current/reset');
    // kappa: USERS[0] off by a user rule, their organization on by an organization rule after it.
    const steps: (() => Promise<[string, string, unknown?]>)[] = [
      async () => ['PUT', `/_flagstand/feature-flags/kappa/targets/${USERS[0]}`, { enabled: false }],
      async () => ['POST', `/feature-flags/kappa/targets/${ORGS[0]}`],
      async () => ['PUT', '/_flagstand/feature-flags/kappa/rules/order', { rule_ids: (await rulesOf('kappa')).map((r) => r.id).reverse() }],
      async () => ['PUT', '/_flagstand/feature-flags/kappa/rules/order', { rule_ids: (await rulesOf('kappa')).map((r) => r.id).reverse() }],
      async () => ['POST', '/flag_rules', { flag_slug: 'delta', target_type: 'user', value: true }],
      async () => ['POST', '/flag_targets', { rule_id: (await rulesOf('delta')).at(-1)!.id, target_id: USERS[1] }],
      async () => ['DELETE', `/flag_rules/${(await rulesOf('delta')).at(-1)!.id}`],
    ];
    for (const step of steps) {
      const [method, url, body] = await step();
      const res = await viaServer(KEYS[0], method, url, body);
      expect(res.status, `${method} ${url}: ${res.body}`).toBeLessThan(300);
      await expectFresh(`${method} ${url} ${JSON.stringify(body ?? '')}`);
    }
  }, 60_000);

  it('a write by another connection to the same file shows at once', async () => {
    await expectFresh('before');
    // Each write changes rows, or the check after it would prove nothing.
    expect(oracleDb.prepare("UPDATE feature_flags SET enabled = 1 - enabled WHERE slug = 'beta'").run().changes).toBeGreaterThan(0);
    expect(oracleDb.prepare('DELETE FROM flag_targets WHERE target_id = ?').run(ORGS[0]).changes).toBeGreaterThan(0);
    expect(oracleDb.prepare("UPDATE roles SET permissions = '[]' WHERE slug = 'workspace-admin'").run().changes).toBeGreaterThan(0);
    expect(oracleDb.prepare('UPDATE authorization_resources SET parent_resource_id = NULL WHERE id = ?').run(P1).changes).toBeGreaterThan(0);
    await expectFresh('another connection wrote');
  });
});
