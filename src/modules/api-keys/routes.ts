import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { toList } from '../../http/pagination.js';
import * as S from './schemas.js';
import { serializeApiKey, serializeCreatedApiKey } from './serialize.js';
import type { ApiKeyService } from './service.js';

/** Organization API keys: list and create under the organization, validate and delete by key. */
export const apiKeyRoutes: FastifyPluginAsyncTypebox<{ apiKeys: ApiKeyService }> = async (app, { apiKeys }) => {
  app.get('/organizations/:organizationId/api_keys', { schema: S.listOrganizationApiKeys }, async (req) =>
    toList(apiKeys.list(req.environmentId, req.params.organizationId, req.query), serializeApiKey),
  );

  app.post('/organizations/:organizationId/api_keys', { schema: S.createOrganizationApiKey }, async (req, reply) => {
    const { key, value } = apiKeys.create(req.environmentId, req.params.organizationId, req.body);
    return reply.status(201).send(serializeCreatedApiKey(key, value));
  });

  // spec: 200 with `api_key: null` for a value that matches no key (not a 404).
  app.post('/api_keys/validations', { schema: S.validateApiKey }, async (req) => {
    const key = apiKeys.validate(req.environmentId, req.body.value);
    return { api_key: key && serializeApiKey(key) };
  });

  app.delete('/api_keys/:id', { schema: S.deleteApiKey }, async (req, reply) => {
    apiKeys.delete(req.environmentId, req.params.id);
    return reply.status(204).send(null);
  });
};
