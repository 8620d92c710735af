import type { Statement } from 'better-sqlite3';
import type { Db } from './open.js';

/**
 * A statement prepared when first run, not when its store is made: for statements most servers
 * never run (start-up is paid per test), and for those that cannot be prepared while a bulk seed
 * load has the indexes dropped (`INDEXED BY`). `pluck` as better-sqlite3's.
 */
export function onFirstUse(db: Db, sql: string, pluck = false): () => Statement {
  let statement: Statement | undefined;
  return () => (statement ??= pluck ? db.prepare(sql).pluck() : db.prepare(sql));
}
