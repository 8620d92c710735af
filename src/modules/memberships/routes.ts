import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { toList } from '../../http/pagination.js';
import * as S from './schemas.js';
import { serializeMembership } from './serialize.js';
import type { MembershipService } from './service.js';

/** The seven organization membership operations of the spec: verbs, paths and statuses as given there. */
export const membershipRoutes: FastifyPluginAsyncTypebox<{ memberships: MembershipService }> = async (app, { memberships }) => {
  app.get('/user_management/organization_memberships', { schema: S.listMemberships }, async (req) =>
    toList(memberships.list(req.environmentId, req.query), serializeMembership),
  );

  app.post('/user_management/organization_memberships', { schema: S.createMembership }, async (req, reply) =>
    reply.status(201).send(serializeMembership(memberships.create(req.environmentId, req.body))),
  );

  app.get('/user_management/organization_memberships/:id', { schema: S.getMembership }, async (req) =>
    serializeMembership(memberships.get(req.environmentId, req.params.id)),
  );

  // spec: the role is changed with PUT on the membership itself.
  app.put('/user_management/organization_memberships/:id', { schema: S.updateMembership }, async (req) =>
    serializeMembership(memberships.update(req.environmentId, req.params.id, req.body)),
  );

  // spec: delete answers 200 with no body.
  app.delete('/user_management/organization_memberships/:id', { schema: S.deleteMembership }, async (req, reply) => {
    memberships.delete(req.environmentId, req.params.id);
    return reply.status(200).send(undefined as never);
  });

  app.put('/user_management/organization_memberships/:id/deactivate', { schema: S.deactivateMembership }, async (req) =>
    serializeMembership(memberships.deactivate(req.environmentId, req.params.id)),
  );

  app.put('/user_management/organization_memberships/:id/reactivate', { schema: S.reactivateMembership }, async (req) =>
    serializeMembership(memberships.reactivate(req.environmentId, req.params.id)),
  );
};
