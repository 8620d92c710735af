import { afterEach, describe, expect, it } from 'vitest';
import type { SeedDocument } from '../../src/seed/schema.js';
import { buildTestApp, type TestApp } from '../helpers/build-app.js';
import { pinnedId } from '../helpers/ids.js';
import { expectSpec } from '../helpers/spec.js';

let t: TestApp;
afterEach(() => t?.app.close());

const ORG = pinnedId('organization', 1);
const OTHER = pinnedId('organization', 2);
const ORG_RESOURCE = 'authz_resource_' + ORG.slice('org_'.length);
const [ALICE, BOB, CAROL, DAN] = [1, 2, 3, 4].map((n) => pinnedId('membership', n));
const [WS, P1, P2, APP] = [11, 12, 13, 14].map((n) => pinnedId('resource', n));
type Assignment = { id: string; organization_membership_id: string; role: { slug: string }; resource: { id: string; external_id: string; resource_type_slug: string }; source: object };
type Page<T> = { data: T[]; list_metadata: { before: string | null; after: string | null } };
type Err = { message: string; code?: string };

// org ─ ws (workspace) ─ p1 (project) ─ app (app); ws ─ p2 (project).
// alice: admin; bob: member + workspace-admin on ws; carol: member + project-viewer on p2; dan: admin but inactive.
const seed: SeedDocument = {
  organizations: [
    { id: ORG, name: 'Acme' },
    { id: OTHER, name: 'Other' },
  ],
  users: [1, 2, 3, 4].map((n) => ({ id: pinnedId('user', n), email: `u${n}@example.com`, created_at: `2026-01-0${n}T00:00:00.000Z` })),
  resource_types: [{ slug: 'workspace' }, { slug: 'project', parent: 'workspace' }, { slug: 'app', parent: 'project' }],
  permissions: [
    { slug: 'org:view' },
    { slug: 'project:view', resource_type_slug: 'project' },
    { slug: 'project:edit', resource_type_slug: 'project' },
    { slug: 'app:deploy', resource_type_slug: 'app' },
  ],
  roles: [
    { slug: 'admin', permissions: ['org:view', 'project:view', 'project:edit', 'app:deploy'] },
    { slug: 'member', permissions: ['org:view'] },
    { slug: 'workspace-admin', resource_type_slug: 'workspace', permissions: ['project:view', 'project:edit', 'app:deploy'] },
    { slug: 'project-viewer', resource_type_slug: 'project', permissions: ['project:view'] },
  ],
  organization_memberships: [
    { id: ALICE, user_id: pinnedId('user', 1), organization_id: ORG, role_slug: 'admin', created_at: '2026-01-01T00:00:00.000Z' },
    { id: BOB, user_id: pinnedId('user', 2), organization_id: ORG, created_at: '2026-01-02T00:00:00.000Z' },
    { id: CAROL, user_id: pinnedId('user', 3), organization_id: ORG, created_at: '2026-01-03T00:00:00.000Z' },
    { id: DAN, user_id: pinnedId('user', 4), organization_id: ORG, role_slug: 'admin', status: 'inactive', created_at: '2026-01-04T00:00:00.000Z' },
  ],
  resources: [
    { id: WS, organization_id: ORG, resource_type_slug: 'workspace', external_id: 'ws', name: 'Engineering', created_at: '2026-02-01T00:00:00.000Z' },
    { id: P1, organization_id: ORG, resource_type_slug: 'project', external_id: 'p1', parent_resource_id: WS, created_at: '2026-02-02T00:00:00.000Z' },
    { id: P2, organization_id: ORG, resource_type_slug: 'project', external_id: 'p2', parent_resource_external_id: 'ws', parent_resource_type_slug: 'workspace', created_at: '2026-02-03T00:00:00.000Z' },
    { id: APP, organization_id: ORG, resource_type_slug: 'app', external_id: 'app', parent_resource_id: P1, created_at: '2026-02-04T00:00:00.000Z' },
  ],
  role_assignments: [
    { organization_membership_id: BOB, role_slug: 'workspace-admin', resource_id: WS },
    { organization_membership_id: CAROL, role_slug: 'project-viewer', resource_external_id: 'p2', resource_type_slug: 'project' },
  ],
};

const call = (method: string, url: string, payload?: object) =>
  t.app.inject({ method: method as 'GET', url, headers: t.headers, ...(payload && { payload }) });
const check = (m: string, body: object) => call('POST', `/authorization/organization_memberships/${m}/check`, body);
const authorized = async (m: string, body: object) => (expectSpec(await check(m, body), 'AuthorizationController_check', 200) as { authorized: boolean }).authorized;

