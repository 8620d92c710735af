import type { EnvironmentTime } from '../clock/service.js';
import type { Db } from '../../db/open.js';
import { ApiError, conflict, notFound, unprocessable } from '../../http/errors.js';
import { pageRequest, toPage, type Page } from '../../http/pagination.js';
import { ID_PREFIXES, newId } from '../../ids.js';
import type { OrganizationStore } from '../organizations/store.js';
import type { RoleAssignmentStore } from '../role-assignments/store.js';
import { organizationOfResourceId, organizationResource } from './org-resource.js';
import type { CreateResourceBody, ExternalParams, ListResourcesQuery, UpdateResourceBody } from './schemas.js';
import type { Resource, ResourceFilter, ResourceStore } from './store.js';
import { ORGANIZATION_TYPE, type ResourceTypeStore } from './type-store.js';

export interface ResourceStores {
  resources: ResourceStore;
  resourceTypes: ResourceTypeStore;
  organizations: OrganizationStore;
  assignments: RoleAssignmentStore;
}

/** A resource named by id, or by external id + type (within an organization). */
export interface ResourceTarget {
  resource_id?: string | null;
  resource_external_id?: string;
  resource_type_slug?: string;
}

const isOrganizationResource = (r: Resource) => r.resource_type_slug === ORGANIZATION_TYPE && r.external_id === r.organization_id;

export interface ResourceService {
  /** A resource by id (an organization's resource included), or undefined. */
  byId(environmentId: string, id: string): Resource | undefined;
  resolve(environmentId: string, organizationId: string, target: ResourceTarget, prefix?: string): Resource;
  requireById(environmentId: string, id: string): Resource;
  list(environmentId: string, query: ListResourcesQuery): Page<Resource>;
  create(environmentId: string, body: CreateResourceBody): Resource;
  get(environmentId: string, id: string): Resource;
  getByExternalId(environmentId: string, p: ExternalParams): Resource;
  update(environmentId: string, id: string, body: UpdateResourceBody): Resource;
  updateByExternalId(environmentId: string, p: ExternalParams, body: UpdateResourceBody): Resource;
  delete(environmentId: string, id: string, cascade: boolean): void;
  deleteByExternalId(environmentId: string, p: ExternalParams, cascade: boolean): void;
}

