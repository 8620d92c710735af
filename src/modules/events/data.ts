import { serializeFlag } from '../feature-flags/serialize.js';
import type { Flag } from '../feature-flags/store.js';
import type { OrganizationMembership } from '../memberships/schemas.js';
import type { OrganizationWire } from '../organizations/schemas.js';

// Event payloads whose shape differs from the object the REST route answers: the spec's event
// schemas list their data's fields, and flagstand's wire objects carry a few more.

/** organization.*: the Organization without allow_profiles_outside_organization (not in the event schema). */
export function organizationEventData(org: OrganizationWire): Omit<OrganizationWire, 'allow_profiles_outside_organization'> {
  const { allow_profiles_outside_organization: _, ...data } = org;
  return data;
}

/** organization_membership.*: the membership without its embedded user and organization name; `roles` beside `role`. */
export function membershipEventData(membership: OrganizationMembership) {
  const roles = (membership as { roles?: { slug: string }[] }).roles ?? [membership.role];
  return {
    object: membership.object,
    id: membership.id,
    user_id: membership.user_id,
    organization_id: membership.organization_id,
    status: membership.status,
    role: membership.role,
    roles,
    custom_attributes: membership.custom_attributes,
    directory_managed: membership.directory_managed,
    created_at: membership.created_at,
    updated_at: membership.updated_at,
  };
}

/** spec (flag.*) and SDK 12 (feature_flags.flag.*): the flag with its environment's public id. */
export function flagEventData(publicEnvironmentId: string, flag: Flag) {
  const { object, id, ...rest } = serializeFlag(flag);
  return { object, id, environment_id: publicEnvironmentId, ...rest };
}
