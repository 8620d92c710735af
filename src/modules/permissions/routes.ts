import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { toList } from '../../http/pagination.js';
import * as S from './schemas.js';
import { serializePermission } from './serialize.js';
import type { PermissionService } from './service.js';

// The spec gives the permissions list no 400: a bad query answers 422 like a bad body.
const config = { queryValidationStatus: 422 as const };

/** The five permission operations of the spec: list, create, get (find), update (PATCH), delete. */
export const permissionRoutes: FastifyPluginAsyncTypebox<{ permissions: PermissionService }> = async (app, { permissions }) => {
  app.get('/authorization/permissions', { schema: S.listPermissions, config }, async (req) =>
    toList(permissions.list(req.environmentId, req.query), serializePermission),
  );
  app.post('/authorization/permissions', { schema: S.createPermission }, async (req, reply) =>
    reply.status(201).send(serializePermission(permissions.create(req.environmentId, req.body))),
  );
  app.get('/authorization/permissions/:slug', { schema: S.getPermission }, async (req) =>
    serializePermission(permissions.get(req.environmentId, req.params.slug)),
  );
  app.patch('/authorization/permissions/:slug', { schema: S.updatePermission }, async (req) =>
    serializePermission(permissions.update(req.environmentId, req.params.slug, req.body)),
  );
  app.delete('/authorization/permissions/:slug', { schema: S.deletePermission }, async (req, reply) => {
    permissions.delete(req.environmentId, req.params.slug);
    return reply.status(204).send(null);
  });
};
