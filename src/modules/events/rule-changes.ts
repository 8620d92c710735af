import type { Db } from '../../db/open.js';
import { serializeMembership, serializeRule } from '../feature-flags/rule-serialize.js';
import type { Membership, Rule, RuleStore } from '../feature-flags/rule-store.js';
import type { FlagStore } from '../feature-flags/store.js';
import { flagEventData } from './data.js';
import {
  sameTargetList,
  targetListAccess,
  TARGET_LIST_FRAME,
  targetListShape,
  type ConfiguredTargets,
  type FlagTargetReader,
  type TargetList,
} from './flag-targets.js';
import type { ActorSource, Outbox } from './outbox.js';
import { createPartWriter } from './parts.js';

// The events of a change to a flag's rules and memberships, whichever route made it (the rules
// API, the classic target aliases, the admin reorder, the expiry sweeper, a user's or an
// organization's deletion): the flag's rules and the memberships the write may touch are read
// before and after it, and the difference is recorded, so a write that changes nothing records
// nothing. Call inside the write's transaction.
//
// Order: memberships removed, rules removed, rules moved, rules added, memberships added (the
// order the changes happen in), then flag.rule_updated when the flag's configured targets changed.

/** What a write may change on one flag. */
export interface FlagScope {
  flagId: string;
  /** The memberships the write may add, move or remove, read the same way before and after. */
  memberships?: (environmentId: string) => Membership[];
  /** Whether the write may change the flag's configured targets (a membership of a true user or organization rule). */
  targets?: boolean;
  /** The one target whose membership the write may change, when there is one: its targets after are derived, not read whole. */
  targetId?: string;
  /** That target's type. */
  targetType?: string;
  /** True when the write is known to leave the flag's rules as `before` lists them: they are then not read again. */
  rulesKept?: (before: readonly Rule[]) => boolean;
}

interface FlagState {
  rules: readonly Rule[];
  memberships: Membership[];
  targets?: TargetList;
}

const CONFIGURABLE = new Set(['user', 'organization']);

/**
 * spec: access_type. `some` while the flag has configured targets, `none` without (docs example).
 * From the parsed lists: the oracle test/unit/configured-targets.test.ts checks targetListAccess against.
 */
export const accessType = (targets: ConfiguredTargets) => (targets.organizations.length || targets.users.length ? 'some' : 'none');

const MEMBERSHIP_COLUMNS = 'id, flag_id, rule_id, target_type, target_id, created_at, updated_at';

