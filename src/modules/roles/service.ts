import { randomBytes } from 'node:crypto';
import type { EnvironmentTime } from '../clock/service.js';
import type { Db } from '../../db/open.js';
import { ApiError, conflict, notFound, unprocessable } from '../../http/errors.js';
import { newId } from '../../ids.js';
import type { PermissionStore } from '../permissions/store.js';
import { ORGANIZATION_TYPE, type ResourceTypeStore } from '../resources/type-store.js';
import type { AddPermissionBody, CreateOrganizationRoleBody, CreateRoleBody, SetPermissionsBody, UpdateRoleBody } from './schemas.js';
import { ENVIRONMENT_SCOPE, type Role, type RoleStore } from './store.js';

export interface RoleStores {
  roles: RoleStore;
  permissions: PermissionStore;
  resourceTypes: ResourceTypeStore;
  organizationExists(environmentId: string, id: string): boolean;
}

export interface RoleService {
  listEnvironment(environmentId: string): Role[];
  createEnvironment(environmentId: string, body: CreateRoleBody): Role;
  getEnvironment(environmentId: string, slug: string): Role;
  updateEnvironment(environmentId: string, slug: string, body: UpdateRoleBody): Role;
  setEnvironmentPermissions(environmentId: string, slug: string, body: SetPermissionsBody): Role;
  addEnvironmentPermission(environmentId: string, slug: string, body: AddPermissionBody): Role;
  listForOrganization(environmentId: string, organizationId: string): Role[];
  createForOrganization(environmentId: string, organizationId: string, body: CreateOrganizationRoleBody): Role;
  getForOrganization(environmentId: string, organizationId: string, slug: string): Role;
  updateForOrganization(environmentId: string, organizationId: string, slug: string, body: UpdateRoleBody): Role;
  deleteForOrganization(environmentId: string, organizationId: string, slug: string): Role;
  setOrganizationPermissions(environmentId: string, organizationId: string, slug: string, body: SetPermissionsBody): Role;
  addOrganizationPermission(environmentId: string, organizationId: string, slug: string, body: AddPermissionBody): Role;
  removeOrganizationPermission(environmentId: string, organizationId: string, slug: string, permissionSlug: string): Role;
}

