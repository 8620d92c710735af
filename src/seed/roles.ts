import { DEFAULT_ROLES } from '../modules/roles/defaults.js';
import type { SeedEnvironment, SeedRole } from './schema.js';

/** The environment's roles: the defaults (fields overridable by a seed entry of the same slug), then the seed's others. */
export function rolesOf(env: SeedEnvironment): SeedRole[] {
  // Entries with an organization_id are custom roles of that organization, not environment roles.
  const environmentRoles = (env.roles ?? []).filter((r) => r.organization_id === undefined);
  const seeded = new Map(environmentRoles.map((r) => [r.slug, r]));
  const defaults = DEFAULT_ROLES.map((d) => ({ ...d, ...seeded.get(d.slug) }));
  const defaultSlugs = new Set(DEFAULT_ROLES.map((d) => d.slug));
  return [...defaults, ...environmentRoles.filter((r) => !defaultSlugs.has(r.slug))];
}
