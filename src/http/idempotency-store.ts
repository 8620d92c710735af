import type { Db } from '../db/open.js';

/** One Idempotency-Key record; `status` is null while the first request is still running. */
export interface IdempotencyRecord {
  fingerprint: string;
  status: number | null;
  content_type: string | null;
  body: string | null;
}

export interface NewClaim {
  environment_id: string;
  key: string;
  fingerprint: string;
  created_at: string;
  expires_at: string;
}

/** True while a process of that id runs (signal 0 only checks); EPERM means it runs as someone else. */
function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Prepared statements for Idempotency-Key records, one per (environment, key). */
export function createIdempotencyStore(db: Db) {
  const find = db.prepare<[string, string, string], IdempotencyRecord>(
    `SELECT fingerprint, status, content_type, body FROM idempotency_keys
     WHERE environment_id = ? AND key = ? AND expires_at > ?`,
  );
  const purgeExpired = db.prepare('DELETE FROM idempotency_keys WHERE expires_at <= ?');
  const insert = db.prepare(
    `INSERT INTO idempotency_keys (environment_id, key, fingerprint, created_at, expires_at, owner_pid)
     VALUES (@environment_id, @key, @fingerprint, @created_at, @expires_at, ${process.pid})`,
  );
  const complete = db.prepare(
    `UPDATE idempotency_keys SET status = @status, content_type = @content_type, body = @body
     WHERE environment_id = @environment_id AND key = @key`,
  );
  const abandon = db.prepare('DELETE FROM idempotency_keys WHERE environment_id = ? AND key = ? AND status IS NULL');
  const claimOwners = db.prepare<[], { owner_pid: number | null }>(
    // `owner_pid >= 0` keeps this a search of the partial index (NULL owners are released apart).
    'SELECT DISTINCT owner_pid FROM idempotency_keys WHERE status IS NULL AND owner_pid >= 0',
  );
  const releaseOwner = db.prepare('DELETE FROM idempotency_keys WHERE status IS NULL AND owner_pid IS ?');

  // One transaction, so two servers on one file cannot both find a key free and both claim it.
  const claim: (claim: NewClaim) => IdempotencyRecord | undefined = db.transaction((claim: NewClaim) => {
    const record = find.get(claim.environment_id, claim.key, claim.created_at);
    if (record) return record;
    purgeExpired.run(claim.created_at);
    insert.run(claim);
    return undefined;
  });

  const releaseOrphans = db.transaction((): number => {
    // Claims without an owner were made before owners were recorded: no server runs them now.
    let released = releaseOwner.run(null).changes;
    for (const { owner_pid } of claimOwners.all()) {
      if (owner_pid === process.pid || !processAlive(owner_pid!)) {
        released += releaseOwner.run(owner_pid).changes;
      }
    }
    return released;
  });

  return {
    /** The live (unexpired) record of a key if there is one; else claims the key for a request about to run. */
    claim,
    complete(environmentId: string, key: string, status: number, contentType: string | null, body: string | null): void {
      complete.run({ environment_id: environmentId, key, status, content_type: contentType, body });
    },
    /** Releases a claim whose request produced no reusable response (5xx, streamed body). */
    abandon(environmentId: string, key: string): void {
      abandon.run(environmentId, key);
    },
    /**
     * At start-up: releases the claims of requests that never finished because their server died
     * (its process is gone, or it had this very process id: a container restarted as pid 1), so
     * their retries run instead of answering 409 until the key expires. Returns how many.
     */
    releaseOrphans: (): number => releaseOrphans(),
  };
}

export type IdempotencyStore = ReturnType<typeof createIdempotencyStore>;