/** Environment roles and organizations' custom roles, with their permissions. */
export function createRoleService(db: Db, stores: RoleStores, clock: EnvironmentTime): RoleService {
  const { roles, permissions, resourceTypes } = stores;

  const requireOrganization = (environmentId: string, organizationId: string) => {
    if (!stores.organizationExists(environmentId, organizationId)) throw notFound('Organization', organizationId);
  };
  const requireEnvironmentRole = (environmentId: string, slug: string): Role => {
    const role = roles.environmentRole(environmentId, slug);
    if (!role) throw notFound('Role', slug);
    return role;
  };
  /** A custom role of the organization: environment roles change at /authorization/roles only. */
  const requireCustomRole = (environmentId: string, organizationId: string, slug: string): Role => {
    requireOrganization(environmentId, organizationId);
    const role = roles.organizationRole(environmentId, organizationId, slug);
    if (role) return role;
    if (roles.environmentRole(environmentId, slug)) {
      throw new ApiError(404, {
        message: `Custom role not found: '${slug}'. '${slug}' is an environment role: change it at /authorization/roles/${slug}.`,
        code: 'entity_not_found',
        entity_id: slug,
      });
    }
    throw notFound('Role', slug);
  };

  const insert = (environmentId: string, scope: string, fields: { slug: string; name: string; description?: string | null; resource_type_slug?: string }) => {
    const now = clock.now(environmentId);
    const type = resourceTypes.ensure(environmentId, fields.resource_type_slug ?? ORGANIZATION_TYPE, now);
    const role: Role = {
      id: newId('role'),
      organization_id: scope,
      slug: fields.slug,
      name: fields.name,
      description: fields.description ?? null,
      resource_type_slug: type.slug,
      permissions: [],
      priority: roles.nextPriority(environmentId, scope),
      created_at: now,
      updated_at: now,
    };
    roles.insert(environmentId, role);
    return role;
  };

  const save = (environmentId: string, current: Role, changes: Partial<Pick<Role, 'name' | 'description' | 'permissions'>>): Role => {
    const next = { ...current, ...changes };
    const same =
      next.name === current.name && next.description === current.description && next.permissions.join('\n') === current.permissions.join('\n');
    if (same) return current;
    const saved = { ...next, updated_at: clock.now(environmentId) };
    roles.update(environmentId, saved);
    return saved;
  };

  const updateFields = (body: UpdateRoleBody, role: Role) => ({
    name: body.name ?? role.name,
    description: body.description !== undefined ? body.description : role.description,
  });

  /** spec: set replaces all permissions; every slug must name a permission of the environment. */
  const setPermissions = (environmentId: string, role: Role, body: SetPermissionsBody): Role => {
    const wanted = [...new Set(body.permissions)];
    const missing = permissions.missing(environmentId, wanted);
    if (missing.length) {
      throw unprocessable(`Permissions not found: ${missing.map((s) => `'${s}'`).join(', ')}.`, 'permission_not_found', missing.map((slug) => ({ field: 'permissions', code: 'permission_not_found', message: `'${slug}' is not a permission` })));
    }
    return save(environmentId, role, { permissions: wanted });
  };
  /** spec: adding a permission the role already has has no effect. */
  const addPermission = (environmentId: string, role: Role, body: AddPermissionBody): Role => {
    if (!permissions.bySlug(environmentId, body.slug)) throw notFound('Permission', body.slug);
    if (role.permissions.includes(body.slug)) return role;
    return save(environmentId, role, { permissions: [...role.permissions, body.slug] });
  };

  return {
    /** The environment's roles, in priority order. */
    listEnvironment: (environmentId: string) => roles.all(environmentId),
    createEnvironment: db.transaction((environmentId: string, body: CreateRoleBody) => {
      if (roles.environmentRole(environmentId, body.slug)) {
        throw conflict(`A role with slug '${body.slug}' already exists.`, 'role_slug_conflict');
      }
      return insert(environmentId, ENVIRONMENT_SCOPE, body);
    }),
    getEnvironment: requireEnvironmentRole,
    updateEnvironment: db.transaction((environmentId: string, slug: string, body: UpdateRoleBody) => {
      const role = requireEnvironmentRole(environmentId, slug);
      return save(environmentId, role, updateFields(body, role));
    }),
    setEnvironmentPermissions: db.transaction((environmentId: string, slug: string, body: SetPermissionsBody) =>
      setPermissions(environmentId, requireEnvironmentRole(environmentId, slug), body),
    ),
    addEnvironmentPermission: db.transaction((environmentId: string, slug: string, body: AddPermissionBody) =>
      addPermission(environmentId, requireEnvironmentRole(environmentId, slug), body),
    ),

    /** spec: the environment roles and then the organization's custom roles, each in priority order. */
    listForOrganization(environmentId: string, organizationId: string): Role[] {
      requireOrganization(environmentId, organizationId);
      return [...roles.all(environmentId), ...roles.ofOrganization(environmentId, organizationId)];
    },
    createForOrganization: db.transaction((environmentId: string, organizationId: string, body: CreateOrganizationRoleBody) => {
      requireOrganization(environmentId, organizationId);
      const slug = body.slug ?? generatedSlug(body.name);
      if (roles.organizationRole(environmentId, organizationId, slug)) {
        throw conflict(`A role with slug '${slug}' already exists in organization '${organizationId}'.`, 'organization_role_slug_conflict');
      }
      return insert(environmentId, organizationId, { ...body, slug });
    }),
    /** spec: "either an environment role or a custom role". */
    getForOrganization(environmentId: string, organizationId: string, slug: string): Role {
      requireOrganization(environmentId, organizationId);
      const role = roles.forOrganization(environmentId, organizationId, slug);
      if (!role) throw notFound('Role', slug);
      return role;
    },
    updateForOrganization: db.transaction((environmentId: string, organizationId: string, slug: string, body: UpdateRoleBody) => {
      const role = requireCustomRole(environmentId, organizationId, slug);
      return save(environmentId, role, updateFields(body, role));
    }),
    deleteForOrganization: db.transaction((environmentId: string, organizationId: string, slug: string) => {
      const role = requireCustomRole(environmentId, organizationId, slug);
      const uses = roles.uses(environmentId, organizationId, slug);
      if (uses > 0) {
        throw conflict(`Role '${slug}' is assigned ${uses} time(s); remove its assignments before deleting it.`, 'role_has_assignments');
      }
      roles.delete(environmentId, role.id);
      return role;
    }),
    setOrganizationPermissions: db.transaction((environmentId: string, organizationId: string, slug: string, body: SetPermissionsBody) =>
      setPermissions(environmentId, requireCustomRole(environmentId, organizationId, slug), body),
    ),
    addOrganizationPermission: db.transaction((environmentId: string, organizationId: string, slug: string, body: AddPermissionBody) =>
      addPermission(environmentId, requireCustomRole(environmentId, organizationId, slug), body),
    ),
    removeOrganizationPermission: db.transaction((environmentId: string, organizationId: string, slug: string, permissionSlug: string) => {
      const role = requireCustomRole(environmentId, organizationId, slug);
      if (!permissions.bySlug(environmentId, permissionSlug)) throw notFound('Permission', permissionSlug);
      return save(environmentId, role, { permissions: role.permissions.filter((p) => p !== permissionSlug) });
    }),
  };
}


/** spec: "When omitted, a slug is auto-generated from the role name and a random suffix." */
function generatedSlug(name: string): string {
  const base = name.toLowerCase().replace(/[^a-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 36) || 'role';
  const suffix = Array.from(randomBytes(6), (b) => 'abcdefghijklmnopqrstuvwxyz0123456789'[b % 36]).join('');
  return `org-${base}-${suffix}`;
}
