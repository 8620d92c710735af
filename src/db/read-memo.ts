import type { Db } from './open.js';
import { createStampedMap } from './stamped-map.js';

/**
 * Answers computed from the database, kept until it may have changed (the change stamp), for the
 * reads SDKs repeat: the same user's flags, the same key on every request. Inside a transaction it
 * computes without keeping. Past `maxEntries` it starts over, so memory stays bounded.
 */
export function createReadMemo<V>(db: Db, maxEntries: number): (key: string, compute: () => V) => V {
  const answers = createStampedMap<V>(db, { entries: maxEntries });
  return (key, compute) => {
    const kept = answers.live();
    if (!kept) return compute();
    if (kept.has(key)) return kept.get(key)!;
    const value = compute();
    kept.set(key, value);
    return value;
  };
}
