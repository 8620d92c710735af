import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { sendJsonText } from '../../http/json-text.js';
import { toList } from '../../http/pagination.js';
import type { ResourceService } from '../resources/service.js';
import { serializeResource } from '../resources/serialize.js';
import * as S from './schemas.js';
import { serializeMembershipWithUser } from './serialize.js';
import type { AuthorizationService } from './service.js';

const AUTHORIZED = JSON.stringify({ authorized: true });
const NOT_AUTHORIZED = JSON.stringify({ authorized: false });

// The spec's 400 for these lists carries `code: bad_request` (a missing parent): a bad query answers 422.
const config = { queryValidationStatus: 422 as const };

/** The access check and the discovery lists (who can reach a resource, what a membership can reach). */
export const authorizationRoutes: FastifyPluginAsyncTypebox<{ authorization: AuthorizationService; resources: ResourceService }> = async (
  app,
  { authorization, resources },
) => {
  // spec: a check is a POST that answers 200 with `authorized` either way. A synchronous handler
  // and the two possible bodies as text: the check is asked in tight loops, and the promise and
  // the serializer pass were a tenth of its cost.
  app.post('/authorization/organization_memberships/:organization_membership_id/check', { schema: S.check, config: { readOnly: true } }, (req, reply) => {
    const { authorized } = authorization.check(req.environmentId, req.params.organization_membership_id, req.body);
    sendJsonText(reply, authorized ? AUTHORIZED : NOT_AUTHORIZED);
  });
  app.get('/authorization/organization_memberships/:organization_membership_id/resources', { schema: S.listResourcesForMembership, config }, async (req) =>
    toList(authorization.resourcesForMembership(req.environmentId, req.params.organization_membership_id, req.query), serializeResource),
  );
  app.get('/authorization/resources/:resource_id/organization_memberships', { schema: S.listMembershipsForResource, config }, async (req) =>
    toList(
      authorization.membershipsForResource(req.environmentId, resources.get(req.environmentId, req.params.resource_id), req.query),
      serializeMembershipWithUser,
    ),
  );
  app.get(
    '/authorization/organizations/:organization_id/resources/:resource_type_slug/:external_id/organization_memberships',
    { schema: S.listMembershipsForResourceByExternalId, config },
    async (req) =>
      toList(authorization.membershipsForResource(req.environmentId, resources.getByExternalId(req.environmentId, req.params), req.query), serializeMembershipWithUser),
  );
};
