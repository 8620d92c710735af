import { serializeUser } from '../users/serialize.js';
import type { OrganizationMembership } from './schemas.js';
import type { MembershipView } from './store.js';

/** Membership → wire object in spec order, its user embedded as the spec requires. */
export function serializeMembership(membership: MembershipView): OrganizationMembership {
  return {
    object: 'organization_membership',
    id: membership.id,
    user_id: membership.user_id,
    organization_id: membership.organization_id,
    status: membership.status,
    // No directory sync or SSO here: never directory-managed, no IdP attributes.
    directory_managed: false,
    organization_name: membership.organization_name,
    custom_attributes: {},
    created_at: membership.created_at,
    updated_at: membership.updated_at,
    role: { slug: membership.role_slug },
    roles: [{ slug: membership.role_slug }],
    user: serializeUser(membership.user),
  };
}
