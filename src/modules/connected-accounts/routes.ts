import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import * as S from './schemas.js';
import { serializeConnectedAccount } from './serialize.js';
import type { ConnectedAccountService } from './service.js';

/** A user's account at a data provider (seeded: no OAuth flow runs here): get it, disconnect it. */
export const connectedAccountRoutes: FastifyPluginAsyncTypebox<{ accounts: ConnectedAccountService }> = async (app, { accounts }) => {
  app.get('/user_management/users/:user_id/connected_accounts/:slug', { schema: S.getConnectedAccount }, async (req) =>
    serializeConnectedAccount(accounts.get(req.environmentId, req.params.user_id, req.params.slug, req.query.organization_id)),
  );

  app.delete('/user_management/users/:user_id/connected_accounts/:slug', { schema: S.deleteConnectedAccount }, async (req, reply) => {
    accounts.delete(req.environmentId, req.params.user_id, req.params.slug, req.query.organization_id);
    return reply.status(204).send(null);
  });
};
