import type { Db } from '../../db/open.js';
import { createKeptMap } from '../../db/kept-map.js';
import { cursorParams, prepareFilteredKeyset, prepareKeyset, type PageRequest } from '../../db/keyset.js';

/** A flag rule as stored (value as a boolean). */
export interface Rule {
  id: string;
  flag_id: string;
  position: number;
  target_type: string;
  value: boolean;
  created_at: string;
  updated_at: string;
}

/** A target's membership of a rule (a `flag_target`). Extra columns (e.g. expiry) may follow. */
export interface Membership {
  id: string;
  flag_id: string;
  rule_id: string;
  target_type: string;
  target_id: string;
  created_at: string;
  updated_at: string;
}

/** A subject's membership as evaluation reads it (index-only). */
export interface SubjectMembership {
  flag_id: string;
  target_type: string;
  target_id: string;
  rule_id: string;
}

export interface MembershipFilter {
  rule_id?: string;
  flag_id?: string;
  target_type?: string;
  target_id?: string;
}

type RuleRow = Omit<Rule, 'value'> & { value: 0 | 1 };

const RULE_COLUMNS = 'id, flag_id, position, target_type, value, created_at, updated_at';
const MEMBERSHIP_COLUMNS = 'id, flag_id, rule_id, target_type, target_id, created_at, updated_at';

const toRule = (row: RuleRow): Rule => ({ ...row, value: row.value === 1 });

/**
 * SQL for a new target's label (migration 0090): its user's email or its organization's name,
 * read when the row goes in; NULL for other target types. Triggers keep it current after.
 */
const labelOf = (environment: string, type: string, id: string) =>
  `CASE ${type} WHEN 'user' THEN (SELECT email FROM users WHERE environment_id = ${environment} AND id = ${id})
     WHEN 'organization' THEN (SELECT name FROM organizations WHERE environment_id = ${environment} AND id = ${id}) END`;

