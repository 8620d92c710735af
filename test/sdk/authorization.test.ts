import { WorkOS as WorkOS11 } from '@workos-inc/node';
import { WorkOS as WorkOS12 } from 'workos-node-12';
import { afterEach, describe, expect, it } from 'vitest';
import type { SeedEnvironment } from '../../src/seed/schema.js';
import { startServer, type RunningFlagstand } from '../../src/server.js';
import { pinnedId } from '../helpers/ids.js';

// The official SDKs (11.0.0 and 12.3.0) over a real port: every authorization method they have
// for the operations in scope (roles, organization roles, permissions, resources, role
// assignments, check, discovery), in one walk per SDK.

const KEY = 'sk_test_sdk_authz';
const ORG = pinnedId('organization', 1);
const ALICE = pinnedId('membership', 1);
const SEED: SeedEnvironment = {
  organizations: [{ id: ORG, name: 'Acme' }],
  users: [{ id: pinnedId('user', 1), email: 'alice@example.com' }],
  organization_memberships: [{ id: ALICE, user_id: pinnedId('user', 1), organization_id: ORG }],
};

let server: RunningFlagstand | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

type Client = WorkOS11 | WorkOS12;
const SDKS: [string, (port: number) => Client][] = [
  ['@workos-inc/node 11', (port) => new WorkOS11(KEY, { apiHostname: '127.0.0.1', port, https: false, maxRetries: 0 } as never)],
  ['@workos-inc/node 12', (port) => new WorkOS12(KEY, { apiHostname: '127.0.0.1', port, https: false, maxRetries: 0 } as never)],
];

