import type { Db } from '../../db/open.js';

/** A user target's scheduled removal (columns of its rule membership, migrations/0031). */
export interface TargetExpiry {
  /** The membership's id (flag_target_…): LaunchDarkly's `_id` for the schedule. */
  id: string;
  flag_id: string;
  slug: string;
  user_id: string;
  /** What the target serves: its rule's value. */
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

type Row<T> = Omit<T, 'value'> & { value: 0 | 1 };
const withValue = <T extends { value: boolean }>(row: Row<T>): T => ({ ...row, value: row.value === 1 }) as unknown as T;

/** Prepared statements over the expiry columns of user rule memberships; rows in, rows out. */
export function createExpiryStore(db: Db) {
  // The user's few memberships, index-only on flag_targets_subject; then each by primary key
  // with its rule and flag (asked in one statement, SQLite without statistics would walk the
  // environment).
  const ownFlagIds = db
    .prepare<[string, string], string>("SELECT flag_id FROM flag_targets WHERE target_id = ? AND environment_id = ? AND target_type = 'user'")
    .pluck();
  const ofUser = db.prepare<[string, string, string], Row<TargetExpiry> & { created_at: string }>(
    `SELECT t.id, t.flag_id, f.slug, f.created_at, t.target_id AS user_id, r.value, t.expires_at, t.expiry_version AS version
     FROM json_each(?) AS j
     CROSS JOIN flag_targets AS t ON t.environment_id = ? AND t.flag_id = j.value AND t.target_type = 'user' AND t.target_id = ?
     CROSS JOIN flag_rules AS r ON r.environment_id = t.environment_id AND r.id = t.rule_id
     CROSS JOIN feature_flags AS f ON f.environment_id = t.environment_id AND f.id = t.flag_id
     WHERE t.expires_at IS NOT NULL`,
  );
  const targetOf = db.prepare<[string, string, string], Row<ExpiringTarget>>(
    `SELECT t.id, t.flag_id, t.target_id AS user_id, r.value, t.expires_at, t.expiry_version AS version
     FROM flag_targets AS t JOIN flag_rules AS r ON r.environment_id = t.environment_id AND r.id = t.rule_id
     WHERE t.environment_id = ? AND t.flag_id = ? AND t.target_type = 'user' AND t.target_id = ?`,
  );
  const schedule = db.prepare(
    `UPDATE flag_targets SET expires_at = ?, expiry_version = ?
     WHERE environment_id = ? AND flag_id = ? AND target_type = 'user' AND target_id = ?`,
  );
  // Through flag_targets_expiring (partial: only scheduled targets are in it).
  const earliest = db.prepare<[string], { expires_at: string | null }>(
    'SELECT min(expires_at) AS expires_at FROM flag_targets WHERE environment_id = ? AND expires_at IS NOT NULL',
  );
  const due = db.prepare<[string, string], { slug: string; user_id: string }>(
    `SELECT f.slug, t.target_id AS user_id FROM flag_targets AS t
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
