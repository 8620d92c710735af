import { afterEach, describe, expect, it } from 'vitest';
import { migrate } from '../../src/db/migrate.js';
import { openDatabase, type Db } from '../../src/db/open.js';
import { createFlagTargetReader } from '../../src/modules/events/flag-targets.js';
import { createStores } from '../../src/stores.js';

// With no statistics (nothing runs ANALYZE), SQLite picks indexes by rules of thumb; a schema
// change can make it walk a whole environment instead. Every statement the stores prepare is
// explained here, with NULL for each parameter.

let db: Db | undefined;
afterEach(() => db?.close());

/**
 * SQL → its EXPLAIN QUERY PLAN lines, for every statement `createStores` prepares, and the list
 * statements prepared on first use (each filter shape of the users and memberships lists, both
 * orders, with and without a cursor; the events list by type, organization and range).
 */
function storePlans(): Map<string, string[]> {
  db = openDatabase(':memory:');
  migrate(db);
  const prepared: string[] = [];
  const prepare = db.prepare.bind(db);
  db.prepare = ((sql: string) => {
    prepared.push(sql);
    return prepare(sql);
  }) as Db['prepare'];
  const stores = createStores(db);
  const cursor = { created_at: '2026-01-01T00:00:00.000Z', id: 'x' };
  for (const scan of ['asc', 'desc'] as const) {
    for (const [direction, at] of [[null, null], ['after', cursor], ['before', cursor]] as const) {
      const req = { limit: 10, scan, cursor: at, direction };
      for (const filter of [{ user_id: 'u' }, { organization_id: 'o' }, { user_id: 'u', organization_id: 'o' }]) {
        stores.memberships.list('env', req, { ...filter, statuses: ['active'] });
      }
      for (const filter of [{}, { email: 'e' }, { organization_id: 'o' }]) stores.users.list('env', req, filter);
      stores.rules.listRules('env', 'f', req);
      for (const filter of [{}, { rule_id: 'r' }, { flag_id: 'f' }, { target_id: 't' }]) stores.rules.listMemberships('env', req, filter);
    }
    for (const at of [null, 'event_x']) {
      const req = { scan, cursor: at, limit: 10 };
      for (const filter of [{ events: ['a'] }, { events: ['a'], organization_id: 'o' }, { events: ['a'], range_start: 't', range_end: 't' }]) {
        stores.events.list('env', filter, req, 't');
      }
    }
  }
  const plans = new Map<string, string[]>();
  for (const sql of prepared) {
    const named = Object.fromEntries([...sql.matchAll(/@(\w+)/g)].map((m) => [m[1], null]));
    const positional: null[] = Array((sql.match(/\?/g) ?? []).length).fill(null);
    const params = Object.keys(named).length > 0 ? [...positional, named] : positional;
    const rows = prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[];
    plans.set(sql.replace(/\s+/g, ' ').trim(), rows.map((r) => r.detail));
  }
  return plans;
}

