import { afterEach, describe, expect, it } from 'vitest';
import { prepareInsertMany } from '../../src/db/insert-many.js';
import { openDatabase, type Db } from '../../src/db/open.js';

// The bulk insert binds shared columns once per statement and rows a hundred at a time: every
// count around those chunks must write exactly the rows, values and order one INSERT per row does.

const opened: Db[] = [];
afterEach(() => opened.splice(0).forEach((db) => db.close()));

function freshDb(): Db {
  const db = openDatabase(':memory:');
  opened.push(db);
  db.exec(`CREATE TABLE t (env TEXT NOT NULL, grp TEXT NOT NULL, n INTEGER NOT NULL, name TEXT, flag INTEGER NOT NULL,
    PRIMARY KEY (env, grp, n))`);
  return db;
}

/** `count` rows of [n, name, flag], with NULLs and numbers among them. */
const rowsOf = (count: number) =>
  Array.from({ length: count }, (_, i) => [i, i % 5 === 0 ? null : `name ${i}`, i % 2]);

describe('prepareInsertMany', () => {
  for (const count of [0, 1, 99, 100, 101, 250]) {
    it(`writes the same ${count} rows as one INSERT per row`, () => {
      const rows = rowsOf(count);
      const plain = freshDb();
      const one = plain.prepare('INSERT INTO t (env, grp, n, name, flag) VALUES (?, ?, ?, ?, ?)');
      for (const row of rows) one.run('env_a', 'g1', ...row);

      const bulk = freshDb();
      const insert = prepareInsertMany(bulk, 't', ['env', 'grp'], ['n', 'name', 'flag']);
      insert(['env_a', 'g1'], rows.flat());

      const all = (db: Db) => db.prepare('SELECT rowid, * FROM t ORDER BY rowid').all();
      expect(all(bulk)).toEqual(all(plain));
      expect(all(bulk)).toHaveLength(count);
    });
  }

  it('reuses its statements across calls with other shared values', () => {
    const db = freshDb();
    const insert = prepareInsertMany(db, 't', ['env', 'grp'], ['n', 'name', 'flag']);
    insert(['env_a', 'g1'], rowsOf(130).flat());
    insert(['env_b', 'g2'], rowsOf(3).flat());
    const counts = db.prepare('SELECT env, grp, count(*) AS n FROM t GROUP BY env, grp ORDER BY env').all();
    expect(counts).toEqual([
      { env: 'env_a', grp: 'g1', n: 130 },
      { env: 'env_b', grp: 'g2', n: 3 },
    ]);
  });
});
