import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Role } from './store.js';
import * as S from './schemas.js';
import { serializeRole } from './serialize.js';
import type { RoleService } from './service.js';

const roleList = (list: Role[]) => ({ object: 'list' as const, data: list.map(serializeRole) });

/** Environment roles (/authorization/roles) and organization roles (/authorization/organizations/{id}/roles). */
export const roleRoutes: FastifyPluginAsyncTypebox<{ roles: RoleService }> = async (app, { roles }) => {
  app.get('/authorization/roles', { schema: S.listRoles }, async (req) => roleList(roles.listEnvironment(req.environmentId)));
  app.post('/authorization/roles', { schema: S.createRole }, async (req, reply) =>
    reply.status(201).send(serializeRole(roles.createEnvironment(req.environmentId, req.body))),
  );
  app.get('/authorization/roles/:slug', { schema: S.getRole }, async (req) =>
    serializeRole(roles.getEnvironment(req.environmentId, req.params.slug)),
  );
  app.patch('/authorization/roles/:slug', { schema: S.updateRole }, async (req) =>
    serializeRole(roles.updateEnvironment(req.environmentId, req.params.slug, req.body)),
  );
  // spec: PUT replaces the permissions, POST adds one.
  app.put('/authorization/roles/:slug/permissions', { schema: S.setRolePermissions }, async (req) =>
    serializeRole(roles.setEnvironmentPermissions(req.environmentId, req.params.slug, req.body)),
  );
  app.post('/authorization/roles/:slug/permissions', { schema: S.addRolePermission }, async (req) =>
    serializeRole(roles.addEnvironmentPermission(req.environmentId, req.params.slug, req.body)),
  );

  const organizationRoles = (environmentId: string, organizationId: string) => roleList(roles.listForOrganization(environmentId, organizationId));
  app.get('/authorization/organizations/:organizationId/roles', { schema: S.listOrganizationRoles }, async (req) =>
    organizationRoles(req.environmentId, req.params.organizationId),
  );
  app.get('/organizations/:organizationId/roles', { schema: S.listOrganizationRolesLegacy }, async (req) =>
    organizationRoles(req.environmentId, req.params.organizationId),
  );
  app.post('/authorization/organizations/:organizationId/roles', { schema: S.createOrganizationRole }, async (req, reply) =>
    reply.status(201).send(serializeRole(roles.createForOrganization(req.environmentId, req.params.organizationId, req.body))),
  );
  app.get('/authorization/organizations/:organizationId/roles/:slug', { schema: S.getOrganizationRole }, async (req) =>
    serializeRole(roles.getForOrganization(req.environmentId, req.params.organizationId, req.params.slug)),
  );
  app.patch('/authorization/organizations/:organizationId/roles/:slug', { schema: S.updateOrganizationRole }, async (req) =>
    serializeRole(roles.updateForOrganization(req.environmentId, req.params.organizationId, req.params.slug, req.body)),
  );
  app.delete('/authorization/organizations/:organizationId/roles/:slug', { schema: S.deleteOrganizationRole }, async (req, reply) => {
    roles.deleteForOrganization(req.environmentId, req.params.organizationId, req.params.slug);
    return reply.status(204).send(null);
  });
  app.put('/authorization/organizations/:organizationId/roles/:slug/permissions', { schema: S.setOrganizationRolePermissions }, async (req) =>
    serializeRole(roles.setOrganizationPermissions(req.environmentId, req.params.organizationId, req.params.slug, req.body)),
  );
  app.post('/authorization/organizations/:organizationId/roles/:slug/permissions', { schema: S.addOrganizationRolePermission }, async (req) =>
    serializeRole(roles.addOrganizationPermission(req.environmentId, req.params.organizationId, req.params.slug, req.body)),
  );
  app.delete(
    '/authorization/organizations/:organizationId/roles/:slug/permissions/:permissionSlug',
    { schema: S.removeOrganizationRolePermission },
    async (req) =>
      serializeRole(
        roles.removeOrganizationPermission(req.environmentId, req.params.organizationId, req.params.slug, req.params.permissionSlug),
      ),
  );
};
