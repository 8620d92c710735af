import { serializeUser } from '../users/serialize.js';
import type { MembershipWithUser } from './store.js';

/** spec: UserlandUserOrganizationMembershipBaseWithUser (no role), fields in spec order. */
export function serializeMembershipWithUser(m: MembershipWithUser) {
  return {
    object: 'organization_membership' as const,
    id: m.id,
    user_id: m.user_id,
    organization_id: m.organization_id,
    status: m.status,
    directory_managed: false,
    organization_name: m.organization_name,
    custom_attributes: {},
    created_at: m.created_at,
    updated_at: m.updated_at,
    user: serializeUser(m.user),
  };
}
