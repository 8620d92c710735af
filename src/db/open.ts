import Database from 'better-sqlite3';
import type { SynchronousMode } from '../config.js';
import { createCommitQueue } from './commit-queue.js';

export type Db = Database.Database;

const MMAP_BYTES = 1024 * 1024 * 1024;

/**
 * How long a statement waits for another connection's write lock before failing with
 * SQLITE_BUSY. Writes are short (no transaction awaits), so a wait this long means something is
 * stuck, not busy.
 */
export const BUSY_TIMEOUT_MS = 5_000;

export interface OpenOptions {
  synchronous?: SynchronousMode;
}

/** Opens the store: in memory by default, WAL for files so readers never block the writer. */
export function openDatabase(path: string, options: OpenOptions = {}): Db {
  const db = new Database(path, { timeout: BUSY_TIMEOUT_MS });
  if (path !== ':memory:' && path !== '') {
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${(options.synchronous ?? 'normal').toUpperCase()}`);
    // Reads map the file instead of copying pages through read() calls: a big data set's
    // requests touch pages all over it. Address space only; pages count as memory once read.
    db.pragma(`mmap_size = ${MMAP_BYTES}`);
  }
  db.pragma('foreign_keys = ON');
  immediateTransactions(db);
  return db;
}

/**
 * Every `db.transaction(fn)` begins with BEGIN IMMEDIATE: it takes the write lock up front,
 * waiting up to the busy timeout for it. A deferred transaction reads first and asks for the
 * lock at its first write; when another connection (a second server on the same file) committed
 * in between, SQLite cannot wait its way out and fails at once with SQLITE_BUSY_SNAPSHOT. Taking
 * the lock first makes any number of connections on one file queue up instead. Nested calls
 * stay savepoints, and `.deferred` is still there for a transaction that only reads. Each call
 * also tells the connection's commit queue (commit-queue.ts) how it ended: when the outermost
 * call returns, SQLite has committed; when any call throws, its writes were rolled back.
 */
function immediateTransactions(db: Db): void {
  const transaction = db.transaction.bind(db);
  const queue = createCommitQueue(db);
  /** `run` (one of better-sqlite3's variants of a transaction), telling the queue how it ended. */
  const told =
    (run: (...args: unknown[]) => unknown) =>
    (...args: unknown[]) => {
      const outermost = !db.inTransaction;
      // Left by a transaction begun outside this wrapper: whether it committed is unknown.
      if (outermost) queue.rolledBack();
      let result;
      try {
        result = run(...args);
      } catch (err) {
        queue.rolledBack();
        throw err;
      }
      if (outermost) queue.committed();
      return result;
    };
  db.transaction = ((fn: (...args: unknown[]) => unknown) => {
    const variants = transaction(fn);
    const immediate = told(variants.immediate);
    return Object.assign(immediate, { default: immediate, immediate, deferred: told(variants.deferred), exclusive: told(variants.exclusive) });
  }) as Db['transaction'];
}
