import { Type, type Static } from '@sinclair/typebox';
import { ErrorBody, Nullable, StringEnum, Timestamp } from '../../http/schemas.js';

// TypeBox mirrors of the spec components Role and RoleList (@workos/openapi-spec 0.1.0).
export const Role = Type.Object(
  {
    slug: Type.String(),
    object: Type.Literal('role'),
    id: Type.String(),
    name: Type.String(),
    description: Nullable(Type.String()),
    type: StringEnum(['EnvironmentRole', 'OrganizationRole'] as const),
    resource_type_slug: Type.String(),
    permissions: Type.Array(Type.String()),
    created_at: Timestamp,
    updated_at: Timestamp,
  },
  { $id: 'Role' },
);
export type Role = Static<typeof Role>;

// spec: RoleList has no list_metadata; the roles of an organization are not paginated.
export const RoleList = Type.Object({ object: Type.Literal('list'), data: Type.Array(Type.Ref('Role')) });

export const listOrganizationRoles = {
  operationId: 'AuthorizationOrganizationRolesController_list',
  tags: ['authorization'],
  params: Type.Object({ organizationId: Type.String({ description: 'The ID of the organization.' }) }),
  response: { 200: RoleList, 403: ErrorBody, 404: ErrorBody },
};

// workos-node before 11 (`organizations.listOrganizationRoles`, e.g. 8.x) reads the same list from
// /organizations/{id}/roles, a path the spec no longer gives; served so both SDK lines work.
export const listOrganizationRolesLegacy = {
  ...listOrganizationRoles,
  operationId: 'FlagstandCompat_listOrganizationRoles',
  tags: ['compat'],
  description: 'The roles of an organization at the path workos-node before 11 calls (same body as /authorization/organizations/{id}/roles).',
};
