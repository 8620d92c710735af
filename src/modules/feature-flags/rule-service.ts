import type { EnvironmentTime } from '../clock/service.js';
import type { Db } from '../../db/open.js';
import { requireFlag as requireFlagOf } from './require-flag.js';
import { conflict, invalidParameters, notFound, type FieldError } from '../../http/errors.js';
import { pageRequest, toPage, type ListQuery, type Page } from '../../http/pagination.js';
import { newId } from '../../ids.js';
import type { Membership, MembershipFilter, Rule, RuleStore } from './rule-store.js';
import { resourceTypeOf, type TargetDirectory } from './service.js';
import type { Flag, FlagStore } from './store.js';

/** A rule as the rules API shows it: with its flag's slug and the environment's public id. */
export interface RuleView extends Rule {
  flag_slug: string;
  environment_id: string;
}

/** A membership as the rules API shows it. */
export interface MembershipView extends Membership {
  flag_slug: string;
  environment_id: string;
}

export interface NewRule {
  flag_slug: string;
  target_type: string;
  value: boolean;
}

export interface NewMembership {
  rule_id: string;
  target_id: string;
}

export interface RuleListQuery {
  flag_slug: string;
  limit?: number;
  before?: string;
  after?: string;
}

export interface MembershipListQuery extends ListQuery {
  rule_id?: string;
  flag_slug?: string;
  target_type?: string;
  target_id?: string;
}

export interface RuleService {
  createRule(environmentId: string, input: NewRule): RuleView;
  getRule(environmentId: string, id: string): RuleView;
  listRules(environmentId: string, query: RuleListQuery): Page<RuleView>;
  deleteRule(environmentId: string, id: string): void;
  reorderRules(environmentId: string, slug: string, ruleIds: string[]): RuleView[];
  createMembership(environmentId: string, input: NewMembership): MembershipView;
  getMembership(environmentId: string, id: string): MembershipView;
  listMemberships(environmentId: string, query: MembershipListQuery): Page<MembershipView>;
  deleteMembership(environmentId: string, id: string): void;
  /** Classic alias: false when the target already stood so. */
  setClassicTarget(environmentId: string, flag: Flag, type: string, targetId: string, value: boolean): boolean;
  removeClassicTarget(environmentId: string, flag: Flag, type: string, targetId: string): boolean;
}

/** workos-node 12 evaluator: "mirror of the API's validation rules" for custom target ids. */
const CUSTOM_TARGET_ID = /^[A-Za-z0-9._:-]{1,255}$/;

/**
 * Every write to rules and memberships, each a transaction (the rules API, and the classic
 * target routes through `setClassicTarget` / `removeClassicTarget`), so what a write causes
 * (events) can be added in one place. A write that changes a flag's targeting stamps the flag's
 * `updated_at`, as adding or removing a classic target always has.
 */
