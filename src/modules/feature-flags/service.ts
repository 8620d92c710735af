import type { EnvironmentTime } from '../clock/service.js';
import type { Scope } from '../../db/change-feed.js';
import type { Db } from '../../db/open.js';
import { requireFlag as requireFlagOf } from './require-flag.js';
import { createKeptMap } from '../../db/kept-map.js';
import { ApiError, conflict, notFound } from '../../http/errors.js';
import type { PageRequest } from '../../db/keyset.js';
import { freezePage, pageRequest, toPage, type ListQuery, type Page } from '../../http/pagination.js';
import { ID_PREFIXES, newId } from '../../ids.js';
import { createFlagOrder, type Stretch } from './flag-order.js';
import { exceptionsFor, listedFor, organizationContexts, userContexts, type Exceptions, type MembershipFact } from './evaluate.js';
import type { FlagChanges, FlagOwnerInput, NewFlag } from './input.js';
import type { RuleService } from './rule-service.js';
import type { RuleStore, SubjectMembership } from './rule-store.js';
import type { Flag, FlagStore, ResourceType } from './store.js';

export interface FlagService {
  get(environmentId: string, slug: string): Flag;
  create(environmentId: string, input: NewFlag): Flag;
  /** `observe` runs inside the write's transaction with the flag before and after, when it changed. */
  update(environmentId: string, slug: string, changes: FlagChanges, observe?: FlagObserver): Flag;
  delete(environmentId: string, slug: string): void;
  /** `observe` as for update. */
  setEnabled(environmentId: string, slug: string, enabled: boolean, observe?: FlagObserver): Flag;
  /** `around`, when given, runs the write once the request is valid, inside its transaction (its events are recorded there). */
  setTarget(environmentId: string, slug: string, resourceId: string, enabled: boolean, around?: TargetWriteAround): void;
  removeTarget(environmentId: string, slug: string, resourceId: string, around?: TargetWriteAround): void;
  list(environmentId: string, query: ListQuery): Page<Flag>;
  /** Whether a page list, listForOrganization or listForUser gave is still the kept one (so an answer made of it is still true). */
  isKept(environmentId: string, page: Page<Flag>): boolean;
  listForOrganization(environmentId: string, organizationId: string, query: ListQuery): Page<Flag>;
  listForUser(environmentId: string, userId: string, query: ListQuery): Page<Flag>;
  /** The user's own explicit targets (on or off), on every flag, disabled ones included. */
  userTargets(environmentId: string, userId: string): { slug: string; enabled: boolean }[];
}

/** Sees a flag change from inside its write's transaction (its events are recorded there). */
export type FlagObserver = (before: Flag, after: Flag) => void;

/** Runs a valid target write (`write`) of `flag`'s membership of a `type` target, e.g. between reads of what it changes. */
export type TargetWriteAround = (flag: Flag, type: ResourceType, write: () => void) => void;

/** What flags need to know of the resources they target. */
export interface TargetDirectory {
  organizationExists(environmentId: string, id: string): boolean;
  userExists(environmentId: string, id: string): boolean;
  /** Organizations where the user has an active membership (pending and inactive don't count). */
  activeOrganizationIds(environmentId: string, userId: string): string[];
}

/** What makes a subject's flags differ from the defaults, with the scopes it was read from. */
interface SubjectExceptions {
  exceptions: Exceptions;
  /** The subject's and (a user's) its organizations' facts: what a page of its flags depends on besides its stretch. */
  scopes: Scope[];
  /** How the flags it is a member of evaluate (rules, defaults): what the exceptions also depend on. */
  flagScopes: Scope[];
}

/** A subject's facts, as kept between requests. */
interface SubjectFacts {
  exists: boolean;
  /** A user's organizations of active memberships (none for an organization). */
  organizationIds: readonly string[];
  memberships: readonly SubjectMembership[];
}

