import type { Role as RoleWire } from './schemas.js';
import type { Role } from './store.js';

/** Role → wire object in spec order. */
export function serializeRole(role: Role): RoleWire {
  return {
    slug: role.slug,
    object: 'role',
    id: role.id,
    name: role.name,
    description: role.description,
    type: role.organization_id ? 'OrganizationRole' : 'EnvironmentRole',
    resource_type_slug: role.resource_type_slug,
    permissions: role.permissions,
    created_at: role.created_at,
    updated_at: role.updated_at,
  };
}