describe('access checks', () => {
  it.each([
    ['alice (admin) deploys the app through her organization role', ALICE, { permission_slug: 'app:deploy', resource_id: APP }, true],
    ['bob deploys the app through workspace-admin on its workspace', BOB, { permission_slug: 'app:deploy', resource_external_id: 'app', resource_type_slug: 'app' }, true],
    ['bob edits the sibling project too', BOB, { permission_slug: 'project:edit', resource_id: P2 }, true],
    ['bob has no project permission on the organization itself', BOB, { permission_slug: 'project:view', resource_id: ORG_RESOURCE }, false],
    ['bob views the organization through member', BOB, { permission_slug: 'org:view', resource_external_id: ORG, resource_type_slug: 'organization' }, true],
    ['carol views p2, where she is project-viewer', CAROL, { permission_slug: 'project:view', resource_id: P2 }, true],
    ['carol does not view p1', CAROL, { permission_slug: 'project:view', resource_id: P1 }, false],
    ['carol does not edit p2', CAROL, { permission_slug: 'project:edit', resource_id: P2 }, false],
    ['dan is inactive: nothing', DAN, { permission_slug: 'org:view', resource_id: WS }, false],
    ['an unknown permission is never held', ALICE, { permission_slug: 'nope', resource_id: WS }, false],
  ])('%s', async (_name, m, body, expected) => {
    t = await buildTestApp({ seed });
    expect(await authorized(m, body)).toBe(expected);
  });

  it('answers 404 for an unknown membership or resource (another organization’s included), 422 for a bad target', async () => {
    t = await buildTestApp({ seed });
    expectSpec(await check(pinnedId('membership', 9), { permission_slug: 'x', resource_id: WS }), 'AuthorizationController_check', 404);
    expectSpec(await check(ALICE, { permission_slug: 'x', resource_id: pinnedId('resource', 9) }), 'AuthorizationController_check', 404);
    const otherOrgResource = 'authz_resource_' + OTHER.slice('org_'.length);
    expectSpec(await check(ALICE, { permission_slug: 'x', resource_id: otherOrgResource }), 'AuthorizationController_check', 404);
    expectSpec(await check(ALICE, { permission_slug: 'x' }), 'AuthorizationController_check', 422);
    expectSpec(await check(ALICE, { permission_slug: 'x', resource_id: WS, resource_external_id: 'ws', resource_type_slug: 'workspace' }), 'AuthorizationController_check', 422);
    expectSpec(await check(ALICE, { resource_id: WS }), 'AuthorizationController_check', 422);
  });

  it('is never replayed from an Idempotency-Key: the same key and body after a change answer the change', async () => {
    t = await buildTestApp({ seed });
    const keyed = (body: object) =>
      t.app.inject({ method: 'POST', url: `/authorization/organization_memberships/${CAROL}/check`, headers: { ...t.headers, 'idempotency-key': 'check-1' }, payload: body });
    const body = { permission_slug: 'project:view', resource_id: P1 };
    const first = await keyed(body);
    expect(first.json()).toEqual({ authorized: false });
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    await call('POST', `/authorization/organization_memberships/${CAROL}/role_assignments`, { role_slug: 'project-viewer', resource_id: P1 });
    const again = await keyed(body);
    expect(again.statusCode).toBe(200);
    expect(again.headers['idempotent-replayed']).toBeUndefined();
    expect(again.json()).toEqual({ authorized: true });
  });

  it('follows assignments, removals and permission changes at once', async () => {
    t = await buildTestApp({ seed });
    const body = { permission_slug: 'project:view', resource_id: P1 };
    expect(await authorized(CAROL, body)).toBe(false);
    const created = expectSpec(
      await call('POST', `/authorization/organization_memberships/${CAROL}/role_assignments`, { role_slug: 'project-viewer', resource_id: P1 }),
      'AuthorizationRoleAssignmentsController_assignRole',
      201,
    ) as Assignment;
    expect(await authorized(CAROL, body)).toBe(true);
    expect(await authorized(CAROL, { permission_slug: 'project:view', resource_id: APP })).toBe(true);
    await call('PUT', '/authorization/roles/project-viewer/permissions', { permissions: [] });
    expect(await authorized(CAROL, body)).toBe(false);
    await call('POST', '/authorization/roles/project-viewer/permissions', { slug: 'project:view' });
    expect(await authorized(CAROL, body)).toBe(true);
    expectSpec(await call('DELETE', `/authorization/organization_memberships/${CAROL}/role_assignments/${created.id}`), 'AuthorizationRoleAssignmentsController_removeRoleById', 204);
    expect(await authorized(CAROL, body)).toBe(false);
  });
});

