import type { OrganizationDomainWire, OrganizationWire } from './schemas.js';
import type { Organization, OrganizationDomain } from './store.js';

/** Domain → wire object in spec order; the verification fields are left out when unset (spec: not nullable). */
export function serializeDomain(domain: OrganizationDomain): OrganizationDomainWire {
  return {
    object: 'organization_domain',
    id: domain.id,
    organization_id: domain.organization_id,
    domain: domain.domain,
    state: domain.state,
    ...(domain.verification_prefix !== null && { verification_prefix: domain.verification_prefix }),
    ...(domain.verification_token !== null && { verification_token: domain.verification_token }),
    verification_strategy: domain.verification_strategy,
    created_at: domain.created_at,
    updated_at: domain.updated_at,
  };
}

/** An organization with its domains, as the service returns it. */
export interface OrganizationWithDomains {
  organization: Organization;
  domains: OrganizationDomain[];
}

/** Organization → wire object, every field listed in spec order (stripe_customer_id absent when unset). */
export function serializeOrganization({ organization: org, domains }: OrganizationWithDomains): OrganizationWire {
  return {
    object: 'organization',
    id: org.id,
    name: org.name,
    domains: domains.map(serializeDomain),
    metadata: { ...org.metadata },
    external_id: org.external_id,
    ...(org.stripe_customer_id !== null && { stripe_customer_id: org.stripe_customer_id }),
    created_at: org.created_at,
    updated_at: org.updated_at,
    allow_profiles_outside_organization: org.allow_profiles_outside_organization,
  };
}
