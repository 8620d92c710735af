import { changeStampOf } from './change-stamp.js';
import type { Db } from './open.js';

/**
 * Answers computed from the database, kept until it may have changed (the change stamp), for the
 * reads SDKs repeat: the same user's flags, the same key on every request. Inside a transaction it
 * computes without keeping. Past `maxEntries` it starts over, so memory stays bounded.
 */
export function createReadMemo<V>(db: Db, maxEntries: number): (key: string, compute: () => V) => V {
  const stamp = changeStampOf(db);
  let filledAt = -1;
  const entries = new Map<string, V>();
  return (key, compute) => {
    if (db.inTransaction) return compute();
    const now = stamp();
    if (now !== filledAt || entries.size >= maxEntries) {
      entries.clear();
      filledAt = now;
    }
    if (entries.has(key)) return entries.get(key)!;
    const value = compute();
    entries.set(key, value);
    return value;
  };
}
