import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrate } from '../../src/db/migrate.js';
import { openDatabase, type Db } from '../../src/db/open.js';

// Two connections on one file stand for two servers: every db.transaction takes the write lock
// up front, so the second writer waits its turn instead of failing with SQLITE_BUSY_SNAPSHOT.

let dir: string;
let a: Db;
let b: Db;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'flagstand-tx-'));
  a = openDatabase(join(dir, 'db.sqlite'));
  b = openDatabase(join(dir, 'db.sqlite'));
  a.exec('CREATE TABLE t (n INTEGER)');
});
afterEach(() => {
  a.close();
  b.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('db.transaction', () => {
  it('holds the write lock from its first statement on', () => {
    const other = new Database(join(dir, 'db.sqlite'), { timeout: 0 });
    a.transaction(() => {
      a.prepare('SELECT count(*) FROM t').get(); // a read only, yet the lock is already taken
      expect(() => other.exec('BEGIN IMMEDIATE')).toThrow(/SQLITE_BUSY|database is locked/);
    })();
    other.exec('BEGIN IMMEDIATE; ROLLBACK');
    other.close();
  });

  it('does not fail with BUSY_SNAPSHOT when another connection commits between its read and its write', () => {
    // The deferred way fails: read, the other server commits, then write.
    const deferred = a.transaction(() => {
      a.prepare('SELECT count(*) FROM t').get();
      b.prepare('INSERT INTO t VALUES (1)').run();
      a.prepare('INSERT INTO t VALUES (2)').run();
    }).deferred;
    expect(deferred).toThrow(expect.objectContaining({ code: 'SQLITE_BUSY_SNAPSHOT' }));
    // Immediate (the default now): the other connection cannot commit in between; once the first
    // transaction commits, it goes ahead.
    a.transaction(() => {
      const before = a.prepare('SELECT count(*) AS n FROM t').get() as { n: number };
      a.prepare('INSERT INTO t VALUES (?)').run(before.n + 10);
    })();
    b.transaction(() => b.prepare('INSERT INTO t VALUES (3)').run())();
    expect(a.prepare('SELECT n FROM t ORDER BY rowid').pluck().all()).toEqual([1, 11, 3]);
  });

  it('nests as a savepoint', () => {
    const inner = a.transaction(() => a.prepare('INSERT INTO t VALUES (1)').run());
    a.transaction(() => {
      inner();
      try {
        a.transaction(() => {
          inner();
          throw new Error('undo the inner one');
        })();
      } catch {}
    })();
    expect(a.prepare('SELECT count(*) FROM t').pluck().get()).toBe(1);
  });

  it('lets two servers migrate one new file at once', () => {
    const c = openDatabase(join(dir, 'fresh.sqlite'));
    const d = openDatabase(join(dir, 'fresh.sqlite'));
    // d reads the (empty) ledger first, c then applies everything; d must skip, not fail.
    const ran = migrate(c);
    expect(ran.length).toBeGreaterThan(0);
    expect(migrate(d)).toEqual([]);
    c.close();
    d.close();
  });
});
