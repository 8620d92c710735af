import { Type } from '@sinclair/typebox';
import { ListQuery } from '../../http/pagination.js';
import { ErrorBody, ListOf, StringEnum } from '../../http/schemas.js';
import { ExternalParams } from '../resources/schemas.js';
import { ResourceTarget } from '../role-assignments/schemas.js';

// TypeBox mirrors of the spec's AuthorizationCheck, CheckAuthorizationDto and the discovery lists (0.1.0).

export const AuthorizationCheck = Type.Object({ authorized: Type.Boolean({ description: 'Whether the organization membership has the permission on the resource.' }) });

export const CheckBody = Type.Object({ permission_slug: Type.String({ minLength: 1, description: 'The slug of the permission to check.' }), ...ResourceTarget });

export const ResourcesForMembershipQuery = Type.Composite([
  ListQuery,
  Type.Object({
    permission_slug: Type.String({ minLength: 1, description: 'Only child resources where the membership has this permission are returned.' }),
    parent_resource_id: Type.Optional(Type.String({ description: 'The WorkOS ID of the parent resource.' })),
    parent_resource_type_slug: Type.Optional(Type.String({ description: 'The slug of the parent resource type (with `parent_resource_external_id`).' })),
    parent_resource_external_id: Type.Optional(Type.String({ description: 'The external id of the parent resource (with `parent_resource_type_slug`).' })),
  }),
]);

export const MembershipsForResourceQuery = Type.Composite([
  ListQuery,
  Type.Object({
    permission_slug: Type.String({ minLength: 1, description: 'Only memberships with this permission on the resource are returned.' }),
    assignment: Type.Optional(StringEnum(['direct', 'indirect'] as const, { description: '`direct`: assignments on the resource only; `indirect` (default): inherited ones too.' })),
  }),
]);

// spec: UserlandUserOrganizationMembershipBaseWithUser (no role).
export const MembershipWithUser = Type.Object({
  object: Type.Literal('organization_membership'),
  id: Type.String(),
  user_id: Type.String(),
  organization_id: Type.String(),
  status: StringEnum(['active', 'inactive', 'pending'] as const),
  directory_managed: Type.Boolean(),
  organization_name: Type.String(),
  custom_attributes: Type.Record(Type.String(), Type.Unknown()),
  created_at: Type.String({ format: 'date-time' }),
  updated_at: Type.String({ format: 'date-time' }),
  user: Type.Ref('User'),
});

const tags = ['authorization'];
const MembershipParams = Type.Object({ organization_membership_id: Type.String({ description: 'The ID of the organization membership.' }) });
const lists = { 400: ErrorBody, 403: ErrorBody, 404: ErrorBody, 422: ErrorBody };

export const check = {
  operationId: 'AuthorizationController_check',
  tags,
  params: MembershipParams,
  body: CheckBody,
  response: { 200: AuthorizationCheck, 403: ErrorBody, 404: ErrorBody, 422: ErrorBody },
};
export const listResourcesForMembership = {
  operationId: 'AuthorizationController_listResourcesForMembership',
  tags,
  params: MembershipParams,
  querystring: ResourcesForMembershipQuery,
  response: { 200: ListOf(Type.Ref('AuthorizationResource')), ...lists },
};
export const listMembershipsForResource = {
  operationId: 'AuthorizationResourcesController_listOrganizationMembershipsForResource',
  tags,
  params: Type.Object({ resource_id: Type.String({ description: 'The ID of the authorization resource.' }) }),
  querystring: MembershipsForResourceQuery,
  response: { 200: ListOf(MembershipWithUser), ...lists },
};
export const listMembershipsForResourceByExternalId = {
  operationId: 'AuthorizationResourcesByExternalIdController_listOrganizationMembershipsForResourceByExternalId',
  tags,
  params: ExternalParams,
  querystring: MembershipsForResourceQuery,
  response: { 200: ListOf(MembershipWithUser), ...lists },
};
