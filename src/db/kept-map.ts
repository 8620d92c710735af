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
 * No stale entry is ever returned, so reading them inside a transaction is fine (a write there
 * already counted what it changed). Past `limits.entries` or `limits.weight` (e.g. characters of
 * the kept responses) stale entries are swept, and everything is dropped if that is not enough,
 * so memory stays bounded.
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
  /**
   * get and set for entries kept apart per environment, by an id of it (a flag's, a rule's): the
   * hot reads look up ids they hold, so no `${environmentId} ${id}` key is built and hashed per
   * lookup. A separate key space from get/set.
   */
  getIn(environmentId: string, id: string): V | undefined;
  setIn(environmentId: string, id: string, value: V, options?: { scopes?: readonly Scope[]; weight?: number }): void;
}

interface Entry<V> {
  value: V;
  environmentId: string;
  weight: number;
}

interface PendingEntry<V> extends Entry<V> {
  /** Set for an entry of setIn: kept under this id of its environment. */
  id?: string;
  /** Its scopes, to drop it when a later write in the transaction changes one (`keys` is of environment ''). */
  scopes: readonly Scope[];
  /** Dropped by any write to its environment (rather than by its scopes). */
  untilWritten: boolean;
}

/** A write count: shared by the entries that depend on it, so checking one is a property read. */
interface Count {
  n: number;
}

/** A kept entry, with the counts of what it depends on and their values when it was kept. */
interface KeptEntry<V> extends Entry<V> {
  /** Its environment's epoch (everything of it dropped) and, kept until written, its write count. */
  epoch: Count;
  epochAt: number;
  written: Count | undefined;
  writtenAt: number;
  counts: Count[];
  countsAt: number[];
}

/** A write count per name, made when something kept first depends on it (a write to a name no entry depends on counts nothing). */
class Counts {
  private readonly byName = new Map<string, Map<string, Count>>();
  size = 0;
  /** The name's count, made (at 0) if nothing counted it yet. */
  take(at: string, name: string): Count {
    let names = this.byName.get(at);
    if (!names) this.byName.set(at, (names = new Map()));
    let count = names.get(name);
    if (count === undefined) {
      names.set(name, (count = { n: 0 }));
      this.size++;
    }
    return count;
  }
  bump(at: string, name: string): void {
    const count = this.byName.get(at)?.get(name);
    if (count !== undefined) count.n++;
  }
  /** Forgets every count (only with the entries that hold them). */
  clear(): void {
    this.byName.clear();
    this.size = 0;
  }
}

