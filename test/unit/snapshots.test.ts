import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fixedClock } from '../../src/clock.js';
import { migrate } from '../../src/db/migrate.js';
import { openDatabase, type Db } from '../../src/db/open.js';
import { createSnapshots, isConstraintError, withoutForeignKeys, type Snapshots } from '../../src/db/snapshots.js';
import { newId } from '../../src/ids.js';
import { loadSeed } from '../../src/seed/load.js';
import { createFlagstand } from '../../src/server.js';
import type { SeedEnvironment } from '../../src/seed/schema.js';
import { createStores, type Stores } from '../../src/stores.js';

const clock = fixedClock('2026-01-15T12:00:00.000Z');

function seedEnvironment(name: string, key: string): SeedEnvironment {
  const orgs = Array.from({ length: 6 }, (_, i) => ({ id: newId('organization'), name: `Org ${i}`, domains: [`o${i}.${name}.test`] }));
  const users = Array.from({ length: 8 }, (_, i) => ({ id: newId('user'), email: `u${i}@${name}.test` }));
  return {
    name,
    api_keys: [key],
    organizations: orgs,
    users,
    organization_memberships: users.map((u, i) => ({ user_id: u.id, organization_id: orgs[i % orgs.length].id })),
    // Enough flags and targets that a test-sized change restores row by row (a large one rewrites the table).
    feature_flags: Array.from({ length: 20 }, (_, i) => ({
      slug: `flag-${i}`,
      enabled: i % 2 === 0,
      targets: [...[0, 1, 2, 3].map((k) => users[(i + k) % users.length].id), { id: orgs[i % orgs.length].id, enabled: false }],
    })),
  };
}

let db: Db;
let stores: Stores;
let snapshots: Snapshots;
let envA: string;
let envB: string;

beforeEach(() => {
  db = openDatabase(':memory:');
  migrate(db);
  stores = createStores(db);
  const { environments } = loadSeed(db, stores, { environments: [seedEnvironment('a', 'sk_test_a'), seedEnvironment('b', 'sk_test_b')] }, clock);
  [envA, envB] = environments.map((e) => e.id);
  snapshots = createSnapshots(db);
});
afterEach(() => db.close());

/** Every row of an environment, table by table, in a stable order. */
function dump(environmentId: string): Record<string, unknown[]> {
  const out: Record<string, unknown[]> = {};
  for (const table of snapshots.tables) {
    // Up to the first four columns, as many as the table has (the clock's has three).
    const width = Math.min(4, (db.prepare(`SELECT count(*) AS n FROM pragma_table_info('${table}')`).get() as { n: number }).n);
    const order = Array.from({ length: width - 1 }, (_, i) => i + 2).join(', ');
    const rows = db.prepare(`SELECT * FROM "${table}" WHERE environment_id = ? ORDER BY ${order}`).all(environmentId) as Record<string, unknown>[];
    out[table] = rows.map(({ environment_id: _, ...row }) => row);
  }
  return out;
}

const take = (environmentId: string) =>
  snapshots.take({ id: newId('snapshot'), environment_id: environmentId, baseline: false, created_at: clock.now() }).id;
const takeLazy = (environmentId: string, baseline = true) =>
  snapshots.take({ id: newId('snapshot'), environment_id: environmentId, baseline, created_at: clock.now() }, { lazy: true }).id;
// Each restore test runs both ways: the admin API restores in place and falls back to foreign keys off.
const RESTORES = [['with foreign keys off'], ['in place']] as const;
let restoreHow: (typeof RESTORES)[number][0] = 'with foreign keys off';
const restore = (id: string) =>
  restoreHow === 'in place' ? snapshots.restoreInPlace(id) : withoutForeignKeys(db, () => snapshots.restore(id));
const copyInto = (id: string, name: string) => {
  const copy = stores.environments.nextId();
  stores.environments.insert({ id: copy, public_id: newId('environment'), name, created_at: clock.now() });
  withoutForeignKeys(db, () => snapshots.copyInto(id, copy));
  return copy;
};

