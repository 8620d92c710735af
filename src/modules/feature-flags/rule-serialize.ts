import type { MembershipView, RuleView } from './rule-service.js';
import type { FlagRule, FlagTarget } from './rule-schemas.js';

/** Rule → wire object, fields in the order of workos-node 12's FlagRuleResponse. */
export function serializeRule(rule: RuleView): FlagRule {
  return {
    object: 'flag_rule',
    id: rule.id,
    flag_id: rule.flag_id,
    flag_slug: rule.flag_slug,
    environment_id: rule.environment_id,
    target_type: rule.target_type,
    position: rule.position,
    value_type: 'boolean',
    value: rule.value,
    created_at: rule.created_at,
    updated_at: rule.updated_at,
  };
}

/** Membership → wire object (the current target contract, with `rule_id`). */
export function serializeMembership(m: MembershipView): FlagTarget {
  return {
    object: 'flag_target',
    id: m.id,
    rule_id: m.rule_id,
    flag_id: m.flag_id,
    flag_slug: m.flag_slug,
    environment_id: m.environment_id,
    target_type: m.target_type,
    target_id: m.target_id,
    created_at: m.created_at,
    updated_at: m.updated_at,
  };
}
