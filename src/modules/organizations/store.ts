import type { Db } from '../../db/open.js';

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

/** Prepared statements for organizations and their domains. */
export function createOrganizationStore(db: Db) {
  const insert = db.prepare(
    `INSERT INTO organizations (environment_id, id, name, external_id, metadata, allow_profiles_outside_organization,
       stripe_customer_id, created_at, updated_at)
     VALUES (@environment_id, @id, @name, @external_id, @metadata, @allow_profiles_outside_organization,
       @stripe_customer_id, @created_at, @updated_at)`,
  );
  const insertDomain = db.prepare(
    `INSERT INTO organization_domains (environment_id, id, organization_id, domain, state, verification_strategy,
       verification_token, verification_prefix, created_at, updated_at)
     VALUES (@environment_id, @id, @organization_id, @domain, @state, @verification_strategy,
       @verification_token, @verification_prefix, @created_at, @updated_at)`,
  );
  const exists = db.prepare<[string, string], { one: 1 }>(
    'SELECT 1 AS one FROM organizations WHERE environment_id = ? AND id = ?',
  );

  return {
    insert(environmentId: string, org: Organization): void {
      insert.run({
        environment_id: environmentId,
        ...org,
        metadata: JSON.stringify(org.metadata),
        allow_profiles_outside_organization: org.allow_profiles_outside_organization ? 1 : 0,
      });
    },
    insertDomain(environmentId: string, domain: OrganizationDomain): void {
      insertDomain.run({ environment_id: environmentId, ...domain });
    },
    exists: (environmentId: string, id: string) => exists.get(environmentId, id) !== undefined,
  };
}

export type OrganizationStore = ReturnType<typeof createOrganizationStore>;
