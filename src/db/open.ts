import Database from 'better-sqlite3';

export type Db = Database.Database;

/** Opens the store: in memory by default, WAL for files so readers never block the writer. */
export function openDatabase(path: string): Db {
  const db = new Database(path);
  if (path !== ':memory:' && path !== '') {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
  }
  db.pragma('foreign_keys = ON');
  return db;
}