export function createResourceService(db: Db, stores: ResourceStores, clock: EnvironmentTime): ResourceService {
  const { resources, resourceTypes, organizations, assignments } = stores;

  const requireOrganization = (environmentId: string, organizationId: string) => {
    const org = organizations.byId(environmentId, organizationId);
    if (!org) throw notFound('Organization', organizationId);
    return org;
  };

  /** A resource by id: a stored one, or an organization's resource. */
  const byId = (environmentId: string, id: string): Resource | undefined => {
    const stored = resources.byId(environmentId, id);
    if (stored) return stored;
    const orgId = organizationOfResourceId(id);
    const org = orgId && organizations.byId(environmentId, orgId);
    return org ? organizationResource(org) : undefined;
  };
  const byExternalId = (environmentId: string, organizationId: string, type: string, externalId: string): Resource | undefined => {
    if (type === ORGANIZATION_TYPE) {
      if (externalId !== organizationId) return undefined;
      const org = organizations.byId(environmentId, organizationId);
      return org && organizationResource(org);
    }
    return resources.byExternalId(environmentId, organizationId, type, externalId);
  };
  const requireById = (environmentId: string, id: string) => {
    const found = byId(environmentId, id);
    if (!found) throw notFound('Resource', id);
    return found;
  };
  const requireByExternalId = (environmentId: string, p: ExternalParams) => {
    requireOrganization(environmentId, p.organization_id);
    const found = byExternalId(environmentId, p.organization_id, p.resource_type_slug, p.external_id);
    if (!found) throw notFound('Resource', p.external_id);
    return found;
  };

  /**
   * The resource a body names (spec: `resource_id`, or `resource_external_id` + `resource_type_slug`,
   * never both) within the organization: one of another organization is not found.
   */
  const resolve = (environmentId: string, organizationId: string, target: ResourceTarget, prefix = 'resource'): Resource => {
    const idField = `${prefix}_id`;
    const byExternal = target.resource_external_id !== undefined || target.resource_type_slug !== undefined;
    if (target.resource_id != null && byExternal) {
      throw unprocessable(`Provide either ${idField} or ${prefix}_external_id with ${prefix}_type_slug, not both.`, 'invalid_resource_target');
    }
    if (target.resource_id != null) {
      const found = byId(environmentId, target.resource_id);
      if (!found || found.organization_id !== organizationId) throw notFound('Resource', target.resource_id);
      return found;
    }
    if (target.resource_external_id === undefined || target.resource_type_slug === undefined) {
      throw unprocessable(`Provide ${idField}, or ${prefix}_external_id together with ${prefix}_type_slug.`, 'invalid_resource_target');
    }
    const found = byExternalId(environmentId, organizationId, target.resource_type_slug, target.resource_external_id);
    if (!found) throw notFound('Resource', target.resource_external_id);
    return found;
  };

  /** The parent a create or update names; undefined when it names none. */
  const parentOf = (environmentId: string, organizationId: string, body: UpdateResourceBody): Resource | undefined => {
    const target = { resource_id: body.parent_resource_id, resource_external_id: body.parent_resource_external_id, resource_type_slug: body.parent_resource_type_slug };
    if (target.resource_id == null && target.resource_external_id === undefined && target.resource_type_slug === undefined) return undefined;
    try {
      return resolve(environmentId, organizationId, target, 'parent_resource');
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) throw notFound('Parent resource', target.resource_id ?? target.resource_external_id!);
      throw err;
    }
  };

  const checkParentType = (environmentId: string, type: string, parent: Resource | undefined) => {
    const declared = resourceTypes.bySlug(environmentId, type);
    const parentType = parent?.resource_type_slug ?? ORGANIZATION_TYPE;
    if (declared?.parent_slug && declared.parent_slug !== parentType) {
      throw unprocessable(`A '${type}' resource must have a '${declared.parent_slug}' parent, not '${parentType}'.`, 'invalid_parent_resource_type');
    }
  };

  const create = db.transaction((environmentId: string, body: CreateResourceBody): Resource => {
    requireOrganization(environmentId, body.organization_id);
    if (body.resource_type_slug === ORGANIZATION_TYPE) {
      throw unprocessable('Organization resources exist for every organization and cannot be created.', 'invalid_resource_type');
    }
    const parent = parentOf(environmentId, body.organization_id, body);
    if (byExternalId(environmentId, body.organization_id, body.resource_type_slug, body.external_id)) {
      throw conflict(
        `A '${body.resource_type_slug}' resource with external id '${body.external_id}' already exists in organization '${body.organization_id}'.`,
        'authorization_resource_external_id_conflict',
      );
    }
    const now = clock.now(environmentId);
    resourceTypes.ensure(environmentId, body.resource_type_slug, now);
    checkParentType(environmentId, body.resource_type_slug, parent);
    const resource: Resource = {
      id: newId('resource'),
      organization_id: body.organization_id,
      resource_type_slug: body.resource_type_slug,
      external_id: body.external_id,
      name: body.name,
      description: body.description ?? null,
      parent_resource_id: parent && !isOrganizationResource(parent) ? parent.id : null,
      created_at: now,
      updated_at: now,
    };
    resources.insert(environmentId, resource);
    return resource;
  });

  const update = (environmentId: string, current: Resource, body: UpdateResourceBody): Resource => {
    if (isOrganizationResource(current)) throw unprocessable('Organization resources cannot be edited.', 'organization_resource_immutable');
    const parent = parentOf(environmentId, current.organization_id, body);
    let parentId = current.parent_resource_id;
    if (parent) {
      parentId = isOrganizationResource(parent) ? null : parent.id;
      // A resource cannot move below itself.
      if (parentId !== null && resources.chain(environmentId, parentId).includes(current.id)) {
        throw unprocessable('A resource cannot be moved under itself or one of its descendants.', 'invalid_parent_resource');
      }
      checkParentType(environmentId, current.resource_type_slug, parent);
    }
    const next = {
      ...current,
      name: body.name ?? current.name,
      description: body.description !== undefined ? body.description : current.description,
      parent_resource_id: parentId,
    };
    if (next.name === current.name && next.description === current.description && next.parent_resource_id === current.parent_resource_id) {
      return current;
    }
    const saved = { ...next, updated_at: clock.now(environmentId) };
    resources.update(environmentId, saved);
    return saved;
  };

  /** spec: with cascade_delete the descendants and all assignments go too; without, a resource that has either stays (409). */
  const remove = (environmentId: string, resource: Resource, cascade: boolean): void => {
    if (isOrganizationResource(resource)) {
      throw new ApiError(403, { message: 'Organization resources cannot be deleted.', code: 'organization_resource_immutable' });
    }
    const ids = resources.subtree(environmentId, resource.id);
    if (!cascade && (ids.length > 1 || assignments.anyOn(environmentId, resource.id))) {
      throw conflict(
        `Resource '${resource.id}' has child resources or role assignments; delete with cascade_delete=true to remove them too.`,
        'resource_has_dependents',
      );
    }
    assignments.deleteOn(environmentId, ids);
    // Deepest first: every parent row outlives its children's deletes.
    for (const id of ids.reverse()) resources.delete(environmentId, id);
  };

  return {
    byId,
    resolve,
    requireById,
    list(environmentId: string, query: ListResourcesQuery): Page<Resource> {
      const byParentExternal = query.parent_resource_type_slug !== undefined || query.parent_external_id !== undefined;
      if (query.parent_resource_id !== undefined && byParentExternal) {
        throw unprocessable('Provide either parent_resource_id or parent_resource_type_slug with parent_external_id, not both.', 'invalid_parent_filter');
      }
      if (byParentExternal && (query.parent_resource_type_slug === undefined || query.parent_external_id === undefined)) {
        throw unprocessable('parent_resource_type_slug and parent_external_id go together.', 'invalid_parent_filter');
      }
      const req = pageRequest(query, ID_PREFIXES.resource, (id) => resources.sortKey(environmentId, id), 422);
      const filter: ResourceFilter = {
        ...(query.organization_id !== undefined && { organization_id: query.organization_id }),
        ...(query.resource_type_slug !== undefined && { resource_type_slug: query.resource_type_slug }),
        ...(query.resource_external_id !== undefined && { external_id: query.resource_external_id }),
        ...(query.search !== undefined && query.search !== '' && { search: query.search }),
      };
      let parent: Resource | undefined;
      if (query.parent_resource_id !== undefined) parent = byId(environmentId, query.parent_resource_id);
      else if (byParentExternal) {
        // Without an organization filter the parent's external id is looked up in every organization the filter allows.
        const orgId = query.organization_id;
        parent = orgId
          ? byExternalId(environmentId, orgId, query.parent_resource_type_slug!, query.parent_external_id!)
          : query.parent_resource_type_slug === ORGANIZATION_TYPE
            ? byExternalId(environmentId, query.parent_external_id!, ORGANIZATION_TYPE, query.parent_external_id!)
            : undefined;
        if (!parent && !orgId && query.parent_resource_type_slug !== ORGANIZATION_TYPE) {
          throw unprocessable('Filtering by parent external id needs organization_id (external ids are unique per organization).', 'organization_id_required');
        }
      }
      // An unknown parent has no children.
      if ((query.parent_resource_id !== undefined || byParentExternal) && !parent) return { rows: [], before: null, after: null };
      if (parent) {
        if (isOrganizationResource(parent)) filter.top_of = parent.organization_id;
        else filter.parent_resource_id = parent.id;
      }
      return toPage(req, resources.list(environmentId, req, filter));
    },
    create,
    get: requireById,
    getByExternalId: requireByExternalId,
    update: db.transaction((environmentId: string, id: string, body: UpdateResourceBody) => update(environmentId, requireById(environmentId, id), body)),
    updateByExternalId: db.transaction((environmentId: string, p: ExternalParams, body: UpdateResourceBody) =>
      update(environmentId, requireByExternalId(environmentId, p), body),
    ),
    delete: db.transaction((environmentId: string, id: string, cascade: boolean) => remove(environmentId, requireById(environmentId, id), cascade)),
    deleteByExternalId: db.transaction((environmentId: string, p: ExternalParams, cascade: boolean) =>
      remove(environmentId, requireByExternalId(environmentId, p), cascade),
    ),
  };
}

