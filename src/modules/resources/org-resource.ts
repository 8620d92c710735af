import { ID_PREFIXES } from '../../ids.js';
import type { Organization } from '../organizations/store.js';
import type { Resource } from './store.js';
import { ORGANIZATION_TYPE } from './type-store.js';

// spec/docs: every organization is a resource (type `organization`, external id = the organization
// id) that cannot be edited or deleted. It is not stored: its id carries the organization's ULID.

export function organizationResourceId(organizationId: string): string {
  return ID_PREFIXES.resource + organizationId.slice(ID_PREFIXES.organization.length);
}

/** The organization id an organization resource id stands for (whether or not it exists). */
export function organizationOfResourceId(resourceId: string): string | undefined {
  return resourceId.startsWith(ID_PREFIXES.resource) ? ID_PREFIXES.organization + resourceId.slice(ID_PREFIXES.resource.length) : undefined;
}

export function organizationResource(org: Organization): Resource {
  return {
    id: organizationResourceId(org.id),
    organization_id: org.id,
    resource_type_slug: ORGANIZATION_TYPE,
    external_id: org.id,
    name: org.name,
    description: null,
    parent_resource_id: null,
    created_at: org.created_at,
    updated_at: org.updated_at,
  };
}
