import type { EnvironmentTime } from '../clock/service.js';
import type { Db } from '../../db/open.js';
import { ApiError, conflict, invalidParameters, notFound, type FieldError } from '../../http/errors.js';
import { mergeMetadata } from '../../http/metadata.js';
import { pageRequest, toPage, type Page } from '../../http/pagination.js';
import { ID_PREFIXES, newId } from '../../ids.js';
import { isDomainName, newDomainRecord, normalizeDomain, verificationFor } from './domain-names.js';
import type { DomainData, ListOrganizationsQuery, OrganizationDto, UpdateOrganizationDto } from './schemas.js';
import type { OrganizationWithDomains } from './serialize.js';
import type { DomainState, Organization, OrganizationDomain, OrganizationStore } from './store.js';

export interface OrganizationService {
  list(environmentId: string, query: ListOrganizationsQuery): Page<OrganizationWithDomains>;
  get(environmentId: string, id: string): OrganizationWithDomains;
  getByExternalId(environmentId: string, externalId: string): OrganizationWithDomains;
  create(environmentId: string, body: OrganizationDto): OrganizationWithDomains;
  update(environmentId: string, id: string, body: UpdateOrganizationDto): OrganizationWithDomains;
  delete(environmentId: string, id: string): void;
}

/** What deleting an organization must clean up beyond its own rows (which cascade). */
export interface OrganizationDependents {
  /** Flag targets naming the organization. */
  deleteTargetsOf(environmentId: string, resourceId: string): void;
}


/** A requested domain; `state` undefined (deprecated `domains` field) keeps an existing domain's state. */
interface WantedDomain {
  domain: string;
  state: DomainState | undefined;
}

/**
 * The domains a create or update asks for, normalized and checked, or undefined when the body
 * names none. `domain_data` carries states; the deprecated `domains` list does not.
 */
export function wantedDomains(body: { domains?: string[]; domain_data?: DomainData[] }): WantedDomain[] | undefined {
  if (body.domains !== undefined && body.domain_data !== undefined) {
    throw invalidParameters([{ field: 'domains', code: 'domains_conflict', message: "cannot be combined with 'domain_data'" }], 422);
  }
  const entries =
    body.domain_data?.map((d, i) => ({ field: `domain_data.${i}.domain`, domain: d.domain, state: d.state as DomainState | undefined })) ??
    body.domains?.map((d, i) => ({ field: `domains.${i}`, domain: d, state: undefined }));
  if (!entries) return undefined;
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  const wanted = entries.map(({ field, domain, state }) => {
    const normalized = normalizeDomain(domain);
    const code = field.replace(/\./g, '_');
    if (!isDomainName(normalized)) errors.push({ field, code: `${code}_invalid_format`, message: `'${domain}' is not a domain name` });
    else if (seen.has(normalized)) errors.push({ field, code: `${code}_duplicate`, message: `repeats '${normalized}'` });
    seen.add(normalized);
    return { domain: normalized, state };
  });
  if (errors.length) throw invalidParameters(errors, 422);
  return wanted;
}

