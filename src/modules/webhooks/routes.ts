import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { toList } from '../../http/pagination.js';
import type { DeliveryService } from './deliveries.js';
import * as S from './schemas.js';
import { serializeDelivery, serializeEndpoint } from './serialize.js';
import type { WebhookEndpointService } from './service.js';

/** The four webhook endpoint operations of the spec (update is PATCH; there is no GET by id). */
export const webhookEndpointRoutes: FastifyPluginAsyncTypebox<{ endpoints: WebhookEndpointService }> = async (app, { endpoints }) => {
  app.get('/webhook_endpoints', { schema: S.listWebhookEndpoints, config: { queryValidationStatus: 422 } }, async (req) =>
    toList(endpoints.list(req.environmentId, req.query), serializeEndpoint),
  );

  app.post('/webhook_endpoints', { schema: S.createWebhookEndpoint }, async (req, reply) =>
    reply.status(201).send(serializeEndpoint(endpoints.create(req.environmentId, req.body))),
  );

  app.patch('/webhook_endpoints/:id', { schema: S.updateWebhookEndpoint }, async (req) =>
    serializeEndpoint(endpoints.update(req.environmentId, req.params.id, req.body)),
  );

  app.delete('/webhook_endpoints/:id', { schema: S.deleteWebhookEndpoint }, async (req, reply) => {
    endpoints.delete(req.environmentId, req.params.id);
    return reply.status(204).send(null);
  });
};

/** Deliveries of the key's environment, under ADMIN_PREFIX: read them, send one again now. */
export const deliveryAdminRoutes: FastifyPluginAsyncTypebox<{ deliveries: DeliveryService }> = async (app, { deliveries }) => {
  app.get('/webhooks/deliveries', { schema: S.listDeliveries }, async (req) => ({
    object: 'list' as const,
    data: deliveries.list(req.environmentId, req.query).map(serializeDelivery),
  }));

  app.post('/webhooks/deliveries/:id/retry', { schema: S.retryDelivery }, async (req) =>
    serializeDelivery(await deliveries.retry(req.environmentId, req.params.id)),
  );
};