describe('role assignments', () => {
  it("lists a membership's assignments, its own role on the organization among them", async () => {
    t = await buildTestApp({ seed });
    const page = expectSpec(
      await call('GET', `/authorization/organization_memberships/${BOB}/role_assignments?order=asc`),
      'AuthorizationRoleAssignmentsController_listRoleAssignments',
      200,
    ) as Page<Assignment>;
    expect(page.data.map((a) => [a.role.slug, a.resource.resource_type_slug, a.resource.external_id])).toEqual([
      ['member', 'organization', ORG],
      ['workspace-admin', 'workspace', 'ws'],
    ]);
    expect(page.data[1]).toMatchObject({ organization_membership_id: BOB, resource: { id: WS }, source: { type: 'direct', group_role_assignment_id: null } });
    const first = expectSpec(
      await call('GET', `/authorization/organization_memberships/${BOB}/role_assignments?limit=1`),
      'AuthorizationRoleAssignmentsController_listRoleAssignments',
      200,
    ) as Page<Assignment>;
    expect(first.data.map((a) => a.role.slug)).toEqual(['workspace-admin']);
    const second = expectSpec(
      await call('GET', `/authorization/organization_memberships/${BOB}/role_assignments?limit=1&after=${first.list_metadata.after}`),
      'AuthorizationRoleAssignmentsController_listRoleAssignments',
      200,
    ) as Page<Assignment>;
    expect(second.data.map((a) => a.role.slug)).toEqual(['member']);
    expect(second.list_metadata.after).toBeNull();
    const filtered = (await call('GET', `/authorization/organization_memberships/${BOB}/role_assignments?resource_id=${WS}`)).json() as Page<Assignment>;
    expect(filtered.data.map((a) => a.role.slug)).toEqual(['workspace-admin']);
    expectSpec(await call('GET', `/authorization/organization_memberships/${pinnedId('membership', 9)}/role_assignments`), 'AuthorizationRoleAssignmentsController_listRoleAssignments', 404);
  });

  it('assigns by external id, refuses a role of another type, an unknown role or resource and a repeat, removes by criteria', async () => {
    t = await buildTestApp({ seed });
    const base = `/authorization/organization_memberships/${CAROL}/role_assignments`;
    const a = expectSpec(
      await call('POST', base, { role_slug: 'workspace-admin', resource_external_id: 'ws', resource_type_slug: 'workspace' }),
      'AuthorizationRoleAssignmentsController_assignRole',
      201,
    ) as Assignment;
    expect(a).toMatchObject({ object: 'role_assignment', role: { slug: 'workspace-admin' }, resource: { id: WS, external_id: 'ws', resource_type_slug: 'workspace' } });
    expect(a.id).toMatch(/^role_assignment_[0-7][0-9A-HJKMNP-TV-Z]{25}$/);
    const mismatch = expectSpec(await call('POST', base, { role_slug: 'project-viewer', resource_id: WS }), 'AuthorizationRoleAssignmentsController_assignRole', 422) as Err;
    expect(mismatch.message).toMatch(/scoped to 'project'/);
    expectSpec(await call('POST', base, { role_slug: 'workspace-admin', resource_id: WS }), 'AuthorizationRoleAssignmentsController_assignRole', 422);
    expectSpec(await call('POST', base, { role_slug: 'nope', resource_id: WS }), 'AuthorizationRoleAssignmentsController_assignRole', 404);
    expectSpec(await call('POST', base, { role_slug: 'workspace-admin', resource_id: pinnedId('resource', 9) }), 'AuthorizationRoleAssignmentsController_assignRole', 404);
    expectSpec(await call('POST', base, { resource_id: WS }), 'AuthorizationRoleAssignmentsController_assignRole', 422);

    expectSpec(
      await call('DELETE', base, { role_slug: 'workspace-admin', resource_external_id: 'ws', resource_type_slug: 'workspace' }),
      'AuthorizationRoleAssignmentsController_removeRoleByCriteria',
      204,
    );
    expectSpec(await call('DELETE', base, { role_slug: 'workspace-admin', resource_id: WS }), 'AuthorizationRoleAssignmentsController_removeRoleByCriteria', 404);
    // The membership's own role is changed on the membership.
    expectSpec(await call('DELETE', base, { role_slug: 'member', resource_id: ORG_RESOURCE }), 'AuthorizationRoleAssignmentsController_removeRoleByCriteria', 403);
    const own = ((await call('GET', base)).json() as Page<Assignment>).data.find((x) => x.role.slug === 'member')!;
    expectSpec(await call('DELETE', `${base}/${own.id}`), 'AuthorizationRoleAssignmentsController_removeRoleById', 403);
    expectSpec(await call('DELETE', `${base}/${pinnedId('roleAssignment', 9)}`), 'AuthorizationRoleAssignmentsController_removeRoleById', 404);
  });

  it('answers 409 role_has_assignments when deleting a custom role in use, 204 once unused', async () => {
    t = await buildTestApp({ seed });
    await call('POST', `/authorization/organizations/${ORG}/roles`, { slug: 'org-auditor', name: 'Auditor', resource_type_slug: 'workspace' });
    const a = (await call('POST', `/authorization/organization_memberships/${ALICE}/role_assignments`, { role_slug: 'org-auditor', resource_id: WS })).json() as Assignment;
    const refused = expectSpec(await call('DELETE', `/authorization/organizations/${ORG}/roles/org-auditor`), 'AuthorizationOrganizationRolesController_delete', 409) as Err;
    expect(refused.code).toBe('role_has_assignments');
    await call('DELETE', `/authorization/organization_memberships/${ALICE}/role_assignments/${a.id}`);
    expectSpec(await call('DELETE', `/authorization/organizations/${ORG}/roles/org-auditor`), 'AuthorizationOrganizationRolesController_delete', 204);
  });
});

