import type { AuthenticationFactorEnrolledWire, AuthenticationFactorWire } from './schemas.js';
import type { AuthChallenge, AuthFactor } from './store.js';
import { totpUri } from './totp.js';

/** Factor → wire object in spec order; the secret never leaves after enrollment. */
export function serializeFactor(f: AuthFactor): AuthenticationFactorWire {
  return {
    object: 'authentication_factor',
    id: f.id,
    type: f.type,
    user_id: f.user_id,
    totp: { issuer: f.totp_issuer, user: f.totp_user },
    created_at: f.created_at,
    updated_at: f.updated_at,
  };
}

/** The enrolled factor with its secret, otpauth URI and the QR code of it (computed by the caller). */
export function serializeEnrolledFactor(f: AuthFactor, qrCode: string): AuthenticationFactorEnrolledWire {
  return {
    object: 'authentication_factor',
    id: f.id,
    type: f.type,
    user_id: f.user_id,
    totp: { issuer: f.totp_issuer, user: f.totp_user, secret: f.totp_secret, qr_code: qrCode, uri: totpUri(f.totp_issuer, f.totp_user, f.totp_secret) },
    created_at: f.created_at,
    updated_at: f.updated_at,
  };
}

export function serializeChallenge(c: AuthChallenge) {
  return {
    object: 'authentication_challenge' as const,
    id: c.id,
    authentication_factor_id: c.factor_id,
    created_at: c.created_at,
    updated_at: c.updated_at,
  };
}
