/**
 * The one evaluation rule, pure so it can be table-tested, and what every reader calls: the
 * organization and user REST lists here, and (by construction of the payload) the runtime client.
 *
 * Source: workos-node 12.3.0 `Evaluator` and flags-v2 fact sheet:
 *   1. a disabled flag serves `off_value`;
 *   2. else its rules in ascending position, first match wins: a rule matches when the context
 *      holds an id of the rule's target type that is one of the rule's members (exact,
 *      case-sensitive); the match serves the rule's value;
 *   3. no rule matches: `default_value`.
 */

/** What evaluation needs of a flag. */
export interface FlagState {
  enabled: boolean;
  default_value: boolean;
  off_value: boolean;
}

/** One rule, with the members that matter for the contexts at hand (all of them, or just the subject's). */
export interface EvalRule {
  id: string;
  target_type: string;
  value: boolean;
  /** Target ids that are members of the rule. */
  members: readonly string[];
}

/** Target type → the id of that type being evaluated (`{ user: 'user_1', organization: 'org_1' }`). */
export type EvalContext = Readonly<Record<string, string>>;

export type Reason = 'flag_disabled' | 'rule_match' | 'default';

export interface Evaluation {
  value: boolean;
  reason: Reason;
  /** The matching rule's id, when `reason` is `rule_match`. */
  rule_id?: string;
}

/** `rules` must be in evaluation order (ascending position). */
export function evaluate(flag: FlagState, rules: readonly EvalRule[], context: EvalContext): Evaluation {
  if (!flag.enabled) return { value: flag.off_value, reason: 'flag_disabled' };
  for (const rule of rules) {
    const id = Object.hasOwn(context, rule.target_type) ? context[rule.target_type] : undefined;
    if (id !== undefined && rule.members.includes(id)) return { value: rule.value, reason: 'rule_match', rule_id: rule.id };
  }
  return { value: flag.default_value, reason: 'default' };
}

/**
 * The contexts a REST list evaluates: an organization is `{ organization }`; a user is
 * `{ user, organization }` for each organization of its active memberships (on when on for any),
 * or `{ user }` alone without one. Custom types are never in them, so custom rules never match.
 */
export function organizationContexts(organizationId: string): EvalContext[] {
  return [{ organization: organizationId }];
}

export function userContexts(userId: string, organizationIds: readonly string[]): EvalContext[] {
  if (organizationIds.length === 0) return [{ user: userId }];
  return organizationIds.map((organization) => ({ user: userId, organization }));
}

/** On for the subject when on in any of its contexts. */
export function evaluateForSubject(flag: FlagState, rules: readonly EvalRule[], contexts: readonly EvalContext[]): boolean {
  return contexts.some((context) => evaluate(flag, rules, context).value);
}

/** A membership of the subject being listed, with its rule (what `FlagStore.membershipsOf` gives). */
export interface MembershipFact {
  flag_id: string;
  rule_id: string;
  target_type: string;
  target_id: string;
  position: number;
  value: boolean;
  default_value: boolean;
}

/**
 * Only rules the subject is a member of can make a flag differ from its default for it, so a
 * subject's flags are "the enabled flags on by default, less `off`, plus `on`": both sets come
 * from the subject's own few memberships, and the list query never has to visit every flag.
 * `facts` are the subject's memberships of enabled flags; each flag is evaluated over the rules
 * they belong to (the subject's side of every rule), which gives what the full rule list gives.
 */
export interface Exceptions {
  on: string[];
  off: string[];
}

/** Whether a flag is in the subject's list: enabled, and on by default less `off`, or turned on by `on`. */
export const listedFor =
  ({ on, off }: Exceptions) =>
  (flag: { id: string; enabled: boolean; default_value: boolean }): boolean =>
    flag.enabled && (flag.default_value ? off.length === 0 || !off.includes(flag.id) : on.length !== 0 && on.includes(flag.id));

export function exceptionsFor(facts: readonly MembershipFact[], contexts: readonly EvalContext[]): Exceptions {
  const byFlag = new Map<string, MembershipFact[]>();
  for (const fact of facts) {
    const list = byFlag.get(fact.flag_id);
    if (list) list.push(fact);
    else byFlag.set(fact.flag_id, [fact]);
  }
  const on: string[] = [];
  const off: string[] = [];
  for (const [flagId, flagFacts] of byFlag) {
    const defaultValue = flagFacts[0].default_value;
    const value = evaluateForSubject({ enabled: true, default_value: defaultValue, off_value: false }, rulesOf(flagFacts), contexts);
    if (value && !defaultValue) on.push(flagId);
    if (!value && defaultValue) off.push(flagId);
  }
  return { on, off };
}

/** Memberships → the rules they belong to, in evaluation order. */
function rulesOf(facts: readonly MembershipFact[]): EvalRule[] {
  const byRule = new Map<string, EvalRule & { position: number; members: string[] }>();
  for (const f of facts) {
    const rule = byRule.get(f.rule_id);
    if (rule) rule.members.push(f.target_id);
    else byRule.set(f.rule_id, { id: f.rule_id, target_type: f.target_type, value: f.value, position: f.position, members: [f.target_id] });
  }
  return [...byRule.values()].sort((a, b) => a.position - b.position || (a.id < b.id ? -1 : 1));
}
