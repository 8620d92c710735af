/**
 * The evaluation rule, pure so it can be table-tested:
 * a disabled flag is off for everyone; otherwise the user's own target decides, then the
 * organizations of the user's active memberships (on if the flag is on for any of them, an
 * organization's own target deciding for it, else the default), else `default_value`.
 */
export interface FlagState {
  enabled: boolean;
  default_value: boolean;
}

/** `target` is the organization's explicit target (true/false) or undefined when it has none. */
export function evaluateForOrganization(flag: FlagState, target: boolean | undefined): boolean {
  if (!flag.enabled) return false;
  return target ?? flag.default_value;
}

/**
 * `userTarget`: the user's own target, if any. `organizationTargets`: one entry per organization
 * where the user has an active membership, that organization's target or undefined.
 */
export function evaluateForUser(
  flag: FlagState,
  userTarget: boolean | undefined,
  organizationTargets: readonly (boolean | undefined)[],
): boolean {
  if (!flag.enabled) return false;
  if (userTarget !== undefined) return userTarget;
  if (organizationTargets.length === 0) return flag.default_value;
  return organizationTargets.some((target) => evaluateForOrganization(flag, target));
}

export interface TargetFact {
  flag_id: string;
  resource_id: string;
  enabled: boolean;
  default_value: boolean;
}

/**
 * Only targets can make a flag differ from its default, so a subject's flags are "the flags on by
 * default, less `off`, plus `on`": both sets come from the subject's own few targets, and the list
 * query never has to visit every flag.
 */
export interface Exceptions {
  on: string[];
  off: string[];
}

export function exceptionsForOrganization(targets: readonly TargetFact[]): Exceptions {
  // An organization has at most one target per flag.
  return collect(targets, ([target]) => [
    target.default_value,
    evaluateForOrganization({ enabled: true, default_value: target.default_value }, target.enabled),
  ]);
}

export function exceptionsForUser(
  targets: readonly TargetFact[],
  userId: string,
  organizationIds: readonly string[],
): Exceptions {
  return collect(targets, (flagTargets) => {
    const byResource = new Map(flagTargets.map((t) => [t.resource_id, t.enabled]));
    const flag = { enabled: true, default_value: flagTargets[0].default_value };
    const value = evaluateForUser(flag, byResource.get(userId), organizationIds.map((id) => byResource.get(id)));
    return [flag.default_value, value];
  });
}

function collect(
  targets: readonly TargetFact[],
  evaluate: (flagTargets: TargetFact[]) => [defaultValue: boolean, value: boolean],
): Exceptions {
  const byFlag = new Map<string, TargetFact[]>();
  for (const t of targets) {
    const list = byFlag.get(t.flag_id);
    if (list) list.push(t);
    else byFlag.set(t.flag_id, [t]);
  }
  const on: string[] = [];
  const off: string[] = [];
  for (const [flagId, flagTargets] of byFlag) {
    const [defaultValue, value] = evaluate(flagTargets);
    if (value && !defaultValue) on.push(flagId);
    if (!value && defaultValue) off.push(flagId);
  }
  return { on, off };
}
