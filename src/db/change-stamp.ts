import type { Db } from './open.js';

/**
 * A number that changes whenever the database may have changed, for caches of rows that must
 * never be served stale. It watches total_changes() (every row this connection inserted, updated
 * or deleted, rolled back or not) and, for a file, data_version (commits by other connections,
 * e.g. another process on the same file). One statement that reads no table.
 *
 * Inside an open transaction the stamp says nothing about what will be committed or rolled back,
 * so callers must not fill a cache there (`db.inTransaction`).
 */
function createChangeStamp(db: Db): () => number {
  const read = db
    .prepare<[], [number, number]>(db.memory ? 'SELECT total_changes(), 0' : 'SELECT total_changes(), data_version FROM pragma_data_version')
    .raw();
  let lastChanges = -1;
  let lastVersion = -1;
  let stamp = 0;
  return () => {
    const [changes, version] = read.get()!;
    if (changes !== lastChanges || version !== lastVersion) {
      lastChanges = changes;
      lastVersion = version;
      stamp++;
    }
    return stamp;
  };
}

const stamps = new WeakMap<Db, () => number>();

/** The connection's one change stamp, shared by every cache on it. */
export function changeStampOf(db: Db): () => number {
  let stamp = stamps.get(db);
  if (!stamp) stamps.set(db, (stamp = createChangeStamp(db)));
  return stamp;
}
