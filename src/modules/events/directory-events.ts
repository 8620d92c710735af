import type { Db } from '../../db/open.js';
import type { PageRequest } from '../../db/keyset.js';
import type { ApiKeyService } from '../api-keys/service.js';
import { serializeApiKey } from '../api-keys/serialize.js';
import type { ApiKeyStore } from '../api-keys/store.js';
import type { MembershipService } from '../memberships/service.js';
import { serializeMembership } from '../memberships/serialize.js';
import type { MembershipStore, MembershipView } from '../memberships/store.js';
import type { OrganizationDomainService } from '../organization-domains/service.js';
import type { OrganizationService } from '../organizations/service.js';
import { serializeDomain, serializeOrganization } from '../organizations/serialize.js';
import type { UserService } from '../users/service.js';
import { serializeUser } from '../users/serialize.js';
import { membershipEventData, organizationEventData } from './data.js';
import type { Outbox } from './outbox.js';
import type { RuleChangeRecorder } from './rule-changes.js';

// The events of organizations, domains, users, memberships and organization API keys. Each
// service is wrapped, not changed: a write and its events run in one transaction (the service's
// own transaction nests in it as a savepoint), so a write that throws records nothing. Reads pass
// through. A write that changes nothing (same answer before and after) records nothing. A user's
// or an organization's deletion also removes its flag targets: those removals are recorded with
// it (rule-changes.ts), before its own event.

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
const ALL_MEMBERSHIPS: PageRequest = { limit: Number.MAX_SAFE_INTEGER - 1, scan: 'asc', cursor: null, direction: null };
const ALL_STATUSES = ['active', 'inactive', 'pending'] as const;

/** The membership events a deletion cascading to memberships implies, recorded before the owner's. */
function recordMembershipsDeleted(outbox: Outbox, memberships: MembershipView[], environmentId: string): void {
  for (const m of memberships) outbox.record(environmentId, 'organization_membership.deleted', membershipEventData(serializeMembership(m)));
}

export function withOrganizationEvents(
  db: Db,
  service: OrganizationService,
  outbox: Outbox,
  memberships: MembershipStore,
  flagChanges: RuleChangeRecorder,
): OrganizationService {
  const record = (environmentId: string, event: string, org: Parameters<typeof serializeOrganization>[0]) =>
    outbox.record(environmentId, event, organizationEventData(serializeOrganization(org)));
  return {
    ...service,
    create: db.transaction((environmentId, body) => {
      const org = service.create(environmentId, body);
      record(environmentId, 'organization.created', org);
      return org;
    }),
    update: db.transaction((environmentId, id, body) => {
      const before = service.get(environmentId, id);
      const org = service.update(environmentId, id, body);
      if (!same(before, org)) record(environmentId, 'organization.updated', org);
      return org;
    }),
    delete: db.transaction((environmentId, id) => {
      const before = service.get(environmentId, id);
      const members = memberships.list(environmentId, ALL_MEMBERSHIPS, { organization_id: id, statuses: ALL_STATUSES });
      flagChanges.around(environmentId, 'api', flagChanges.subject(environmentId, 'organization', id), () => service.delete(environmentId, id));
      recordMembershipsDeleted(outbox, members, environmentId);
      record(environmentId, 'organization.deleted', before);
    }),
  };
}

export function withDomainEvents(db: Db, service: OrganizationDomainService, outbox: Outbox): OrganizationDomainService {
  return {
    ...service,
    create: db.transaction((environmentId, body) => {
      const domain = service.create(environmentId, body);
      outbox.record(environmentId, 'organization_domain.created', serializeDomain(domain));
      return domain;
    }),
    verify: db.transaction((environmentId, id) => {
      const domain = service.verify(environmentId, id);
      outbox.record(environmentId, 'organization_domain.verified', serializeDomain(domain));
      return domain;
    }),
    delete: db.transaction((environmentId, id) => {
      const before = service.get(environmentId, id);
      service.delete(environmentId, id);
      outbox.record(environmentId, 'organization_domain.deleted', serializeDomain(before));
    }),
  };
}

export function withUserEvents(db: Db, service: UserService, outbox: Outbox, memberships: MembershipStore, flagChanges: RuleChangeRecorder): UserService {
  return {
    ...service,
    create: db.transaction((environmentId, body) => {
      const user = service.create(environmentId, body);
      outbox.record(environmentId, 'user.created', serializeUser(user));
      return user;
    }),
    update: db.transaction((environmentId, id, body) => {
      const before = service.get(environmentId, id);
      const user = service.update(environmentId, id, body);
      if (!same(before, user)) outbox.record(environmentId, 'user.updated', serializeUser(user));
      return user;
    }),
    delete: db.transaction((environmentId, id) => {
      const before = service.get(environmentId, id);
      const members = memberships.list(environmentId, ALL_MEMBERSHIPS, { user_id: id, statuses: ALL_STATUSES });
      flagChanges.around(environmentId, 'api', flagChanges.subject(environmentId, 'user', id), () => service.delete(environmentId, id));
      recordMembershipsDeleted(outbox, members, environmentId);
      outbox.record(environmentId, 'user.deleted', serializeUser(before));
    }),
  };
}

export function withMembershipEvents(db: Db, service: MembershipService, outbox: Outbox, memberships: MembershipStore): MembershipService {
  const record = (environmentId: string, event: string, m: MembershipView) =>
    outbox.record(environmentId, event, membershipEventData(serializeMembership(m)));
  /** A change to one membership: `updated` when it changed anything. */
  const change =
    <A extends unknown[]>(write: (environmentId: string, id: string, ...rest: A) => MembershipView) =>
    (environmentId: string, id: string, ...rest: A): MembershipView => {
      const before = service.get(environmentId, id);
      const after = write(environmentId, id, ...rest);
      if (!same(before, after)) record(environmentId, 'organization_membership.updated', after);
      return after;
    };
  return {
    ...service,
    // Creating over an inactive membership of the same pair reactivates it: an update, not a creation.
    create: db.transaction((environmentId, body) => {
      const existing = memberships.byPair(environmentId, body.user_id, body.organization_id);
      const before = existing && service.get(environmentId, existing.id);
      const m = service.create(environmentId, body);
      if (!before) record(environmentId, 'organization_membership.created', m);
      else if (!same(before, m)) record(environmentId, 'organization_membership.updated', m);
      return m;
    }),
    update: db.transaction(change(service.update)),
    deactivate: db.transaction(change(service.deactivate)),
    reactivate: db.transaction(change(service.reactivate)),
    delete: db.transaction((environmentId, id) => {
      const before = service.get(environmentId, id);
      service.delete(environmentId, id);
      record(environmentId, 'organization_membership.deleted', before);
    }),
  };
}

export function withApiKeyEvents(db: Db, service: ApiKeyService, outbox: Outbox, keys: ApiKeyStore): ApiKeyService {
  return {
    ...service,
    create: db.transaction((environmentId, organizationId, body) => {
      const created = service.create(environmentId, organizationId, body);
      outbox.record(environmentId, 'api_key.created', serializeApiKey(created.key));
      return created;
    }),
    delete: db.transaction((environmentId, id) => {
      const before = keys.byId(environmentId, id);
      service.delete(environmentId, id);
      if (before) outbox.record(environmentId, 'api_key.revoked', serializeApiKey(before));
    }),
  };
}
