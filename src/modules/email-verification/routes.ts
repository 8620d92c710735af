import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { serializeUser } from '../users/serialize.js';
import * as S from './schemas.js';
import { serializeEmailVerification } from './serialize.js';
import type { EmailVerificationService } from './service.js';

/** email_verification.get and a user's verification send/confirm, as the spec gives them. */
export const emailVerificationRoutes: FastifyPluginAsyncTypebox<{ verifications: EmailVerificationService }> = async (
  app,
  { verifications },
) => {
  app.get('/user_management/email_verification/:id', { schema: S.getEmailVerification }, async (req) =>
    serializeEmailVerification(verifications.get(req.environmentId, req.params.id)),
  );

  app.post('/user_management/users/:id/email_verification/send', { schema: S.sendVerificationEmail }, async (req) => ({
    user: serializeUser(verifications.send(req.environmentId, req.params.id)),
  }));

  app.post('/user_management/users/:id/email_verification/confirm', { schema: S.verifyEmail }, async (req) => ({
    user: serializeUser(verifications.confirm(req.environmentId, req.params.id, req.body.code)),
  }));
};

/** Under ADMIN_PREFIX: the newest code of a user, which a real service would have emailed. */
export const emailVerificationAdminRoutes: FastifyPluginAsyncTypebox<{ verifications: EmailVerificationService }> = async (
  app,
  { verifications },
) => {
  app.get('/user_management/users/:id/email_verification', { schema: S.getLatestEmailVerification }, async (req) =>
    serializeEmailVerification(verifications.latest(req.environmentId, req.params.id)),
  );
};
