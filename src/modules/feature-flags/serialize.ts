import type { FeatureFlag } from './schemas.js';
import type { Flag } from './store.js';

/** Flag → wire object, every field listed in spec order (no row spreading, so nothing internal leaks). */
export function serializeFlag(flag: Flag): FeatureFlag {
  return {
    object: 'feature_flag',
    id: flag.id,
    slug: flag.slug,
    name: flag.name,
    description: flag.description,
    owner: flag.owner && { email: flag.owner.email, first_name: flag.owner.first_name, last_name: flag.owner.last_name },
    tags: flag.tags,
    enabled: flag.enabled,
    default_value: flag.default_value,
    created_at: flag.created_at,
    updated_at: flag.updated_at,
  };
}
