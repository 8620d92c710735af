import type { Db } from '../db/open.js';

/** One Idempotency-Key record; `status` is null while the first request is still running. */
export interface IdempotencyRecord {
  fingerprint: string;
  status: number | null;
  content_type: string | null;
  body: string | null;
}

/** Prepared statements for Idempotency-Key records, one per (environment, key). */
export function createIdempotencyStore(db: Db) {
  const find = db.prepare<[string, string, string], IdempotencyRecord>(
    `SELECT fingerprint, status, content_type, body FROM idempotency_keys
     WHERE environment_id = ? AND key = ? AND expires_at > ?`,
  );
  const purgeExpired = db.prepare('DELETE FROM idempotency_keys WHERE expires_at <= ?');
  const begin = db.prepare(
    `INSERT INTO idempotency_keys (environment_id, key, fingerprint, created_at, expires_at)
     VALUES (@environment_id, @key, @fingerprint, @created_at, @expires_at)`,
  );
  const complete = db.prepare(
    `UPDATE idempotency_keys SET status = @status, content_type = @content_type, body = @body
     WHERE environment_id = @environment_id AND key = @key`,
  );
  const abandon = db.prepare('DELETE FROM idempotency_keys WHERE environment_id = ? AND key = ? AND status IS NULL');

  return {
    /** The live (unexpired) record of a key, if any. */
    find: (environmentId: string, key: string, now: string) => find.get(environmentId, key, now),
    /** Claims a key for a request that is about to run; expired records are dropped first. */
    begin(environmentId: string, key: string, fingerprint: string, now: string, expiresAt: string): void {
      purgeExpired.run(now);
      begin.run({ environment_id: environmentId, key, fingerprint, created_at: now, expires_at: expiresAt });
    },
    complete(environmentId: string, key: string, status: number, contentType: string | null, body: string | null): void {
      complete.run({ environment_id: environmentId, key, status, content_type: contentType, body });
    },
    /** Releases a claim whose request produced no reusable response (5xx, streamed body). */
    abandon(environmentId: string, key: string): void {
      abandon.run(environmentId, key);
    },
  };
}

export type IdempotencyStore = ReturnType<typeof createIdempotencyStore>;
