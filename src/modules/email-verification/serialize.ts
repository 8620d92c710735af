import type { EmailVerificationWire } from './schemas.js';
import type { EmailVerification } from './store.js';

/** Email verification → wire object in spec order (used_at stays internal). */
export function serializeEmailVerification(v: EmailVerification): EmailVerificationWire {
  return {
    object: 'email_verification',
    id: v.id,
    user_id: v.user_id,
    email: v.email,
    expires_at: v.expires_at,
    created_at: v.created_at,
    updated_at: v.updated_at,
    code: v.code,
  };
}
