import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { toList } from '../../http/pagination.js';
import * as S from './schemas.js';
import { serializeResource } from './serialize.js';
import type { ResourceService } from './service.js';

// The spec gives the resources list 422 (no 400) for a bad query.
const listConfig = { queryValidationStatus: 422 as const };
const EXTERNAL = '/authorization/organizations/:organization_id/resources/:resource_type_slug/:external_id';

/** Resources by id and by external id within an organization. */
export const resourceRoutes: FastifyPluginAsyncTypebox<{ resources: ResourceService }> = async (app, { resources }) => {
  app.get('/authorization/resources', { schema: S.listResources, config: listConfig }, async (req) =>
    toList(resources.list(req.environmentId, req.query), serializeResource),
  );
  app.post('/authorization/resources', { schema: S.createResource }, async (req, reply) =>
    reply.status(201).send(serializeResource(resources.create(req.environmentId, req.body))),
  );
  app.get('/authorization/resources/:resource_id', { schema: S.getResource }, async (req) =>
    serializeResource(resources.get(req.environmentId, req.params.resource_id)),
  );
  app.patch('/authorization/resources/:resource_id', { schema: S.updateResource }, async (req) =>
    serializeResource(resources.update(req.environmentId, req.params.resource_id, req.body)),
  );
  app.delete('/authorization/resources/:resource_id', { schema: S.deleteResource }, async (req, reply) => {
    resources.delete(req.environmentId, req.params.resource_id, req.query.cascade_delete ?? false);
    return reply.status(204).send(null);
  });

  app.get(EXTERNAL, { schema: S.getResourceByExternalId }, async (req) => serializeResource(resources.getByExternalId(req.environmentId, req.params)));
  app.patch(EXTERNAL, { schema: S.updateResourceByExternalId }, async (req) =>
    serializeResource(resources.updateByExternalId(req.environmentId, req.params, req.body)),
  );
  app.delete(EXTERNAL, { schema: S.deleteResourceByExternalId }, async (req, reply) => {
    resources.deleteByExternalId(req.environmentId, req.params, req.query.cascade_delete ?? false);
    return reply.status(204).send(null);
  });
};
