import { Type, type Static } from '@sinclair/typebox';
import { ListQuery } from '../../http/pagination.js';
import { ErrorBody, ListOf, StringEnum, Timestamp } from '../../http/schemas.js';

// TypeBox mirrors of the spec components UserlandUserOrganizationMembership, SlimRole and the
// membership DTOs (@workos/openapi-spec 0.1.0).

export const SlimRole = Type.Object({ slug: Type.String({ description: 'The slug of the assigned role.' }) });

const Status = StringEnum(['active', 'inactive', 'pending'] as const);

export const OrganizationMembership = Type.Object(
  {
    object: Type.Literal('organization_membership'),
    id: Type.String(),
    user_id: Type.String(),
    organization_id: Type.String(),
    status: Status,
    directory_managed: Type.Boolean(),
    organization_name: Type.String(),
    custom_attributes: Type.Record(Type.String(), Type.Unknown()),
    created_at: Timestamp,
    updated_at: Timestamp,
    role: SlimRole,
    // 0.61.0: every role the membership holds in the organization (one: Multiple Roles is not enabled).
    roles: Type.Array(SlimRole),
    user: Type.Ref('User'),
  },
  { $id: 'OrganizationMembership' },
);
export type OrganizationMembership = Static<typeof OrganizationMembership>;

// spec: `role_slug` or `role_slugs` (at most one role here: Multiple Roles is not enabled), both optional.
const roleFields = {
  role_slug: Type.Optional(Type.String({ description: 'A single role identifier. Defaults to `member`.' })),
  role_slugs: Type.Optional(
    Type.Array(Type.String(), {
      minItems: 1,
      description: 'An array of role identifiers. Limited to one role: Multiple Roles is not enabled.',
    }),
  ),
};

export const CreateMembershipBody = Type.Object({
  user_id: Type.String({ description: 'The ID of the user.' }),
  organization_id: Type.String({ description: 'The ID of the organization which the user belongs to.' }),
  ...roleFields,
});
export type CreateMembershipBody = Static<typeof CreateMembershipBody>;

export const UpdateMembershipBody = Type.Object(roleFields);
export type UpdateMembershipBody = Static<typeof UpdateMembershipBody>;

export const ListMembershipsQuery = Type.Composite([
  ListQuery,
  Type.Object({
    organization_id: Type.Optional(Type.String({ description: 'The ID of the organization which the user belongs to.' })),
    user_id: Type.Optional(Type.String({ description: 'The ID of the user.' })),
    // spec: `style: form, explode: false`, i.e. `statuses=active,inactive` (what the SDK sends).
    statuses: Type.Optional(
      Type.Array(Type.String(), { description: 'Comma-separated statuses: any of `active`, `inactive`, `pending`. Default: `active`.' }),
    ),
  }),
]);
export type ListMembershipsQuery = Static<typeof ListMembershipsQuery>;

const IdParams = Type.Object({ id: Type.String({ description: 'The unique ID of the organization membership.' }) });
const tags = ['user-management.organization-membership'];
const Membership = Type.Ref('OrganizationMembership');

// One route schema per spec operationId.
export const listMemberships = {
  operationId: 'UserlandUserOrganizationMembershipsController_list',
  tags,
  querystring: ListMembershipsQuery,
  response: { 200: ListOf(Membership), 400: ErrorBody, 404: ErrorBody, 422: ErrorBody },
};
export const createMembership = {
  operationId: 'UserlandUserOrganizationMembershipsController_create',
  tags,
  body: CreateMembershipBody,
  response: { 201: Membership, 400: ErrorBody, 404: ErrorBody, 422: ErrorBody },
};
export const getMembership = {
  operationId: 'UserlandUserOrganizationMembershipsController_get',
  tags,
  params: IdParams,
  response: { 200: Membership, 404: ErrorBody },
};
export const updateMembership = {
  operationId: 'UserlandUserOrganizationMembershipsController_update',
  tags,
  params: IdParams,
  body: UpdateMembershipBody,
  response: { 200: Membership, 404: ErrorBody, 422: ErrorBody },
};
export const deleteMembership = {
  operationId: 'UserlandUserOrganizationMembershipsController_delete',
  tags,
  params: IdParams,
  response: { 200: Type.Null({ description: 'OK' }), 404: ErrorBody },
};
export const deactivateMembership = {
  operationId: 'UserlandUserOrganizationMembershipsController_deactivate',
  tags,
  params: IdParams,
  response: { 200: Membership, 400: ErrorBody, 404: ErrorBody, 422: ErrorBody },
};
export const reactivateMembership = {
  operationId: 'UserlandUserOrganizationMembershipsController_reactivate',
  tags,
  params: IdParams,
  response: { 200: Membership, 400: ErrorBody, 404: ErrorBody, 422: ErrorBody },
};
