import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { toList } from '../../http/pagination.js';
import * as S from './schemas.js';
import { serializeRoleAssignment } from './serialize.js';
import type { PlacedAssignment, RoleAssignmentService } from './service.js';

const serialize = (p: PlacedAssignment) => serializeRoleAssignment(p.assignment, p.resource);
const BASE = '/authorization/organization_memberships/:organization_membership_id/role_assignments';

/** Role assignments of a membership: list, assign, remove by role + resource, remove by id. */
export const roleAssignmentRoutes: FastifyPluginAsyncTypebox<{ assignments: RoleAssignmentService }> = async (app, { assignments }) => {
  // The spec gives the list no 400: a bad query answers 422.
  app.get(BASE, { schema: S.listRoleAssignments, config: { queryValidationStatus: 422 } }, async (req) =>
    toList(assignments.list(req.environmentId, req.params.organization_membership_id, req.query), serialize),
  );
  app.post(BASE, { schema: S.assignRole }, async (req, reply) =>
    reply.status(201).send(serialize(assignments.assign(req.environmentId, req.params.organization_membership_id, req.body))),
  );
  // spec: DELETE with a body (workos-node's deleteWithBody).
  app.delete(BASE, { schema: S.removeRoleByCriteria }, async (req, reply) => {
    assignments.removeByCriteria(req.environmentId, req.params.organization_membership_id, req.body);
    return reply.status(204).send(null);
  });
  app.delete(`${BASE}/:role_assignment_id`, { schema: S.removeRoleById }, async (req, reply) => {
    assignments.removeById(req.environmentId, req.params.organization_membership_id, req.params.role_assignment_id);
    return reply.status(204).send(null);
  });
};
