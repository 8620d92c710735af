import type { EnvironmentTime } from '../clock/service.js';
import type { Db } from '../../db/open.js';
import { badRequest, invalidParameters, notFound, unprocessable } from '../../http/errors.js';
import { pageRequest, toPage, type Page } from '../../http/pagination.js';
import { ID_PREFIXES, newId } from '../../ids.js';
import { DEFAULT_ROLE_SLUG } from '../roles/defaults.js';
import type { CreateMembershipBody, ListMembershipsQuery, UpdateMembershipBody } from './schemas.js';
import { MEMBERSHIP_STATUSES, type Membership, type MembershipStatus, type MembershipStore, type MembershipView } from './store.js';

export interface MembershipService {
  list(environmentId: string, query: ListMembershipsQuery): Page<MembershipView>;
  create(environmentId: string, body: CreateMembershipBody): MembershipView;
  get(environmentId: string, id: string): MembershipView;
  update(environmentId: string, id: string, body: UpdateMembershipBody): MembershipView;
  delete(environmentId: string, id: string): void;
  deactivate(environmentId: string, id: string): MembershipView;
  reactivate(environmentId: string, id: string): MembershipView;
}

/** What memberships need to know of the users, organizations and roles they join. */
export interface MembershipDirectory {
  userExists(environmentId: string, id: string): boolean;
  organizationExists(environmentId: string, id: string): boolean;
  /** An environment role, or a custom role of the organization. */
  roleExists(environmentId: string, slug: string, organizationId: string): boolean;
}

// spec (deactivate/reactivate 400 examples): a pending membership belongs to an invitation.
const PENDING_DEACTIVATE = 'A pending organization membership cannot be deactivated. This membership should be deleted instead.';
const PENDING_REACTIVATE = 'A pending organization membership cannot be reactivated. The user needs to accept the invitation instead.';

/** spec: `statuses` is comma-separated (`style: form, explode: false`); by default only active memberships are listed. */
export function parseStatuses(values: readonly string[] | undefined): MembershipStatus[] {
  const statuses = (values ?? []).flatMap((v) => v.split(',')).map((s) => s.trim()).filter(Boolean);
  const unknown = statuses.find((s) => !(MEMBERSHIP_STATUSES as readonly string[]).includes(s));
  if (unknown !== undefined) {
    throw invalidParameters([
      { field: 'statuses', code: 'statuses_invalid', message: `has '${unknown}'; allowed: ${MEMBERSHIP_STATUSES.join(', ')}` },
    ]);
  }
  return statuses.length ? [...new Set(statuses as MembershipStatus[])] : ['active'];
}

/** The one role a request names, or undefined when it names none. */
function requestedRole(body: UpdateMembershipBody): string | undefined {
  if (body.role_slug !== undefined && body.role_slugs !== undefined) {
    throw invalidParameters(
      [{ field: 'role_slugs', code: 'role_slugs_exclusive', message: "cannot be combined with 'role_slug'" }],
      422,
    );
  }
  if (body.role_slugs && body.role_slugs.length > 1) {
    throw unprocessable('Multiple roles are not enabled for this environment.', 'multiple_roles_not_enabled');
  }
  return body.role_slug ?? body.role_slugs?.[0];
}

