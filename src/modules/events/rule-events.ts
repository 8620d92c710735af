import type { Db } from '../../db/open.js';
import { serializeMembership, serializeRule } from '../feature-flags/rule-serialize.js';
import type { RuleService } from '../feature-flags/rule-service.js';
import type { ActorSource, Outbox } from './outbox.js';

// SDK 12's feature_flags.flag_rule.created/deleted and feature_flags.flag_target.created/deleted
// for the rules API (data: the FlagRule / FlagTarget the route answers; context: client_id and
// actor). Wrapped like the other services: each write and its event share a transaction.
export function withRuleEvents(db: Db, rules: RuleService, outbox: Outbox, source: ActorSource): RuleService {
  const context = (environmentId: string) => outbox.actorContext(environmentId, source);
  return {
    ...rules,
    createRule: db.transaction((environmentId, input) => {
      const rule = rules.createRule(environmentId, input);
      outbox.record(environmentId, 'feature_flags.flag_rule.created', serializeRule(rule), context(environmentId));
      return rule;
    }),
    deleteRule: db.transaction((environmentId, id) => {
      const before = rules.getRule(environmentId, id);
      rules.deleteRule(environmentId, id);
      outbox.record(environmentId, 'feature_flags.flag_rule.deleted', serializeRule(before), context(environmentId));
    }),
    createMembership: db.transaction((environmentId, input) => {
      const target = rules.createMembership(environmentId, input);
      outbox.record(environmentId, 'feature_flags.flag_target.created', serializeMembership(target), context(environmentId));
      return target;
    }),
    deleteMembership: db.transaction((environmentId, id) => {
      const before = rules.getMembership(environmentId, id);
      rules.deleteMembership(environmentId, id);
      outbox.record(environmentId, 'feature_flags.flag_target.deleted', serializeMembership(before), context(environmentId));
    }),
  };
}