export function createRuleChangeRecorder(db: Db, flags: FlagStore, rules: Pick<RuleStore, 'cachedRulesOfFlag'>, outbox: Outbox, targets: FlagTargetReader) {
  const parts = createPartWriter(db);
  // A list's JSON is its two parts' entries in a fixed frame (targetListJson).
  const targetsPart = (environmentId: string, flagId: string, list: TargetList) =>
    parts.ref(environmentId, flagId, TARGET_LIST_FRAME, [list.organization.jsons, list.user.jsons]);
  // The tables read directly, as flag-targets.ts does: events describe the state, whatever wrote
  // it. The flag's rules come kept (never stale: a write to one drops them, see kept-map.ts).
  const membershipOf = db.prepare<[string, string, string, string], Membership>(
    `SELECT ${MEMBERSHIP_COLUMNS} FROM flag_targets WHERE environment_id = ? AND flag_id = ? AND target_type = ? AND target_id = ?`,
  );
  const membershipsOfRule = db.prepare<[string, string], Membership>(
    `SELECT ${MEMBERSHIP_COLUMNS} FROM flag_targets WHERE environment_id = ? AND rule_id = ? ORDER BY created_at, id`,
  );
  const membershipsOfSubject = db.prepare<[string, string, string], Membership & { value: 0 | 1 }>(
    `SELECT t.id, t.flag_id, t.rule_id, t.target_type, t.target_id, t.created_at, t.updated_at, r.value FROM flag_targets t
       JOIN flag_rules r ON r.environment_id = t.environment_id AND r.id = t.rule_id
     WHERE t.target_id = ? AND t.environment_id = ? AND t.target_type = ? ORDER BY t.flag_id`,
  );
  const ruleById = db.prepare<[string, string], { flag_id: string; target_type: string; value: 0 | 1 }>(
    'SELECT flag_id, target_type, value FROM flag_rules WHERE environment_id = ? AND id = ?',
  );
  const membershipById = db.prepare<[string, string], Membership & { value: 0 | 1 }>(
    `SELECT t.id, t.flag_id, t.rule_id, t.target_type, t.target_id, t.created_at, t.updated_at, r.value FROM flag_targets t
       JOIN flag_rules r ON r.environment_id = t.environment_id AND r.id = t.rule_id
     WHERE t.environment_id = ? AND t.id = ?`,
  );

  /** When the scope's one target was a configured target in `state`, the created_at it was listed under. */
  const configuredAt = (scope: FlagScope, state: FlagState): string | undefined => {
    const m = state.memberships.find((x) => x.target_type === scope.targetType && x.target_id === scope.targetId);
    if (!m) return undefined;
    const rule = state.rules.find((r) => r.id === m.rule_id);
    return rule?.value && CONFIGURABLE.has(rule.target_type) ? m.created_at : undefined;
  };

  /** The flag's state; after the write (`previous` given), a one-target write's targets come from the state before. */
  const stateOf = (environmentId: string, scope: FlagScope, previous?: FlagState): FlagState => ({
    rules: previous && scope.rulesKept?.(previous.rules) ? previous.rules : rules.cachedRulesOfFlag(environmentId, scope.flagId),
    memberships: scope.memberships?.(environmentId) ?? [],
    targets: !scope.targets
      ? undefined
      : previous?.targets && scope.targetId !== undefined && scope.targetType !== undefined
        ? targets.afterTargetWrite(environmentId, previous.targets, scope.targetType, scope.targetId, configuredAt(scope, previous))
        : targets.list(environmentId, scope.flagId),
  });

  const recordChanges = (environmentId: string, source: ActorSource, scope: FlagScope, before: FlagState, after: FlagState) => {
    const context = outbox.actorContext(environmentId, source);
    const environment_id = outbox.publicEnvironmentId(environmentId);
    // From the flag cache: never stale, and the write that touched the flag kept the row it wrote.
    const flag = flags.cachedByIds(environmentId, [scope.flagId]).get(scope.flagId);
    if (!flag) return; // the flag itself went: its own events say so
    const view = <T extends object>(row: T) => ({ ...row, flag_slug: flag.slug, environment_id });
    const rulesBefore = new Map(before.rules.map((r) => [r.id, r]));
    const rulesAfter = new Map(after.rules.map((r) => [r.id, r]));
    const membersAfter = new Map(after.memberships.map((m) => [m.id, m]));
    const membersBefore = new Map(before.memberships.map((m) => [m.id, m]));
    // A membership that changed rule (the classic alias moving a target on or off) left one rule
    // and joined another: SDK 12 has no flag_target.updated.
    const left = (m: Membership, other: Map<string, Membership>) => other.get(m.id)?.rule_id !== m.rule_id;

    for (const m of before.memberships) {
      if (left(m, membersAfter)) outbox.record(environmentId, 'feature_flags.flag_target.deleted', serializeMembership(view(m)), context);
    }
    for (const r of before.rules) {
      if (!rulesAfter.has(r.id)) outbox.record(environmentId, 'feature_flags.flag_rule.deleted', serializeRule(view(r)), context);
    }
    for (const r of after.rules) {
      const was = rulesBefore.get(r.id);
      if (!was || (was.position === r.position && was.value === r.value)) continue;
      // SDK 12 lists `value` as the one previous attribute of a rule; a move changes none of it.
      const previous = was.value === r.value ? {} : { value: was.value };
      outbox.record(environmentId, 'feature_flags.flag_rule.updated', serializeRule(view(r)), { ...context, previous_attributes: { data: previous } });
    }
    for (const r of after.rules) {
      if (!rulesBefore.has(r.id)) outbox.record(environmentId, 'feature_flags.flag_rule.created', serializeRule(view(r)), context);
    }
    for (const m of after.memberships) {
      if (left(m, membersBefore)) outbox.record(environmentId, 'feature_flags.flag_target.created', serializeMembership(view(m)), context);
    }
    if (before.targets && after.targets && !sameTargetList(before.targets, after.targets)) {
      const { client_id, actor } = context;
      const now = after.targets;
      const was = before.targets;
      const access_type = targetListAccess(now);
      const previousAccess = targetListAccess(was);
      // The returned event's objects are parsed from the JSON only if someone reads them.
      const eventContext = {
        client_id,
        actor,
        access_type,
        get configured_targets() {
          return targetListShape(now);
        },
        previous_attributes: {
          context: {
            access_type: previousAccess,
            get configured_targets() {
              return targetListShape(was);
            },
          },
        },
      };
      // eventContext's JSON with the two target lists (up to ~60 KB each) from the reader's kept JSON.
      // A long list is stored once as a part (parts.ts): a write's "before" is the last write's "after".
      // The list before first: it is the last write's list after, which the list after is then stored as a delta of.
      const wasPart = targetsPart(environmentId, flag.id, was);
      const nowPart = targetsPart(environmentId, flag.id, now);
      const contextJson =
        `{"client_id":${JSON.stringify(client_id)},"actor":${JSON.stringify(actor)},"access_type":${JSON.stringify(access_type)},` +
        `"configured_targets":${nowPart},"previous_attributes":{"context":{"access_type":${JSON.stringify(previousAccess)},` +
        `"configured_targets":${wasPart}}}}`;
      outbox.record(environmentId, 'flag.rule_updated', flagEventData(environment_id, flag), eventContext, { contextJson });
    }
  };

  /** One target's membership of a flag (the classic aliases, POST /flag_targets). */
  const target = (flagId: string, targetType: string, targetId: string, mayBeConfigured = CONFIGURABLE.has(targetType)): FlagScope => ({
    flagId,
    memberships: (environmentId) => {
      const m = membershipOf.get(environmentId, flagId, targetType, targetId);
      return m ? [m] : [];
    },
    targets: mayBeConfigured,
    targetId,
    targetType,
  });

  return {
    /** Runs `write`, then records what it changed on the scopes' flags. */
    around<T>(environmentId: string, source: ActorSource, scopes: FlagScope[], write: () => T): T {
      if (!db.inTransaction) throw new Error('rule changes must be recorded inside the transaction of their write');
      const before = scopes.map((scope) => stateOf(environmentId, scope));
      const result = write();
      scopes.forEach((scope, i) => recordChanges(environmentId, source, scope, before[i], stateOf(environmentId, scope, before[i])));
      return result;
    },

    /** A flag's rules only (a new rule, a reorder): no membership changes. */
    flag: (flagId: string): FlagScope => ({ flagId }),

    target,

    /** A rule and its memberships (DELETE /flag_rules/{id}); undefined when there is no such rule. */
    rule(environmentId: string, ruleId: string): FlagScope | undefined {
      const rule = ruleById.get(environmentId, ruleId);
      if (!rule) return undefined;
      return {
        flagId: rule.flag_id,
        memberships: (env) => membershipsOfRule.all(env, ruleId),
        targets: rule.value === 1 && CONFIGURABLE.has(rule.target_type),
      };
    },

    /** The rule a new membership joins (POST /flag_targets); undefined when there is no such rule. */
    joining(environmentId: string, ruleId: string, targetId: string): FlagScope | undefined {
      const rule = ruleById.get(environmentId, ruleId);
      if (!rule) return undefined;
      return target(rule.flag_id, rule.target_type, targetId, rule.value === 1 && CONFIGURABLE.has(rule.target_type));
    },

    /** One membership by its id (DELETE /flag_targets/{id}); undefined when there is none. */
    membership(environmentId: string, id: string): FlagScope | undefined {
      const m = membershipById.get(environmentId, id);
      if (!m) return undefined;
      return target(m.flag_id, m.target_type, m.target_id, m.value === 1 && CONFIGURABLE.has(m.target_type));
    },

    /** Every membership of a user or an organization, one scope per flag (its deletion removes them). */
    subject(environmentId: string, targetType: 'user' | 'organization', targetId: string): FlagScope[] {
      return membershipsOfSubject.all(targetId, environmentId, targetType).map((m) => target(m.flag_id, targetType, targetId, m.value === 1));
    },
  };
}

export type RuleChangeRecorder = ReturnType<typeof createRuleChangeRecorder>;
