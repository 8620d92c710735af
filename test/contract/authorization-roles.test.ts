import { afterEach, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/build-app.js';
import { pinnedId } from '../helpers/ids.js';
import { expectSpec } from '../helpers/spec.js';

let t: TestApp;
afterEach(() => t?.app.close());

const ORG = pinnedId('organization', 1);
type Role = { slug: string; name: string; description: string | null; type: string; permissions: string[]; resource_type_slug: string; updated_at: string };
type Err = { message: string; code?: string };

async function start() {
  t = await buildTestApp({
    seed: {
      organizations: [{ id: ORG, name: 'Acme' }],
      roles: [{ slug: 'viewer', permissions: ['posts:read'] }],
    },
    clock: '2026-03-01T00:00:00.000Z',
  });
}
const call = (method: string, url: string, payload?: object) =>
  t.app.inject({ method: method as 'GET', url, headers: t.headers, ...(payload && { payload }) });

describe('environment roles', () => {
  it('creates, gets, lists in priority order and updates a role', async () => {
    await start();
    const created = expectSpec(
      await call('POST', '/authorization/roles', { slug: 'editor', name: 'Editor', description: 'Writes posts' }),
      'AuthorizationRolesController_create',
      201,
    ) as Role;
    expect(created).toMatchObject({ slug: 'editor', name: 'Editor', type: 'EnvironmentRole', resource_type_slug: 'organization', permissions: [] });
    const got = expectSpec(await call('GET', '/authorization/roles/editor'), 'AuthorizationRolesController_get', 200) as Role;
    expect(got).toEqual(created);
    const list = expectSpec(await call('GET', '/authorization/roles'), 'AuthorizationRolesController_list', 200) as { data: Role[] };
    expect(list.data.map((r) => r.slug)).toEqual(['admin', 'member', 'viewer', 'editor']);

    t.clock.set('2026-03-02T00:00:00.000Z');
    const updated = expectSpec(
      await call('PATCH', '/authorization/roles/editor', { description: null }),
      'AuthorizationRolesController_update',
      200,
    ) as Role;
    expect(updated).toMatchObject({ name: 'Editor', description: null, updated_at: '2026-03-02T00:00:00.000Z' });
  });

  it('answers 409 role_slug_conflict, 422 for a bad body and 404 for an unknown role', async () => {
    await start();
    const dup = expectSpec(await call('POST', '/authorization/roles', { slug: 'admin', name: 'Again' }), 'AuthorizationRolesController_create', 409) as Err;
    expect(dup.code).toBe('role_slug_conflict');
    expectSpec(await call('POST', '/authorization/roles', { name: 'No slug' }), 'AuthorizationRolesController_create', 422);
    expectSpec(await call('POST', '/authorization/roles', { slug: 'x', name: 'n'.repeat(49) }), 'AuthorizationRolesController_create', 422);
    expectSpec(await call('POST', '/authorization/roles', { slug: 'Bad Slug', name: 'n' }), 'AuthorizationRolesController_create', 422);
    const missing = expectSpec(await call('GET', '/authorization/roles/nope'), 'AuthorizationRolesController_get', 404) as Err;
    expect(missing.message).toBe("Role not found: 'nope'.");
    expectSpec(await call('PATCH', '/authorization/roles/nope', {}), 'AuthorizationRolesController_update', 404);
    expectSpec(await call('PATCH', '/authorization/roles/admin', { name: 7 }), 'AuthorizationRolesController_update', 422);
  });

  it('adds one permission (idempotently) and replaces them all, refusing unknown permissions', async () => {
    await start();
    expectSpec(await call('POST', '/authorization/permissions', { slug: 'posts:write', name: 'Write posts' }), 'AuthorizationPermissionsController_create', 201);
    const added = expectSpec(
      await call('POST', '/authorization/roles/viewer/permissions', { slug: 'posts:write' }),
      'AuthorizationRolePermissionsController_addPermission',
      200,
    ) as Role;
    expect(added.permissions).toEqual(['posts:read', 'posts:write']);
    t.clock.set('2026-03-05T00:00:00.000Z');
    const again = expectSpec(
      await call('POST', '/authorization/roles/viewer/permissions', { slug: 'posts:write' }),
      'AuthorizationRolePermissionsController_addPermission',
      200,
    ) as Role;
    expect(again).toEqual(added);
    const unknown = expectSpec(
      await call('POST', '/authorization/roles/viewer/permissions', { slug: 'nope' }),
      'AuthorizationRolePermissionsController_addPermission',
      404,
    ) as Err;
    expect(unknown.message).toBe("Permission not found: 'nope'.");

    const set = expectSpec(
      await call('PUT', '/authorization/roles/viewer/permissions', { permissions: ['posts:write'] }),
      'AuthorizationRolePermissionsController_setPermissions',
      200,
    ) as Role;
    expect(set.permissions).toEqual(['posts:write']);
    const bad = expectSpec(
      await call('PUT', '/authorization/roles/viewer/permissions', { permissions: ['posts:write', 'x:y'] }),
      'AuthorizationRolePermissionsController_setPermissions',
      422,
    ) as Err;
    expect(bad.message).toBe("Permissions not found: 'x:y'.");
    expectSpec(await call('PUT', '/authorization/roles/viewer/permissions', {}), 'AuthorizationRolePermissionsController_setPermissions', 422);
    expectSpec(await call('PUT', '/authorization/roles/none/permissions', { permissions: [] }), 'AuthorizationRolePermissionsController_setPermissions', 404);
    const cleared = expectSpec(
      await call('PUT', '/authorization/roles/viewer/permissions', { permissions: [] }),
      'AuthorizationRolePermissionsController_setPermissions',
      200,
    ) as Role;
    expect(cleared.permissions).toEqual([]);
  });
});

describe('organization roles', () => {
  it('creates custom roles listed after the environment roles, gets either kind, updates and deletes', async () => {
    await start();
    const base = `/authorization/organizations/${ORG}/roles`;
    const billing = expectSpec(
      await call('POST', base, { slug: 'org-billing', name: 'Billing' }),
      'AuthorizationOrganizationRolesController_create',
      201,
    ) as Role;
    expect(billing).toMatchObject({ slug: 'org-billing', type: 'OrganizationRole', resource_type_slug: 'organization', description: null });
    const generated = expectSpec(await call('POST', base, { name: 'Support Team' }), 'AuthorizationOrganizationRolesController_create', 201) as Role;
    expect(generated.slug).toMatch(/^org-support-team-[a-z0-9]{6}$/);

    const list = expectSpec(await call('GET', base), 'AuthorizationOrganizationRolesController_list', 200) as { data: Role[] };
    expect(list.data.map((r) => [r.slug, r.type])).toEqual([
      ['admin', 'EnvironmentRole'],
      ['member', 'EnvironmentRole'],
      ['viewer', 'EnvironmentRole'],
      ['org-billing', 'OrganizationRole'],
      [generated.slug, 'OrganizationRole'],
    ]);
    // Custom roles are not environment roles.
    expect(((await call('GET', '/authorization/roles')).json() as { data: Role[] }).data.map((r) => r.slug)).toEqual(['admin', 'member', 'viewer']);

    expect(expectSpec(await call('GET', `${base}/admin`), 'AuthorizationOrganizationRolesController_get', 200)).toMatchObject({ type: 'EnvironmentRole' });
    expect(expectSpec(await call('GET', `${base}/org-billing`), 'AuthorizationOrganizationRolesController_get', 200)).toEqual(billing);
    expectSpec(await call('GET', `${base}/org-nope`), 'AuthorizationOrganizationRolesController_get', 404);

    const renamed = expectSpec(
      await call('PATCH', `${base}/org-billing`, { name: 'Billing admins', description: 'Pays' }),
      'AuthorizationOrganizationRolesController_update',
      200,
    ) as Role;
    expect(renamed).toMatchObject({ name: 'Billing admins', description: 'Pays', type: 'OrganizationRole' });
    // Environment roles are not changed through an organization.
    expect((expectSpec(await call('PATCH', `${base}/admin`, { name: 'X' }), 'AuthorizationOrganizationRolesController_update', 404) as Err).message).toMatch(
      /environment role/,
    );

    expectSpec(await call('DELETE', `${base}/org-billing`), 'AuthorizationOrganizationRolesController_delete', 204);
    expectSpec(await call('GET', `${base}/org-billing`), 'AuthorizationOrganizationRolesController_get', 404);
    expectSpec(await call('DELETE', `${base}/org-billing`), 'AuthorizationOrganizationRolesController_delete', 404);
  });

  it('refuses a slug conflict (409), a slug without org- (422) and an unknown organization (404)', async () => {
    await start();
    const base = `/authorization/organizations/${ORG}/roles`;
    expectSpec(await call('POST', base, { slug: 'org-a', name: 'A' }), 'AuthorizationOrganizationRolesController_create', 201);
    const dup = expectSpec(await call('POST', base, { slug: 'org-a', name: 'A' }), 'AuthorizationOrganizationRolesController_create', 409) as Err;
    expect(dup.code).toBe('organization_role_slug_conflict');
    expectSpec(await call('POST', base, { slug: 'billing', name: 'B' }), 'AuthorizationOrganizationRolesController_create', 422);
    expectSpec(await call('POST', base, {}), 'AuthorizationOrganizationRolesController_create', 422);
    const missing = pinnedId('organization', 9);
    const res = expectSpec(await call('POST', `/authorization/organizations/${missing}/roles`, { name: 'A' }), 'AuthorizationOrganizationRolesController_create', 404) as Err;
    expect(res.message).toBe(`Organization not found: '${missing}'.`);
  });

  it('adds, replaces and removes the permissions of a custom role', async () => {
    await start();
    const role = `/authorization/organizations/${ORG}/roles/org-ops`;
    await call('POST', `/authorization/organizations/${ORG}/roles`, { slug: 'org-ops', name: 'Ops' });
    await call('POST', '/authorization/permissions', { slug: 'deploy', name: 'Deploy' });
    const added = expectSpec(await call('POST', `${role}/permissions`, { slug: 'deploy' }), 'AuthorizationOrganizationRolePermissionsController_addPermission', 200) as Role;
    expect(added.permissions).toEqual(['deploy']);
    const set = expectSpec(
      await call('PUT', `${role}/permissions`, { permissions: ['posts:read', 'deploy'] }),
      'AuthorizationOrganizationRolePermissionsController_setPermissions',
      200,
    ) as Role;
    expect(set.permissions).toEqual(['posts:read', 'deploy']);
    expectSpec(await call('PUT', `${role}/permissions`, { permissions: ['nope'] }), 'AuthorizationOrganizationRolePermissionsController_setPermissions', 422);
    const removed = expectSpec(await call('DELETE', `${role}/permissions/deploy`), 'AuthorizationOrganizationRolePermissionsController_removePermission', 200) as Role;
    expect(removed.permissions).toEqual(['posts:read']);
    expectSpec(await call('DELETE', `${role}/permissions/nope`), 'AuthorizationOrganizationRolePermissionsController_removePermission', 404);
    expectSpec(await call('POST', `${role}/permissions`, {}), 'AuthorizationOrganizationRolePermissionsController_addPermission', 422);
  });
});
