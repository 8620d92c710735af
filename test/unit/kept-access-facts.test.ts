import { afterEach, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/clock.js';
import { createFlagstand, type Flagstand } from '../../src/server.js';
import { pinnedId } from '../helpers/ids.js';

// What an access check reads (the membership, its assignments, the roles' permissions, the
// resource and its ancestors) is kept until a row it came from is written. Here each such row is
// written by SQL on the server's own connection, which records no event and touches no other
// table: only the table's own rule (src/db/change-feed.ts) can drop the kept facts, so each rule
// is checked on its own. Each write is followed by the check it changes.

const ORG = pinnedId('organization', 1);
const KEY = 'sk_test_kept_access';
const M = pinnedId('membership', 1);
const [WS, PROJECT, APP, OTHER_WS] = [11, 12, 13, 14].map((n) => pinnedId('resource', n));
const clock = fixedClock('2026-01-15T12:00:00.000Z');

let open: Flagstand | undefined;
afterEach(async () => {
  await open?.app.close();
  open = undefined;
});

async function start(): Promise<Flagstand> {
  open = await createFlagstand({
    clock,
    logLevel: 'silent',
    seed: {
      api_keys: [KEY],
      organizations: [{ id: ORG, name: 'Acme' }],
      users: [{ id: pinnedId('user', 1), email: 'ada@example.com' }],
      organization_memberships: [{ id: M, user_id: pinnedId('user', 1), organization_id: ORG, role_slug: 'member' }],
      resource_types: [{ slug: 'workspace' }, { slug: 'project', parent: 'workspace' }, { slug: 'app', parent: 'project' }],
      permissions: [{ slug: 'app:deploy', resource_type_slug: 'app' }],
      roles: [
        { slug: 'member', permissions: [] },
        { slug: 'ws-admin', resource_type_slug: 'workspace', permissions: ['app:deploy'] },
      ],
      resources: [
        { id: WS, organization_id: ORG, resource_type_slug: 'workspace', external_id: 'ws' },
        { id: PROJECT, organization_id: ORG, resource_type_slug: 'project', external_id: 'project', parent_resource_id: WS },
        { id: APP, organization_id: ORG, resource_type_slug: 'app', external_id: 'app', parent_resource_id: PROJECT },
        { id: OTHER_WS, organization_id: ORG, resource_type_slug: 'workspace', external_id: 'other' },
      ],
      role_assignments: [{ organization_membership_id: M, role_slug: 'ws-admin', resource_id: WS }],
    },
  });
  return open;
}

const check = async (f: Flagstand, body: object) => {
  const res = await f.app.inject({
    method: 'POST',
    url: `/authorization/organization_memberships/${M}/check`,
    headers: { authorization: `Bearer ${KEY}` },
    payload: { permission_slug: 'app:deploy', ...body },
  });
  return res.statusCode === 200 ? (res.json() as { authorized: boolean }).authorized : res.statusCode;
};
const onApp = (f: Flagstand) => check(f, { resource_id: APP });
const sql = (f: Flagstand, statement: string, ...params: unknown[]) => f.db.prepare(statement).run(...params);

describe('kept access facts', () => {
  it('a role assignment added or removed shows on the next check', async () => {
    const f = await start();
    expect(await onApp(f)).toBe(true);
    sql(f, 'DELETE FROM role_assignments');
    expect(await onApp(f)).toBe(false);
    sql(f, "INSERT INTO role_assignments SELECT environment_id, 'role_assignment_x', id, 'ws-admin', ?, created_at, updated_at FROM organization_memberships", WS);
    expect(await onApp(f)).toBe(true);
  });

  it("a role's permissions changed show on the next check", async () => {
    const f = await start();
    expect(await onApp(f)).toBe(true);
    sql(f, "UPDATE roles SET permissions = '[]' WHERE slug = 'ws-admin'");
    expect(await onApp(f)).toBe(false);
    sql(f, `UPDATE roles SET permissions = '["app:deploy"]' WHERE slug = 'member'`);
    expect(await onApp(f)).toBe(true);
  });

  it('a resource moved, or an ancestor moved or deleted, shows on the next check', async () => {
    const f = await start();
    expect(await onApp(f)).toBe(true);
    // An ancestor two levels up moves: the path of every descendant changes.
    sql(f, 'UPDATE authorization_resources SET parent_resource_id = ? WHERE id = ?', OTHER_WS, PROJECT);
    expect(await onApp(f)).toBe(false);
    expect(await check(f, { resource_id: PROJECT })).toBe(false);
    sql(f, 'UPDATE authorization_resources SET parent_resource_id = ? WHERE id = ?', WS, PROJECT);
    expect(await onApp(f)).toBe(true);
    sql(f, 'DELETE FROM authorization_resources WHERE id = ?', APP);
    expect(await onApp(f)).toBe(404);
    expect(await check(f, { resource_external_id: 'app', resource_type_slug: 'app' })).toBe(404);
  });

  it("a membership's status, role or row shows on the next check", async () => {
    const f = await start();
    expect(await check(f, { resource_id: OTHER_WS })).toBe(false);
    sql(f, "UPDATE organization_memberships SET role_slug = 'ws-admin'");
    // Its own role is held on the organization resource, so on every resource below it.
    expect(await check(f, { resource_id: OTHER_WS })).toBe(true);
    sql(f, "UPDATE organization_memberships SET status = 'inactive'");
    expect(await onApp(f)).toBe(false);
    sql(f, "UPDATE organization_memberships SET status = 'active'");
    expect(await onApp(f)).toBe(true);
    sql(f, 'PRAGMA foreign_keys = OFF');
    sql(f, 'DELETE FROM organization_memberships');
    expect(await onApp(f)).toBe(404);
  });
});

describe('kept access facts, keyed', () => {
  it('keep apart external-id lookups whose parts, joined, read the same (external ids may hold spaces)', async () => {
    const f = await start();
    sql(f, "UPDATE authorization_resources SET external_id = 'ws x' WHERE id = ?", WS);
    const byExternal = (type: string, external: string) => check(f, { resource_type_slug: type, resource_external_id: external });
    expect(await byExternal('workspace', 'ws x')).toBe(true);
    // No type is called `workspace ws`: not found, whatever was kept for the lookup above.
    expect(await byExternal('workspace ws', 'x')).toBe(404);
  });
});