export function createRuleService(
  db: Db,
  flags: FlagStore,
  rules: RuleStore,
  directory: TargetDirectory,
  clock: EnvironmentTime,
  publicEnvironmentId: (environmentId: string) => string,
): RuleService {
  const requireFlag = (environmentId: string, slug: string): Flag => requireFlagOf(flags, environmentId, slug);
  const requireRule = (environmentId: string, id: string): Rule => {
    const rule = rules.ruleById(environmentId, id);
    if (!rule) throw notFound('Flag rule', id);
    return rule;
  };
  const requireMembership = (environmentId: string, id: string): Membership => {
    const membership = rules.membershipById(environmentId, id);
    if (!membership) throw notFound('Flag target', id);
    return membership;
  };
  const slugOf = (environmentId: string, flagId: string): string => flags.cachedByIds(environmentId, [flagId]).get(flagId)!.slug;
  const ruleView = (environmentId: string, rule: Rule, slug = slugOf(environmentId, rule.flag_id)): RuleView => ({
    ...rule,
    flag_slug: slug,
    environment_id: publicEnvironmentId(environmentId),
  });
  const membershipView = (environmentId: string, m: Membership, slug = slugOf(environmentId, m.flag_id)): MembershipView => ({
    ...m,
    flag_slug: slug,
    environment_id: publicEnvironmentId(environmentId),
  });

  const nextPosition = (environmentId: string, flagId: string): number => {
    const last = rules.rulesOfFlag(environmentId, flagId).at(-1);
    return last ? last.position + 1 : 0;
  };

  const insertRule = (environmentId: string, flagId: string, targetType: string, value: boolean, position: number, now: string): Rule => {
    const rule: Rule = { id: newId('flagRule'), flag_id: flagId, position, target_type: targetType, value, created_at: now, updated_at: now };
    rules.insertRule(environmentId, rule);
    return rule;
  };

  /**
   * A rule the classic routes need and the flag lacks. Organization rules are appended; a user
   * rule goes just before the flag's first organization rule (appended when it has none), so a
   * user's own target keeps deciding before its organizations', as it always has.
   */
  const insertClassicRule = (environmentId: string, flagId: string, type: string, value: boolean, now: string): Rule => {
    const existing = rules.rulesOfFlag(environmentId, flagId);
    const firstOrg = type === 'user' ? existing.find((r) => r.target_type === 'organization') : undefined;
    if (!firstOrg) return insertRule(environmentId, flagId, type, value, existing.length ? existing.at(-1)!.position + 1 : 0, now);
    // Shift from the last down, so positions stay distinct at every step.
    for (const r of existing.filter((r) => r.position >= firstOrg.position).reverse()) {
      rules.setPosition(environmentId, r.id, r.position + 1, now);
    }
    return insertRule(environmentId, flagId, type, value, firstOrg.position, now);
  };

  const touchFlag = (environmentId: string, flagId: string, now: string) => flags.touch(environmentId, flagId, now);

  /** Checks a target id for a rule's type: users and organizations must exist; custom ids are only checked for form. */
  const requireTarget = (environmentId: string, targetType: string, targetId: string): void => {
    const invalid = (message: string): never => {
      const errors: FieldError[] = [{ field: 'target_id', code: 'target_id_invalid', message }];
      throw invalidParameters(errors, 422);
    };
    if (targetType === 'user' || targetType === 'organization') {
      if (resourceTypeOf(targetId) !== targetType) invalid(`must be ${targetType === 'user' ? 'a user id (user_…)' : 'an organization id (org_…)'} for a ${targetType} rule`);
      const exists = targetType === 'user' ? directory.userExists(environmentId, targetId) : directory.organizationExists(environmentId, targetId);
      if (!exists) throw notFound(targetType === 'user' ? 'User' : 'Organization', targetId);
      return;
    }
    if (!CUSTOM_TARGET_ID.test(targetId) || targetId === '.' || targetId === '..') invalid('must match ^[A-Za-z0-9._:-]{1,255}$');
  };

  const createRule = db.transaction((environmentId: string, input: NewRule): RuleView => {
    const flag = requireFlag(environmentId, input.flag_slug);
    if (rules.ruleOfKind(environmentId, flag.id, input.target_type, input.value)) {
      // Repo rule-management.spec: "Rule already exists", flag_rule_already_exists_exception.
      throw conflict('Rule already exists', 'flag_rule_already_exists_exception');
    }
    const now = clock.now(environmentId);
    const rule = insertRule(environmentId, flag.id, input.target_type, input.value, nextPosition(environmentId, flag.id), now);
    touchFlag(environmentId, flag.id, now);
    return ruleView(environmentId, rule, flag.slug);
  });

  const deleteRule = db.transaction((environmentId: string, id: string): void => {
    const rule = requireRule(environmentId, id);
    rules.deleteRule(environmentId, rule.id);
    touchFlag(environmentId, rule.flag_id, clock.now(environmentId));
  });

  /** Admin: the flag's rules in the given order (every rule id of the flag, once). */
  const reorderRules = db.transaction((environmentId: string, slug: string, ruleIds: string[]): RuleView[] => {
    const flag = requireFlag(environmentId, slug);
    const current = rules.rulesOfFlag(environmentId, flag.id);
    const known = new Set(current.map((r) => r.id));
    const given = new Set(ruleIds);
    if (given.size !== ruleIds.length || given.size !== known.size || ruleIds.some((id) => !known.has(id))) {
      throw invalidParameters([{ field: 'rule_ids', code: 'rule_ids_invalid', message: "must list every rule of the flag once" }], 422);
    }
    const now = clock.now(environmentId);
    const byId = new Map(current.map((r) => [r.id, r]));
    // Only the rules that move are written: one that keeps its place keeps its updated_at.
    const moved = ruleIds.map((id, i) => [id, i] as const).filter(([id, i]) => byId.get(id)!.position !== i);
    if (moved.length) {
      // Through negative positions first, so no two rules share one at any step.
      for (const [id, i] of moved) rules.setPosition(environmentId, id, -1 - i, now);
      for (const [id, i] of moved) rules.setPosition(environmentId, id, i, now);
      touchFlag(environmentId, flag.id, now);
    }
    return rules.rulesOfFlag(environmentId, flag.id).map((r) => ruleView(environmentId, r, flag.slug));
  });

  const createMembership = db.transaction((environmentId: string, input: NewMembership): MembershipView => {
    const rule = requireRule(environmentId, input.rule_id);
    requireTarget(environmentId, rule.target_type, input.target_id);
    const existing = rules.membershipOf(environmentId, rule.flag_id, rule.target_type, input.target_id);
    if (existing) {
      // Repo rule-management.spec: a target already in another rule is a 409 "Target belongs to another rule".
      if (existing.rule_id === rule.id) throw conflict('Target already exists', 'flag_target_already_exists_exception');
      throw conflict('Target belongs to another rule', 'flag_target_belongs_to_another_rule_exception');
    }
    const now = clock.now(environmentId);
    const membership: Membership = {
      id: newId('flagTarget'),
      flag_id: rule.flag_id,
      rule_id: rule.id,
      target_type: rule.target_type,
      target_id: input.target_id,
      created_at: now,
      updated_at: now,
    };
    rules.insertMembership(environmentId, membership);
    touchFlag(environmentId, rule.flag_id, now);
    return membershipView(environmentId, membership);
  });

  const deleteMembership = db.transaction((environmentId: string, id: string): void => {
    const membership = requireMembership(environmentId, id);
    rules.deleteMembership(environmentId, membership.id);
    touchFlag(environmentId, membership.flag_id, clock.now(environmentId));
  });

  /**
   * The classic routes' target (an alias): the target joins the flag's (type, value) rule,
   * created when missing, leaving any other rule of the flag. False when it already stood so.
   */
  const setClassicTarget = db.transaction((environmentId: string, flag: Flag, type: string, targetId: string, value: boolean): boolean => {
    const current = rules.membershipOf(environmentId, flag.id, type, targetId);
    const ofFlag = rules.cachedRulesOfFlag(environmentId, flag.id);
    if (current && ofFlag.find((r) => r.id === current.rule_id)?.value === value) return false;
    const now = clock.now(environmentId);
    // At most one rule of a kind (createRule refuses a second).
    const rule = ofFlag.find((r) => r.target_type === type && r.value === value) ?? insertClassicRule(environmentId, flag.id, type, value, now);
    if (current) rules.moveMembership(environmentId, current.id, rule.id, now);
    else {
      rules.insertMembership(environmentId, {
        id: newId('flagTarget'),
        flag_id: flag.id,
        rule_id: rule.id,
        target_type: type,
        target_id: targetId,
        created_at: now,
        updated_at: now,
      });
    }
    touchFlag(environmentId, flag.id, now);
    return true;
  });

  /** The classic DELETE: the target's membership goes, its rule stays. False when there was none. */
  const removeClassicTarget = db.transaction((environmentId: string, flag: Flag, type: string, targetId: string): boolean => {
    const current = rules.membershipOf(environmentId, flag.id, type, targetId);
    if (!current) return false;
    rules.deleteMembership(environmentId, current.id);
    touchFlag(environmentId, flag.id, clock.now(environmentId));
    return true;
  });

  return {
    createRule,
    deleteRule,
    reorderRules,
    createMembership,
    deleteMembership,
    setClassicTarget,
    removeClassicTarget,

    getRule(environmentId: string, id: string): RuleView {
      return ruleView(environmentId, requireRule(environmentId, id));
    },

    /** A flag's rules in evaluation order, keyset-paged on (position, id). */
    listRules(environmentId: string, query: RuleListQuery): Page<RuleView> {
      const flag = requireFlag(environmentId, query.flag_slug);
      const req = pageRequest({ ...query, order: 'asc' }, 'flag_rule_', (id) => {
        const rule = rules.ruleById(environmentId, id);
        if (rule?.flag_id !== flag.id) {
          const field = query.before ? 'before' : 'after';
          throw invalidParameters([{ field, code: `${field}_invalid`, message: "is not a rule of this flag" }]);
        }
        return { created_at: rule.position, id: rule.id };
      });
      return toPage(req, rules.listRules(environmentId, flag.id, req).map((r) => ruleView(environmentId, r, flag.slug)));
    },

    getMembership(environmentId: string, id: string): MembershipView {
      return membershipView(environmentId, requireMembership(environmentId, id));
    },

    /** Memberships with the filters combined, in creation order (desc unless asked). */
    listMemberships(environmentId: string, query: MembershipListQuery): Page<MembershipView> {
      const filter: MembershipFilter = { rule_id: query.rule_id, target_type: query.target_type, target_id: query.target_id };
      if (query.flag_slug !== undefined) {
        const flag = flags.bySlug(environmentId, query.flag_slug);
        if (!flag) throw notFound('Feature flag', query.flag_slug);
        filter.flag_id = flag.id;
      }
      const req = pageRequest(query, 'flag_target_', (id) => {
        const m = rules.membershipById(environmentId, id);
        return m && { created_at: m.created_at, id: m.id };
      });
      return toPage(req, rules.listMemberships(environmentId, req, filter).map((m) => membershipView(environmentId, m)));
    },
  };
}
