import type { Scope } from '../../db/change-feed.js';
import { createKeptMap } from '../../db/kept-map.js';
import type { Db } from '../../db/open.js';
import { badRequest, notFound } from '../../http/errors.js';
import { pastCursor, sortKeyset } from '../../db/keyset.js';
import { pageRequest, toPage, type ListQuery, type Page } from '../../http/pagination.js';
import { ID_PREFIXES } from '../../ids.js';
import type { MembershipStore } from '../memberships/store.js';
import { organizationResourceId } from '../resources/org-resource.js';
import type { ResourceService } from '../resources/service.js';
import type { Resource, ResourceStore } from '../resources/store.js';
import { primaryAssignment } from '../role-assignments/service.js';
import type { RoleAssignmentStore } from '../role-assignments/store.js';
import type { RoleStore } from '../roles/store.js';
import { effectivePermissions, isAuthorized, type AccessFacts } from './evaluate.js';
import type { AccessStore, MembershipAccessRow, MembershipWithUser } from './store.js';

export interface AuthorizationStores {
  memberships: MembershipStore;
  roles: RoleStore;
  assignments: RoleAssignmentStore;
  resourceRows: ResourceStore;
  resources: ResourceService;
  access: AccessStore;
}

export interface CheckBody {
  permission_slug: string;
  resource_id?: string;
  resource_external_id?: string;
  resource_type_slug?: string;
}

export interface ResourcesForMembershipQuery extends ListQuery {
  permission_slug: string;
  parent_resource_id?: string;
  parent_resource_type_slug?: string;
  parent_resource_external_id?: string;
}

export interface MembershipsForResourceQuery extends ListQuery {
  permission_slug: string;
  assignment?: 'direct' | 'indirect';
}

/** What a sign-in token carries from this model for a membership (its organization-level roles). */
export interface MembershipAccess {
  role: string;
  roles: string[];
  permissions: string[];
}

export interface AuthorizationService {
  check(environmentId: string, membershipId: string, body: CheckBody): { authorized: boolean };
  resourcesForMembership(environmentId: string, membershipId: string, query: ResourcesForMembershipQuery): Page<Resource>;
  membershipsForResource(environmentId: string, resource: Resource, query: MembershipsForResourceQuery): Page<MembershipWithUser>;
  /** The membership's role, roles and permissions at the organization level, or undefined if there is no such membership. */
  permissionsOf(environmentId: string, membershipId: string): MembershipAccess | undefined;
}

