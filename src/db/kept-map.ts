import { changeFeedOf, type Scope } from './change-feed.js';
import { commitQueueOf } from './commit-queue.js';
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
 * in another environment drops nothing. Nothing is kept before the feed is installed. What is
 * kept inside a transaction waits for it to commit (commit-queue.ts): until then only that
 * transaction sees it, a later write in it drops it like any entry, and a rollback drops it.
 * Entries are never stale, so reading them inside a transaction is fine (a write there already
 * dropped what it changed). Past `limits.entries` or `limits.weight` (e.g. characters of the kept
 * responses) everything is dropped, so memory stays bounded.
 */
export interface KeptMap<V> {
  get(key: string): V | undefined;
  /**
   * Keeps `value` for `environmentId`: with `until: 'scopes'`, until one of `scopes` changes; with
   * `until: 'written'`, until its environment is written, unless `scopes` are given: then that entry
   * lasts until one of them changes (an answer that knows exactly what it read, beside ones that do not).
   */
  set(environmentId: string, key: string, value: V, options?: { scopes?: readonly Scope[]; weight?: number }): void;
  /** The kept value, or `compute()` kept (unless inside a transaction). */
  through(environmentId: string, key: string, compute: () => V, scopes?: readonly Scope[]): V;
}

interface Entry<V> {
  value: V;
  environmentId: string;
  weight: number;
}

interface PendingEntry<V> extends Entry<V> {
  /** Its scopes, to drop it when a later write in the transaction changes one (`keys` is of environment ''). */
  scopes: readonly Scope[];
  /** Dropped by any write to its environment (rather than by its scopes). */
  untilWritten: boolean;
}

export function createKeptMap<V>(db: Db, options: { until: 'written' | 'scopes'; entries: number; weight?: number }): KeptMap<V> {
  const entries = new Map<string, Entry<V>>();
  // Keys by environment (all of them), of entries kept until their environment is written, and by
  // environment and scope, to drop them.
  const byEnvironment = new Map<string, Set<string>>();
  const byWritten = new Map<string, Set<string>>();
  // By environment, then scope: the scope strings callers pass are reused, so no name is built per entry.
  const byScope = new Map<string, Map<Scope, Set<string>>>();
  const maxWeight = options.weight ?? Infinity;
  let weight = 0;
  let listening = false;

  const add = <K>(index: Map<K, Set<string>>, at: K, key: string) => {
    const keys = index.get(at);
    if (keys) keys.add(key);
    else index.set(at, new Set([key]));
  };
  const dropKeys = <K>(index: Map<K, Set<string>>, at: K) => {
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
    byWritten.clear();
    byScope.clear();
    weight = 0;
  };
  const dropEnvironment = (environmentId: string) => dropKeys(byEnvironment, environmentId);

  // Kept inside the open transaction, waiting for its commit (a few entries: one transaction's reads).
  const pending = new Map<string, PendingEntry<V>>();
  let pendingQueued = false;
  const dropPending = (drops: (p: PendingEntry<V>) => boolean) => {
    for (const [key, p] of pending) if (drops(p)) pending.delete(key);
  };
  const whenCommitted = {
    commit() {
      pendingQueued = false;
      for (const [key, p] of pending) keep(key, p);
      pending.clear();
    },
    discard() {
      pendingQueued = false;
      pending.clear();
    },
  };

  /** The feed, once installed; the first call registers this map with it. */
  const feed = () => {
    const found = changeFeedOf(db);
    if (found && !listening) {
      listening = true;
      found.listen({
        everything(environmentId) {
          if (environmentId === undefined) return clear(), pending.clear();
          dropEnvironment(environmentId);
          // Entries of no environment (which keys belong where) go too: a bulk write may have added keys.
          dropEnvironment('');
          if (pending.size) dropPending((p) => p.environmentId === environmentId || p.environmentId === '');
        },
        written(environmentId) {
          if (options.until !== 'written') return;
          dropKeys(byWritten, environmentId);
          if (pending.size) dropPending((p) => p.untilWritten && p.environmentId === environmentId);
        },
        scope(environmentId, scope) {
          if (byScope.size === 0 && pending.size === 0) return;
          const scopes = byScope.get(environmentId);
          if (scopes) dropKeys(scopes, scope);
          if (pending.size) dropPending((p) => p.scopes.includes(scope) && scopeEnvironment(p.environmentId, scope) === environmentId);
        },
      });
    }
    return found;
  };

  const scopeEnvironment = (environmentId: string, scope: Scope) => (scope === 'keys' ? '' : environmentId);
  function keep(key: string, { value, environmentId, weight: valueWeight, scopes, untilWritten }: PendingEntry<V>) {
    if (entries.size >= options.entries || weight + valueWeight > maxWeight) clear();
    const old = entries.get(key);
    if (old) weight -= old.weight;
    entries.set(key, { value, environmentId, weight: valueWeight });
    weight += valueWeight;
    add(byEnvironment, environmentId, key);
    if (untilWritten) add(byWritten, environmentId, key);
    for (const scope of scopes) {
      const at = scopeEnvironment(environmentId, scope);
      let index = byScope.get(at);
      if (!index) byScope.set(at, (index = new Map()));
      add(index, scope, key);
    }
  }

  const kept: KeptMap<V> = {
    get(key) {
      const f = feed();
      if (!f) return undefined;
      f.sync();
      if (pending.size && db.inTransaction) {
        const p = pending.get(key);
        if (p) return p.value;
      }
      return entries.get(key)?.value;
    },
    set(environmentId, key, value, { scopes, weight: valueWeight = 0 } = {}) {
      if (!feed()) return;
      const untilWritten = options.until === 'written' && scopes === undefined;
      const entry = { value, environmentId, weight: valueWeight, untilWritten, scopes: scopes ?? [] };
      if (!db.inTransaction) return keep(key, entry);
      const queue = commitQueueOf(db);
      if (!queue) return; // a connection not opened by openDatabase: its commits are not told
      if (!pendingQueued) {
        if (!queue.add(whenCommitted)) return;
        pendingQueued = true;
      }
      pending.set(key, entry);
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
