import type { Db } from '../../db/open.js';

/** spec: flag.rule_updated's `configured_targets`. */
export interface ConfiguredTargets {
  organizations: { id: string; name: string }[];
  users: { id: string; email: string }[];
}

/**
 * A flag's configured targets (those it is on for) with the organization's name or the user's
 * email the event carries, in the order they were added: the members of its user and organization
 * rules that serve true. Reads the tables directly: events describe the state, whatever wrote it.
 */
export function createFlagTargetReader(db: Db) {
  // Configured = a membership of the flag's user or organization rule serving true.
  const targets = db.prepare<[string, string], { resource_id: string; resource_type: 'user' | 'organization'; name: string | null; email: string | null }>(
    `SELECT t.target_id AS resource_id, t.target_type AS resource_type, o.name, u.email FROM flag_targets t
       JOIN flag_rules r ON r.environment_id = t.environment_id AND r.id = t.rule_id
       LEFT JOIN organizations o ON t.target_type = 'organization' AND o.environment_id = t.environment_id AND o.id = t.target_id
       LEFT JOIN users u ON t.target_type = 'user' AND u.environment_id = t.environment_id AND u.id = t.target_id
     WHERE t.environment_id = ? AND t.flag_id = ? AND r.value = 1 AND t.target_type IN ('user', 'organization')
     ORDER BY t.created_at, t.target_id`,
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