/** Access checks and discovery, all decided by the one evaluator (evaluate.ts). */
export function createAuthorizationService(db: Db, stores: AuthorizationStores): AuthorizationService {
  const { memberships, roles, assignments, resourceRows, resources, access } = stores;

  // A check's answer, kept until a fact it was decided from changes (src/db/change-feed.ts): the
  // membership (its row and grants), each stored resource on the path, each role consulted. Those
  // facts are kept too (their stores); this saves assembling and evaluating them on a repeat.
  const answers = createKeptMap<boolean>(db, { until: 'scopes', entries: 200_000 });

  const requireMembership = (environmentId: string, id: string) => {
    const m = access.membership(environmentId, id);
    if (!m) throw notFound('Organization membership', id);
    return m;
  };

  /** The resource and its ancestors, nearest first, ending with the organization's resource. */
  const chainOf = (environmentId: string, r: Resource): string[] => {
    const root = organizationResourceId(r.organization_id);
    return r.id === root ? [root] : [...resourceRows.chain(environmentId, r.id), root];
  };

  const factsFor = (environmentId: string, m: MembershipAccessRow, chain: string[]): AccessFacts & { consulted(): Iterable<string> } => {
    const known = new Map<string, readonly string[] | undefined>();
    return {
      consulted: () => known.keys(),
      active: m.status === 'active',
      chain,
      grants: [primaryAssignment(m), ...assignments.ofMembership(environmentId, m.id)],
      permissionsOf(slug) {
        if (!known.has(slug)) known.set(slug, roles.forOrganization(environmentId, m.organization_id, slug)?.permissions);
        return known.get(slug);
      },
    };
  };

  return {
    check(environmentId, membershipId, body) {
      const m = requireMembership(environmentId, membershipId);
      const resource = resources.resolve(environmentId, m.organization_id, body);
      const key = `${environmentId} ${m.id} ${resource.id} ${body.permission_slug}`;
      const kept = answers.get(key);
      if (kept !== undefined) return { authorized: kept };
      const chain = chainOf(environmentId, resource);
      const facts = factsFor(environmentId, m, chain);
      const authorized = isAuthorized(facts, body.permission_slug);
      const scopes: Scope[] = [`membership ${m.id}`];
      // The organization resource is not stored: the membership (deleted with its organization) covers it.
      for (let i = 0; i < chain.length - 1; i++) scopes.push(`resource ${chain[i]}`);
      for (const slug of facts.consulted()) scopes.push(roles.scopeOf(m.organization_id, slug));
      answers.set(environmentId, key, authorized, { scopes });
      return { authorized };
    },

    resourcesForMembership(environmentId, membershipId, query) {
      const m = requireMembership(environmentId, membershipId);
      const byId = query.parent_resource_id !== undefined;
      const byExternal = query.parent_resource_external_id !== undefined || query.parent_resource_type_slug !== undefined;
      // spec (400 bad_request): the parent is named by id or by external id + type, exactly one way.
      if (byId === byExternal || (byExternal && (query.parent_resource_external_id === undefined || query.parent_resource_type_slug === undefined))) {
        throw badRequest('Provide either parent_resource_id, or parent_resource_external_id together with parent_resource_type_slug.', 'bad_request');
      }
      const parent = resources.resolve(
        environmentId,
        m.organization_id,
        { resource_id: query.parent_resource_id, resource_external_id: query.parent_resource_external_id, resource_type_slug: query.parent_resource_type_slug },
        'parent_resource',
      );
      const req = pageRequest(query, ID_PREFIXES.resource, (id) => resourceRows.sortKey(environmentId, id), 400);
      const parentChain = chainOf(environmentId, parent);
      const facts = factsFor(environmentId, m, parentChain);
      const isTop = parentChain.length === 1;
      const childFilter = isTop ? { top_of: m.organization_id } : { parent_resource_id: parent.id };
      // Held on the parent (or above): every child inherits it.
      if (isAuthorized(facts, query.permission_slug)) return toPage(req, resourceRows.list(environmentId, req, childFilter));
      // Otherwise only children the membership holds a granting role on directly.
      const granted = new Map<string, Resource>();
      for (const g of facts.grants) {
        if (granted.has(g.resource_id) || !(facts.permissionsOf(g.role_slug)?.includes(query.permission_slug) ?? false)) continue;
        const child = resourceRows.byId(environmentId, g.resource_id);
        const parentId = isTop ? null : parent.id;
        if (child && child.parent_resource_id === parentId && child.organization_id === m.organization_id) granted.set(child.id, child);
      }
      if (!facts.active) granted.clear();
      const rows = sortKeyset([...granted.values()].filter((r) => pastCursor(req, r)), req.scan).slice(0, req.limit + 1);
      return toPage(req, rows);
    },

    membershipsForResource(environmentId, resource, query) {
      const req = pageRequest(query, ID_PREFIXES.membership, (id) => memberships.sortKey(environmentId, id), 400);
      const slugs = roles
        .withPermission(environmentId, query.permission_slug)
        .filter((r) => r.organization_id === '' || r.organization_id === resource.organization_id)
        .map((r) => r.slug);
      const chain = chainOf(environmentId, resource);
      const root = chain[chain.length - 1];
      // spec: `direct` counts assignments on the resource itself; otherwise inherited ones count too.
      const on = query.assignment === 'direct' ? [resource.id] : chain;
      const rows = access.holders(environmentId, req, { organization_id: resource.organization_id, roles: slugs, resources: on, primary: on.includes(root) });
      return toPage(req, rows);
    },

    permissionsOf(environmentId, membershipId) {
      const m = access.membership(environmentId, membershipId);
      if (!m) return undefined;
      const facts = factsFor(environmentId, m, [organizationResourceId(m.organization_id)]);
      const root = facts.chain[0];
      const held = [...new Set(facts.grants.filter((g) => g.resource_id === root).map((g) => g.role_slug))];
      return { role: m.role_slug, roles: held, permissions: effectivePermissions(facts) };
    },
  };
}
