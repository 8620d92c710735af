import { newId } from '../../ids.js';
import { LOWER_ALPHANUMERIC, randomString } from '../../random-string.js';
import type { DomainState, OrganizationDomain } from './store.js';

// Labels of letters, digits and inner hyphens, at least two of them, 253 characters at most.
const LABEL = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';
const DOMAIN_NAME = new RegExp(`^(?=.{1,253}$)${LABEL}(?:\\.${LABEL})+$`);

/** Domains compare case-insensitively, so they are stored trimmed and lowercased. */
export function normalizeDomain(domain: string): string {
  return domain.trim().toLowerCase();
}

export function isDomainName(normalized: string): boolean {
  return DOMAIN_NAME.test(normalized);
}

/**
 * The verification fields of a domain in `state`: a pending domain awaits a DNS TXT record
 * (prefix and token, spec example `superapp-domain-verification-z3kjny` / `m5Oztg3jdK4NJLgs8uIlIprMw`);
 * a domain asserted verified (or legacy_verified) was verified by hand and has none.
 */
export function verificationFor(state: DomainState): Pick<
  OrganizationDomain,
  'verification_strategy' | 'verification_token' | 'verification_prefix'
> {
  if (state !== 'pending') return { verification_strategy: 'manual', verification_token: null, verification_prefix: null };
  return {
    verification_strategy: 'dns',
    verification_token: randomString(25),
    verification_prefix: `flagstand-domain-verification-${randomString(6, LOWER_ALPHANUMERIC)}`,
  };
}

export function newDomainRecord(organizationId: string, domain: string, state: DomainState, now: string): OrganizationDomain {
  return {
    id: newId('organizationDomain'),
    organization_id: organizationId,
    domain,
    state,
    ...verificationFor(state),
    created_at: now,
    updated_at: now,
  };
}
