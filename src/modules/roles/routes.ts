import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { notFound } from '../../http/errors.js';
import * as S from './schemas.js';
import { serializeRole } from './serialize.js';
import type { RoleStore } from './store.js';

export interface RoleRouteDeps {
  roles: RoleStore;
  organizationExists(environmentId: string, id: string): boolean;
}

/** The roles that apply to an organization: the environment's roles (custom organization roles are not modelled). */
export const roleRoutes: FastifyPluginAsyncTypebox<RoleRouteDeps> = async (app, { roles, organizationExists }) => {
  const list = (environmentId: string, organizationId: string) => {
    if (!organizationExists(environmentId, organizationId)) throw notFound('Organization', organizationId);
    return { object: 'list' as const, data: roles.all(environmentId).map(serializeRole) };
  };
  app.get('/authorization/organizations/:organizationId/roles', { schema: S.listOrganizationRoles }, async (req) =>
    list(req.environmentId, req.params.organizationId),
  );
  app.get('/organizations/:organizationId/roles', { schema: S.listOrganizationRolesLegacy }, async (req) =>
    list(req.environmentId, req.params.organizationId),
  );
};
