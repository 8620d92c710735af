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

// Flags read through the flag cache are frozen and shared until the data changes, so their JSON
// is worth keeping with them: the lists SDKs poll then cost string joins, not serialization.
const jsonOf = new WeakMap<Flag, string>();

/** serializeFlag as JSON text, kept for frozen (cached) flags. */
export function flagJson(flag: Flag): string {
  let json = jsonOf.get(flag);
  if (json === undefined) {
    json = JSON.stringify(serializeFlag(flag));
    if (Object.isFrozen(flag)) jsonOf.set(flag, json);
  }
  return json;
}