/** Rows held in every snapshot copy table. */
function copiedRows(database: Db = db, tables = snapshots.tables): number {
  return tables.reduce(
    (n, table) => n + (database.prepare(`SELECT count(*) FROM flagstand_snapshots."copy_${table}"`).pluck().get() as number),
    0,
  );
}

/** Moves one target onto a new key, then another target onto the key the first left. */
function moveKeys(environmentId: string, round: number): void {
  const targets = userTargets(environmentId);
  const [a, b] = targets.filter((t) => t.flag_id === targets[0].flag_id);
  const move = db.prepare(`UPDATE flag_targets SET target_id = ? WHERE environment_id = ? AND flag_id = ? AND target_type = 'user' AND target_id = ?`);
  move.run(`user_chain_${round}`, environmentId, a.flag_id, a.target_id);
  move.run(a.target_id, environmentId, b.flag_id, b.target_id);
}

/** The user memberships of an environment, by key. */
function userTargets(environmentId: string): { flag_id: string; target_id: string }[] {
  return db
    .prepare<[string], { flag_id: string; target_id: string }>(
      `SELECT flag_id, target_id FROM flag_targets WHERE environment_id = ? AND target_type = 'user' ORDER BY flag_id, target_id`,
    )
    .all(environmentId);
}

/** Inserts, updates and deletes across tables, including cascades and a slug moving to a new row. */
function mutate(environmentId: string, round: number): void {
  const flags = stores.flags.all(environmentId);
  const first = flags[0];
  stores.flags.update(environmentId, { ...first, name: `renamed ${round}`, enabled: !first.enabled });
  stores.flags.delete(environmentId, flags[1].id); // cascades to its targets
  stores.flags.insert(environmentId, { ...flags[1], id: newId('flag'), name: `replacement ${round}` }); // same slug, new row
  const [user, other] = userTargets(environmentId);
  if (user) {
    db.prepare(`UPDATE flag_targets SET updated_at = ? WHERE environment_id = ? AND flag_id = ? AND target_type = 'user' AND target_id = ?`).run(
      clock.now(),
      environmentId,
      user.flag_id,
      user.target_id,
    );
  }
  // A primary key that moves: the row is gone from its old key and present at a new one.
  db.prepare(`UPDATE flag_targets SET target_id = ? WHERE environment_id = ? AND flag_id = ? AND target_type = 'user' AND target_id = ?`).run(
    `user_moved_${round}`,
    environmentId,
    other.flag_id,
    other.target_id,
  );
  // Most of a table at once, which a restore rewrites whole.
  db.prepare("UPDATE users SET first_name = 'Bulk' || ? WHERE environment_id = ?").run(round, environmentId);
  db.prepare('DELETE FROM organizations WHERE environment_id = ? AND id = (SELECT min(id) FROM organizations WHERE environment_id = ?)').run(
    environmentId,
    environmentId,
  ); // cascades to domains and memberships
  stores.users.insert(environmentId, {
    id: newId('user'),
    email: `new${round}@x.test`,
    first_name: null,
    last_name: null,
    email_verified: false,
    profile_picture_url: null,
    external_id: null,
    metadata: {},
    last_sign_in_at: null,
    locale: null,
    created_at: clock.now(),
    updated_at: clock.now(),
  });
}

