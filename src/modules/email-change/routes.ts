import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { serializeUser } from '../users/serialize.js';
import * as S from './schemas.js';
import type { EmailChangeService } from './service.js';

/** A user's email change: send a code to the new address, confirm it. */
export const emailChangeRoutes: FastifyPluginAsyncTypebox<{ changes: EmailChangeService }> = async (app, { changes }) => {
  app.post('/user_management/users/:id/email_change/send', { schema: S.sendEmailChange }, async (req) => {
    const { user, change } = changes.send(req.environmentId, req.params.id, req.body.new_email);
    return {
      object: 'email_change' as const,
      user: serializeUser(user),
      new_email: change.new_email,
      expires_at: change.expires_at,
      created_at: change.created_at,
    };
  });

  app.post('/user_management/users/:id/email_change/confirm', { schema: S.confirmEmailChange }, async (req) => ({
    object: 'email_change_confirmation' as const,
    user: serializeUser(changes.confirm(req.environmentId, req.params.id, req.body.code)),
  }));
};

/** Under ADMIN_PREFIX: a user's email change in flight with its code, which a real service would have emailed. */
export const emailChangeAdminRoutes: FastifyPluginAsyncTypebox<{ changes: EmailChangeService }> = async (app, { changes }) => {
  app.get('/user_management/users/:id/email_change', { schema: S.getPendingEmailChange }, async (req) => {
    const change = changes.pending(req.environmentId, req.params.id);
    const { user_id, new_email, code, expires_at, created_at } = change;
    return { object: 'email_change' as const, user_id, new_email, code, expires_at, created_at };
  });
};
