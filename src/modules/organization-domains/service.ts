import type { EnvironmentTime } from '../clock/service.js';
import type { Db } from '../../db/open.js';
import { ApiError, conflict, invalidParameters, notFound } from '../../http/errors.js';
import { isDomainName, newDomainRecord, normalizeDomain } from '../organizations/domain-names.js';
import type { OrganizationDomain, OrganizationStore } from '../organizations/store.js';
import type { CreateOrganizationDomainDto } from './schemas.js';

export interface OrganizationDomainService {
  create(environmentId: string, body: CreateOrganizationDomainDto): OrganizationDomain;
  get(environmentId: string, id: string): OrganizationDomain;
  verify(environmentId: string, id: string): OrganizationDomain;
  delete(environmentId: string, id: string): void;
}

/**
 * Domains one at a time. Every change also moves the organization's updated_at, since its
 * `domains` array changed. Verification cannot look at DNS here, so it succeeds at once.
 */
export function createOrganizationDomainService(db: Db, store: OrganizationStore, clock: EnvironmentTime): OrganizationDomainService {
  const requireDomain = (environmentId: string, id: string): OrganizationDomain => {
    const domain = store.domainById(environmentId, id);
    if (!domain) throw notFound('Organization domain', id);
    return domain;
  };

  const create = db.transaction((environmentId: string, body: CreateOrganizationDomainDto): OrganizationDomain => {
    const domain = normalizeDomain(body.domain);
    if (!isDomainName(domain)) {
      throw invalidParameters([{ field: 'domain', code: 'domain_invalid_format', message: `'${body.domain}' is not a domain name` }], 422);
    }
    if (!store.exists(environmentId, body.organization_id)) throw notFound('Organization', body.organization_id);
    const holder = store.domainByName(environmentId, domain);
    if (holder) {
      // spec: 409 domain_already_exists ("Domain already exists for this organization.").
      throw conflict(
        holder.organization_id === body.organization_id
          ? 'Domain already exists for this organization.'
          : `Domain '${domain}' already exists on another organization.`,
        'domain_already_exists',
      );
    }
    const now = clock.now(environmentId);
    const record = newDomainRecord(body.organization_id, domain, 'pending', now);
    store.insertDomain(environmentId, record);
    store.touch(environmentId, body.organization_id, now);
    return record;
  });

  const verify = db.transaction((environmentId: string, id: string): OrganizationDomain => {
    const domain = requireDomain(environmentId, id);
    if (domain.state === 'verified' || domain.state === 'legacy_verified') {
      throw new ApiError(400, { code: 'domain_already_verified', message: 'Domain is already verified.' });
    }
    const now = clock.now(environmentId);
    const verified: OrganizationDomain = { ...domain, state: 'verified', updated_at: now };
    store.updateDomain(environmentId, verified);
    store.touch(environmentId, domain.organization_id, now);
    return verified;
  });

  const remove = db.transaction((environmentId: string, id: string): void => {
    const domain = requireDomain(environmentId, id);
    store.deleteDomain(environmentId, id);
    store.touch(environmentId, domain.organization_id, clock.now(environmentId));
  });

  return { create, get: requireDomain, verify, delete: remove };
}