describe.each(RESTORES)('restored %s', (how) => {
  beforeEach(() => {
    restoreHow = how;
  });

  describe('snapshots', () => {
    it('covers every environment-scoped table but the keys', () => {
      // From the schema, not from the snapshots: a table they skipped would go unchecked by every dump below.
      const scoped = db
        .prepare<[], string>(
          `SELECT m.name FROM main.sqlite_schema m WHERE m.type = 'table' AND m.name NOT IN ('environment_api_keys', 'signing_keys')
           AND EXISTS (SELECT 1 FROM pragma_table_info(m.name) WHERE name = 'environment_id')`,
        )
        .pluck()
        .all();
      expect(scoped).toEqual(expect.arrayContaining(['feature_flags', 'flag_targets', 'organizations', 'users', 'organization_memberships', 'events']));
      expect([...snapshots.tables].sort()).toEqual(scoped.sort());
    });

    it('restores inserts, updates, deletes and cascades exactly, and leaves other environments alone', () => {
      const before = dump(envA);
      const id = take(envA);
      mutate(envA, 1);
      mutate(envB, 1);
      const otherAfterMutation = dump(envB);
      expect(dump(envA)).not.toEqual(before);
      restore(id);
      expect(dump(envA)).toEqual(before);
      expect(dump(envB)).toEqual(otherAfterMutation);
    });

    it('restores again and again, and moves between two snapshots of one environment', () => {
      const first = dump(envA);
      const s1 = take(envA);
      mutate(envA, 1);
      const second = dump(envA);
      const s2 = take(envA);
      mutate(envA, 2);
      restore(s1);
      expect(dump(envA)).toEqual(first);
      restore(s2);
      expect(dump(envA)).toEqual(second);
      mutate(envA, 3);
      restore(s2);
      expect(dump(envA)).toEqual(second);
      restore(s1);
      expect(dump(envA)).toEqual(first);
      restore(s1);
      expect(dump(envA)).toEqual(first);
    });

    it('copies a snapshot into an empty environment and purges an environment', () => {
      const source = dump(envA);
      const id = take(envA);
      const copy = stores.environments.nextId();
      stores.environments.insert({ id: copy, public_id: newId('environment'), name: 'copy', created_at: clock.now() });
      withoutForeignKeys(db, () => snapshots.copyInto(id, copy));
      expect(dump(copy)).toEqual(source);
      withoutForeignKeys(db, () => snapshots.purge(envA));
      for (const rows of Object.values(dump(envA))) expect(rows).toEqual([]);
      expect(snapshots.get(id)).toBeUndefined();
      expect(dump(copy)).toEqual(source);
    });

    it('refuses bulk work with foreign keys on, which would cascade into rows it does not rewrite', () => {
      const id = take(envA);
      expect(() => snapshots.restore(id)).toThrow(/withoutForeignKeys/);
      expect(() => withoutForeignKeys(db, () => db.transaction(() => withoutForeignKeys(db, () => 1))())).toThrow(/inside a transaction/);
    });

    it('restores in place only what it can: two kept rows that swapped a unique value need foreign keys off', () => {
    const before = dump(envA);
    const id = takeLazy(envA);
    const [first, second] = db.prepare<[string], { id: string; email: string }>('SELECT id, email FROM users WHERE environment_id = ? ORDER BY id LIMIT 2').all(envA);
    const setEmail = db.prepare('UPDATE users SET email = ? WHERE environment_id = ? AND id = ?');
    setEmail.run('swap@x.test', envA, first.id);
    setEmail.run(first.email, envA, second.id);
    setEmail.run(second.email, envA, first.id);
    stores.flags.update(envA, { ...stores.flags.all(envA)[0], name: 'changed too' });
    const swapped = dump(envA);
    let refused: unknown;
    try {
      snapshots.restoreInPlace(id);
    } catch (err) {
      refused = err;
    }
    expect(isConstraintError(refused)).toBe(true);
    expect(dump(envA)).toEqual(swapped);
    withoutForeignKeys(db, () => snapshots.restore(id));
    expect(dump(envA)).toEqual(before);
  });

  it('names a table whose primary key cannot tell environments apart', () => {
      const other = openDatabase(':memory:');
      migrate(other);
      other.exec('CREATE TABLE widgets (environment_id TEXT NOT NULL, id TEXT PRIMARY KEY)');
      expect(() => createSnapshots(other)).toThrow(/table widgets/);
      other.close();
    });
  });

  describe('lazy snapshots (baselines)', () => {
    it('copy nothing when taken, then each row on its first write, and never a row inserted since', () => {
      const before = dump(envA);
      const id = takeLazy(envA);
      expect(copiedRows()).toBe(0);
      const [flag] = stores.flags.all(envA);
      stores.flags.update(envA, { ...flag, name: 'once' });
      stores.flags.update(envA, { ...flag, name: 'twice' });
      expect(copiedRows()).toBe(1);
      const added = { ...flag, id: newId('flag'), slug: 'added-since' };
      stores.flags.insert(envA, added);
      stores.flags.update(envA, { ...added, name: 'changed' });
      stores.flags.delete(envA, added.id);
      expect(copiedRows()).toBe(1);
      restore(id);
      expect(dump(envA)).toEqual(before);
    });

    it('restore inserts, updates, deletes, cascades and moved keys, cycle after cycle, and leave other environments alone', () => {
      const before = dump(envA);
      const id = takeLazy(envA);
      for (const round of [1, 2, 3]) {
        mutate(envA, round);
        moveKeys(envA, round);
        mutate(envB, round);
        const other = dump(envB);
        expect(dump(envA)).not.toEqual(before);
        restore(id);
        expect(dump(envA)).toEqual(before);
        expect(dump(envB)).toEqual(other);
      }
      // Every row changed: still restored by key, from a copy that only holds what was written.
      db.prepare("UPDATE feature_flags SET description = 'all' WHERE environment_id = ?").run(envA);
      db.prepare('DELETE FROM flag_targets WHERE environment_id = ?').run(envA);
      restore(id);
      expect(dump(envA)).toEqual(before);
    });

    // A full snapshot taken before the baseline: restoring it rewrites rows the baseline has not saved yet.
    it.each([['full', false], ['lazy', true]] as const)('move between a baseline and a %s snapshot of one environment', (_, lazyOther) => {
      const takeOther = () => (lazyOther ? takeLazy(envA, false) : take(envA));
      const zero = dump(envA);
      const s0 = takeOther();
      mutate(envA, 1);
      const one = dump(envA);
      const baseline = takeLazy(envA);
      restore(s0);
      expect(dump(envA)).toEqual(zero);
      restore(baseline);
      expect(dump(envA)).toEqual(one);
      mutate(envA, 2);
      moveKeys(envA, 2);
      restore(s0);
      expect(dump(envA)).toEqual(zero);
      mutate(envA, 3);
      restore(baseline);
      expect(dump(envA)).toEqual(one);
      // And one taken after the baseline, in between resets.
      mutate(envA, 4);
      const four = dump(envA);
      const s4 = takeOther();
      moveKeys(envA, 4);
      restore(baseline);
      expect(dump(envA)).toEqual(one);
      restore(s4);
      expect(dump(envA)).toEqual(four);
      mutate(envA, 5);
      restore(baseline);
      expect(dump(envA)).toEqual(one);
      restore(s0);
      expect(dump(envA)).toEqual(zero);
      restore(s4);
      expect(dump(envA)).toEqual(four);
      restore(baseline);
      expect(dump(envA)).toEqual(one);
    });

    it('copy the snapshot, not the current state, into a new environment', () => {
      const before = dump(envA);
      const id = takeLazy(envA);
      mutate(envA, 1);
      moveKeys(envA, 1);
      const changed = dump(envA);
      expect(dump(copyInto(id, 'c1'))).toEqual(before);
      expect(dump(envA)).toEqual(changed);
      // After a reset the copy holds rows that equal the environment's again; each must be copied once.
      restore(id);
      expect(dump(copyInto(id, 'c2'))).toEqual(before);
      mutate(envA, 2);
      expect(dump(copyInto(id, 'c3'))).toEqual(before);
    });

    // A copy skips the tables it has nothing to take from; a table's rows may be only in the
    // snapshot's copy (all written since) or only in the main table (none written since).
    it('copy a table whose rows are all gone since, and none of a table filled since', () => {
      db.exec(`INSERT INTO app_settings VALUES ('${envA}', 'before', 'kept', '${clock.now()}')`);
      const before = dump(envA);
      const id = takeLazy(envA);
      expect(before.flag_targets.length).toBeGreaterThan(0);
      db.prepare('DELETE FROM flag_targets WHERE environment_id = ?').run(envA);
      db.prepare('DELETE FROM app_settings WHERE environment_id = ?').run(envA);
      db.prepare(`INSERT INTO redirect_uris VALUES (?, 'uri_1', 'https://a.test/cb', 1, ?, ?)`).run(envA, clock.now(), clock.now());
      const copy = copyInto(id, 'c1');
      expect(dump(copy)).toEqual(before);
      expect(dump(copy).redirect_uris).toEqual([]);
      // A full snapshot's copy holds every row: the main table's rows are not what it copies.
      const full = take(copy);
      db.prepare('DELETE FROM flag_targets WHERE environment_id = ?').run(copy);
      db.prepare(`INSERT INTO redirect_uris VALUES (?, 'uri_1', 'https://a.test/cb', 1, ?, ?)`).run(copy, clock.now(), clock.now());
      expect(dump(copyInto(full, 'c2'))).toEqual(before);
    });

    it('go with their environment when it is purged', () => {
      const keptBefore = dump(envB);
      const gone = takeLazy(envA);
      const kept = takeLazy(envB);
      mutate(envB, 1);
      const keptCopies = copiedRows();
      mutate(envA, 1);
      withoutForeignKeys(db, () => snapshots.purge(envA));
      for (const rows of Object.values(dump(envA))) expect(rows).toEqual([]);
      expect(snapshots.get(gone)).toBeUndefined();
      expect(copiedRows()).toBe(keptCopies);
      restore(kept);
      expect(dump(envB)).toEqual(keptBefore);
    });

    it('are what a server takes at start-up: a seeded start copies no rows, and reset still restores', async () => {
      const flagstand = await createFlagstand({ seed: { environments: [seedEnvironment('s', 'sk_test_s')] }, logLevel: 'silent' });
      try {
        const envId = flagstand.environments[0].id;
        const flags = () => flagstand.stores.flags.all(envId);
        const before = flags();
        expect(before.length).toBeGreaterThan(0);
        expect(copiedRows(flagstand.db)).toBe(0);
        flagstand.stores.flags.update(envId, { ...before[0], name: 'changed' });
        flagstand.stores.flags.delete(envId, before[1].id);
        expect(copiedRows(flagstand.db)).toBeGreaterThan(1); // the flag, the deleted one, its targets
        flagstand.admin.reset(flagstand.environments[0].publicId);
        expect(flags()).toEqual(before);
      } finally {
        await flagstand.app.close();
      }
    });
  });
});

