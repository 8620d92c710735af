import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { serializeDomain } from '../organizations/serialize.js';
import * as S from './schemas.js';
import type { OrganizationDomainService } from './service.js';

/** The four Organization Domains operations of the spec. */
export const organizationDomainRoutes: FastifyPluginAsyncTypebox<{ domains: OrganizationDomainService }> = async (
  app,
  { domains },
) => {
  app.post('/organization_domains', { schema: S.createOrganizationDomain }, async (req, reply) =>
    reply.status(201).send(serializeDomain(domains.create(req.environmentId, req.body))),
  );

  app.get('/organization_domains/:id', { schema: S.getOrganizationDomain }, async (req) =>
    serializeDomain(domains.get(req.environmentId, req.params.id)),
  );

  app.delete('/organization_domains/:id', { schema: S.deleteOrganizationDomain }, async (req, reply) => {
    domains.delete(req.environmentId, req.params.id);
    return reply.status(204).send(null);
  });

  // spec: verify is a POST answering 201 with the domain.
  app.post('/organization_domains/:id/verify', { schema: S.verifyOrganizationDomain }, async (req, reply) =>
    reply.status(201).send(serializeDomain(domains.verify(req.environmentId, req.params.id))),
  );
};
