import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/clock.js';
import { migrate } from '../../src/db/migrate.js';
import { openDatabase, type Db } from '../../src/db/open.js';
import { loadSeed } from '../../src/seed/load.js';
import { SeedError } from '../../src/seed/seed-error.js';
import { createStores } from '../../src/stores.js';
import { pinnedId } from '../helpers/ids.js';

// Seeded rules: order, custom types and targets, in both environment forms; a bad rule seed
// fails naming the entry and loads nothing.

const ORG = pinnedId('organization', 1);
const USER = pinnedId('user', 1);
const RULE = pinnedId('flagRule', 1);
const CLOCK = '2026-01-15T12:00:00.000Z';
const BASE = { organizations: [{ id: ORG, name: 'Acme' }], users: [{ id: USER, email: 'ada@example.com' }] };
const RULES = [
  { id: RULE, target_type: 'organization', value: false, targets: [ORG] },
  { target_type: 'user', value: true, targets: [USER] },
  { target_type: 'workspace', value: true, targets: ['ws_1', 'WS:2'] },
  { target_type: 'user', value: false },
];

function freshDb(): Db {
  const db = openDatabase(':memory:');
  migrate(db);
  return db;
}

const rulesOf = (db: Db) =>
  db.prepare('SELECT r.id, r.position, r.target_type, r.value FROM flag_rules r ORDER BY r.environment_id, r.position').all() as {
    id: string;
    position: number;
    target_type: string;
    value: number;
  }[];
const membersOf = (db: Db) =>
  db.prepare('SELECT t.id, t.target_type, t.target_id, r.position FROM flag_targets t JOIN flag_rules r ON r.environment_id = t.environment_id AND r.id = t.rule_id ORDER BY r.position, t.target_id').all() as {
    id: string;
    target_type: string;
    target_id: string;
    position: number;
  }[];

describe('seeded rules', () => {
  it.each([
    ['a single environment', { ...BASE, feature_flags: [{ slug: 'beta', enabled: true, rules: RULES }] }],
    ['the environments form', { environments: [{ name: 'one', ...BASE, feature_flags: [{ slug: 'beta', enabled: true, rules: RULES }] }] }],
  ])('load in the order given with their members (%s)', (_name, doc) => {
    const db = freshDb();
    loadSeed(db, createStores(db), doc, fixedClock(CLOCK));
    const rules = rulesOf(db);
    expect(rules.map((r) => [r.position, r.target_type, r.value])).toEqual([
      [0, 'organization', 0],
      [1, 'user', 1],
      [2, 'workspace', 1],
      [3, 'user', 0],
    ]);
    expect(rules[0].id).toBe(RULE);
    for (const r of rules.slice(1)) expect(r.id).toMatch(/^flag_rule_[0-7][0-9A-HJKMNP-TV-Z]{25}$/);
    const members = membersOf(db);
    expect(members.map((m) => [m.position, m.target_type, m.target_id])).toEqual([
      [0, 'organization', ORG],
      [1, 'user', USER],
      [2, 'workspace', 'WS:2'],
      [2, 'workspace', 'ws_1'],
    ]);
    for (const m of members) expect(m.id).toMatch(/^flag_target_[0-7][0-9A-HJKMNP-TV-Z]{25}$/);
    expect(new Set(members.map((m) => m.id)).size).toBe(members.length);
    db.close();
  });

  const flag = (rules: unknown[], extra: Record<string, unknown> = {}) => ({ ...BASE, feature_flags: [{ slug: 'beta', rules, ...extra }] });
  it.each([
    ['a duplicate (type, value)', flag([{ target_type: 'user', value: true }, { target_type: 'user', value: true }]), 'seed: feature_flags[0] (beta).rules[1]: a rule for (user, true) comes earlier in this flag'],
    ['a target in two rules', flag([{ target_type: 'user', value: true, targets: [USER] }, { target_type: 'user', value: false, targets: [USER] }]), `seed: feature_flags[0] (beta).rules[1].targets[0]: '${USER}' is already a target of rules[0] of this flag`],
    ['an unknown user', flag([{ target_type: 'user', value: true, targets: [pinnedId('user', 9)] }]), `seed: feature_flags[0] (beta).rules[0].targets[0]: '${pinnedId('user', 9)}' is not a user of this seed`],
    ['an organization id in a user rule', flag([{ target_type: 'user', value: true, targets: [ORG] }]), `seed: feature_flags[0] (beta).rules[0].targets[0]: '${ORG}' is not a user of this seed`],
    ['an unknown organization', flag([{ target_type: 'organization', value: true, targets: [pinnedId('organization', 9)] }]), 'is not an organization of this seed'],
    ['a bad custom id', flag([{ target_type: 'workspace', value: true, targets: ['ws 1'] }]), "seed: feature_flags[0] (beta).rules[0].targets[0]: 'ws 1' is not a valid target id"],
    ['a bad target type', flag([{ target_type: 'Workspace', value: true }]), 'seed: feature_flags[0].rules[0].target_type: must match pattern'],
    ['a non-boolean value', flag([{ target_type: 'user', value: 'yes' }]), 'seed: feature_flags[0].rules[0].value: must be boolean'],
    ['a missing value', flag([{ target_type: 'user' }]), "seed: feature_flags[0].rules[0]: must have required property 'value'"],
    ['an unknown field', flag([{ target_type: 'user', value: true, colour: 1 }]), "seed: feature_flags[0].rules[0]: unknown field 'colour'"],
    ['a bad pinned id', flag([{ id: 'flag_rule_1', target_type: 'user', value: true }]), "seed: feature_flags[0] (beta).rules[0].id: 'flag_rule_1' is not a valid flag rule id"],
    ['both targets and rules', flag([{ target_type: 'user', value: true }], { targets: [USER] }), 'seed: feature_flags[0] (beta).rules: give a flag either targets or rules, not both'],
    [
      'an error in the second environment',
      { environments: [{ name: 'good' }, { name: 'bad', ...flag([{ target_type: 'user', value: true }, { target_type: 'user', value: true }]) }] },
      'seed: environments[1] (bad): feature_flags[0] (beta).rules[1]: a rule for (user, true) comes earlier in this flag',
    ],
  ])('refused: %s, naming the entry; nothing is loaded', (_name, doc, message) => {
    const db = freshDb();
    let error: unknown;
    try {
      loadSeed(db, createStores(db), doc, fixedClock(CLOCK));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SeedError);
    expect((error as Error).message).toContain(message);
    expect(db.prepare('SELECT count(*) FROM flag_rules').pluck().get()).toBe(0);
    expect(db.prepare('SELECT count(*) FROM environments').pluck().get()).toBe(0);
    db.close();
  });
});
