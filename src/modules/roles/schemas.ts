import { Type, type Static } from '@sinclair/typebox';
import { ErrorBody, Nullable, StringEnum, Timestamp } from '../../http/schemas.js';
import { ResourceTypeSlug } from '../permissions/schemas.js';

// TypeBox mirrors of the spec components Role, RoleList and the role DTOs (@workos/openapi-spec 0.1.0).
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

// spec: RoleList has no list_metadata; roles are not paginated.
export const RoleList = Type.Object({ object: Type.Literal('list'), data: Type.Array(Type.Ref('Role')) });

const Name = Type.String({ minLength: 1, maxLength: 48, description: 'A descriptive name for the role.' });
const Description = Nullable(Type.String({ maxLength: 150, description: 'An optional description of the role.' }));

export const CreateRoleBody = Type.Object({
  // Environment role slugs: lowercase letters, digits, hyphens and underscores (decision; the spec gives only the length).
  // `org-` is left to organization roles, so a slug never names both kinds.
  slug: Type.String({ minLength: 1, maxLength: 48, pattern: '^(?!org-)[a-z0-9][a-z0-9_-]*$', description: "A unique slug for the role (not beginning with 'org-')." }),
  name: Name,
  description: Type.Optional(Description),
  resource_type_slug: Type.Optional(ResourceTypeSlug),
});
export type CreateRoleBody = Static<typeof CreateRoleBody>;

export const CreateOrganizationRoleBody = Type.Object({
  // spec: "must begin with 'org-' and contain only lowercase letters, numbers, hyphens, and underscores".
  slug: Type.Optional(
    Type.String({ maxLength: 48, pattern: '^org-[a-z0-9_-]+$', description: "A unique slug within the organization, beginning with 'org-'. Generated from the name when omitted." }),
  ),
  name: Name,
  description: Type.Optional(Description),
  resource_type_slug: Type.Optional(ResourceTypeSlug),
});
export type CreateOrganizationRoleBody = Static<typeof CreateOrganizationRoleBody>;

export const UpdateRoleBody = Type.Object({ name: Type.Optional(Name), description: Type.Optional(Description) });
export type UpdateRoleBody = Static<typeof UpdateRoleBody>;

export const SetPermissionsBody = Type.Object({
  permissions: Type.Array(Type.String({ minLength: 1 }), { description: 'The permission slugs to assign to the role.' }),
});
export type SetPermissionsBody = Static<typeof SetPermissionsBody>;

export const AddPermissionBody = Type.Object({ slug: Type.String({ minLength: 1, description: 'The slug of the permission to add to the role.' }) });
export type AddPermissionBody = Static<typeof AddPermissionBody>;

const tags = ['authorization'];
const RoleRef = Type.Ref('Role');
const Slug = { slug: Type.String({ description: 'The slug of the role.' }) };
const OrgParams = Type.Object({ organizationId: Type.String({ description: 'The ID of the organization.' }) });
const OrgRoleParams = Type.Object({ organizationId: Type.String({ description: 'The ID of the organization.' }), ...Slug });
const EnvRoleParams = Type.Object(Slug);

// Environment roles.
export const listRoles = { operationId: 'AuthorizationRolesController_list', tags, response: { 200: RoleList, 403: ErrorBody } };
export const createRole = {
  operationId: 'AuthorizationRolesController_create',
  tags,
  body: CreateRoleBody,
  response: { 201: RoleRef, 400: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody, 422: ErrorBody },
};
export const getRole = { operationId: 'AuthorizationRolesController_get', tags, params: EnvRoleParams, response: { 200: RoleRef, 403: ErrorBody, 404: ErrorBody } };
export const updateRole = {
  operationId: 'AuthorizationRolesController_update',
  tags,
  params: EnvRoleParams,
  body: UpdateRoleBody,
  response: { 200: RoleRef, 400: ErrorBody, 403: ErrorBody, 404: ErrorBody, 422: ErrorBody },
};
export const setRolePermissions = {
  operationId: 'AuthorizationRolePermissionsController_setPermissions',
  tags,
  params: EnvRoleParams,
  body: SetPermissionsBody,
  response: { 200: RoleRef, 400: ErrorBody, 403: ErrorBody, 404: ErrorBody, 422: ErrorBody },
};
export const addRolePermission = {
  operationId: 'AuthorizationRolePermissionsController_addPermission',
  tags,
  params: EnvRoleParams,
  body: AddPermissionBody,
  response: { 200: RoleRef, 400: ErrorBody, 403: ErrorBody, 404: ErrorBody, 422: ErrorBody },
};

// Organization roles (the environment's, then the organization's custom ones).
export const listOrganizationRoles = {
  operationId: 'AuthorizationOrganizationRolesController_list',
  tags,
  params: OrgParams,
  response: { 200: RoleList, 403: ErrorBody, 404: ErrorBody },
};
export const createOrganizationRole = {
  operationId: 'AuthorizationOrganizationRolesController_create',
  tags,
  params: OrgParams,
  body: CreateOrganizationRoleBody,
  response: { 201: RoleRef, 400: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody, 422: ErrorBody },
};
export const getOrganizationRole = {
  operationId: 'AuthorizationOrganizationRolesController_get',
  tags,
  params: OrgRoleParams,
  response: { 200: RoleRef, 403: ErrorBody, 404: ErrorBody },
};
export const updateOrganizationRole = {
  operationId: 'AuthorizationOrganizationRolesController_update',
  tags,
  params: OrgRoleParams,
  body: UpdateRoleBody,
  response: { 200: RoleRef, 400: ErrorBody, 403: ErrorBody, 404: ErrorBody, 422: ErrorBody },
};
export const deleteOrganizationRole = {
  operationId: 'AuthorizationOrganizationRolesController_delete',
  tags,
  params: OrgRoleParams,
  response: { 204: Type.Null({ description: 'No Content' }), 400: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody },
};
export const setOrganizationRolePermissions = {
  operationId: 'AuthorizationOrganizationRolePermissionsController_setPermissions',
  tags,
  params: OrgRoleParams,
  body: SetPermissionsBody,
  response: { 200: RoleRef, 403: ErrorBody, 404: ErrorBody, 422: ErrorBody },
};
export const addOrganizationRolePermission = {
  operationId: 'AuthorizationOrganizationRolePermissionsController_addPermission',
  tags,
  params: OrgRoleParams,
  body: AddPermissionBody,
  response: { 200: RoleRef, 400: ErrorBody, 403: ErrorBody, 404: ErrorBody, 422: ErrorBody },
};
export const removeOrganizationRolePermission = {
  operationId: 'AuthorizationOrganizationRolePermissionsController_removePermission',
  tags,
  params: Type.Object({ ...OrgRoleParams.properties, permissionSlug: Type.String({ description: 'The slug of the permission to remove.' }) }),
  response: { 200: RoleRef, 403: ErrorBody, 404: ErrorBody },
};

// workos-node before 11 (`organizations.listOrganizationRoles`, e.g. 8.x) reads the same list from
// /organizations/{id}/roles, a path the spec no longer gives; served so both SDK lines work.
export const listOrganizationRolesLegacy = {
  ...listOrganizationRoles,
  operationId: 'FlagstandCompat_listOrganizationRoles',
  tags: ['compat'],
  description: 'The roles of an organization at the path workos-node before 11 calls (same body as /authorization/organizations/{id}/roles).',
};