describe('discovery', () => {
  const resourcesOf = async (m: string, query: string) => {
    const page = expectSpec(
      await call('GET', `/authorization/organization_memberships/${m}/resources?${query}`),
      'AuthorizationController_listResourcesForMembership',
      200,
    ) as Page<{ id: string }>;
    return page.data.map((r) => r.id);
  };

  it('lists the children of a parent the membership can reach with a permission', async () => {
    t = await buildTestApp({ seed });
    expect(await resourcesOf(BOB, `permission_slug=project:view&parent_resource_id=${WS}&order=asc`)).toEqual([P1, P2]);
    expect(await resourcesOf(CAROL, `permission_slug=project:view&parent_resource_external_id=ws&parent_resource_type_slug=workspace`)).toEqual([P2]);
    expect(await resourcesOf(CAROL, `permission_slug=project:edit&parent_resource_id=${WS}`)).toEqual([]);
    expect(await resourcesOf(ALICE, `permission_slug=org:view&parent_resource_id=${ORG_RESOURCE}`)).toEqual([WS]);
    expect(await resourcesOf(DAN, `permission_slug=org:view&parent_resource_id=${ORG_RESOURCE}`)).toEqual([]);
    const missing = expectSpec(
      await call('GET', `/authorization/organization_memberships/${BOB}/resources?permission_slug=x`),
      'AuthorizationController_listResourcesForMembership',
      400,
    ) as Err;
    expect(missing.code).toBe('bad_request');
    expectSpec(await call('GET', `/authorization/organization_memberships/${BOB}/resources?parent_resource_id=${WS}`), 'AuthorizationController_listResourcesForMembership', 422);
    expectSpec(
      await call('GET', `/authorization/organization_memberships/${BOB}/resources?permission_slug=x&parent_resource_id=${pinnedId('resource', 9)}`),
      'AuthorizationController_listResourcesForMembership',
      404,
    );
  });

  it('lists who holds a permission on a resource, directly or inherited, by id and by external id', async () => {
    t = await buildTestApp({ seed });
    const holders = async (url: string, op: string) => ((expectSpec(await call('GET', url), op, 200) as Page<{ id: string }>).data).map((m) => m.id);
    const byId = 'AuthorizationResourcesController_listOrganizationMembershipsForResource';
    const byExternal = 'AuthorizationResourcesByExternalIdController_listOrganizationMembershipsForResourceByExternalId';
    expect(await holders(`/authorization/resources/${P2}/organization_memberships?permission_slug=project:view&order=asc`, byId)).toEqual([ALICE, BOB, CAROL]);
    expect(await holders(`/authorization/resources/${P2}/organization_memberships?permission_slug=project:view&assignment=direct`, byId)).toEqual([CAROL]);
    expect(await holders(`/authorization/organizations/${ORG}/resources/app/app/organization_memberships?permission_slug=app:deploy&order=asc`, byExternal)).toEqual([ALICE, BOB]);
    expect(await holders(`/authorization/resources/${ORG_RESOURCE}/organization_memberships?permission_slug=org:view&assignment=direct&order=asc`, byId)).toEqual([ALICE, BOB, CAROL]);
    expectSpec(await call('GET', `/authorization/resources/${P2}/organization_memberships`), byId, 422);
    expectSpec(await call('GET', `/authorization/resources/${P2}/organization_memberships?permission_slug=x&assignment=all`), byId, 422);
    expectSpec(await call('GET', `/authorization/resources/${pinnedId('resource', 9)}/organization_memberships?permission_slug=x`), byId, 404);
  });
});
