import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { toList } from '../../http/pagination.js';
import * as S from './schemas.js';
import { serializeAuthorizedApplication } from './serialize.js';
import type { AuthorizedApplicationService } from './service.js';

/** The Connect applications a user authorized (seeded): list, and remove an authorization. */
export const authorizedApplicationRoutes: FastifyPluginAsyncTypebox<{ applications: AuthorizedApplicationService }> = async (
  app,
  { applications },
) => {
  app.get('/user_management/users/:user_id/authorized_applications', {
    schema: S.listAuthorizedApplications,
    config: { queryValidationStatus: 422 },
  }, async (req) => toList(applications.list(req.environmentId, req.params.user_id, req.query), serializeAuthorizedApplication));

  app.delete('/user_management/users/:user_id/authorized_applications/:application_id', { schema: S.deleteAuthorizedApplication }, async (req, reply) => {
    applications.delete(req.environmentId, req.params.user_id, req.params.application_id);
    return reply.status(204).send(null);
  });
};
