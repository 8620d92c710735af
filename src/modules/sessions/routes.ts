import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { toList } from '../../http/pagination.js';
import * as S from './schemas.js';
import { serializeSession } from './serialize.js';
import type { SessionService } from './service.js';

/** users.sessions.list (the sessions sign-in created, and seeded ones, newest first) and sessions.revoke. */
export const sessionRoutes: FastifyPluginAsyncTypebox<{ sessions: SessionService }> = async (app, { sessions }) => {
  app.get('/user_management/users/:id/sessions', { schema: S.listSessions, config: { queryValidationStatus: 422 } }, async (req) =>
    toList(sessions.list(req.environmentId, req.params.id, req.query), serializeSession),
  );

  // spec: 200 with no body; bad input is its 400 (it has no 422).
  app.post('/user_management/sessions/revoke', { schema: S.revokeSession, config: { bodyValidationStatus: 400 } }, async (req, reply) => {
    sessions.revoke(req.environmentId, req.body.session_id);
    return reply.status(200).send(undefined as never);
  });
};
