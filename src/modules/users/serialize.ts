import type { User as UserWire } from './schemas.js';
import type { User } from './store.js';

/** User → wire object, every field of the spec's UserlandUser in spec order (nullable ones as null, never absent). */
export function serializeUser(user: User): UserWire {
  return {
    object: 'user',
    id: user.id,
    first_name: user.first_name,
    last_name: user.last_name,
    profile_picture_url: user.profile_picture_url,
    email: user.email,
    email_verified: user.email_verified,
    external_id: user.external_id,
    metadata: { ...user.metadata },
    last_sign_in_at: user.last_sign_in_at,
    locale: user.locale,
    created_at: user.created_at,
    updated_at: user.updated_at,
  };
}
