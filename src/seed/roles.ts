import { DEFAULT_ROLES } from '../modules/roles/defaults.js';
import type { SeedEnvironment, SeedRole } from './schema.js';

/** The environment's roles: the defaults (fields overridable by a seed entry of the same slug), then the seed's others. */
export function rolesOf(env: SeedEnvironment): SeedRole[] {
  const seeded = new Map((env.roles ?? []).map((r) => [r.slug, r]));
  const defaults = DEFAULT_ROLES.map((d) => ({ ...d, ...seeded.get(d.slug) }));
  const defaultSlugs = new Set(DEFAULT_ROLES.map((d) => d.slug));
  return [...defaults, ...(env.roles ?? []).filter((r) => !defaultSlugs.has(r.slug))];
}