export function createMembershipService(
  db: Db,
  memberships: MembershipStore,
  directory: MembershipDirectory,
  clock: EnvironmentTime,
): MembershipService {
  const requireMembership = (environmentId: string, id: string): MembershipView => {
    const membership = memberships.byId(environmentId, id);
    if (!membership) throw notFound('Organization membership', id);
    return membership;
  };

  const requireRole = (environmentId: string, slug: string, organizationId: string): string => {
    // spec (422 example): `Role 'invalid_slug' is not a valid role.`
    if (!directory.roleExists(environmentId, slug, organizationId)) throw unprocessable(`Role '${slug}' is not a valid role.`, 'invalid_role');
    return slug;
  };

  /** Writes the changed fields (updated_at moves) and reads the membership back as the API shows it. */
  const save = (environmentId: string, current: Membership, changes: Partial<Pick<Membership, 'status' | 'role_slug'>>) => {
    memberships.update(environmentId, { ...current, ...changes, updated_at: clock.now(environmentId) });
    return requireMembership(environmentId, current.id);
  };

  const create = db.transaction((environmentId: string, body: CreateMembershipBody): MembershipView => {
    const slug = requestedRole(body) ?? DEFAULT_ROLE_SLUG;
    if (!directory.userExists(environmentId, body.user_id)) throw notFound('User', body.user_id);
    if (!directory.organizationExists(environmentId, body.organization_id)) {
      throw notFound('Organization', body.organization_id);
    }
    requireRole(environmentId, slug, body.organization_id);
    const existing = memberships.byPair(environmentId, body.user_id, body.organization_id);
    if (existing?.status === 'pending') throw badRequest(PENDING_REACTIVATE, 'cannot_reactivate_pending_organization_membership');
    if (existing?.status === 'active') {
      // Not in the spec's create responses; the code is the one WorkOS clients check for.
      throw badRequest(
        `User '${body.user_id}' already has an active membership in organization '${body.organization_id}'.`,
        'organization_membership_already_exists',
      );
    }
    // spec: an inactive membership of the pair is re-activated with the requested role.
    if (existing) return save(environmentId, existing, { status: 'active', role_slug: slug });
    const now = clock.now(environmentId);
    const id = newId('membership');
    memberships.insert(environmentId, {
      id,
      user_id: body.user_id,
      organization_id: body.organization_id,
      status: 'active',
      role_slug: slug,
      created_at: now,
      updated_at: now,
    });
    return requireMembership(environmentId, id);
  });

  const update = db.transaction((environmentId: string, id: string, body: UpdateMembershipBody): MembershipView => {
    const slug = requestedRole(body);
    const membership = requireMembership(environmentId, id);
    if (slug === undefined) return membership;
    requireRole(environmentId, slug, membership.organization_id);
    // The same role again is no change, so updated_at stays.
    if (slug === membership.role_slug) return membership;
    return save(environmentId, membership, { role_slug: slug });
  });

  // spec: deactivating an inactive membership (or reactivating an active one) is a no-op; pending is an error.
  const setStatus = (target: 'active' | 'inactive') =>
    db.transaction((environmentId: string, id: string): MembershipView => {
      const membership = requireMembership(environmentId, id);
      if (membership.status === 'pending') {
        throw target === 'inactive'
          ? badRequest(PENDING_DEACTIVATE, 'cannot_deactivate_pending_organization_membership')
          : badRequest(PENDING_REACTIVATE, 'cannot_reactivate_pending_organization_membership');
      }
      if (membership.status === target) return membership;
      return save(environmentId, membership, { status: target });
    });

  const remove = db.transaction((environmentId: string, id: string): void => {
    requireMembership(environmentId, id);
    memberships.delete(environmentId, id);
  });

  return {
    list(environmentId, query) {
      const { user_id, organization_id } = query;
      if (user_id === undefined && organization_id === undefined) {
        throw badRequest('At least one of user_id or organization_id must be provided.', 'missing_user_id_or_organization_id');
      }
      const statuses = parseStatuses(query.statuses);
      const req = pageRequest(query, ID_PREFIXES.membership, (id) => memberships.sortKey(environmentId, id));
      if (user_id !== undefined && !directory.userExists(environmentId, user_id)) throw notFound('User', user_id);
      if (organization_id !== undefined && !directory.organizationExists(environmentId, organization_id)) {
        throw notFound('Organization', organization_id);
      }
      const filter = {
        ...(user_id !== undefined && { user_id }),
        ...(organization_id !== undefined && { organization_id }),
        statuses,
      };
      return toPage(req, memberships.list(environmentId, req, filter));
    },
    create,
    get: requireMembership,
    update,
    delete: remove,
    deactivate: setStatus('inactive'),
    reactivate: setStatus('active'),
  };
}