/** Prepared statements for flag rules and their memberships; rows in, rows out. */
export function createRuleStore(db: Db) {
  const ruleById = db.prepare<[string, string], RuleRow>(`SELECT ${RULE_COLUMNS} FROM flag_rules WHERE environment_id = ? AND id = ?`);
  const rulesOfFlag = db.prepare<[string, string], RuleRow>(
    `SELECT ${RULE_COLUMNS} FROM flag_rules WHERE environment_id = ? AND flag_id = ? ORDER BY position, id`,
  );
  const ruleOfKind = db.prepare<[string, string, string, number], RuleRow>(
    `SELECT ${RULE_COLUMNS} FROM flag_rules WHERE environment_id = ? AND flag_id = ? AND target_type = ? AND value = ?`,
  );
  const allRules = db.prepare<[string], RuleRow>(
    `SELECT ${RULE_COLUMNS} FROM flag_rules WHERE environment_id = ? ORDER BY flag_id, position, id`,
  );
  const insertRule = db.prepare(
    `INSERT INTO flag_rules (environment_id, ${RULE_COLUMNS})
     VALUES (@environment_id, @id, @flag_id, @position, @target_type, @value, @created_at, @updated_at)`,
  );
  const setPosition = db.prepare('UPDATE flag_rules SET position = ?, updated_at = ? WHERE environment_id = ? AND id = ?');
  const deleteRule = db.prepare('DELETE FROM flag_rules WHERE environment_id = ? AND id = ?');
  const listRules = prepareKeyset(
    db,
    (k) => `SELECT ${RULE_COLUMNS} FROM flag_rules WHERE environment_id = @env AND flag_id = @flag_id AND ${k.where}
      ORDER BY ${k.orderBy} ${k.limit}`,
    '',
    'position',
  );

  const membershipById = db.prepare<[string, string], Membership>(
    `SELECT ${MEMBERSHIP_COLUMNS} FROM flag_targets WHERE environment_id = ? AND id = ?`,
  );
  const membershipOf = db.prepare<[string, string, string, string], Membership>(
    `SELECT ${MEMBERSHIP_COLUMNS} FROM flag_targets WHERE environment_id = ? AND flag_id = ? AND target_type = ? AND target_id = ?`,
  );
  const insertMembership = db.prepare(
    `INSERT INTO flag_targets (environment_id, ${MEMBERSHIP_COLUMNS}, label)
     VALUES (@environment_id, @id, @flag_id, @rule_id, @target_type, @target_id, @created_at, @updated_at, ${labelOf('@environment_id', '@target_type', '@target_id')})`,
  );
  const moveMembership = db.prepare('UPDATE flag_targets SET rule_id = ?, updated_at = ? WHERE environment_id = ? AND id = ?');
  const deleteMembership = db.prepare('DELETE FROM flag_targets WHERE environment_id = ? AND id = ?');
  // Keys found through flag_targets_subject, then deleted by key (as SQLite, without statistics,
  // would otherwise walk the environment's whole primary key). Only the given types: a custom
  // target that happens to share a deleted user's id is not that user.
  const deleteMembershipsOf = db.prepare(
    `DELETE FROM flag_targets WHERE (environment_id, flag_id, target_type, target_id) IN
       (SELECT environment_id, flag_id, target_type, target_id FROM flag_targets WHERE target_id = ? AND environment_id = ? AND target_type = ?)`,
  );
  // Index-only on flag_targets_subject, one seek per subject, driven from the list.
  const subjectMemberships = db.prepare<[string, string], SubjectMembership>(
    `SELECT t.flag_id, t.target_type, t.target_id, t.rule_id FROM json_each(?) AS j
     CROSS JOIN flag_targets AS t ON t.target_id = j.value AND t.environment_id = ?`,
  );
  const allMemberships = db.prepare<[string], { rule_id: string; target_id: string }>(
    `SELECT rule_id, target_id FROM flag_targets WHERE environment_id = ? ORDER BY flag_id, created_at, target_id`,
  );
  const listMemberships = prepareFilteredKeyset<keyof MembershipFilter>(
    db,
    { rule_id: 'rule_id = @rule_id', flag_id: 'flag_id = @flag_id', target_type: 'target_type = @target_type', target_id: 'target_id = @target_id' },
    (k) => `SELECT ${MEMBERSHIP_COLUMNS} FROM flag_targets WHERE environment_id = @env ${k.filters} AND ${k.where}
      ORDER BY ${k.orderBy} ${k.limit}`,
  );
  // One statement per seeded flag, its members as one JSON array of [type, id, rule_id, label] read by
  // json_each (binding a million values one by one costs more than SQLite parsing them). Ids are
  // `prefix` (a ULID's time and part of its randomness, drawn per flag) + the entry's index.
  const insertMembershipList = db.prepare(
    `INSERT INTO flag_targets (environment_id, flag_id, created_at, updated_at, target_type, target_id, rule_id, id, label)
     SELECT @env, @flag, @at, @at, j.value ->> 0, j.value ->> 1, j.value ->> 2, @prefix || printf('%06d', j.key), j.value ->> 3
     FROM json_each(@members) AS j`,
  );

  // A seed's classic targets (`[id, enabled, label]`, sorted by id, which is key order:
  // org_ < user_ as organization < user), each joining its (type, enabled) rule.
  const insertClassicList = db.prepare(
    `INSERT INTO flag_targets (environment_id, flag_id, created_at, updated_at, target_type, target_id, rule_id, id, label)
     SELECT @env, @flag, @at, @at, t.type, t.id,
       CASE t.type || t.enabled WHEN 'user1' THEN @user1 WHEN 'user0' THEN @user0 WHEN 'organization1' THEN @organization1 ELSE @organization0 END,
       @prefix || printf('%06d', t.k), t.label
     FROM (SELECT s.k, s.id, s.enabled, s.label, CASE WHEN substr(s.id, 1, 5) = 'user_' THEN 'user' ELSE 'organization' END AS type
       FROM (SELECT j.key AS k, j.value ->> 0 AS id, j.value ->> 1 AS enabled, j.value ->> 2 AS label FROM json_each(@members) AS j) AS s) AS t`,
  );

  // A target's own memberships with their flag's slug and rule's value (flag_targets_subject, then by key).
  const ownTargets = db.prepare<[string, string, string], { slug: string; value: 0 | 1 }>(
    `SELECT f.slug, r.value FROM flag_targets AS t
     JOIN flag_rules AS r ON r.environment_id = t.environment_id AND r.id = t.rule_id
     JOIN feature_flags AS f ON f.environment_id = t.environment_id AND f.id = t.flag_id
     WHERE t.target_id = ? AND t.environment_id = ? AND t.target_type = ?`,
  );

  // Rules by id, for evaluation reads (a subject's memberships name their rules): each kept until
  // a rule of its flag is written (scope `flag <flag_id>`, src/db/change-feed.ts).
  const keptRules = createKeptMap<Rule>(db, { until: 'scopes', entries: 1_000_000 });
  const rulesByIds = db.prepare<[string, string], RuleRow>(
    `SELECT ${RULE_COLUMNS} FROM flag_rules WHERE environment_id = ? AND id IN (SELECT value FROM json_each(?))`,
  );
  const cachedRules = (environmentId: string, ids: readonly string[]): Map<string, Rule> => {
    const found = new Map<string, Rule>();
    const missing: string[] = [];
    for (const id of ids) {
      const rule = keptRules.getIn(environmentId, id);
      if (rule) found.set(id, rule);
      else missing.push(id);
    }
    if (missing.length === 0) return found;
    for (const row of rulesByIds.all(environmentId, JSON.stringify(missing))) {
      const rule = Object.freeze(toRule(row));
      found.set(rule.id, rule);
      // Until a rule of its flag is written: toggling the flag or adding a target leaves its rules as they were.
      keptRules.setIn(environmentId, rule.id, rule, { scopes: [`rules ${rule.flag_id}`] });
    }
    return found;
  };

  // A flag's rules in evaluation order, kept until one of them is written (scope `rules <flag>`):
  // a target write reads them before and after itself (its events compare the two), and the
  // classic target routes find the rule a target joins among them.
  const keptRulesOfFlag = createKeptMap<readonly Rule[]>(db, { until: 'scopes', entries: 100_000 });
  const cachedRulesOfFlag = (environmentId: string, flagId: string): readonly Rule[] => {
    const kept = keptRulesOfFlag.getIn(environmentId, flagId);
    if (kept) return kept;
    const read = Object.freeze(rulesOfFlag.all(environmentId, flagId).map((row) => Object.freeze(toRule(row))));
    keptRulesOfFlag.setIn(environmentId, flagId, read, { scopes: [`rules ${flagId}`] });
    return read;
  };

  return {
    ruleById(environmentId: string, id: string): Rule | undefined {
      const row = ruleById.get(environmentId, id);
      return row && toRule(row);
    },
    /** A flag's rules in evaluation order. */
    rulesOfFlag(environmentId: string, flagId: string): Rule[] {
      return rulesOfFlag.all(environmentId, flagId).map(toRule);
    },
    /** The same, kept (frozen). */
    cachedRulesOfFlag,
    ruleOfKind(environmentId: string, flagId: string, targetType: string, value: boolean): Rule | undefined {
      const row = ruleOfKind.get(environmentId, flagId, targetType, value ? 1 : 0);
      return row && toRule(row);
    },
    /** Every rule of the environment by id. */
    rulesById: (environmentId: string): Map<string, Rule> => new Map(allRules.all(environmentId).map((row) => [row.id, toRule(row)] as const)),
    /** The rules of `ids` that exist, by id (kept, frozen). */
    cachedRules,
    /** Every rule of the environment, by flag then evaluation order. */
    allRules(environmentId: string): Rule[] {
      return allRules.all(environmentId).map(toRule);
    },
    insertRule(environmentId: string, rule: Rule): void {
      insertRule.run({ environment_id: environmentId, ...rule, value: rule.value ? 1 : 0 });
    },
    setPosition(environmentId: string, id: string, position: number, now: string): void {
      setPosition.run(position, now, environmentId, id);
    },
    /** Its memberships go with it (ON DELETE CASCADE). */
    deleteRule(environmentId: string, id: string): void {
      deleteRule.run(environmentId, id);
    },
    listRules(environmentId: string, flagId: string, req: PageRequest): Rule[] {
      return (listRules(req).all({ env: environmentId, flag_id: flagId, ...cursorParams(req) }) as RuleRow[]).map(toRule);
    },

    membershipById(environmentId: string, id: string): Membership | undefined {
      return membershipById.get(environmentId, id);
    },
    membershipOf(environmentId: string, flagId: string, targetType: string, targetId: string): Membership | undefined {
      return membershipOf.get(environmentId, flagId, targetType, targetId);
    },
    insertMembership(environmentId: string, membership: Membership): void {
      insertMembership.run({ environment_id: environmentId, ...membership });
    },
    moveMembership(environmentId: string, id: string, ruleId: string, now: string): void {
      moveMembership.run(ruleId, now, environmentId, id);
    },
    deleteMembership(environmentId: string, id: string): void {
      deleteMembership.run(environmentId, id);
    },
    /** Removes every membership of a target of this type (the user or organization was deleted). */
    deleteMembershipsOf(environmentId: string, targetType: string, targetId: string): void {
      deleteMembershipsOf.run(targetId, environmentId, targetType);
    },
    /** A target's own memberships on every flag (disabled flags too): each flag's slug and the rule's value. */
    ownTargets(environmentId: string, targetType: string, targetId: string): { slug: string; enabled: boolean }[] {
      return ownTargets.all(targetId, environmentId, targetType).map((t) => ({ slug: t.slug, enabled: t.value === 1 }));
    },
    /** Memberships naming any of `targetIds`, of any type. */
    subjectMemberships(environmentId: string, targetIds: readonly string[]): SubjectMembership[] {
      return subjectMemberships.all(JSON.stringify([...new Set(targetIds)]), environmentId);
    },
    /** Every membership of the environment, by flag then creation: what the polls list. */
    allMemberships(environmentId: string): { rule_id: string; target_id: string }[] {
      return allMemberships.all(environmentId);
    },
    listMemberships(environmentId: string, req: PageRequest, filter: MembershipFilter): Membership[] {
      return listMemberships(req, filter).all({ env: environmentId, ...filter, ...cursorParams(req) }) as Membership[];
    },
    /**
     * Adds many memberships of one flag, none of which exists yet (a seed), in one go:
     * `membersJson` is a JSON array of `[target_type, target_id, rule_id, label]`, in key order.
     */
    insertMemberships(environmentId: string, flagId: string, createdAt: string, idPrefix: string, membersJson: string): void {
      insertMembershipList.run({ env: environmentId, flag: flagId, at: createdAt, prefix: idPrefix, members: membersJson });
    },
    /**
     * A seed's classic targets of one flag (`targetsJson`: `[id, enabled (1 or 0), label]`, sorted
     * by id), each a membership of its kind's rule (`ruleIds` by `user1`, `user0`, `organization1`,
     * `organization0`).
     */
    insertClassicMemberships(
      environmentId: string,
      flagId: string,
      createdAt: string,
      idPrefix: string,
      ruleIds: Record<string, string>,
      targetsJson: string,
    ): void {
      const { user1 = null, user0 = null, organization1 = null, organization0 = null } = ruleIds;
      insertClassicList.run({ env: environmentId, flag: flagId, at: createdAt, prefix: idPrefix, user1, user0, organization1, organization0, members: targetsJson });
    },
  };
}

export type RuleStore = ReturnType<typeof createRuleStore>;