/** Subjects whose facts are kept at once (a few hundred bytes each). */
const SUBJECT_ENTRIES = 200_000;

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
  const requireFlag = (environmentId: string, slug: string): Flag => requireFlagOf(flags, environmentId, slug);

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

  /**
   * The memberships, each with its rule and its flag's default. Disabled flags' too: a list shows
   * only enabled flags whatever the exceptions say (listedFor), so toggling a flag keeps them.
   */
  const membershipFacts = (environmentId: string, memberships: readonly SubjectMembership[]): MembershipFact[] => {
    if (memberships.length === 0) return [];
    const ruleById = rules.cachedRules(environmentId, [...new Set(memberships.map((m) => m.rule_id))]);
    const flagById = flags.cachedByIds(environmentId, [...new Set(memberships.map((m) => m.flag_id))]);
    const facts: MembershipFact[] = [];
    for (const m of memberships) {
      const flag = flagById.get(m.flag_id);
      const rule = ruleById.get(m.rule_id);
      if (!flag || !rule) continue;
      // Named fields, not a spread of the (frozen) membership: this runs for every membership of every cold subject.
      facts.push({
        flag_id: m.flag_id,
        rule_id: m.rule_id,
        target_type: m.target_type,
        target_id: m.target_id,
        position: rule.position,
        value: rule.value,
        default_value: flag.default_value,
      });
    }
    return facts;
  };

  // A subject's own facts (whether it exists, a user's active organizations, its rule memberships
  // of user and organization rules), kept until a row naming it is written (scope `subject <id>`:
  // its row, its memberships, its targets; src/db/change-feed.ts). Flags and rules come from their
  // own caches at each read, so toggling a flag or editing a rule keeps every subject's facts.
  const subjects = createKeptMap<SubjectFacts>(db, { until: 'scopes', entries: SUBJECT_ENTRIES });
  const factsOf = (environmentId: string, type: ResourceType, id: string): SubjectFacts =>
    subjects.through(environmentId, `${environmentId} ${type} ${id}`, () => {
      const exists = type === 'user' ? directory.userExists(environmentId, id) : directory.organizationExists(environmentId, id);
      const organizationIds = exists && type === 'user' ? directory.activeOrganizationIds(environmentId, id) : [];
      const memberships = exists ? rules.subjectMemberships(environmentId, [id]).filter((m) => m.target_type === 'user' || m.target_type === 'organization') : [];
      return Object.freeze({ exists, organizationIds: Object.freeze(organizationIds), memberships: Object.freeze(memberships) });
    }, [`subject ${id}`]);

  /** The subject's exceptions (null when it does not exist) and the scopes of the facts they came from. */
  const computeExceptions = (environmentId: string, type: ResourceType, subjectId: string): SubjectExceptions | null => {
    const subject = factsOf(environmentId, type, subjectId);
    if (!subject.exists) return null;
    const memberships = [...subject.memberships];
    const scopes: Scope[] = [`subject ${subjectId}`];
    if (type === 'user') {
      for (const organizationId of subject.organizationIds) {
        memberships.push(...factsOf(environmentId, 'organization', organizationId).memberships);
        scopes.push(`subject ${organizationId}`);
      }
    }
    // Evaluated from the defaults and rules of the flags the subject has memberships of, and only
    // those; not from whether they are enabled, so a toggle keeps them.
    const flagScopes = [...new Set(memberships.map((m) => m.flag_id))].map((flagId): Scope => `flag evaluation ${flagId}`);
    const contexts = type === 'user' ? userContexts(subjectId, subject.organizationIds) : organizationContexts(subjectId);
    return { exceptions: exceptionsFor(membershipFacts(environmentId, memberships), contexts), scopes, flagScopes };
  };
  // Kept apart from pages: a page goes when a flag of its stretch is written, the subject's
  // exceptions only when its facts or the flags it is a member of are.
  const keptExceptions = createKeptMap<SubjectExceptions | null>(db, { until: 'scopes', entries: SUBJECT_ENTRIES });
  const subjectExceptions = (environmentId: string, type: ResourceType, subjectId: string): SubjectExceptions | null => {
    const key = `${environmentId} ${type} ${subjectId}`;
    const found = keptExceptions.get(key);
    if (found !== undefined) return found;
    const computed = computeExceptions(environmentId, type, subjectId);
    keptExceptions.set(environmentId, key, computed, { scopes: computed ? [...computed.scopes, ...computed.flagScopes] : [`subject ${subjectId}`] });
    return computed;
  };

  // Pages are kept until a write changes what they were read from: the subject's facts (scopes),
  // and the flags of the stretch of the list they walked (flag-order.ts, checked when read again).
  // SDKs and test suites ask for the same subjects' flags again and again, between writes to flags
  // that most pages do not show.
  const kept = createKeptMap<{ page: Page<Flag>; stretch: Stretch }>(db, { until: 'scopes', entries: PAGE_MEMO_ENTRIES });
  const order = createFlagOrder(db);
  const keyOfPage = new WeakMap<Page<Flag>, string>();
  const keptPage = (environmentId: string, key: string): Page<Flag> | undefined => {
    const found = kept.get(key);
    return found && order.unchanged(environmentId, found.stretch) ? found.page : undefined;
  };
  const pages = (environmentId: string, key: string, compute: () => { req: PageRequest; fetched: Flag[]; scopes?: Scope[] }): Page<Flag> => {
    const found = keptPage(environmentId, key);
    if (found) return found;
    const { req, fetched, scopes = [] } = compute();
    const stretch = order.stretchOf(environmentId, req, fetched);
    const page = freezePage(toPage(req, fetched));
    keyOfPage.set(page, key);
    kept.set(environmentId, key, { page, stretch }, { scopes });
    return page;
  };
  const pageKey = (environmentId: string, subject: string, q: ListQuery) =>
    `${environmentId} ${subject} ${q.limit ?? ''} ${q.order ?? ''} ${q.before ?? ''} ${q.after ?? ''}`;

  /** The flags as they evaluate for an organization or a user. */
  const listForSubject = (environmentId: string, type: ResourceType, subjectId: string, query: ListQuery): Page<Flag> =>
    pages(environmentId, pageKey(environmentId, `${type}:${subjectId}`, query), () => {
      const subject = subjectExceptions(environmentId, type, subjectId);
      if (!subject) throw notFound(type === 'user' ? 'User' : 'Organization', subjectId);
      const req = flagPage(environmentId, query);
      return { req, fetched: walkEvaluated(environmentId, req, subject.exceptions), scopes: subject.scopes };
    });

  const flagsByIds = (environmentId: string) => (ids: readonly string[]) => flags.cachedByIds(environmentId, ids);
  /**
   * The subject's page of flags: the enabled flags on by default, less `off`, plus `on`, walked
   * over the kept flag order (what FlagStore.listEvaluated reads with SQL, and is tested against).
   */
  const walkEvaluated = (environmentId: string, req: PageRequest, exceptions: Exceptions): Flag[] =>
    order.walk(environmentId, req, flagsByIds(environmentId), listedFor(exceptions));

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

  const update = db.transaction((environmentId: string, slug: string, changes: FlagChanges, observe?: FlagObserver): Flag => {
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
    observe?.(flag, next);
    return next;
  });

  // Its rules and their memberships go with it (ON DELETE CASCADE).
  const remove = db.transaction((environmentId: string, slug: string): void => {
    flags.delete(environmentId, requireFlag(environmentId, slug).id);
  });

  // Unchanged state leaves updated_at alone, so repeated enables are true no-ops.
  const setEnabled = db.transaction((environmentId: string, slug: string, enabled: boolean, observe?: FlagObserver): Flag => {
    const flag = requireFlag(environmentId, slug);
    if (flag.enabled === enabled) return flag;
    const next = { ...flag, enabled, updated_at: clock.now(environmentId) };
    flags.setEnabled(environmentId, next);
    observe?.(flag, next);
    return next;
  });

  // Classic targets are aliases over rules (rule-service.ts): on joins the (type, true) rule,
  // explicitly off the (type, false) one. A target that already stands as asked is a no-op and
  // leaves updated_at alone, as with enable.
  const setTarget = db.transaction((environmentId: string, slug: string, resourceId: string, enabled: boolean, around?: TargetWriteAround): void => {
    const type = requireResource(environmentId, resourceId);
    const flag = requireFlag(environmentId, slug);
    requireTargetExists(environmentId, resourceId, type);
    const write = () => void ruleWrites.setClassicTarget(environmentId, flag, type, resourceId, enabled);
    if (around) around(flag, type, write);
    else write();
  });

  const removeTarget = db.transaction((environmentId: string, slug: string, resourceId: string, around?: TargetWriteAround): void => {
    const type = requireResource(environmentId, resourceId);
    const flag = requireFlag(environmentId, slug);
    requireTargetExists(environmentId, resourceId, type);
    const write = () => void ruleWrites.removeClassicTarget(environmentId, flag, type, resourceId);
    if (around) around(flag, type, write);
    else write();
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
      return pages(environmentId, pageKey(environmentId, 'all', query), () => {
        const req = flagPage(environmentId, query);
        return { req, fetched: order.walk(environmentId, req, flagsByIds(environmentId), () => true) };
      });
    },

    isKept(environmentId, page) {
      const key = keyOfPage.get(page);
      return key !== undefined && keptPage(environmentId, key) === page;
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

