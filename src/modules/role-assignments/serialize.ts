import type { Resource } from '../resources/store.js';
import type { RoleAssignment as Wire } from './schemas.js';
import type { RoleAssignment } from './store.js';

/** Assignment → wire object in 0.61.0's field order; every assignment here is direct (no groups). */
export function serializeRoleAssignment(a: RoleAssignment, resource: Resource): Wire {
  return {
    object: 'role_assignment',
    id: a.id,
    organization_membership_id: a.organization_membership_id,
    role: { slug: a.role_slug },
    resource: { id: resource.id, external_id: resource.external_id, resource_type_slug: resource.resource_type_slug },
    source: { type: 'direct', group_role_assignment_id: null },
    created_at: a.created_at,
    updated_at: a.updated_at,
  };
}
