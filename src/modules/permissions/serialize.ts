import type { AuthorizationPermission } from './schemas.js';
import type { Permission } from './store.js';

/** Permission → wire object in spec order. */
export function serializePermission(p: Permission): AuthorizationPermission {
  return {
    object: 'permission',
    id: p.id,
    slug: p.slug,
    name: p.name,
    description: p.description,
    system: p.system,
    resource_type_slug: p.resource_type_slug,
    created_at: p.created_at,
    updated_at: p.updated_at,
  };
}
