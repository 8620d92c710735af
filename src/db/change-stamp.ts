import type { Db } from './open.js';

/**
 * A number that changes whenever the database may have changed, for caches of rows that must
 * never be served stale. It watches total_changes() (every row this connection inserted, updated
 * or deleted, rolled back or not) and, for a file, data_version (commits by other connections,
 * e.g. another process on the same file). Both are cheap: neither reads a table.
 *
 * Inside an open transaction the stamp says nothing about what will be committed or rolled back,
 * so callers must not fill a cache there (`db.inTransaction`).
 */
export function createChangeStamp(db: Db): () => number {
  const totalChanges = db.prepare<[], number>('SELECT total_changes()').pluck();
  const dataVersion = db.memory ? undefined : db.prepare<[], number>('PRAGMA data_version').pluck();
  let lastChanges = -1;
  let lastVersion = -1;
  let stamp = 0;
  return () => {
    const changes = totalChanges.get()!;
    const version = dataVersion ? dataVersion.get()! : 0;
    if (changes !== lastChanges || version !== lastVersion) {
      lastChanges = changes;
      lastVersion = version;
      stamp++;
    }
    return stamp;
  };
}
