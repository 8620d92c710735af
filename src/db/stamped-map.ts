import { changeStampOf } from './change-stamp.js';
import type { Db } from './open.js';

/**
 * Entries computed from the database, valid while the change stamp holds: `live()` hands them
 * out, emptied first when the stamp has moved (any write, committed or not, or another process's
 * commit) or a limit was reached, so memory stays bounded; inside a transaction it hands out
 * nothing, since what is read there may be rolled back. `weight` is counted per `set` (e.g. the
 * characters of a kept response) against `limits.weight`.
 */
export function createStampedMap<V>(db: Db, limits: { entries: number; weight?: number }) {
  const stamp = changeStampOf(db);
  const entries = new Map<string, V>();
  let filledAt = -1;
  let weight = 0;
  const maxWeight = limits.weight ?? Infinity;
  const kept = {
    has: (key: string) => entries.has(key),
    get: (key: string) => entries.get(key),
    set(key: string, value: V, valueWeight = 0): void {
      entries.set(key, value);
      weight += valueWeight;
    },
  };
  return {
    live(): typeof kept | undefined {
      if (db.inTransaction) return undefined;
      const now = stamp();
      if (now !== filledAt || entries.size >= limits.entries || weight >= maxWeight) {
        entries.clear();
        weight = 0;
        filledAt = now;
      }
      return kept;
    },
  };
}
