import type { Db } from '../../db/open.js';

/** A user target's scheduled removal (columns of the target's row, migrations/0031). */
export interface TargetExpiry {
  /** LaunchDarkly's `_id` for the schedule: the target's id. */
  id: string;
  flag_id: string;
  slug: string;
  user_id: string;
  /** What the target serves. */
  value: boolean;
  expires_at: string;
  version: number;
}

/** A user's target on one flag, with its schedule if it has one. */
export interface ExpiringTarget {
  id: string;
  flag_id: string;
  user_id: string;
  value: boolean;
  expires_at: string | null;
  version: number;
}

type Row<T> = Omit<T, 'value' | 'id'> & { value: 0 | 1 };
// Classic targets have no id of their own: the flag and user ids name one.
const withValue = <T extends { value: boolean }>(row: Row<T> & { flag_id: string; user_id: string }): T =>
  ({ ...row, id: `${row.flag_id}:${row.user_id}`, value: row.value === 1 }) as unknown as T;

/** Prepared statements over the expiry columns of user targets; rows in, rows out. */
export function createExpiryStore(db: Db) {
  // The user's few targets, index-only on flag_targets_subject; then each by primary key with
  // its flag (asked in one statement, SQLite without statistics would walk the environment).
  const ownFlagIds = db.prepare<[string, string], string>('SELECT flag_id FROM flag_targets WHERE resource_id = ? AND environment_id = ?').pluck();
  const ofUser = db.prepare<[string, string, string], Row<TargetExpiry> & { created_at: string }>(
    `SELECT t.flag_id, f.slug, f.created_at, t.resource_id AS user_id, t.enabled AS value, t.expires_at, t.expiry_version AS version
     FROM json_each(?) AS j
     CROSS JOIN flag_targets AS t ON t.environment_id = ? AND t.flag_id = j.value AND t.resource_id = ?
     CROSS JOIN feature_flags AS f ON f.environment_id = t.environment_id AND f.id = t.flag_id
     WHERE t.expires_at IS NOT NULL`,
  );
  const targetOf = db.prepare<[string, string, string], Row<ExpiringTarget>>(
    `SELECT flag_id, resource_id AS user_id, enabled AS value, expires_at, expiry_version AS version FROM flag_targets
     WHERE environment_id = ? AND flag_id = ? AND resource_id = ? AND resource_type = 'user'`,
  );
  const schedule = db.prepare(
    'UPDATE flag_targets SET expires_at = ?, expiry_version = ? WHERE environment_id = ? AND flag_id = ? AND resource_id = ?',
  );
  // Through flag_targets_expiring (partial: only scheduled targets are in it).
  const earliest = db.prepare<[string], { expires_at: string | null }>(
    'SELECT min(expires_at) AS expires_at FROM flag_targets WHERE environment_id = ? AND expires_at IS NOT NULL',
  );
  const due = db.prepare<[string, string], { slug: string; user_id: string }>(
    `SELECT f.slug, t.resource_id AS user_id FROM flag_targets AS t
     JOIN feature_flags AS f ON f.environment_id = t.environment_id AND f.id = t.flag_id
     WHERE t.environment_id = ? AND t.expires_at IS NOT NULL AND t.expires_at <= ?
     ORDER BY t.expires_at`,
  );

  return {
    /** The user's scheduled removals, in flag creation order. */
    ofUser: (environmentId: string, userId: string): TargetExpiry[] =>
      ofUser
        .all(JSON.stringify(ownFlagIds.all(userId, environmentId)), environmentId, userId)
        .sort((a, b) => (a.created_at < b.created_at ? -1 : a.created_at > b.created_at ? 1 : a.flag_id < b.flag_id ? -1 : 1))
        .map(({ created_at: _, ...r }) => withValue<TargetExpiry>(r)),
    targetOf(environmentId: string, flagId: string, userId: string): ExpiringTarget | undefined {
      const row = targetOf.get(environmentId, flagId, userId);
      return row && withValue<ExpiringTarget>(row);
    },
    /** Sets (or with null clears) a target's schedule. */
    schedule(environmentId: string, target: { flag_id: string; user_id: string }, expiresAt: string | null, version: number): void {
      schedule.run(expiresAt, version, environmentId, target.flag_id, target.user_id);
    },
    earliest: (environmentId: string): string | null => earliest.get(environmentId)?.expires_at ?? null,
    /** Targets whose time has come at `now`, soonest first. */
    due: (environmentId: string, now: string) => due.all(environmentId, now),
  };
}

export type ExpiryStore = ReturnType<typeof createExpiryStore>;
