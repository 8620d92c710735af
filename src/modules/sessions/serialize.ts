import type { SessionWire } from './schemas.js';
import type { SessionView } from './service.js';

/** Session → wire object in spec order; organization_id and impersonator are absent when not set (the spec does not require them). */
export function serializeSession(s: SessionView): SessionWire {
  return {
    object: 'session',
    id: s.id,
    ...(s.impersonator_email !== null && { impersonator: { email: s.impersonator_email, reason: s.impersonator_reason } }),
    ip_address: s.ip_address,
    ...(s.organization_id !== null && { organization_id: s.organization_id }),
    user_agent: s.user_agent,
    user_id: s.user_id,
    auth_method: s.auth_method,
    status: s.status,
    expires_at: s.expires_at,
    ended_at: s.ended_at,
    created_at: s.created_at,
    updated_at: s.updated_at,
  };
}
