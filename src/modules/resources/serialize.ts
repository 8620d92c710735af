import type { AuthorizationResource } from './schemas.js';
import { organizationResourceId } from './org-resource.js';
import type { Resource } from './store.js';
import { ORGANIZATION_TYPE } from './type-store.js';

/** Resource → wire object in spec order. A top-level resource's parent is its organization's resource. */
export function serializeResource(r: Resource): AuthorizationResource {
  const isOrganization = r.resource_type_slug === ORGANIZATION_TYPE && r.external_id === r.organization_id;
  return {
    object: 'authorization_resource',
    name: r.name,
    description: r.description,
    organization_id: r.organization_id,
    parent_resource_id: r.parent_resource_id ?? (isOrganization ? null : organizationResourceId(r.organization_id)),
    id: r.id,
    external_id: r.external_id,
    resource_type_slug: r.resource_type_slug,
    created_at: r.created_at,
    updated_at: r.updated_at,
  };
}
