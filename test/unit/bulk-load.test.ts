import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/clock.js';
import { bulkLoad, BULK_LOAD_MIN_ROWS } from '../../src/db/bulk-load.js';
import { migrate } from '../../src/db/migrate.js';
import { openDatabase, type Db } from '../../src/db/open.js';
import { insertEnvironmentSeed } from '../../src/seed/insert.js';
import { loadSeed } from '../../src/seed/load.js';
import type { SeedEnvironment } from '../../src/seed/schema.js';
import { createStores } from '../../src/stores.js';
import { pinnedId } from '../helpers/ids.js';

// Big seeds load with foreign keys off and the indexes rebuilt at the end: the rows,
// the schema and the settings must come out exactly as a plain transaction leaves them.

const clock = fixedClock('2026-01-15T12:00:00.000Z');
const ENV = 'environment_01HX0000000000000000000001';
const opened: Db[] = [];
const dirs: string[] = [];
afterEach(() => {
  opened.splice(0).forEach((db) => db.close());
  dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true }));
});

/** A new database file (WAL, as the CLI's --db opens it), migrated. */
function freshFile(): { db: Db; path: string } {
  const dir = mkdtempSync(join(tmpdir(), 'flagstand-bulk-'));
  dirs.push(dir);
  const path = join(dir, 'flagstand.db');
  const db = openDatabase(path);
  opened.push(db);
  migrate(db);
  return { db, path };
}

function freshDb(): Db {
  const db = openDatabase(':memory:');
  opened.push(db);
  migrate(db);
  db.prepare('INSERT INTO environments (id, name, created_at) VALUES (?, ?, ?)').run(ENV, 'default', clock.now());
  return db;
}

/** Above the bulk threshold: users in organizations, flags with user and organization targets, some off. */
function bigSeed(): SeedEnvironment {
  const users = Array.from({ length: 300 }, (_, i) => ({ id: pinnedId('user', i + 1), email: `u${i}@example.com` }));
  const organizations = Array.from({ length: 30 }, (_, i) => ({ id: pinnedId('organization', i + 1), name: `Org ${i}` }));
  const subjects = [...users.map((u) => u.id), ...organizations.map((o) => o.id)];
  return {
    users,
    organizations,
    organization_memberships: users.map((u, i) => ({
      id: pinnedId('membership', i + 1),
      user_id: u.id,
      organization_id: organizations[i % 30].id,
    })),
    feature_flags: Array.from({ length: 70 }, (_, i) => ({
      // Ids against slug order, so the loader's reordering by id is exercised.
      id: pinnedId('flag', 1000 - i),
      slug: `flag-${i}`,
      enabled: i % 4 !== 0,
      default_value: i % 3 === 0,
      targets: subjects.filter((_, j) => (i + j) % 11 !== 0).map((id, j) => (j % 7 === 0 ? { id, enabled: false } : id)),
    })),
  };
}

const TABLES = ['organizations', 'users', 'organization_memberships', 'feature_flags'];
// Rule and membership ids are minted at load time: compare them by what they hold.
const MEMBERS = `SELECT t.environment_id, t.flag_id, t.target_type, t.target_id, t.created_at, r.position, r.target_type AS rule_type, r.value
  FROM flag_targets t JOIN flag_rules r ON r.environment_id = t.environment_id AND r.id = t.rule_id ORDER BY 1, 2, 3, 4`;
const dump = (db: Db) => ({
  ...Object.fromEntries(TABLES.map((t) => [t, db.prepare(`SELECT * FROM ${t} ORDER BY 1, 2, 3`).all()])),
  flag_targets: db.prepare(MEMBERS).all(),
});
const schema = (db: Db) => db.prepare('SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY name').all();

