import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { toList } from '../../http/pagination.js';
import * as S from './schemas.js';
import { serializeSession } from './serialize.js';
import type { SessionService } from './service.js';

/** users.sessions.list: the sessions sign-in created (and seeded ones), newest first. */
export const sessionRoutes: FastifyPluginAsyncTypebox<{ sessions: SessionService }> = async (app, { sessions }) => {
  app.get('/user_management/users/:id/sessions', { schema: S.listSessions, config: { queryValidationStatus: 422 } }, async (req) =>
    toList(sessions.list(req.environmentId, req.params.id, req.query), serializeSession),
  );
};
