import type { InvitationWire } from './schemas.js';
import type { InvitationView } from './service.js';

/**
 * Invitation → wire object in spec order. No hosted sign-in page exists here, so the accept URL
 * points at the server that answered, with the token as WorkOS puts it (`invitation_token`).
 */
export function serializeInvitation(invitation: InvitationView, origin: string): InvitationWire {
  return {
    object: 'invitation',
    id: invitation.id,
    email: invitation.email,
    state: invitation.state,
    accepted_at: invitation.accepted_at,
    revoked_at: invitation.revoked_at,
    expires_at: invitation.expires_at,
    organization_id: invitation.organization_id,
    inviter_user_id: invitation.inviter_user_id,
    accepted_user_id: invitation.accepted_user_id,
    role_slug: invitation.role_slug,
    created_at: invitation.created_at,
    updated_at: invitation.updated_at,
    token: invitation.token,
    accept_invitation_url: `${origin}/invite?invitation_token=${encodeURIComponent(invitation.token)}`,
  };
}
