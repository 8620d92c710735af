import type { EnvironmentTime } from '../clock/service.js';
import type { Db } from '../../db/open.js';
import { ApiError, conflict, notFound } from '../../http/errors.js';
import { pageRequest, toPage, type ListQuery, type Page } from '../../http/pagination.js';
import { ID_PREFIXES, newId } from '../../ids.js';
import { ORGANIZATION_TYPE, type ResourceTypeStore } from '../resources/type-store.js';
import type { RoleStore } from '../roles/store.js';
import type { CreatePermissionBody, UpdatePermissionBody } from './schemas.js';
import type { Permission, PermissionStore } from './store.js';

export interface PermissionService {
  list(environmentId: string, query: ListQuery): Page<Permission>;
  create(environmentId: string, body: CreatePermissionBody): Permission;
  get(environmentId: string, slug: string): Permission;
  update(environmentId: string, slug: string, body: UpdatePermissionBody): Permission;
  delete(environmentId: string, slug: string): void;
}

export function createPermissionService(
  db: Db,
  stores: { permissions: PermissionStore; roles: RoleStore; resourceTypes: ResourceTypeStore },
  clock: EnvironmentTime,
): PermissionService {
  const { permissions, roles, resourceTypes } = stores;
  const require = (environmentId: string, slug: string): Permission => {
    const found = permissions.bySlug(environmentId, slug);
    if (!found) throw notFound('Permission', slug);
    return found;
  };

  const create = db.transaction((environmentId: string, body: CreatePermissionBody): Permission => {
    if (permissions.bySlug(environmentId, body.slug)) {
      throw conflict(`A permission with slug '${body.slug}' already exists.`, 'permission_slug_conflict');
    }
    const now = clock.now(environmentId);
    const type = resourceTypes.ensure(environmentId, body.resource_type_slug ?? ORGANIZATION_TYPE, now);
    const permission: Permission = {
      id: newId('permission'),
      slug: body.slug,
      name: body.name,
      description: body.description ?? null,
      system: false,
      resource_type_slug: type.slug,
      created_at: now,
      updated_at: now,
    };
    permissions.insert(environmentId, permission);
    return permission;
  });

  const update = db.transaction((environmentId: string, slug: string, body: UpdatePermissionBody): Permission => {
    const current = require(environmentId, slug);
    const next = { ...current, name: body.name ?? current.name, description: body.description !== undefined ? body.description : current.description };
    if (next.name === current.name && next.description === current.description) return current;
    const saved = { ...next, updated_at: clock.now(environmentId) };
    permissions.update(environmentId, saved);
    return saved;
  });

  const remove = db.transaction((environmentId: string, slug: string): void => {
    const permission = require(environmentId, slug);
    // spec: "System permissions cannot be deleted" (403 is the only refusal the operation lists).
    if (permission.system) throw new ApiError(403, { message: `System permission '${slug}' cannot be deleted.`, code: 'system_permission_cannot_be_deleted' });
    // A deleted permission leaves every role that granted it.
    const now = clock.now(environmentId);
    for (const role of roles.withPermission(environmentId, slug)) {
      roles.update(environmentId, { ...role, permissions: role.permissions.filter((p) => p !== slug), updated_at: now });
    }
    permissions.delete(environmentId, permission.id);
  });

  return {
    list(environmentId, query) {
      const req = pageRequest(query, ID_PREFIXES.permission, (id) => permissions.sortKey(environmentId, id), 422);
      return toPage(req, permissions.list(environmentId, req));
    },
    create,
    get: require,
    update,
    delete: remove,
  };
}
