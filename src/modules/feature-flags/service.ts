import type { EnvironmentTime } from '../clock/service.js';
import type { Db } from '../../db/open.js';
import { createReadMemo } from '../../db/read-memo.js';
import { ApiError, conflict, notFound } from '../../http/errors.js';
import { freezePage, pageRequest, toPage, type ListQuery, type Page } from '../../http/pagination.js';
import { ID_PREFIXES, newId } from '../../ids.js';
import { exceptionsFor, organizationContexts, userContexts, type EvalContext, type Exceptions, type MembershipFact } from './evaluate.js';
import type { FlagChanges, FlagOwnerInput, NewFlag } from './input.js';
import type { RuleService } from './rule-service.js';
import type { RuleStore } from './rule-store.js';
import type { Flag, FlagStore, ResourceType } from './store.js';

export interface FlagService {
  get(environmentId: string, slug: string): Flag;
  create(environmentId: string, input: NewFlag): Flag;
  update(environmentId: string, slug: string, changes: FlagChanges): Flag;
  delete(environmentId: string, slug: string): void;
  setEnabled(environmentId: string, slug: string, enabled: boolean): Flag;
  setTarget(environmentId: string, slug: string, resourceId: string, enabled: boolean): void;
  removeTarget(environmentId: string, slug: string, resourceId: string): void;
  list(environmentId: string, query: ListQuery): Page<Flag>;
  listForOrganization(environmentId: string, organizationId: string, query: ListQuery): Page<Flag>;
  listForUser(environmentId: string, userId: string, query: ListQuery): Page<Flag>;
  /** The user's own explicit targets (on or off), on every flag, disabled ones included. */
  userTargets(environmentId: string, userId: string): { slug: string; enabled: boolean }[];
}

/** What flags need to know of the resources they target. */
export interface TargetDirectory {
  organizationExists(environmentId: string, id: string): boolean;
  userExists(environmentId: string, id: string): boolean;
  /** Organizations where the user has an active membership (pending and inactive don't count). */
  activeOrganizationIds(environmentId: string, userId: string): string[];
}

/** Pages kept at once (a page holds references to shared flags): a few MB at most. */
const PAGE_MEMO_ENTRIES = 20_000;

const RESOURCE_ID = new RegExp(`^(${ID_PREFIXES.user}|${ID_PREFIXES.organization})[0-9A-Za-z]+$`);

/**
 * spec: targets are "user_<id>" or "org_<id>"; anything else (a bare prefix, another kind such as
 * org_domain_…) is 400 invalid_resource_id_format. A well-formed id that names nothing is a 404.
 */
export function resourceTypeOf(resourceId: string): ResourceType | undefined {
  const prefix = RESOURCE_ID.exec(resourceId)?.[1];
  if (prefix === ID_PREFIXES.user) return 'user';
  if (prefix === ID_PREFIXES.organization) return 'organization';
  return undefined;
}

