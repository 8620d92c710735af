import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/clock.js';
import { newId } from '../../src/ids.js';
import type { SeedEnvironment } from '../../src/seed/schema.js';
import { createFlagstand, type Flagstand } from '../../src/server.js';

// Environments copied with from_environment, through the admin service as the route calls it: the
// copy holds the source's start-up rows table by table, and lives on its own (writes, snapshots,
// reset) without touching the source.

const clock = fixedClock('2026-01-15T12:00:00.000Z');

function seed(): SeedEnvironment {
  const orgs = Array.from({ length: 5 }, (_, i) => ({ id: newId('organization'), name: `Org ${i}`, domains: [`o${i}.copies.test`] }));
  const users = Array.from({ length: 9 }, (_, i) => ({ id: newId('user'), email: `u${i}@copies.test` }));
  return {
    name: 'source',
    api_keys: ['sk_test_source'],
    organizations: orgs,
    users,
    organization_memberships: users.map((u, i) => ({ user_id: u.id, organization_id: orgs[i % orgs.length].id })),
    feature_flags: Array.from({ length: 12 }, (_, i) => ({
      slug: `flag-${i}`,
      enabled: i % 3 === 0,
      targets: [users[i % users.length].id, { id: orgs[i % orgs.length].id, enabled: i % 2 === 0 }],
    })),
  };
}

let flagstand: Flagstand;
let source: string;
let tables: string[];

beforeEach(async () => {
  flagstand = await createFlagstand({ seed: { environments: [seed()] }, clock, logLevel: 'silent' });
  source = flagstand.environments[0].id;
  tables = flagstand.db
    .prepare<[], string>(
      `SELECT m.name FROM sqlite_schema m WHERE m.type = 'table' AND m.name NOT IN ('environment_api_keys', 'signing_keys')
       AND EXISTS (SELECT 1 FROM pragma_table_info(m.name) WHERE name = 'environment_id') ORDER BY m.name`,
    )
    .pluck()
    .all();
});
afterEach(async () => {
  await flagstand.app.close();
});

/** Every row of an environment, table by table, in primary-key order, the environment column left out. */
function dump(environmentId: string): Record<string, unknown[]> {
  const out: Record<string, unknown[]> = {};
  for (const table of tables) {
    const key = flagstand.db
      .prepare<[string], string>(`SELECT name FROM pragma_table_info(?) WHERE pk > 0 ORDER BY pk`)
      .pluck()
      .all(table)
      .map((c) => `"${c}"`)
      .join(', ');
    const rows = flagstand.db.prepare(`SELECT * FROM "${table}" WHERE environment_id = ? ORDER BY ${key}`).all(environmentId) as Record<string, unknown>[];
    out[table] = rows.map(({ environment_id: _, ...row }) => row);
  }
  return out;
}
const counts = (rows: Record<string, unknown[]>) => Object.fromEntries(Object.entries(rows).map(([t, r]) => [t, r.length]));
const internalId = (publicId: string) => flagstand.stores.environments.byPublicId(publicId)!.id;

/** Writes of several kinds: an update, a delete that cascades, an insert, a membership removed. */
function write(environmentId: string, round: number): void {
  const flags = flagstand.stores.flags.all(environmentId);
  flagstand.stores.flags.update(environmentId, { ...flags[0], name: `renamed ${round}`, enabled: !flags[0].enabled });
  flagstand.stores.flags.delete(environmentId, flags[1].id);
  flagstand.stores.flags.insert(environmentId, { ...flags[1], id: newId('flag'), slug: `added-${round}` });
  flagstand.db.prepare('DELETE FROM organization_memberships WHERE environment_id = ? AND id = (SELECT min(id) FROM organization_memberships WHERE environment_id = ?)').run(environmentId, environmentId);
  flagstand.db.prepare("UPDATE users SET first_name = 'Round ' || ? WHERE environment_id = ?").run(round, environmentId);
}

describe('environment copies', () => {
  it("hold the source's start-up rows, table by table, whatever the source wrote since", () => {
    const startUp = dump(source);
    expect(counts(startUp).flag_targets).toBe(24);
    write(source, 1);
    const sourceNow = dump(source);
    const copy = internalId(flagstand.admin.create({ name: 'copy', from_environment: 'source' }).id);
    expect(counts(dump(copy))).toEqual(counts(startUp));
    expect(dump(copy)).toEqual(startUp);
    expect(dump(source)).toEqual(sourceNow);
    // A copy of a copy: the copy's start-up state is the source's.
    const second = internalId(flagstand.admin.create({ name: 'second', from_environment: 'copy' }).id);
    expect(dump(second)).toEqual(startUp);
  });

  it('take writes, snapshots and resets of their own, and leave the source alone', () => {
    const startUp = dump(source);
    const view = flagstand.admin.create({ name: 'copy', from_environment: 'source' });
    const copy = internalId(view.id);
    write(copy, 1);
    const written = dump(copy);
    expect(written).not.toEqual(startUp);
    expect(dump(source)).toEqual(startUp);
    const snapshot = flagstand.admin.snapshot(view.id);
    write(copy, 2);
    flagstand.admin.restore(view.id, snapshot.id);
    expect(dump(copy)).toEqual(written);
    flagstand.admin.reset(view.id);
    expect(dump(copy)).toEqual(startUp);
    write(copy, 3);
    flagstand.admin.reset(view.id);
    expect(dump(copy)).toEqual(startUp);
    expect(dump(source)).toEqual(startUp);
    // Deleted, it leaves nothing behind; the source is still whole.
    flagstand.admin.delete(view.id);
    expect(Object.values(counts(dump(copy))).every((n) => n === 0)).toBe(true);
    expect(dump(source)).toEqual(startUp);
  });

  it('roll back whole when the copy fails: no environment, no rows', () => {
    const before = flagstand.admin.list().length;
    // A row that fails to insert (a trigger standing in for any error) mid-copy.
    flagstand.db.exec(`CREATE TEMP TRIGGER fail_copy AFTER INSERT ON main.flag_targets BEGIN SELECT RAISE(ABORT, 'copy failed'); END`);
    expect(() => flagstand.admin.create({ name: 'broken', from_environment: 'source' })).toThrow(/copy failed/);
    flagstand.db.exec('DROP TRIGGER temp.fail_copy');
    expect(flagstand.admin.list()).toHaveLength(before);
    const orphans = tables.map((t) => flagstand.db.prepare(`SELECT count(*) FROM "${t}" WHERE environment_id NOT IN (SELECT id FROM environments)`).pluck().get() as number);
    expect(orphans.every((n) => n === 0)).toBe(true);
    // And the next copy works.
    const copy = internalId(flagstand.admin.create({ name: 'works', from_environment: 'source' }).id);
    expect(dump(copy)).toEqual(dump(source));
  });
});