export function createKeptMap<V>(db: Db, options: { until: 'written' | 'scopes'; entries: number; weight?: number }): KeptMap<V> {
  // Writes only count: each entry carries the counts of its environment and scopes as they stood
  // when it was kept, and is checked against them when read. So a write costs one count whatever
  // depends on it, and nothing indexes entries by what they depend on.
  const entries = new Map<string, KeptEntry<V>>();
  // setIn's entries: per environment, by id.
  const within = new Map<string, Map<string, KeptEntry<V>>>();
  let size = 0; // entries in both
  const epochs = new Counts(); // per environment: everything in it dropped ('' holds one name, '')
  const writes = new Counts(); // per environment: written (maps kept until written)
  const scopeCounts = new Counts(); // per environment, then scope
  const maxWeight = options.weight ?? Infinity;
  let weight = 0;
  let listening = false;

  const clear = () => {
    entries.clear();
    within.clear();
    size = 0;
    epochs.clear();
    writes.clear();
    scopeCounts.clear();
    weight = 0;
  };
  const drop = (key: string, entry: KeptEntry<V>, from: Map<string, KeptEntry<V>> = entries) => {
    if (from.delete(key)) size--;
    weight -= entry.weight;
  };
  const current = (entry: KeptEntry<V>): boolean => {
    if (entry.epoch.n !== entry.epochAt) return false;
    if (entry.written !== undefined && entry.written.n !== entry.writtenAt) return false;
    const { counts, countsAt } = entry;
    for (let i = 0; i < counts.length; i++) if (counts[i].n !== countsAt[i]) return false;
    return true;
  };
  /** Room for one more entry: stale ones are swept first, and only if that is not enough is everything dropped. */
  const makeRoom = (valueWeight: number) => {
    if (size < options.entries && weight + valueWeight <= maxWeight && scopeCounts.size < 4 * options.entries) return;
    for (const [key, entry] of entries) if (!current(entry)) drop(key, entry);
    for (const ofEnvironment of within.values()) for (const [id, entry] of ofEnvironment) if (!current(entry)) drop(id, entry, ofEnvironment);
    if (size >= options.entries * 0.9 || weight + valueWeight > maxWeight * 0.9 || scopeCounts.size >= 4 * options.entries) clear();
  };

  // Kept inside the open transaction, waiting for its commit (a few entries: one transaction's reads).
  const pending = new Map<string, PendingEntry<V>>();
  let pendingQueued = false;
  const dropPending = (drops: (p: PendingEntry<V>) => boolean) => {
    for (const [key, p] of pending) if (drops(p)) pending.delete(key);
  };
  const whenCommitted = {
    commit() {
      pendingQueued = false;
      for (const [key, p] of pending) keep(p.id ?? key, p);
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
          epochs.bump(environmentId, '');
          // Entries of no environment (which keys belong where) go too: a bulk write may have added keys.
          epochs.bump('', '');
          if (pending.size) dropPending((p) => p.environmentId === environmentId || p.environmentId === '');
        },
        written(environmentId) {
          if (options.until !== 'written') return;
          writes.bump(environmentId, '');
          if (pending.size) dropPending((p) => p.untilWritten && p.environmentId === environmentId);
        },
        scope(environmentId, scope) {
          scopeCounts.bump(environmentId, scope);
          if (pending.size) dropPending((p) => p.scopes.includes(scope) && scopeEnvironment(p.environmentId, scope) === environmentId);
        },
      });
    }
    return found;
  };

  const scopeEnvironment = (environmentId: string, scope: Scope) => (scope === 'keys' ? '' : environmentId);
  /** The map an entry of `environmentId` goes in: `entries`, or for setIn's (`byId`) its environment's. */
  const mapFor = (environmentId: string, byId: boolean) => {
    if (!byId) return entries;
    let ofEnvironment = within.get(environmentId);
    if (!ofEnvironment) within.set(environmentId, (ofEnvironment = new Map()));
    return ofEnvironment;
  };
  function keep(key: string, { value, environmentId, weight: valueWeight, scopes, untilWritten, id }: PendingEntry<V>) {
    const byId = id !== undefined;
    const old = mapFor(environmentId, byId).get(key);
    if (old) drop(key, old, mapFor(environmentId, byId));
    makeRoom(valueWeight);
    // makeRoom may have cleared everything, the environment's map with it.
    const into = mapFor(environmentId, byId);
    const counts = scopes.map((scope) => scopeCounts.take(scopeEnvironment(environmentId, scope), scope));
    const epoch = epochs.take(environmentId, '');
    const written = untilWritten ? writes.take(environmentId, '') : undefined;
    into.set(key, {
      value,
      environmentId,
      weight: valueWeight,
      epoch,
      epochAt: epoch.n,
      written,
      writtenAt: written?.n ?? 0,
      counts,
      countsAt: counts.map((c) => c.n),
    });
    size++;
    weight += valueWeight;
  }

  /** Keeps an entry, or inside a transaction holds it for the commit (`pendingKey` names it there). */
  const put = (pendingKey: string, entry: PendingEntry<V>) => {
    if (!db.inTransaction) return keep(entry.id ?? pendingKey, entry);
    const queue = commitQueueOf(db);
    if (!queue) return; // a connection not opened by openDatabase: its commits are not told
    if (!pendingQueued) {
      if (!queue.add(whenCommitted)) return;
      pendingQueued = true;
    }
    pending.set(pendingKey, entry);
  };
  /** The kept entry's value if it is current; a stale one is dropped. */
  const valueOf = (key: string, from: Map<string, KeptEntry<V>> | undefined): V | undefined => {
    const entry = from?.get(key);
    if (entry === undefined) return undefined;
    if (current(entry)) return entry.value;
    drop(key, entry, from);
    return undefined;
  };
  // Pending entries of setIn, apart from get/set's keys (a raw NUL never starts one of those).
  const pendingIn = (environmentId: string, id: string) => `\u0000${environmentId}\u0000${id}`;

  const kept: KeptMap<V> = {
    get(key) {
      const f = feed();
      if (!f) return undefined;
      f.sync();
      if (pending.size && db.inTransaction) {
        const p = pending.get(key);
        if (p) return p.value;
      }
      return valueOf(key, entries);
    },
    set(environmentId, key, value, { scopes, weight: valueWeight = 0 } = {}) {
      if (!feed()) return;
      const untilWritten = options.until === 'written' && scopes === undefined;
      put(key, { value, environmentId, weight: valueWeight, untilWritten, scopes: scopes ?? [] });
    },
    getIn(environmentId, id) {
      const f = feed();
      if (!f) return undefined;
      f.sync();
      if (pending.size && db.inTransaction) {
        const p = pending.get(pendingIn(environmentId, id));
        if (p) return p.value;
      }
      return valueOf(id, within.get(environmentId));
    },
    setIn(environmentId, id, value, { scopes, weight: valueWeight = 0 } = {}) {
      if (!feed()) return;
      const untilWritten = options.until === 'written' && scopes === undefined;
      put(pendingIn(environmentId, id), { value, environmentId, weight: valueWeight, untilWritten, scopes: scopes ?? [], id });
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
