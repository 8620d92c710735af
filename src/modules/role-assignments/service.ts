import type { EnvironmentTime } from '../clock/service.js';
import type { Db } from '../../db/open.js';
import { ApiError, notFound, unprocessable } from '../../http/errors.js';
import { mergeKeyset, pastCursor } from '../../db/keyset.js';
import { pageRequest, toPage, type Page } from '../../http/pagination.js';
import { ID_PREFIXES, newId } from '../../ids.js';
import type { MembershipStore, MembershipView } from '../memberships/store.js';
import { organizationResourceId } from '../resources/org-resource.js';
import type { ResourceService } from '../resources/service.js';
import type { Resource } from '../resources/store.js';
import type { RoleStore } from '../roles/store.js';
import type { AssignRoleBody, ListRoleAssignmentsQuery, RemoveRoleBody } from './schemas.js';
import type { RoleAssignment, RoleAssignmentStore } from './store.js';

export interface RoleAssignmentStores {
  assignments: RoleAssignmentStore;
  memberships: MembershipStore;
  roles: RoleStore;
  resources: ResourceService;
}

/** An assignment with the resource it is on, ready to serialize. */
export interface PlacedAssignment {
  assignment: RoleAssignment;
  resource: Resource;
}

export interface RoleAssignmentService {
  list(environmentId: string, membershipId: string, query: ListRoleAssignmentsQuery): Page<PlacedAssignment>;
  assign(environmentId: string, membershipId: string, body: AssignRoleBody): PlacedAssignment;
  removeByCriteria(environmentId: string, membershipId: string, body: RemoveRoleBody): void;
  removeById(environmentId: string, membershipId: string, assignmentId: string): void;
}

/**
 * The membership's own role (`role_slug`) is its assignment on the organization resource: listed
 * with the others under an id derived from the membership's, changed on the membership only.
 */
export function primaryAssignment(m: Pick<MembershipView, 'id' | 'organization_id' | 'role_slug' | 'created_at' | 'updated_at'>): RoleAssignment {
  return {
    id: ID_PREFIXES.roleAssignment + m.id.slice(ID_PREFIXES.membership.length),
    organization_membership_id: m.id,
    role_slug: m.role_slug,
    resource_id: organizationResourceId(m.organization_id),
    created_at: m.created_at,
    updated_at: m.updated_at,
  };
}

const PRIMARY_IS_FIXED = "An organization membership's own role is changed on the membership (PUT /user_management/organization_memberships/{id}), not removed here.";

export function createRoleAssignmentService(db: Db, stores: RoleAssignmentStores, clock: EnvironmentTime): RoleAssignmentService {
  const { assignments, memberships, roles, resources } = stores;

  const requireMembership = (environmentId: string, id: string) => {
    const m = memberships.byId(environmentId, id);
    if (!m) throw notFound('Organization membership', id);
    return m;
  };
  const place = (environmentId: string, a: RoleAssignment): PlacedAssignment => ({ assignment: a, resource: resources.requireById(environmentId, a.resource_id) });

  return {
    list(environmentId, membershipId, query) {
      const m = requireMembership(environmentId, membershipId);
      const primary = primaryAssignment(m);
      const hasTarget = query.resource_id !== undefined || query.resource_external_id !== undefined || query.resource_type_slug !== undefined;
      const on = hasTarget ? resources.resolve(environmentId, m.organization_id, query) : undefined;
      const req = pageRequest(
        query,
        ID_PREFIXES.roleAssignment,
        (id) => (id === primary.id ? primary : assignments.sortKey(environmentId, id)),
        422,
      );
      const stored = assignments.list(environmentId, membershipId, req, on?.id);
      const withPrimary = (!on || on.id === primary.resource_id) && pastCursor(req, primary) ? [primary] : [];
      const rows = mergeKeyset(stored, withPrimary, req.scan, req.limit + 1);
      const page = toPage(req, rows);
      return { ...page, rows: page.rows.map((a) => place(environmentId, a)) };
    },

    assign: db.transaction((environmentId: string, membershipId: string, body: AssignRoleBody): PlacedAssignment => {
      const m = requireMembership(environmentId, membershipId);
      const resource = resources.resolve(environmentId, m.organization_id, body);
      const role = roles.forOrganization(environmentId, m.organization_id, body.role_slug);
      if (!role) throw notFound('Role', body.role_slug);
      // docs: a role is scoped to one resource type and applies to resources of that type.
      if (role.resource_type_slug !== resource.resource_type_slug) {
        throw unprocessable(
          `Role '${role.slug}' is scoped to '${role.resource_type_slug}' resources and cannot be assigned on a '${resource.resource_type_slug}' resource.`,
          'role_resource_type_mismatch',
        );
      }
      const primary = primaryAssignment(m);
      if (assignments.find(environmentId, m.id, resource.id, role.slug) || (primary.resource_id === resource.id && primary.role_slug === role.slug)) {
        throw unprocessable(`Role '${role.slug}' is already assigned to this membership on resource '${resource.id}'.`, 'role_already_assigned');
      }
      const now = clock.now(environmentId);
      const assignment: RoleAssignment = {
        id: newId('roleAssignment'),
        organization_membership_id: m.id,
        role_slug: role.slug,
        resource_id: resource.id,
        created_at: now,
        updated_at: now,
      };
      assignments.insert(environmentId, assignment);
      return { assignment, resource };
    }),

    removeByCriteria: db.transaction((environmentId: string, membershipId: string, body: RemoveRoleBody): void => {
      const m = requireMembership(environmentId, membershipId);
      const resource = resources.resolve(environmentId, m.organization_id, body);
      const found = assignments.find(environmentId, m.id, resource.id, body.role_slug);
      if (found) return assignments.delete(environmentId, found.id);
      const primary = primaryAssignment(m);
      if (primary.resource_id === resource.id && primary.role_slug === body.role_slug) {
        throw new ApiError(403, { message: PRIMARY_IS_FIXED, code: 'primary_role_assignment' });
      }
      throw notFound('Role assignment', `${body.role_slug} on ${resource.id}`);
    }),

    removeById: db.transaction((environmentId: string, membershipId: string, assignmentId: string): void => {
      const m = requireMembership(environmentId, membershipId);
      if (assignmentId === primaryAssignment(m).id) throw new ApiError(403, { message: PRIMARY_IS_FIXED, code: 'primary_role_assignment' });
      const found = assignments.byId(environmentId, assignmentId);
      if (!found || found.organization_membership_id !== m.id) throw notFound('Role assignment', assignmentId);
      assignments.delete(environmentId, found.id);
    }),
  };
}
