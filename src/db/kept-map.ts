import { changeFeedOf, type Scope } from './change-feed.js';
import type { Db } from './open.js';

/**
 * Answers computed from the database, kept until the change feed (change-feed.ts) says a write
 * may have changed them. Every entry belongs to an environment ('' for none) and lasts either
 *
 * - while its environment is unchanged (`until: 'written'`: responses, pages, poll documents), or
 * - while none of the scopes it was kept with changed (`until: 'scopes'`: a flag, a subject's facts).
 *
 * Either way a write to a table without a rule, a commit by another process to the same file,
 * or a bulk write drops the environment's entries (all of them, for the first two), and a write
 * in another environment drops nothing. Nothing is kept inside a transaction (what it reads may
 * be rolled back) or before the feed is installed; entries are never stale, so reading them
 * inside a transaction is fine (a write there already dropped what it changed). Past
 * `limits.entries` or `limits.weight` (e.g. characters of the kept responses) everything is
 * dropped, so memory stays bounded.
 */
export interface KeptMap<V> {
  get(key: string): V | undefined;
  /** Keeps `value` for `environmentId`; with `until: 'scopes'`, until one of `scopes` changes. */
  set(environmentId: string, key: string, value: V, options?: { scopes?: readonly Scope[]; weight?: number }): void;
  /** The kept value, or `compute()` kept (unless inside a transaction). */
  through(environmentId: string, key: string, compute: () => V, scopes?: readonly Scope[]): V;
}

interface Entry<V> {
  value: V;
  environmentId: string;
  weight: number;
}

export function createKeptMap<V>(db: Db, options: { until: 'written' | 'scopes'; entries: number; weight?: number }): KeptMap<V> {
  const entries = new Map<string, Entry<V>>();
  // Keys by environment, and (until: 'scopes') by environment and scope, to drop them.
  const byEnvironment = new Map<string, Set<string>>();
  const byScope = new Map<string, Set<string>>();
  const maxWeight = options.weight ?? Infinity;
  let weight = 0;
  let listening = false;

  const add = (index: Map<string, Set<string>>, at: string, key: string) => {
    const keys = index.get(at);
    if (keys) keys.add(key);
    else index.set(at, new Set([key]));
  };
  const dropKeys = (index: Map<string, Set<string>>, at: string) => {
    const keys = index.get(at);
    if (!keys) return;
    index.delete(at);
    for (const key of keys) {
      const entry = entries.get(key);
      if (entry) weight -= entry.weight;
      entries.delete(key);
    }
  };
  const clear = () => {
    entries.clear();
    byEnvironment.clear();
    byScope.clear();
    weight = 0;
  };
  const dropEnvironment = (environmentId: string) => dropKeys(byEnvironment, environmentId);

  /** The feed, once installed; the first call registers this map with it. */
  const feed = () => {
    const found = changeFeedOf(db);
    if (found && !listening) {
      listening = true;
      found.listen({
        everything(environmentId) {
          if (environmentId === undefined) return clear();
          dropEnvironment(environmentId);
          // Entries of no environment (which keys belong where) go too: a bulk write may have added keys.
          dropEnvironment('');
        },
        written(environmentId) {
          if (options.until === 'written') dropEnvironment(environmentId);
        },
        scope(environmentId, scope) {
          if (options.until === 'scopes') dropKeys(byScope, `${environmentId} ${scope}`);
        },
      });
    }
    return found;
  };

  const kept: KeptMap<V> = {
    get(key) {
      const f = feed();
      if (!f) return undefined;
      f.sync();
      return entries.get(key)?.value;
    },
    set(environmentId, key, value, { scopes = [], weight: valueWeight = 0 } = {}) {
      if (db.inTransaction || !feed()) return;
      if (entries.size >= options.entries || weight + valueWeight > maxWeight) clear();
      const old = entries.get(key);
      if (old) weight -= old.weight;
      entries.set(key, { value, environmentId, weight: valueWeight });
      weight += valueWeight;
      add(byEnvironment, environmentId, key);
      for (const scope of scopes) add(byScope, `${scope === 'keys' ? '' : environmentId} ${scope}`, key);
    },
    through(environmentId, key, compute, scopes) {
      const found = kept.get(key);
      if (found !== undefined) return found;
      const value = compute();
      kept.set(environmentId, key, value, { scopes });
      return value;
    },
  };
  return kept;
}
