import type { Db } from '../../db/open.js';
import type { RuleService } from '../feature-flags/rule-service.js';
import type { FlagStore } from '../feature-flags/store.js';
import type { ActorSource } from './outbox.js';
import type { FlagScope, RuleChangeRecorder } from './rule-changes.js';

// SDK 12's feature_flags.flag_rule.created/updated/deleted and feature_flags.flag_target.created/
// deleted for the rules API and the admin reorder (data: the FlagRule / FlagTarget as the rules
// API answers it; context: client_id and actor), and flag.rule_updated when a write changed the
// flag's configured targets. Wrapped like the other services: each write and its events share a
// transaction; what changed is read around the write (rule-changes.ts).
export function withRuleEvents(db: Db, rules: RuleService, flags: FlagStore, changes: RuleChangeRecorder, source: ActorSource): RuleService {
  /** The write inside `scope` when it names something; else the write alone (it fails as the service fails it). */
  const around = <T>(environmentId: string, scope: FlagScope | undefined, write: () => T): T =>
    scope ? changes.around(environmentId, source, [scope], write) : write();
  const ofFlag = (environmentId: string, slug: string) => {
    const flag = flags.bySlug(environmentId, slug);
    return flag && changes.flag(flag.id);
  };
  return {
    ...rules,
    createRule: db.transaction((environmentId, input) =>
      around(environmentId, ofFlag(environmentId, input.flag_slug), () => rules.createRule(environmentId, input)),
    ),
    deleteRule: db.transaction((environmentId, id) => around(environmentId, changes.rule(environmentId, id), () => rules.deleteRule(environmentId, id))),
    reorderRules: db.transaction((environmentId, slug, ruleIds) =>
      around(environmentId, ofFlag(environmentId, slug), () => rules.reorderRules(environmentId, slug, ruleIds)),
    ),
    createMembership: db.transaction((environmentId, input) =>
      around(environmentId, changes.joining(environmentId, input.rule_id, input.target_id), () => rules.createMembership(environmentId, input)),
    ),
    deleteMembership: db.transaction((environmentId, id) =>
      around(environmentId, changes.membership(environmentId, id), () => rules.deleteMembership(environmentId, id)),
    ),
  };
}
