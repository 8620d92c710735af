import type { Db } from './open.js';

/** Rows from which a load is worth the bulk set-up (dropping and rebuilding indexes costs a few ms). */
export const BULK_LOAD_MIN_ROWS = 20_000;

// Page cache while loading (KiB, as cache_size takes it when negative): big enough that index
// pages are not written out and read back between inserts. Restored afterwards.
const BULK_CACHE_KIB = 1024 * 1024;

/**
 * Runs `load` in one transaction set up for many inserts: foreign keys off (the caller has
 * checked every reference itself), a large page cache, and the indexes dropped first and
 * rebuilt after, since building an index from sorted rows is far cheaper than keeping it up to
 * date one random insert at a time (a user's email, say). A unique index still refuses
 * duplicates: its rebuild fails on them, and the load with it. Primary keys stay. On error the
 * transaction rolls back, indexes included.
 */
export function bulkLoad<T>(db: Db, load: () => T): T {
  const foreignKeys = db.pragma('foreign_keys', { simple: true }) as number;
  const cacheSize = db.pragma('cache_size', { simple: true }) as number;
  const journal = db.pragma('journal_mode', { simple: true }) as string;
  // foreign_keys and the journal mode cannot change inside a transaction, so they are set around it.
  db.pragma('foreign_keys = OFF');
  db.pragma(`cache_size = -${BULK_CACHE_KIB}`);
  // In WAL mode every new page is written twice, to the log and then, at the checkpoint, into
  // the file. The rollback journal keeps only the pages that held data before (a fresh file
  // has a few), and a failed load still rolls back to them.
  if (journal === 'wal') db.pragma('journal_mode = DELETE');
  try {
    return db.transaction(() => {
      const indexes = db
        .prepare<[], { name: string; sql: string }>(
          `SELECT name, sql FROM sqlite_schema
           WHERE type = 'index' AND sql IS NOT NULL`,
        )
        .all();
      for (const { name } of indexes) db.exec(`DROP INDEX "${name.replaceAll('"', '""')}"`);
      const result = load();
      for (const { sql } of indexes) db.exec(sql);
      return result;
    })();
  } finally {
    if (journal === 'wal') db.pragma('journal_mode = WAL');
    db.pragma(`cache_size = ${cacheSize}`);
    db.pragma(`foreign_keys = ${foreignKeys ? 'ON' : 'OFF'}`);
  }
}
