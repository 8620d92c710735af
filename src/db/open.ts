import Database from 'better-sqlite3';

export type Db = Database.Database;

const MMAP_BYTES = 1024 * 1024 * 1024;

/** Opens the store: in memory by default, WAL for files so readers never block the writer. */
export function openDatabase(path: string): Db {
  const db = new Database(path);
  if (path !== ':memory:' && path !== '') {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    // Reads map the file instead of copying pages through read() calls: a big data set's
    // requests touch pages all over it. Address space only; pages count as memory once read.
    db.pragma(`mmap_size = ${MMAP_BYTES}`);
  }
  db.pragma('foreign_keys = ON');
  return db;
}
