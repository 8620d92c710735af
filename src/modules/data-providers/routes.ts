import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import * as S from './schemas.js';
import { serializeDataProvider } from './serialize.js';
import type { DataProviderService } from './service.js';

/** users.data_providers: the environment's providers with the user's connection to each. */
export const dataProviderRoutes: FastifyPluginAsyncTypebox<{ providers: DataProviderService }> = async (app, { providers }) => {
  // spec: a list without pagination (no list_metadata).
  app.get('/user_management/users/:user_id/data_providers', { schema: S.listDataProviders }, async (req) => ({
    object: 'list' as const,
    data: providers.forUser(req.environmentId, req.params.user_id, req.query.organization_id).map(serializeDataProvider),
  }));
};
