import type { Db } from '../../db/open.js';
import { cursorParams, prepareKeyset, type PageRequest, type SortKey } from '../../db/keyset.js';

export type DomainState = 'failed' | 'legacy_verified' | 'pending' | 'unverified' | 'verified';

export interface Organization {
  id: string;
  name: string;
  external_id: string | null;
  metadata: Record<string, string>;
  allow_profiles_outside_organization: boolean;
  stripe_customer_id: string | null;
  created_at: string;
  updated_at: string;
}

export interface OrganizationDomain {
  id: string;
  organization_id: string;
  domain: string;
  state: DomainState;
  verification_strategy: 'dns' | 'manual';
  verification_token: string | null;
  verification_prefix: string | null;
  created_at: string;
  updated_at: string;
}

interface OrganizationRow extends Omit<Organization, 'metadata' | 'allow_profiles_outside_organization'> {
  metadata: string;
  allow_profiles_outside_organization: 0 | 1;
}

/** List filters of GET /organizations; domains are lowercased by the caller. */
export interface OrganizationFilter {
  domains?: string[];
  search?: string;
}

const COLUMNS =
  'id, name, external_id, metadata, allow_profiles_outside_organization, stripe_customer_id, created_at, updated_at';
const DOMAIN_COLUMNS =
  'id, organization_id, domain, state, verification_strategy, verification_token, verification_prefix, created_at, updated_at';

function toOrganization(row: OrganizationRow): Organization {
  return {
    ...row,
    metadata: JSON.parse(row.metadata) as Record<string, string>,
    allow_profiles_outside_organization: row.allow_profiles_outside_organization === 1,
  };
}