describe.each(SDKS)('%s authorization', (_name, connect) => {
  it('drives roles, permissions, resources, assignments, checks and discovery', async () => {
    server = await startServer({ port: 0, logLevel: 'silent', seed: SEED, apiKeys: [KEY] });
    const authz = connect(server.port).authorization as WorkOS12['authorization'];

    // Permissions.
    const perm = await authz.createPermission({ slug: 'docs:read', name: 'Read docs', resourceTypeSlug: 'workspace' });
    expect(perm).toMatchObject({ object: 'permission', slug: 'docs:read', resourceTypeSlug: 'workspace', system: false, description: null });
    await authz.createPermission({ slug: 'docs:write', name: 'Write docs' });
    expect((await authz.getPermission('docs:read')).id).toBe(perm.id);
    expect((await authz.updatePermission('docs:read', { name: 'View docs' })).name).toBe('View docs');
    const perms = await authz.listPermissions({ limit: 1 });
    expect(perms.data.map((p) => p.slug)).toEqual(['docs:write']);
    const next = await authz.listPermissions({ limit: 1, after: perms.listMetadata.after! });
    expect(next.data.map((p) => p.slug)).toEqual(['docs:read']);
    expect((await (await authz.listPermissions()).autoPagination()).map((p) => p.slug)).toEqual(['docs:write', 'docs:read']);

    // Environment roles.
    const editor = await authz.createEnvironmentRole({ slug: 'ws-editor', name: 'Editor', resourceTypeSlug: 'workspace' });
    expect(editor).toMatchObject({ slug: 'ws-editor', type: 'EnvironmentRole', resourceTypeSlug: 'workspace', permissions: [] });
    expect((await authz.addEnvironmentRolePermission('ws-editor', { permissionSlug: 'docs:read' })).permissions).toEqual(['docs:read']);
    expect((await authz.setEnvironmentRolePermissions('ws-editor', { permissions: ['docs:read', 'docs:write'] })).permissions).toEqual(['docs:read', 'docs:write']);
    expect((await authz.updateEnvironmentRole('ws-editor', { description: 'Edits' })).description).toBe('Edits');
    expect((await authz.getEnvironmentRole('ws-editor')).name).toBe('Editor');
    expect((await authz.listEnvironmentRoles()).data.map((r) => r.slug)).toEqual(['admin', 'member', 'ws-editor']);

    // Organization roles.
    const custom = await authz.createOrganizationRole(ORG, { slug: 'org-viewer', name: 'Viewer', resourceTypeSlug: 'workspace' });
    expect(custom).toMatchObject({ slug: 'org-viewer', type: 'OrganizationRole' });
    expect((await authz.listOrganizationRoles(ORG)).data.map((r) => r.slug)).toEqual(['admin', 'member', 'ws-editor', 'org-viewer']);
    expect((await authz.getOrganizationRole(ORG, 'admin')).type).toBe('EnvironmentRole');
    expect((await authz.updateOrganizationRole(ORG, 'org-viewer', { name: 'Viewers' })).name).toBe('Viewers');
    expect((await authz.addOrganizationRolePermission(ORG, 'org-viewer', { permissionSlug: 'docs:write' })).permissions).toEqual(['docs:write']);
    expect((await authz.setOrganizationRolePermissions(ORG, 'org-viewer', { permissions: ['docs:read', 'docs:write'] })).permissions).toEqual([
      'docs:read',
      'docs:write',
    ]);
    await authz.removeOrganizationRolePermission(ORG, 'org-viewer', { permissionSlug: 'docs:write' });
    expect((await authz.getOrganizationRole(ORG, 'org-viewer')).permissions).toEqual(['docs:read']);

    // Resources.
    const ws = await authz.createResource({ organizationId: ORG, resourceTypeSlug: 'workspace', externalId: 'ws-1', name: 'Engineering' });
    expect(ws).toMatchObject({ object: 'authorization_resource', externalId: 'ws-1', organizationId: ORG });
    const project = await authz.createResource({
      organizationId: ORG,
      resourceTypeSlug: 'project',
      externalId: 'p-1',
      name: 'Web',
      parentResourceExternalId: 'ws-1',
      parentResourceTypeSlug: 'workspace',
    });
    expect(project.parentResourceId).toBe(ws.id);
    expect((await authz.getResource(ws.id)).name).toBe('Engineering');
    expect((await authz.updateResource({ resourceId: ws.id, name: 'Eng' })).name).toBe('Eng');
    expect((await authz.getResourceByExternalId({ organizationId: ORG, resourceTypeSlug: 'project', externalId: 'p-1' })).id).toBe(project.id);
    expect(
      (await authz.updateResourceByExternalId({ organizationId: ORG, resourceTypeSlug: 'project', externalId: 'p-1', description: 'Site' })).description,
    ).toBe('Site');
    expect((await authz.listResources({ organizationId: ORG, parentResourceId: ws.id })).data.map((r) => r.id)).toEqual([project.id]);

    // Assignments and checks.
    const check = (resourceId: string) => authz.check({ organizationMembershipId: ALICE, permissionSlug: 'docs:write', resourceId });
    expect(await check(project.id)).toEqual({ authorized: false });
    const assignment = await authz.assignRole({ organizationMembershipId: ALICE, roleSlug: 'ws-editor', resourceId: ws.id });
    expect(assignment).toMatchObject({ object: 'role_assignment', organizationMembershipId: ALICE, role: { slug: 'ws-editor' }, resource: { id: ws.id, externalId: 'ws-1' } });
    expect(assignment.source).toEqual({ type: 'direct', groupRoleAssignmentId: null });
    expect(await check(project.id)).toEqual({ authorized: true });
    expect(
      await authz.check({ organizationMembershipId: ALICE, permissionSlug: 'docs:write', resourceExternalId: 'p-1', resourceTypeSlug: 'project' }),
    ).toEqual({ authorized: true });
    const assignments = await authz.listRoleAssignments({ organizationMembershipId: ALICE });
    expect(assignments.data.map((a) => a.role.slug)).toEqual(['ws-editor', 'member']);

    // Discovery.
    const reachable = await authz.listResourcesForMembership({ organizationMembershipId: ALICE, permissionSlug: 'docs:write', parentResourceId: ws.id });
    expect(reachable.data.map((r) => r.id)).toEqual([project.id]);
    const holders = await authz.listMembershipsForResource({ resourceId: project.id, permissionSlug: 'docs:write' });
    expect(holders.data.map((m) => m.id)).toEqual([ALICE]);
    const byExternal = await authz.listMembershipsForResourceByExternalId({
      organizationId: ORG,
      resourceTypeSlug: 'workspace',
      externalId: 'ws-1',
      permissionSlug: 'docs:write',
      assignment: 'direct',
    });
    expect(byExternal.data.map((m) => m.id)).toEqual([ALICE]);

    // Removal.
    await authz.removeRole({ organizationMembershipId: ALICE, roleSlug: 'ws-editor', resourceId: ws.id });
    expect(await check(project.id)).toEqual({ authorized: false });
    const again = await authz.assignRole({ organizationMembershipId: ALICE, roleSlug: 'org-viewer', resourceExternalId: 'ws-1', resourceTypeSlug: 'workspace' });
    await authz.removeRoleAssignment({ organizationMembershipId: ALICE, roleAssignmentId: again.id });
    await authz.deleteOrganizationRole(ORG, 'org-viewer');
    await expect(authz.getOrganizationRole(ORG, 'org-viewer')).rejects.toMatchObject({ status: 404 });
    await expect(authz.deleteResource({ resourceId: ws.id })).rejects.toMatchObject({ status: 409 });
    await authz.deleteResource({ resourceId: ws.id, cascadeDelete: true });
    await expect(authz.getResource(project.id)).rejects.toMatchObject({ status: 404 });
    const solo = await authz.createResource({ organizationId: ORG, resourceTypeSlug: 'workspace', externalId: 'ws-2', name: 'Solo' });
    await authz.deleteResourceByExternalId({ organizationId: ORG, resourceTypeSlug: 'workspace', externalId: 'ws-2' });
    await expect(authz.getResource(solo.id)).rejects.toMatchObject({ status: 404 });
    await authz.deletePermission('docs:read');
    await expect(authz.getPermission('docs:read')).rejects.toMatchObject({ status: 404 });
    await expect(authz.createEnvironmentRole({ slug: 'ws-editor', name: 'Again' })).rejects.toMatchObject({ status: 409 });
  });
});
