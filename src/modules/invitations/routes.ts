import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { toList } from '../../http/pagination.js';
import * as S from './schemas.js';
import { serializeInvitation } from './serialize.js';
import type { InvitationService, InvitationView } from './service.js';

const originOf = (req: FastifyRequest) => `${req.protocol}://${req.host}`;

/** The seven invitation operations of the spec: verbs, paths and statuses as given there. */
export const invitationRoutes: FastifyPluginAsyncTypebox<{ invitations: InvitationService }> = async (app, { invitations }) => {
  const wire = (req: FastifyRequest) => (invitation: InvitationView) => serializeInvitation(invitation, originOf(req));

  // spec: the list has no 400, so bad query parameters answer 422.
  app.get('/user_management/invitations', { schema: S.listInvitations, config: { queryValidationStatus: 422 } }, async (req) =>
    toList(invitations.list(req.environmentId, req.query), wire(req)),
  );

  app.post('/user_management/invitations', { schema: S.sendInvitation }, async (req, reply) =>
    reply.status(201).send(wire(req)(invitations.send(req.environmentId, req.body))),
  );

  app.get('/user_management/invitations/by_token/:token', { schema: S.getInvitationByToken }, async (req) =>
    wire(req)(invitations.getByToken(req.environmentId, req.params.token)),
  );

  app.get('/user_management/invitations/:id', { schema: S.getInvitation }, async (req) =>
    wire(req)(invitations.get(req.environmentId, req.params.id)),
  );

  app.post('/user_management/invitations/:id/accept', { schema: S.acceptInvitation }, async (req) =>
    wire(req)(invitations.accept(req.environmentId, req.params.id)),
  );

  // A bodiless resend (curl -X POST) is a resend without a locale.
  app.post('/user_management/invitations/:id/resend', {
    schema: S.resendInvitation,
    preValidation: async (req) => {
      req.body ??= {};
    },
  }, async (req) => wire(req)(invitations.resend(req.environmentId, req.params.id)));

  app.post('/user_management/invitations/:id/revoke', { schema: S.revokeInvitation }, async (req) =>
    wire(req)(invitations.revoke(req.environmentId, req.params.id)),
  );
};
