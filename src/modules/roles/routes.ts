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
  app.get('/authorization/organizations/:organizationId/roles', { schema: S.listOrganizationRoles }, async (req) => {
    if (!organizationExists(req.environmentId, req.params.organizationId)) {
      throw notFound('Organization', req.params.organizationId);
    }
    return { object: 'list' as const, data: roles.all(req.environmentId).map(serializeRole) };
  });
};