describe('the admin API', () => {
  it('resets and restores in place (foreign keys stay on), and with foreign keys off when a unique value moved', async () => {
    const flagstand = await createFlagstand({ seed: { environments: [seedEnvironment('s', 'sk_test_s')] }, logLevel: 'silent' });
    try {
      const { db: fdb, admin, stores: fstores } = flagstand;
      const { id: envId, publicId } = flagstand.environments[0];
      const rows = () => ({
        flags: fstores.flags.all(envId),
        users: fdb.prepare<[string], { id: string; email: string }>('SELECT * FROM users WHERE environment_id = ? ORDER BY id').all(envId),
      });
      const pragmas = vi.spyOn(fdb, 'pragma');
      const offs = () => pragmas.mock.calls.filter(([sql]) => /foreign_keys\s*=\s*off/i.test(String(sql))).length;
      const before = rows();
      const [flag] = before.flags;
      fstores.flags.update(envId, { ...flag, enabled: !flag.enabled, name: 'changed' });
      fstores.flags.delete(envId, before.flags[1].id);
      admin.reset(publicId);
      expect(rows()).toEqual(before);
      const snapshot = admin.snapshot(publicId);
      fstores.flags.update(envId, { ...flag, name: 'after the snapshot' });
      admin.restore(publicId, snapshot.id);
      expect(rows()).toEqual(before);
      admin.resetAll();
      expect(rows()).toEqual(before);
      expect(offs()).toBe(0);

      const [first, second] = before.users;
      const setEmail = fdb.prepare('UPDATE users SET email = ? WHERE environment_id = ? AND id = ?');
      setEmail.run('swap@x.test', envId, first.id);
      setEmail.run(first.email, envId, second.id);
      setEmail.run(second.email, envId, first.id);
      admin.reset(publicId);
      expect(rows()).toEqual(before);
      expect(offs()).toBe(1);
    } finally {
      await flagstand.app.close();
    }
  });
});
