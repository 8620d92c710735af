import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { toList } from '../../http/pagination.js';
import * as S from './schemas.js';
import { serializeOrganization } from './serialize.js';
import type { OrganizationService } from './service.js';

/** The six Organizations operations of the spec, verbs and paths exactly as given there. */
export const organizationRoutes: FastifyPluginAsyncTypebox<{ organizations: OrganizationService }> = async (
  app,
  { organizations },
) => {
  // spec: the list answers 422 (never 400) for bad parameters.
  app.get('/organizations', { schema: S.listOrganizations, config: { queryValidationStatus: 422 } }, async (req) =>
    toList(organizations.list(req.environmentId, req.query), serializeOrganization),
  );

  app.post('/organizations', { schema: S.createOrganization }, async (req, reply) =>
    reply.status(201).send(serializeOrganization(organizations.create(req.environmentId, req.body))),
  );

  app.get('/organizations/external_id/:external_id', { schema: S.getOrganizationByExternalId }, async (req) =>
    serializeOrganization(organizations.getByExternalId(req.environmentId, req.params.external_id)),
  );

  app.get('/organizations/:id', { schema: S.getOrganization }, async (req) =>
    serializeOrganization(organizations.get(req.environmentId, req.params.id)),
  );

  app.put('/organizations/:id', { schema: S.updateOrganization }, async (req) =>
    serializeOrganization(organizations.update(req.environmentId, req.params.id, req.body)),
  );

  // spec: 200 or 202, no body. 202 is the status the spec declares explicitly (200 is the default
  // it lists for every operation); the deletion itself is complete when the answer leaves.
  app.delete('/organizations/:id', { schema: S.deleteOrganization }, async (req, reply) => {
    organizations.delete(req.environmentId, req.params.id);
    return reply.status(202).send();
  });
};
