import type { Static } from '@sinclair/typebox';
import type { Db } from '../../db/open.js';
import { createReadMemo } from '../../db/read-memo.js';
import type { Rule, RuleStore } from '../feature-flags/rule-store.js';
import type { Flag, FlagStore } from '../feature-flags/store.js';
import type { FlagPollEntry, FlagPollV2 } from './schemas.js';

type PollEntry = Static<typeof FlagPollEntry>;
type PollV2 = Static<typeof FlagPollV2>;

/** Environments whose poll documents are kept at once (each holds every flag and target). */
const KEPT_DOCUMENTS = 16;

/** Every flag, and every rule with its members in creation order, of one environment. */
function readEnvironment(flags: FlagStore, rules: RuleStore, environmentId: string) {
  const allFlags = flags.all(environmentId);
  const allRules = rules.allRules(environmentId);
  const members = new Map<string, string[]>(allRules.map((r) => [r.id, []]));
  for (const m of rules.allMemberships(environmentId)) members.get(m.rule_id)?.push(m.target_id);
  const rulesOfFlag = new Map<string, Rule[]>();
  for (const rule of allRules) {
    const list = rulesOfFlag.get(rule.flag_id);
    if (list) list.push(rule);
    else rulesOfFlag.set(rule.flag_id, [rule]);
  }
  return { allFlags, rulesOfFlag, members };
}

/**
 * v1 (workos-node ≤ 11): every flag with its user and organization members as targets, each
 * `enabled` as its rule's value; custom types are not part of it. Members go by flag, then
 * creation, then id, as the classic targets always did.
 */
function buildV1(flags: FlagStore, rules: RuleStore, environmentId: string): Record<string, PollEntry> {
  const bySlug: Record<string, PollEntry> = {};
  const byId = new Map<string, PollEntry>();
  for (const flag of flags.all(environmentId)) {
    const entry: PollEntry = { slug: flag.slug, enabled: flag.enabled, default_value: flag.default_value, targets: { users: [], organizations: [] } };
    bySlug[flag.slug] = entry;
    byId.set(flag.id, entry);
  }
  const ruleById = rules.rulesById(environmentId);
  for (const m of rules.allMemberships(environmentId)) {
    const rule = ruleById.get(m.rule_id);
    const entry = rule && byId.get(rule.flag_id);
    const list = rule?.target_type === 'user' ? entry?.targets.users : rule?.target_type === 'organization' ? entry?.targets.organizations : undefined;
    list?.push({ id: m.target_id, enabled: rule!.value });
  }
  return bySlug;
}

/**
 * v2 (workos-node 12): every flag, disabled ones too, with its rules in evaluation order, each one
 * `one_of` condition over its members; an empty rule is served with `values: []` (never matches).
 * `off_value` is false: flags are boolean and nothing gives it another meaning.
 */
function buildV2(flags: FlagStore, rules: RuleStore, environmentId: string): PollV2 {
  const { allFlags, rulesOfFlag, members } = readEnvironment(flags, rules, environmentId);
  const entries: PollV2['flags'] = {};
  for (const flag of allFlags) entries[flag.slug] = entryV2(flag, rulesOfFlag.get(flag.id) ?? [], members);
  return { version: 2, flags: entries };
}

function entryV2(flag: Flag, flagRules: Rule[], members: Map<string, string[]>): PollV2['flags'][string] {
  return {
    slug: flag.slug,
    enabled: flag.enabled,
    default_value: flag.default_value,
    off_value: false,
    rules: flagRules.map((rule) => ({
      id: rule.id,
      kind: 'conditions' as const,
      value: rule.value,
      conditions: [{ target_type: rule.target_type, operator: 'one_of' as const, values: members.get(rule.id) ?? [] }],
    })),
  };
}

/** The runtime client's poll documents, v1 and v2. */
export function createSdkService(db: Db, flags: FlagStore, rules: RuleStore) {
  // Clients poll every few seconds and the documents change only with the data: kept as JSON text.
  const documents = createReadMemo<string>(db, KEPT_DOCUMENTS);
  return {
    runtimeFlagsJson: (environmentId: string, version: 1 | 2 = 1): string =>
      documents(`${version} ${environmentId}`, () =>
        JSON.stringify(version === 2 ? buildV2(flags, rules, environmentId) : buildV1(flags, rules, environmentId)),
      ),
  };
}

export type SdkService = ReturnType<typeof createSdkService>;
