import { copyFileSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { migrate, MigrationError, MIGRATIONS_DIR, readMigrations } from '../../src/db/migrate.js';
import { openDatabase, type Db } from '../../src/db/open.js';

const FILES = readdirSync(MIGRATIONS_DIR)
  .filter((f) => /^\d+_.+\.sql$/.test(f))
  .sort();

let db: Db | undefined;
let dir: string | undefined;
afterEach(() => {
  db?.close();
  db = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

/** Everything that makes up the schema and the ledger, to compare before and after. */
function snapshot(d: Db) {
  return {
    schema: d.prepare("SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name").all(),
    ledger: d.prepare('SELECT version, name FROM schema_migrations ORDER BY version').all(),
  };
}

/** A migrations folder holding the real files plus `extra` (name → SQL). */
function folder(extra: Record<string, string>): string {
  dir = mkdtempSync(join(tmpdir(), 'flagstand-migrations-'));
  for (const f of FILES) copyFileSync(join(MIGRATIONS_DIR, f), join(dir, f));
  for (const [name, sql] of Object.entries(extra)) writeFileSync(join(dir, name), sql);
  return dir;
}

describe('migrate', () => {
  it('migrates a fresh database: every file once, in order, recorded in the ledger', () => {
    db = openDatabase(':memory:');
    expect(migrate(db)).toEqual(FILES);
    expect(snapshot(db).ledger).toEqual(FILES.map((name) => ({ version: Number.parseInt(name, 10), name })));
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((r) => r.name);
    expect(tables).toEqual(expect.arrayContaining(['environments', 'feature_flags', 'flag_targets', 'organization_memberships']));
    // foreign_keys is on and the schema is sound.
    expect(db.pragma('foreign_key_check')).toEqual([]);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
  });

  it('a rerun is a no-op', () => {
    db = openDatabase(':memory:');
    migrate(db);
    const before = snapshot(db);
    expect(migrate(db)).toEqual([]);
    expect(snapshot(db)).toEqual(before);
  });

  it('applies only the files not yet in the ledger', () => {
    db = openDatabase(':memory:');
    migrate(db);
    const added = folder({ '0900_extra.sql': 'CREATE TABLE extra (id TEXT PRIMARY KEY);' });
    expect(migrate(db, readMigrations(added))).toEqual(['0900_extra.sql']);
    expect(snapshot(db).ledger).toContainEqual({ version: 900, name: '0900_extra.sql' });
  });

  it('a broken file changes nothing and the error names it', () => {
    db = openDatabase(':memory:');
    migrate(db);
    const before = snapshot(db);
    // The first statement is fine; the second fails: the first must be rolled back too.
    const broken = folder({ '0900_broken.sql': 'CREATE TABLE half_done (id TEXT);\nINSERT INTO no_such_table VALUES (1);' });
    let error: unknown;
    try {
      migrate(db, readMigrations(broken));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(MigrationError);
    expect((error as Error).message).toMatch(/0900_broken\.sql/);
    expect((error as Error).message).toMatch(/no_such_table/);
    expect(snapshot(db)).toEqual(before);
  });

  it('on a fresh database, the files before a broken one stay applied, the broken one does not', () => {
    db = openDatabase(':memory:');
    const broken = folder({ '0900_broken.sql': 'CREATE TABLE half_done (id TEXT);\nSELECT * FROM no_such_table;' });
    expect(() => migrate(db!, readMigrations(broken))).toThrow(/0900_broken\.sql/);
    expect(snapshot(db).ledger).toEqual(FILES.map((name) => ({ version: Number.parseInt(name, 10), name })));
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'half_done'").all()).toEqual([]);
  });

  it('two files with one version number are refused, naming both, before anything runs', () => {
    db = openDatabase(':memory:');
    const twins = folder({ '0900_a.sql': 'CREATE TABLE a (id TEXT);', '0900_b.sql': 'CREATE TABLE b (id TEXT);' });
    expect(() => migrate(db!, readMigrations(twins))).toThrow(/0900_a\.sql.*0900_b\.sql/);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name IN ('a', 'b', 'schema_migrations', 'feature_flags')").all()).toEqual([]);
  });
});
