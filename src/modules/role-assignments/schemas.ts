import { Type, type Static } from '@sinclair/typebox';
import { ListQuery } from '../../http/pagination.js';
import { ErrorBody, ListOf, Nullable, StringEnum, Timestamp } from '../../http/schemas.js';

// TypeBox mirrors of the spec component RoleAssignment (0.1.0), with what 0.61.0's UserRoleAssignment
// adds and requires (`organization_membership_id`, `source`) and what workos-node 11/12 read.

export const RoleAssignment = Type.Object(
  {
    object: Type.Literal('role_assignment'),
    id: Type.String(),
    organization_membership_id: Type.String(),
    role: Type.Object({ slug: Type.String() }),
    resource: Type.Object({ id: Type.String(), external_id: Type.String(), resource_type_slug: Type.String() }),
    source: Type.Object({ type: StringEnum(['direct', 'group'] as const), group_role_assignment_id: Nullable(Type.String()) }),
    created_at: Timestamp,
    updated_at: Timestamp,
  },
  { $id: 'RoleAssignment' },
);
export type RoleAssignment = Static<typeof RoleAssignment>;

// spec: the resource is named by id, or by external id + type (the service refuses both or neither).
export const ResourceTarget = {
  resource_id: Type.Optional(Type.String({ description: 'The ID of the resource.' })),
  resource_external_id: Type.Optional(Type.String({ description: 'The external ID of the resource (with `resource_type_slug`).' })),
  resource_type_slug: Type.Optional(Type.String({ description: 'The resource type slug (with `resource_external_id`).' })),
};

export const AssignRoleBody = Type.Object({ role_slug: Type.String({ minLength: 1, description: 'The slug of the role to assign.' }), ...ResourceTarget });
export type AssignRoleBody = Static<typeof AssignRoleBody>;
export const RemoveRoleBody = Type.Object({ role_slug: Type.String({ minLength: 1, description: 'The slug of the role to remove.' }), ...ResourceTarget });
export type RemoveRoleBody = Static<typeof RemoveRoleBody>;

// 0.61.0 adds the resource filters (workos-node 12 sends them).
export const ListRoleAssignmentsQuery = Type.Composite([ListQuery, Type.Object(ResourceTarget)]);
export type ListRoleAssignmentsQuery = Static<typeof ListRoleAssignmentsQuery>;

const tags = ['authorization'];
const Ref = Type.Ref('RoleAssignment');
const MembershipParams = Type.Object({ organization_membership_id: Type.String({ description: 'The ID of the organization membership.' }) });

export const listRoleAssignments = {
  operationId: 'AuthorizationRoleAssignmentsController_listRoleAssignments',
  tags,
  params: MembershipParams,
  querystring: ListRoleAssignmentsQuery,
  response: { 200: ListOf(Ref), 403: ErrorBody, 404: ErrorBody, 422: ErrorBody },
};
export const assignRole = {
  operationId: 'AuthorizationRoleAssignmentsController_assignRole',
  tags,
  params: MembershipParams,
  body: AssignRoleBody,
  response: { 201: Ref, 403: ErrorBody, 404: ErrorBody, 422: ErrorBody },
};
export const removeRoleByCriteria = {
  operationId: 'AuthorizationRoleAssignmentsController_removeRoleByCriteria',
  tags,
  params: MembershipParams,
  body: RemoveRoleBody,
  response: { 204: Type.Null({ description: 'No Content' }), 403: ErrorBody, 404: ErrorBody, 422: ErrorBody },
};
export const removeRoleById = {
  operationId: 'AuthorizationRoleAssignmentsController_removeRoleById',
  tags,
  params: Type.Object({ ...MembershipParams.properties, role_assignment_id: Type.String({ description: 'The ID of the role assignment to remove.' }) }),
  response: { 204: Type.Null({ description: 'No Content' }), 403: ErrorBody, 404: ErrorBody },
};
