import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { toList } from '../../http/pagination.js';
import * as S from './schemas.js';
import { serializeChallenge, serializeEnrolledFactor, serializeFactor } from './serialize.js';
import type { AuthFactorService } from './service.js';
import { qrDataUri, totpUri } from './totp.js';

/** A user's TOTP factors (enroll, list) and the MFA factor routes (get, delete). */
export const authFactorRoutes: FastifyPluginAsyncTypebox<{ factors: AuthFactorService }> = async (app, { factors }) => {
  // spec: bad input to these two answers 422 (they have no 400).
  app.post('/user_management/users/:userlandUserId/auth_factors', { schema: S.enrollUserAuthFactor }, async (req, reply) => {
    const { factor, challenge } = factors.enroll(req.environmentId, req.params.userlandUserId, req.body);
    // The QR code is drawn after the write's transaction, which must not await.
    const qr = await qrDataUri(totpUri(factor.totp_issuer, factor.totp_user, factor.totp_secret));
    return reply.status(201).send({ authentication_factor: serializeEnrolledFactor(factor, qr), authentication_challenge: serializeChallenge(challenge) });
  });

  app.get('/user_management/users/:userlandUserId/auth_factors', { schema: S.listUserAuthFactors, config: { queryValidationStatus: 422 } }, async (req) =>
    toList(factors.list(req.environmentId, req.params.userlandUserId, req.query), serializeFactor),
  );

  app.get('/auth/factors/:id', { schema: S.getFactor }, async (req) => serializeFactor(factors.get(req.environmentId, req.params.id)));

  // spec: 200 or 204, no body either way; 204 says so.
  app.delete('/auth/factors/:id', { schema: S.deleteFactor }, async (req, reply) => {
    factors.delete(req.environmentId, req.params.id);
    return reply.status(204).send(null);
  });
};