export function createFlagService(
  db: Db,
  flags: FlagStore,
  rules: RuleStore,
  ruleWrites: Pick<RuleService, 'setClassicTarget' | 'removeClassicTarget'>,
  directory: TargetDirectory,
  clock: EnvironmentTime,
): FlagService {
  const requireFlag = (environmentId: string, slug: string): Flag => {
    const flag = flags.bySlug(environmentId, slug);
    if (!flag) throw notFound('Feature flag', slug);
    return flag;
  };

  const requireResource = (environmentId: string, resourceId: string): ResourceType => {
    const type = resourceTypeOf(resourceId);
    if (!type) {
      // spec: { message, code, statusCode }. `errors` is added because workos-node raises its
      // documented BadRequestException only for a 400 carrying both `code` and `errors`.
      throw new ApiError(400, {
        message: `Invalid resource id: '${resourceId}'. Expected a user id (user_…) or an organization id (org_…).`,
        code: 'invalid_resource_id_format',
        statusCode: 400,
        errors: [{ field: 'resourceId', code: 'invalid_resource_id_format', message: 'must be user_<id> or org_<id>' }],
      });
    }
    return type;
  };

  const requireTargetExists = (environmentId: string, resourceId: string, type: ResourceType): void => {
    if (type === 'user' && !directory.userExists(environmentId, resourceId)) throw notFound('User', resourceId);
    if (type === 'organization' && !directory.organizationExists(environmentId, resourceId)) {
      throw notFound('Organization', resourceId);
    }
  };

  /** The subject's memberships of enabled flags, each with its rule (user and organization rules only). */
  const membershipFacts = (environmentId: string, subjectIds: readonly string[]): MembershipFact[] => {
    const memberships = rules.subjectMemberships(environmentId, subjectIds).filter((m) => m.target_type === 'user' || m.target_type === 'organization');
    if (memberships.length === 0) return [];
    const ruleById = rules.rulesById(environmentId);
    const flagById = flags.cachedByIds(environmentId, [...new Set(memberships.map((m) => m.flag_id))]);
    const facts: MembershipFact[] = [];
    for (const m of memberships) {
      const flag = flagById.get(m.flag_id);
      const rule = ruleById.get(m.rule_id);
      if (!flag?.enabled || !rule) continue;
      facts.push({ ...m, position: rule.position, value: rule.value, default_value: flag.default_value });
    }
    return facts;
  };

  const subjectExceptions = (environmentId: string, type: ResourceType, subjectId: string): Exceptions | null => {
    let contexts: EvalContext[];
    if (type === 'organization') {
      if (!directory.organizationExists(environmentId, subjectId)) return null;
      contexts = organizationContexts(subjectId);
    } else {
      if (!directory.userExists(environmentId, subjectId)) return null;
      contexts = userContexts(subjectId, directory.activeOrganizationIds(environmentId, subjectId));
    }
    return exceptionsFor(membershipFacts(environmentId, contexts.flatMap((c) => Object.values(c))), contexts);
  };

  // Pages are kept until the data changes: SDKs ask for the same subjects' flags again and again.
  const pages = createReadMemo<Page<Flag>>(db, PAGE_MEMO_ENTRIES);
  const pageKey = (environmentId: string, subject: string, q: ListQuery) =>
    `${environmentId} ${subject} ${q.limit ?? ''} ${q.order ?? ''} ${q.before ?? ''} ${q.after ?? ''}`;

  /** The flags as they evaluate for an organization or a user. */
  const listForSubject = (environmentId: string, type: ResourceType, subjectId: string, query: ListQuery): Page<Flag> =>
    pages(pageKey(environmentId, `${type}:${subjectId}`, query), () => {
      const exceptions = subjectExceptions(environmentId, type, subjectId);
      if (!exceptions) throw notFound(type === 'user' ? 'User' : 'Organization', subjectId);
      const req = flagPage(environmentId, query);
      return freezePage(toPage(req, flags.listEvaluated(environmentId, req, exceptions)));
    });

  const flagPage = (environmentId: string, query: ListQuery) =>
    pageRequest(query, ID_PREFIXES.flag, (id) => flags.sortKey(environmentId, id));

  const ownerOf = (owner: FlagOwnerInput | null | undefined): Flag['owner'] =>
    owner ? { email: owner.email, first_name: owner.first_name ?? null, last_name: owner.last_name ?? null } : null;

  const create = db.transaction((environmentId: string, input: NewFlag): Flag => {
    if (flags.bySlug(environmentId, input.slug)) {
      throw conflict(`A feature flag with slug '${input.slug}' already exists.`, 'feature_flag_slug_conflict', [
        { field: 'slug', code: 'slug_not_unique' },
      ]);
    }
    const now = clock.now(environmentId);
    const flag: Flag = {
      id: newId('flag'),
      slug: input.slug,
      name: input.name ?? input.slug,
      description: input.description ?? null,
      owner: ownerOf(input.owner),
      tags: input.tags ?? [],
      // As in the WorkOS dashboard, a new flag starts disabled.
      enabled: input.enabled ?? false,
      default_value: input.default_value ?? false,
      created_at: now,
      updated_at: now,
    };
    flags.insert(environmentId, flag);
    return flag;
  });

  const update = db.transaction((environmentId: string, slug: string, changes: FlagChanges): Flag => {
    const flag = requireFlag(environmentId, slug);
    const next: Flag = {
      ...flag,
      ...(changes.name !== undefined && { name: changes.name }),
      ...(changes.description !== undefined && { description: changes.description }),
      ...(changes.owner !== undefined && { owner: ownerOf(changes.owner) }),
      ...(changes.tags !== undefined && { tags: changes.tags }),
      ...(changes.enabled !== undefined && { enabled: changes.enabled }),
      ...(changes.default_value !== undefined && { default_value: changes.default_value }),
    };
    if (JSON.stringify(next) === JSON.stringify(flag)) return flag;
    next.updated_at = clock.now(environmentId);
    flags.update(environmentId, next);
    return next;
  });

  // Its rules and their memberships go with it (ON DELETE CASCADE).
  const remove = db.transaction((environmentId: string, slug: string): void => {
    flags.delete(environmentId, requireFlag(environmentId, slug).id);
  });

  // Unchanged state leaves updated_at alone, so repeated enables are true no-ops.
  const setEnabled = db.transaction((environmentId: string, slug: string, enabled: boolean): Flag => {
    const flag = requireFlag(environmentId, slug);
    if (flag.enabled === enabled) return flag;
    const next = { ...flag, enabled, updated_at: clock.now(environmentId) };
    flags.update(environmentId, next);
    return next;
  });

  // Classic targets are aliases over rules (rule-service.ts): on joins the (type, true) rule,
  // explicitly off the (type, false) one. A target that already stands as asked is a no-op and
  // leaves updated_at alone, as with enable.
  const setTarget = db.transaction((environmentId: string, slug: string, resourceId: string, enabled: boolean): void => {
    const type = requireResource(environmentId, resourceId);
    const flag = requireFlag(environmentId, slug);
    requireTargetExists(environmentId, resourceId, type);
    ruleWrites.setClassicTarget(environmentId, flag, type, resourceId, enabled);
  });

  const removeTarget = db.transaction((environmentId: string, slug: string, resourceId: string): void => {
    const type = requireResource(environmentId, resourceId);
    const flag = requireFlag(environmentId, slug);
    requireTargetExists(environmentId, resourceId, type);
    ruleWrites.removeClassicTarget(environmentId, flag, type, resourceId);
  });

  return {
    get: requireFlag,
    create,
    update,
    delete: remove,
    setEnabled,
    setTarget,
    removeTarget,

    list(environmentId: string, query: ListQuery): Page<Flag> {
      return pages(pageKey(environmentId, 'all', query), () => {
        const req = flagPage(environmentId, query);
        return freezePage(toPage(req, flags.list(environmentId, req)));
      });
    },

    listForOrganization(environmentId: string, organizationId: string, query: ListQuery): Page<Flag> {
      return listForSubject(environmentId, 'organization', organizationId, query);
    },

    listForUser(environmentId: string, userId: string, query: ListQuery): Page<Flag> {
      return listForSubject(environmentId, 'user', userId, query);
    },

    userTargets(environmentId: string, userId: string) {
      if (!directory.userExists(environmentId, userId)) throw notFound('User', userId);
      return rules.ownTargets(environmentId, 'user', userId);
    },
  };
}

