import type { Db } from '../../db/open.js';
import type { PermissionService } from '../permissions/service.js';
import { serializePermission } from '../permissions/serialize.js';
import type { RoleService } from '../roles/service.js';
import { ENVIRONMENT_SCOPE, type Role, type RoleStore } from '../roles/store.js';
import type { Outbox } from './outbox.js';

// role.* (environment roles), organization_role.* (an organization's custom roles) and
// permission.*, wrapped like the directory services: each write and its events share one
// transaction, and a write that changes nothing (same role or permission after) records nothing.

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** spec: role.* data lists only these fields (no id, name or description). */
export function roleEventData(role: Role) {
  return {
    object: 'role' as const,
    slug: role.slug,
    resource_type_slug: role.resource_type_slug,
    permissions: role.permissions,
    created_at: role.created_at,
    updated_at: role.updated_at,
  };
}

/** spec: organization_role.* data (it requires `description` without listing it; given as the role has it). */
export function organizationRoleEventData(role: Role) {
  return {
    object: 'organization_role' as const,
    organization_id: role.organization_id,
    slug: role.slug,
    name: role.name,
    description: role.description,
    resource_type_slug: role.resource_type_slug,
    permissions: role.permissions,
    created_at: role.created_at,
    updated_at: role.updated_at,
  };
}

/** The event of a change to either kind of role. */
function recordRole(outbox: Outbox, environmentId: string, change: 'created' | 'updated' | 'deleted', role: Role): void {
  if (role.organization_id === ENVIRONMENT_SCOPE) outbox.record(environmentId, `role.${change}`, roleEventData(role));
  else outbox.record(environmentId, `organization_role.${change}`, organizationRoleEventData(role));
}

export function withRoleEvents(db: Db, service: RoleService, outbox: Outbox): RoleService {
  /** A write answering the role it created. */
  const created =
    <A extends unknown[]>(write: (environmentId: string, ...rest: A) => Role) =>
    (environmentId: string, ...rest: A): Role => {
      const role = write(environmentId, ...rest);
      recordRole(outbox, environmentId, 'created', role);
      return role;
    };
  const recordChange = (environmentId: string, before: Role, after: Role) => {
    if (!same(before, after)) recordRole(outbox, environmentId, 'updated', after);
    return after;
  };
  /** A write to an environment role: `updated` when the answer differs from the role before. */
  const environmentChange =
    <A extends unknown[]>(write: (environmentId: string, slug: string, ...rest: A) => Role) =>
    (environmentId: string, slug: string, ...rest: A): Role =>
      recordChange(environmentId, service.getEnvironment(environmentId, slug), write(environmentId, slug, ...rest));
  /** The same for an organization's custom role (the service refuses environment roles, 404, before writing). */
  const organizationChange =
    <A extends unknown[]>(write: (environmentId: string, organizationId: string, slug: string, ...rest: A) => Role) =>
    (environmentId: string, organizationId: string, slug: string, ...rest: A): Role => {
      const before = service.getForOrganization(environmentId, organizationId, slug);
      return recordChange(environmentId, before, write(environmentId, organizationId, slug, ...rest));
    };
  return {
    ...service,
    createEnvironment: db.transaction(created(service.createEnvironment)),
    updateEnvironment: db.transaction(environmentChange(service.updateEnvironment)),
    setEnvironmentPermissions: db.transaction(environmentChange(service.setEnvironmentPermissions)),
    addEnvironmentPermission: db.transaction(environmentChange(service.addEnvironmentPermission)),
    createForOrganization: db.transaction(created(service.createForOrganization)),
    updateForOrganization: db.transaction(organizationChange(service.updateForOrganization)),
    setOrganizationPermissions: db.transaction(organizationChange(service.setOrganizationPermissions)),
    addOrganizationPermission: db.transaction(organizationChange(service.addOrganizationPermission)),
    removeOrganizationPermission: db.transaction(organizationChange(service.removeOrganizationPermission)),
    deleteForOrganization: db.transaction((environmentId, organizationId, slug) => {
      const role = service.deleteForOrganization(environmentId, organizationId, slug);
      recordRole(outbox, environmentId, 'deleted', role);
      return role;
    }),
  };
}

export function withPermissionEvents(db: Db, service: PermissionService, outbox: Outbox, roles: RoleStore): PermissionService {
  const record = (environmentId: string, change: string, p: Parameters<typeof serializePermission>[0]) =>
    outbox.record(environmentId, `permission.${change}`, serializePermission(p));
  return {
    ...service,
    create: db.transaction((environmentId, body) => {
      const permission = service.create(environmentId, body);
      record(environmentId, 'created', permission);
      return permission;
    }),
    update: db.transaction((environmentId, slug, body) => {
      const before = service.get(environmentId, slug);
      const permission = service.update(environmentId, slug, body);
      if (!same(before, permission)) record(environmentId, 'updated', permission);
      return permission;
    }),
    // The roles that granted the permission lose it: their updates, then the deletion.
    delete: db.transaction((environmentId, slug) => {
      const before = service.get(environmentId, slug);
      const granting = roles.withPermission(environmentId, slug);
      service.delete(environmentId, slug);
      for (const role of granting) {
        const after = role.organization_id === ENVIRONMENT_SCOPE ? roles.environmentRole(environmentId, role.slug) : roles.organizationRole(environmentId, role.organization_id, role.slug);
        if (after) recordRole(outbox, environmentId, 'updated', after);
      }
      record(environmentId, 'deleted', before);
    }),
  };
}