describe('bulkLoad', () => {
  it('inserts the same rows a plain transaction does, and leaves schema, settings and indexes intact', () => {
    const seed = bigSeed();
    const plain = freshDb();
    const bulk = freshDb();
    const schemaBefore = schema(bulk);
    const rows = plain.transaction(() => insertEnvironmentSeed(createStores(plain), ENV, seed, clock))();
    expect(rows).toBeGreaterThanOrEqual(BULK_LOAD_MIN_ROWS);
    const cacheSize = bulk.pragma('cache_size', { simple: true });

    expect(bulkLoad(bulk, () => insertEnvironmentSeed(createStores(bulk), ENV, seed, clock))).toBe(rows);

    expect(dump(bulk)).toEqual(dump(plain));
    expect(schema(bulk)).toEqual(schemaBefore);
    expect(bulk.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(bulk.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(bulk.pragma('cache_size', { simple: true })).toBe(cacheSize);
  });

  it('rolls everything back, dropped indexes included, when the load fails', () => {
    const db = freshDb();
    const schemaBefore = schema(db);
    expect(() =>
      bulkLoad(db, () => {
        insertEnvironmentSeed(createStores(db), ENV, bigSeed(), clock);
        throw new Error('late failure');
      }),
    ).toThrow('late failure');
    expect(schema(db)).toEqual(schemaBefore);
    expect(db.prepare('SELECT count(*) FROM flag_targets').pluck().get()).toBe(0);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
  });

  it('still refuses a duplicate a unique index forbids (its rebuild fails), and loads nothing', () => {
    const db = freshDb();
    const schemaBefore = schema(db);
    const seed = bigSeed();
    // An unchecked seed (the checks run elsewhere) with two users sharing an email.
    seed.users![7] = { ...seed.users![7], email: seed.users![3].email };
    expect(() => bulkLoad(db, () => insertEnvironmentSeed(createStores(db), ENV, seed, clock))).toThrow(
      /UNIQUE constraint failed: users\.environment_id, users\.email/,
    );
    expect(schema(db)).toEqual(schemaBefore);
    expect(db.prepare('SELECT count(*) FROM users').pluck().get()).toBe(0);
  });
});

describe('bulkLoad into a database file', () => {
  it('loads through the rollback journal (each page written once) and leaves the file in WAL mode', () => {
    const { db, path } = freshFile();
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    let journalDuringLoad: unknown;
    const rows = bulkLoad(db, () => {
      journalDuringLoad = db.pragma('journal_mode', { simple: true });
      db.prepare('INSERT INTO environments (id, name, created_at) VALUES (?, ?, ?)').run(ENV, 'default', clock.now());
      return insertEnvironmentSeed(createStores(db), ENV, bigSeed(), clock);
    });
    expect(journalDuringLoad).toBe('delete');
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    // The rest of the rows are users, organizations, memberships and flags.
    expect(db.prepare('SELECT count(*) FROM flag_targets').pluck().get()).toBe(rows - (300 + 30 + 300 + 70));
    db.close();
    const reopened = openDatabase(path);
    opened.push(reopened);
    expect(reopened.prepare('SELECT count(*) FROM users').pluck().get()).toBe(300);
    expect(reopened.pragma('integrity_check', { simple: true })).toBe('ok');
  });

  it('a failed load leaves the file as it was, with no journal left behind, and in WAL mode', () => {
    const { db, path } = freshFile();
    const schemaBefore = schema(db);
    expect(() =>
      bulkLoad(db, () => {
        db.prepare('INSERT INTO environments (id, name, created_at) VALUES (?, ?, ?)').run(ENV, 'default', clock.now());
        insertEnvironmentSeed(createStores(db), ENV, bigSeed(), clock);
        throw new Error('late failure');
      }),
    ).toThrow('late failure');
    expect(existsSync(`${path}-journal`)).toBe(false);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
    const reopened = openDatabase(path);
    opened.push(reopened);
    expect(schema(reopened)).toEqual(schemaBefore);
    for (const table of ['environments', ...TABLES]) expect(reopened.prepare(`SELECT count(*) FROM ${table}`).pluck().get(), table).toBe(0);
    expect(reopened.pragma('integrity_check', { simple: true })).toBe('ok');
  });
});

describe('loadSeed of a big seed', () => {
  it('loads every row, and nothing at all when the seed is refused', () => {
    const db = openDatabase(':memory:');
    opened.push(db);
    migrate(db);
    const seed = bigSeed();
    const { rows } = loadSeed(db, createStores(db), seed, clock);
    expect(rows).toBe(dump(db).flag_targets.length + 300 + 30 + 300 + 70);

    const clash = openDatabase(':memory:');
    opened.push(clash);
    migrate(clash);
    // Same email in two cases: the seed check compares lowercased emails, so this one is caught
    // before any insert, and nothing is loaded.
    const bad = { ...seed, users: [...seed.users!, { id: pinnedId('user', 999), email: 'U0@example.com' }] };
    expect(() => loadSeed(clash, createStores(clash), bad, clock)).toThrow(/duplicate email/);
    expect(clash.prepare('SELECT count(*) FROM environments').pluck().get()).toBe(0);
  });
});
