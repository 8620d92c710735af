import type { Db } from './open.js';

/**
 * Work that waits for the current transaction to commit. A value read inside a transaction is
 * true only if the transaction commits, so caches (kept-map.ts) hold it back until then.
 * openDatabase's transactions run the queue when the outermost one commits and drop it when the
 * transaction, or any savepoint in it, rolls back (a savepoint's writes are gone, and what was
 * read after them with them).
 */
export interface Pending {
  commit(): void;
  discard(): void;
}

export interface CommitQueue {
  /** Runs `pending` at commit; false when no transaction of this queue is open (nothing waits). */
  add(pending: Pending): boolean;
  committed(): void;
  rolledBack(): void;
}

const queues = new WeakMap<Db, CommitQueue>();

export function commitQueueOf(db: Db): CommitQueue | undefined {
  return queues.get(db);
}

export function createCommitQueue(db: Db): CommitQueue {
  let waiting: Pending[] = [];
  const take = () => {
    const all = waiting;
    waiting = [];
    return all;
  };
  const queue: CommitQueue = {
    add(pending) {
      if (!db.inTransaction) return false;
      waiting.push(pending);
      return true;
    },
    committed: () => take().forEach((p) => p.commit()),
    rolledBack: () => take().forEach((p) => p.discard()),
  };
  queues.set(db, queue);
  return queue;
}