export function createOrganizationService(
  db: Db,
  store: OrganizationStore,
  dependents: OrganizationDependents,
  clock: EnvironmentTime,
): OrganizationService {
  const withDomains = (environmentId: string, organization: Organization): OrganizationWithDomains => ({
    organization,
    domains: store.domainsOf(environmentId, [organization.id]).get(organization.id) ?? [],
  });

  const requireOrganization = (environmentId: string, id: string): Organization => {
    const org = store.byId(environmentId, id);
    if (!org) throw notFound('Organization', id);
    return org;
  };

  // spec: 400 external_id_already_used / stripe_customer_id_already_used (create and update).
  const requireUniqueIds = (environmentId: string, id: string, externalId: string | null, stripeCustomerId: string | null) => {
    const owner = externalId === null ? undefined : store.byExternalId(environmentId, externalId);
    if (owner && owner.id !== id) {
      throw new ApiError(400, { code: 'external_id_already_used', message: `External ID '${externalId}' is already used by another organization.` });
    }
    const stripeOwner = stripeCustomerId === null ? undefined : store.idByStripeCustomerId(environmentId, stripeCustomerId);
    if (stripeOwner && stripeOwner !== id) {
      throw new ApiError(400, {
        code: 'stripe_customer_id_already_used',
        message: `Stripe customer ID '${stripeCustomerId}' is already used by another organization.`,
      });
    }
  };

  // A domain belongs to one organization of the environment: 409 as the spec gives create/update.
  const requireDomainsFree = (environmentId: string, organizationId: string, wanted: WantedDomain[]) => {
    for (const { domain } of wanted) {
      const holder = store.domainByName(environmentId, domain);
      if (holder && holder.organization_id !== organizationId) {
        throw conflict(`Domain '${domain}' already exists on another organization.`, 'domain_already_exists');
      }
    }
  };

  /** Makes the organization's domains exactly `wanted`; true when anything changed. */
  const replaceDomains = (environmentId: string, organizationId: string, wanted: WantedDomain[], now: string): boolean => {
    const current = new Map((store.domainsOf(environmentId, [organizationId]).get(organizationId) ?? []).map((d) => [d.domain, d]));
    let changed = false;
    const keep = new Set(wanted.map((w) => w.domain));
    for (const [domain, record] of current) {
      if (!keep.has(domain)) {
        store.deleteDomain(environmentId, record.id);
        changed = true;
      }
    }
    for (const { domain, state } of wanted) {
      const record = current.get(domain);
      if (!record) {
        store.insertDomain(environmentId, newDomainRecord(organizationId, domain, state ?? 'legacy_verified', now));
        changed = true;
      } else if (state !== undefined && state !== record.state) {
        const next: OrganizationDomain = { ...record, state, ...verificationFor(state), updated_at: now };
        store.updateDomain(environmentId, next);
        changed = true;
      }
    }
    return changed;
  };

  const create = db.transaction((environmentId: string, body: OrganizationDto): OrganizationWithDomains => {
    const wanted = wantedDomains(body) ?? [];
    const externalId = body.external_id ?? null;
    requireUniqueIds(environmentId, '', externalId, null);
    requireDomainsFree(environmentId, '', wanted);
    const now = clock.now(environmentId);
    const organization: Organization = {
      id: newId('organization'),
      name: body.name,
      external_id: externalId,
      metadata: body.metadata ?? {},
      allow_profiles_outside_organization: body.allow_profiles_outside_organization ?? false,
      stripe_customer_id: null,
      created_at: now,
      updated_at: now,
    };
    store.insert(environmentId, organization);
    replaceDomains(environmentId, organization.id, wanted, now);
    return withDomains(environmentId, organization);
  });

  const update = db.transaction((environmentId: string, id: string, body: UpdateOrganizationDto): OrganizationWithDomains => {
    const current = requireOrganization(environmentId, id);
    const wanted = wantedDomains(body);
    const next: Organization = {
      ...current,
      name: body.name ?? current.name,
      allow_profiles_outside_organization: body.allow_profiles_outside_organization ?? current.allow_profiles_outside_organization,
      external_id: body.external_id === undefined ? current.external_id : body.external_id,
      stripe_customer_id: body.stripe_customer_id === undefined ? current.stripe_customer_id : body.stripe_customer_id,
      metadata: body.metadata === undefined ? current.metadata : mergeMetadata(current.metadata, body.metadata),
    };
    requireUniqueIds(environmentId, id, next.external_id, next.stripe_customer_id);
    if (wanted) requireDomainsFree(environmentId, id, wanted);
    const now = clock.now(environmentId);
    const domainsChanged = wanted ? replaceDomains(environmentId, id, wanted, now) : false;
    // Only a real change moves updated_at, so repeating an update is a no-op.
    if (domainsChanged || !sameOrganization(current, next)) {
      next.updated_at = now;
      store.update(environmentId, next);
    }
    return withDomains(environmentId, next);
  });

  const remove = db.transaction((environmentId: string, id: string): void => {
    requireOrganization(environmentId, id);
    dependents.deleteTargetsOf(environmentId, id);
    // Domains, memberships and organization API keys go with it (ON DELETE CASCADE).
    store.delete(environmentId, id);
  });

  return {
    list(environmentId, query) {
      const req = pageRequest(query, ID_PREFIXES.organization, (id) => store.sortKey(environmentId, id), 422);
      // The SDK sends `domains=a.com,b.com` (spec: style form, explode false); repeated keys work too.
      const domains = query.domains?.flatMap((d) => d.split(',')).map(normalizeDomain).filter(Boolean);
      const filter = { domains: domains?.length ? domains : undefined, search: query.search || undefined };
      const page = toPage(req, store.list(environmentId, req, filter));
      const byOrganization = store.domainsOf(environmentId, page.rows.map((o) => o.id));
      return { ...page, rows: page.rows.map((organization) => ({ organization, domains: byOrganization.get(organization.id) ?? [] })) };
    },
    get: (environmentId, id) => withDomains(environmentId, requireOrganization(environmentId, id)),
    getByExternalId(environmentId, externalId) {
      const org = store.byExternalId(environmentId, externalId);
      if (!org) throw notFound('Organization', externalId);
      return withDomains(environmentId, org);
    },
    create,
    update,
    delete: remove,
  };
}

function sameOrganization(a: Organization, b: Organization): boolean {
  return (
    a.name === b.name &&
    a.external_id === b.external_id &&
    a.stripe_customer_id === b.stripe_customer_id &&
    a.allow_profiles_outside_organization === b.allow_profiles_outside_organization &&
    JSON.stringify(Object.entries(a.metadata).sort()) === JSON.stringify(Object.entries(b.metadata).sort())
  );
}
