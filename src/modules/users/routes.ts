import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { toList } from '../../http/pagination.js';
import * as S from './schemas.js';
import { serializeUser } from './serialize.js';
import type { UserService } from './service.js';

/** The six user operations of the spec: verbs, paths and statuses as given there. */
export const userRoutes: FastifyPluginAsyncTypebox<{ users: UserService }> = async (app, { users }) => {
  // spec: the list has no 400, so bad query parameters answer 422.
  app.get('/user_management/users', { schema: S.listUsers, config: { queryValidationStatus: 422 } }, async (req) =>
    toList(users.list(req.environmentId, req.query), serializeUser),
  );

  app.post('/user_management/users', { schema: S.createUser }, async (req, reply) =>
    reply.status(201).send(serializeUser(users.create(req.environmentId, req.body))),
  );

  app.get('/user_management/users/external_id/:external_id', { schema: S.getUserByExternalId }, async (req) =>
    serializeUser(users.getByExternalId(req.environmentId, req.params.external_id)),
  );

  app.get('/user_management/users/:id', { schema: S.getUser }, async (req) =>
    serializeUser(users.get(req.environmentId, req.params.id)),
  );

  // spec: update is PUT; omitted fields are left unchanged.
  app.put('/user_management/users/:id', { schema: S.updateUser }, async (req) =>
    serializeUser(users.update(req.environmentId, req.params.id, req.body)),
  );

  // spec: delete answers 200 with no body.
  app.delete('/user_management/users/:id', { schema: S.deleteUser }, async (req, reply) => {
    users.delete(req.environmentId, req.params.id);
    return reply.status(200).send(undefined as never);
  });
};