describe('query plans', () => {
  it('no statement scans a whole table but the few environments', () => {
    const scans = [...storePlans()].flatMap(([sql, plan]) =>
      plan.filter((line) => /^SCAN (?!environments\b|CONSTANT ROW|\w+ VIRTUAL TABLE)/.test(line)).map((line) => `${sql}: ${line}`),
    );
    expect(scans).toEqual([]);
  });

  it('lists read in index order: no statement sorts its rows in a temp b-tree but the environments', () => {
    const sorts = [...storePlans()].filter(([sql]) => !/ FROM environments /.test(sql)).flatMap(([sql, plan]) =>
      plan.filter((line) => /TEMP B-TREE FOR (ORDER BY|RIGHT PART OF ORDER BY)/.test(line)).map((line) => `${sql}: ${line}`),
    );
    expect(sorts).toEqual([]);
  });

  it('memberships: by organization or user through their index, environment first, both ids as equalities (0052)', () => {
    const plans = [...storePlans()].filter(([sql]) => / FROM organization_memberships m JOIN /.test(sql) && /ORDER BY/.test(sql));
    const byOrg = plans.filter(([sql]) => /m\.organization_id = @organization_id/.test(sql) && !/m\.user_id = @user_id/.test(sql));
    const byUser = plans.filter(([sql]) => /m\.user_id = @user_id/.test(sql) && !/m\.organization_id = @organization_id/.test(sql));
    expect(byOrg.length).toBeGreaterThanOrEqual(3);
    expect(byUser.length).toBeGreaterThanOrEqual(3);
    for (const [sql, plan] of byOrg) expect(plan.join('\n'), sql).toMatch(/INDEX organization_memberships_org \(environment_id=\? AND organization_id=\?/);
    for (const [sql, plan] of byUser) expect(plan.join('\n'), sql).toMatch(/INDEX organization_memberships_user_created \(environment_id=\? AND user_id=\?/);
  });

  it('flag_targets: by subject through flag_targets_subject, by key through the primary key, by id through flag_targets_id', () => {
    const plans = [...storePlans()].filter(([sql]) => / flag_targets\b/.test(sql) && / WHERE | ON /.test(sql));
    const bySubject = plans.filter(([sql]) => /target_id = (j\.value|\?) AND (t\.)?environment_id = \?/.test(sql));
    const byKey = plans.filter(([sql]) => /flag_id = \? AND target_type = \? AND target_id = \?/.test(sql));
    const byId = plans.filter(([sql]) => /FROM flag_targets WHERE environment_id = \? AND id = \?/.test(sql));
    expect(bySubject.length).toBeGreaterThanOrEqual(2);
    expect(byKey.length).toBeGreaterThanOrEqual(1);
    expect(byId.length).toBeGreaterThanOrEqual(1);
    for (const [sql, plan] of bySubject) {
      expect(plan.join('\n'), sql).toMatch(/SEARCH \w+ USING (COVERING )?INDEX flag_targets_subject \(environment_id=\? AND target_id=\?/);
    }
    for (const [sql, plan] of byKey) {
      expect(plan.join('\n'), sql).toMatch(/SEARCH flag_targets USING PRIMARY KEY \(environment_id=\? AND flag_id=\? AND target_type=\? AND target_id=\?\)/);
    }
    for (const [sql, plan] of byId) expect(plan.join('\n'), sql).toMatch(/SEARCH flag_targets USING (COVERING )?INDEX flag_targets_id \(environment_id=\? AND id=\?\)/);
  });

  it('flag_rules: by flag in evaluation order through flag_rules_flag, no sort', () => {
    const plans = [...storePlans()].filter(([sql]) => /FROM flag_rules WHERE environment_id = \?( AND flag_id = \?)? ORDER BY/.test(sql));
    expect(plans.length).toBeGreaterThanOrEqual(2);
    for (const [sql, plan] of plans) expect(plan.join('\n'), sql).toMatch(/USING INDEX flag_rules_flag/);
  });

  /** The SQL a flag target reader prepares (statements prepared on first use once `use` runs), and a plan reader. */
  const readerStatements = (use: (reader: ReturnType<typeof createFlagTargetReader>) => void = () => {}) => {
    db = openDatabase(':memory:');
    migrate(db);
    const prepared: string[] = [];
    const prepare = db.prepare.bind(db);
    db.prepare = ((sql: string) => (prepared.push(sql), prepare(sql))) as Db['prepare'];
    use(createFlagTargetReader(db));
    const planOf = (sql: string, params: number) => (prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...Array(params).fill(null)) as { detail: string }[]).map((r) => r.detail);
    return { prepared, planOf };
  };

  it("a flag's configured targets are read with their labels from the covering index alone, through the flag's true rule", () => {
    const { prepared, planOf } = readerStatements((reader) => reader.list('env', 'flag'));
    const lists = prepared.filter((sql) => /t\.label/.test(sql) && /r\.flag_id = \?/.test(sql));
    expect(lists).toHaveLength(2); // users, organizations
    for (const sql of lists) {
      const plan = planOf(sql, 2);
      expect(plan.join('\n')).toMatch(/SEARCH r USING INDEX flag_rules_kind/);
      expect(plan.join('\n')).toMatch(/SEARCH t USING COVERING INDEX flag_targets_rule/);
      // No join: nothing read from users or organizations.
      expect(plan.filter((step) => /^(SEARCH|SCAN) /.test(step))).toHaveLength(2);
    }
  });

  it("a one-target write's configured targets seek the target, not every target of the flag", () => {
    const { prepared, planOf } = readerStatements();
    const plan = planOf(prepared.find((sql) => /t\.target_id = \?/.test(sql))!, 4);
    expect(plan[0]).toMatch(/^SEARCH t USING PRIMARY KEY \(environment_id=\? AND flag_id=\? AND target_type=\? AND target_id=\?\)/);
  });
});