/** Prepared statements for organizations and their domains. */
export function createOrganizationStore(db: Db) {
  const insert = db.prepare(
    `INSERT INTO organizations (environment_id, ${COLUMNS})
     VALUES (@environment_id, @id, @name, @external_id, @metadata, @allow_profiles_outside_organization,
       @stripe_customer_id, @created_at, @updated_at)`,
  );
  const update = db.prepare(
    `UPDATE organizations SET name = @name, external_id = @external_id, metadata = @metadata,
       allow_profiles_outside_organization = @allow_profiles_outside_organization,
       stripe_customer_id = @stripe_customer_id, updated_at = @updated_at
     WHERE environment_id = @environment_id AND id = @id`,
  );
  const touch = db.prepare('UPDATE organizations SET updated_at = ? WHERE environment_id = ? AND id = ?');
  const remove = db.prepare('DELETE FROM organizations WHERE environment_id = ? AND id = ?');
  const exists = db.prepare<[string, string], { one: 1 }>(
    'SELECT 1 AS one FROM organizations WHERE environment_id = ? AND id = ?',
  );
  const byId = db.prepare<[string, string], OrganizationRow>(
    `SELECT ${COLUMNS} FROM organizations WHERE environment_id = ? AND id = ?`,
  );
  const byExternalId = db.prepare<[string, string], OrganizationRow>(
    `SELECT ${COLUMNS} FROM organizations WHERE environment_id = ? AND external_id = ?`,
  );
  const byStripeCustomerId = db.prepare<[string, string], { id: string }>(
    'SELECT id FROM organizations WHERE environment_id = ? AND stripe_customer_id = ?',
  );
  const sortKey = db.prepare<[string, string], SortKey>(
    'SELECT created_at, id FROM organizations WHERE environment_id = ? AND id = ?',
  );

  // One keyset statement set per filter combination, so each keeps a plan that fits it. With a
  // domain filter the few matching organizations are found through the (environment_id, domain)
  // index first (CROSS JOIN fixes that loop order in SQLite; GROUP BY folds an organization
  // matched by two domains), then sorted; otherwise the walk follows (environment_id, created_at, id).
  const listWith = (domains: boolean, search: boolean) =>
    prepareKeyset(
      db,
      (k) => `SELECT ${COLUMNS.split(', ').map((c) => 'o.' + c).join(', ')}
        FROM ${domains ? 'organization_domains d CROSS JOIN organizations o ON o.environment_id = d.environment_id AND o.id = d.organization_id' : 'organizations o'}
        WHERE o.environment_id = @env AND ${k.where}
          ${domains ? 'AND d.environment_id = @env AND d.domain IN (SELECT value FROM json_each(@domains))' : ''}
          ${search ? 'AND instr(lower(o.name), lower(@search)) > 0' : ''}
        ${domains ? 'GROUP BY o.id' : ''}
        ORDER BY ${k.orderBy} ${k.limit}`,
      'o',
    );
  const lists = [listWith(false, false), listWith(false, true), listWith(true, false), listWith(true, true)];

  const insertDomain = db.prepare(
    `INSERT INTO organization_domains (environment_id, ${DOMAIN_COLUMNS})
     VALUES (@environment_id, @id, @organization_id, @domain, @state, @verification_strategy,
       @verification_token, @verification_prefix, @created_at, @updated_at)`,
  );
  const updateDomain = db.prepare(
    `UPDATE organization_domains SET state = @state, verification_strategy = @verification_strategy,
       verification_token = @verification_token, verification_prefix = @verification_prefix, updated_at = @updated_at
     WHERE environment_id = @environment_id AND id = @id`,
  );
  const removeDomain = db.prepare('DELETE FROM organization_domains WHERE environment_id = ? AND id = ?');
  const domainById = db.prepare<[string, string], OrganizationDomain>(
    `SELECT ${DOMAIN_COLUMNS} FROM organization_domains WHERE environment_id = ? AND id = ?`,
  );
  const domainByName = db.prepare<[string, string], OrganizationDomain>(
    `SELECT ${DOMAIN_COLUMNS} FROM organization_domains WHERE environment_id = ? AND domain = ?`,
  );
  const domainsOf = db.prepare<[string, string], OrganizationDomain>(
    `SELECT ${DOMAIN_COLUMNS} FROM organization_domains
     WHERE environment_id = ? AND organization_id IN (SELECT value FROM json_each(?))
     ORDER BY organization_id, created_at, id`,
  );

  const rowOf = (environmentId: string, org: Organization) => ({
    environment_id: environmentId,
    ...org,
    metadata: JSON.stringify(org.metadata),
    allow_profiles_outside_organization: org.allow_profiles_outside_organization ? 1 : 0,
  });

  return {
    insert(environmentId: string, org: Organization): void {
      insert.run(rowOf(environmentId, org));
    },
    update(environmentId: string, org: Organization): void {
      update.run(rowOf(environmentId, org));
    },
    touch(environmentId: string, id: string, now: string): void {
      touch.run(now, environmentId, id);
    },
    delete(environmentId: string, id: string): void {
      remove.run(environmentId, id);
    },
    exists: (environmentId: string, id: string) => exists.get(environmentId, id) !== undefined,
    byId(environmentId: string, id: string): Organization | undefined {
      const row = byId.get(environmentId, id);
      return row && toOrganization(row);
    },
    byExternalId(environmentId: string, externalId: string): Organization | undefined {
      const row = byExternalId.get(environmentId, externalId);
      return row && toOrganization(row);
    },
    idByStripeCustomerId: (environmentId: string, stripeCustomerId: string) =>
      byStripeCustomerId.get(environmentId, stripeCustomerId)?.id,
    sortKey: (environmentId: string, id: string) => sortKey.get(environmentId, id),
    list(environmentId: string, req: PageRequest, filter: OrganizationFilter): Organization[] {
      const statement = lists[(filter.domains ? 2 : 0) + (filter.search ? 1 : 0)](req);
      const params = {
        env: environmentId,
        ...(filter.domains ? { domains: JSON.stringify(filter.domains) } : {}),
        ...(filter.search ? { search: filter.search } : {}),
        ...cursorParams(req),
      };
      return (statement.all(params) as OrganizationRow[]).map(toOrganization);
    },

    insertDomain(environmentId: string, domain: OrganizationDomain): void {
      insertDomain.run({ environment_id: environmentId, ...domain });
    },
    updateDomain(environmentId: string, domain: OrganizationDomain): void {
      updateDomain.run({ environment_id: environmentId, ...domain });
    },
    deleteDomain(environmentId: string, id: string): void {
      removeDomain.run(environmentId, id);
    },
    domainById: (environmentId: string, id: string) => domainById.get(environmentId, id),
    /** The domain record of a (lowercased) domain name, whichever organization holds it. */
    domainByName: (environmentId: string, domain: string) => domainByName.get(environmentId, domain),
    /** Domains of each organization, in creation order; organizations without any are absent. */
    domainsOf(environmentId: string, organizationIds: readonly string[]): Map<string, OrganizationDomain[]> {
      const byOrganization = new Map<string, OrganizationDomain[]>();
      for (const d of domainsOf.all(environmentId, JSON.stringify(organizationIds))) {
        const list = byOrganization.get(d.organization_id);
        if (list) list.push(d);
        else byOrganization.set(d.organization_id, [d]);
      }
      return byOrganization;
    },
  };
}

export type OrganizationStore = ReturnType<typeof createOrganizationStore>;
