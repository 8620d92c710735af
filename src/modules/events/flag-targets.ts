import type { Db } from '../../db/open.js';

/** spec: flag.rule_updated's `configured_targets`. */
export interface ConfiguredTargets {
  organizations: { id: string; name: string }[];
  users: { id: string; email: string }[];
}

/**
 * A flag's configured targets (those it is on for) with the organization's name or the user's
 * email the event carries, in the order they were added. Reads the targets table directly:
 * events describe the state, whatever wrote it.
 */
export function createFlagTargetReader(db: Db) {
  const targets = db.prepare<[string, string], { resource_id: string; resource_type: 'user' | 'organization'; name: string | null; email: string | null }>(
    `SELECT t.resource_id, t.resource_type, o.name, u.email FROM flag_targets t
       LEFT JOIN organizations o ON t.resource_type = 'organization' AND o.environment_id = t.environment_id AND o.id = t.resource_id
       LEFT JOIN users u ON t.resource_type = 'user' AND u.environment_id = t.environment_id AND u.id = t.resource_id
     WHERE t.environment_id = ? AND t.flag_id = ? AND t.enabled = 1
     ORDER BY t.created_at, t.resource_id`,
  );
  return {
    configuredTargets(environmentId: string, flagId: string): ConfiguredTargets {
      const out: ConfiguredTargets = { organizations: [], users: [] };
      for (const t of targets.all(environmentId, flagId)) {
        if (t.resource_type === 'organization') out.organizations.push({ id: t.resource_id, name: t.name ?? '' });
        else out.users.push({ id: t.resource_id, email: t.email ?? '' });
      }
      return out;
    },
  };
}

export type FlagTargetReader = ReturnType<typeof createFlagTargetReader>;
